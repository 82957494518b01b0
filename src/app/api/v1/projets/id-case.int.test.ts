// Project ids in any letter case on every /api/v1/projets/{id}… route (CONTRACT §8, issue #15 item 8):
// an upper-case UUID passed validation but every lookup answered 404, and DELETE …/permissions left
// the permission in place.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { useDatabase } from "@/db";
import { projectLinks, projectPermissions } from "@/db/schema";
import { createTestDatabase, type TestDatabase } from "@/test/test-database";
import { call, keyFor, lyon } from "../testing/api-test-kit";
import * as projets from "./route";
import * as projet from "./[id]/route";
import * as externalId from "./[id]/external-id/route";
import * as permissions from "./[id]/permissions/route";

let handle: TestDatabase;
let mec: string;
let tet: string;
let id: string;
let upper: string;

beforeAll(async () => {
  handle = await createTestDatabase();
  useDatabase(handle);
  mec = (await keyFor(handle.db, "mec", { endpoint: true })).key;
  tet = (await keyFor(handle.db, "tet", { endpoint: true })).key;
  const created = await call(projets.POST, {
    method: "POST",
    path: "/api/v1/projets",
    key: mec,
    body: { externalId: "casse-1", nom: "Halle", collectivites: [lyon] },
  });
  id = created.body.id;
  upper = id.toUpperCase();
});
afterAll(async () => handle?.destroy());

const at = (suffix = "") => `/api/v1/projets/${upper}${suffix}`;

describe("/api/v1/projets/{id} with an upper-case id", () => {
  it("GET answers the project, with its id in lower case", async () => {
    const response = await call(projet.GET, { path: at(), key: mec, params: { id: upper } });
    expect(response.status).toBe(200);
    expect(response.body.id).toBe(id);
    const mixed = id.slice(0, 10).toUpperCase() + id.slice(10);
    expect((await call(projet.GET, { path: `/api/v1/projets/${mixed}`, key: mec, params: { id: mixed } })).body.id).toBe(id);
  });

  it("PATCH changes the project", async () => {
    const response = await call(projet.PATCH, { method: "PATCH", path: at(), key: mec, params: { id: upper }, body: { programme: "PVD" } });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ id, version: 2 });
  });

  it("PUT …/external-id links the calling service", async () => {
    const response = await call(externalId.PUT, { method: "PUT", path: at("/external-id"), key: tet, params: { id: upper }, body: { externalId: "tet-9" } });
    expect(response.status).toBe(200);
    expect(response.body.id).toBe(id);
    const links = await handle.db.select().from(projectLinks).where(eq(projectLinks.projectId, id));
    expect(links.map((l) => l.externalId).sort()).toEqual(["casse-1", "tet-9"]);
  });

  it("PUT, GET and DELETE …/permissions grant, read and revoke", async () => {
    const email = "agent@exemple.fr";
    const put = await call(permissions.PUT, { method: "PUT", path: at("/permissions"), key: mec, params: { id: upper }, body: { email, niveau: "READ" } });
    expect(put.status).toBe(200);
    const get = await call(permissions.GET, { path: at(`/permissions?email=${email}`), key: mec, params: { id: upper } });
    expect(get.body).toEqual({ niveau: "READ" });
    expect(await handle.db.select().from(projectPermissions).where(eq(projectPermissions.projectId, id))).toHaveLength(1);
    const del = await call(permissions.DELETE, { method: "DELETE", path: at("/permissions"), key: mec, params: { id: upper }, body: { email } });
    expect(del.status).toBe(204);
    expect(await handle.db.select().from(projectPermissions).where(eq(projectPermissions.projectId, id))).toHaveLength(0);
  });

  it("a malformed id is still a 400", async () => {
    const response = await call(projet.GET, { path: "/api/v1/projets/XYZ", key: mec, params: { id: "XYZ" } });
    expect(response.status).toBe(400);
  });
});

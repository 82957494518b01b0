// Permissions (READ/WRITE per hashed email, porteur implicit WRITE, X-User-Email checks), personal
// data erasure, GET /statuts, and the guarantee that no permission email is stored in clear.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { useDatabase } from "@/db";
import { rowsOf } from "@/db/client";
import { deliveries, events, projectPermissions } from "@/db/schema";
import { withDeliveryBodies } from "@/modules/outbox/read-delivery-bodies";
import { expandEvents } from "@/modules/outbox/expand-events";
import { env } from "@/env";
import { hashEmail as hashEmailWith } from "@/modules/permissions/hash-email";
import { createTestDatabase, type TestDatabase } from "@/test/test-database";
import { call, keyFor, lyon } from "./testing/api-test-kit";
import * as projets from "./projets/route";
import * as projet from "./projets/[id]/route";
import * as permissions from "./projets/[id]/permissions/route";
import * as effacement from "./utilisateurs/effacement/route";
import * as statuts from "./statuts/route";

/** The hash the API stores for an email: the hub's own secret, as the routes read it. */
const hashEmail = (email: string) => hashEmailWith(email, env.EMAIL_HASH_SECRET);

let handle: TestDatabase;
let mec: string;
let tet: string;
let id: string;

const reader = "Lecture.Seule@Exemple.fr";
const writer = "ecriture@exemple.fr";
const porteur = "porteur.referent@mairie-exemple.fr";

beforeAll(async () => {
  handle = await createTestDatabase();
  useDatabase(handle);
  mec = (await keyFor(handle.db, "mec", { endpoint: true })).key;
  tet = (await keyFor(handle.db, "tet", { endpoint: true })).key;
  await keyFor(handle.db, "recoco", { endpoint: true });
  const created = await call(projets.POST, {
    method: "POST",
    path: "/api/v1/projets",
    key: mec,
    body: { externalId: "perm-1", nom: "Médiathèque", porteur: { email: porteur, nom: "Durand", prenom: "Alix", codeSiret: "21690123100011" }, collectivites: [lyon] },
  });
  id = created.body.id;
});
afterAll(async () => handle?.destroy());

const perm = (method: "PUT" | "DELETE" | "GET", body?: unknown, options: { key?: string; user?: string; email?: string } = {}) => {
  const handler = permissions[method];
  const query = options.email ? `?email=${encodeURIComponent(options.email)}` : "";
  return call(handler, { method, path: `/api/v1/projets/${id}/permissions${query}`, key: options.key ?? mec, params: { id }, body, user: options.user });
};

describe("/api/v1/projets/{id}/permissions", () => {
  it("a linked service grants, reads and revokes; the email is matched trimmed and case-insensitively", async () => {
    expect((await perm("PUT", { email: reader, niveau: "READ" })).body).toEqual({ niveau: "READ" });
    expect((await perm("PUT", { email: writer, niveau: "READ" })).status).toBe(200);
    expect((await perm("PUT", { email: ` ${writer.toUpperCase()} `, niveau: "WRITE" })).body).toEqual({ niveau: "WRITE" });
    expect((await perm("GET", undefined, { email: "lecture.seule@exemple.fr", key: tet })).body).toEqual({ niveau: "READ" });
    expect((await perm("GET", undefined, { email: writer })).body).toEqual({ niveau: "WRITE" });
    expect((await perm("GET", undefined, { email: porteur })).body).toEqual({ niveau: "WRITE" });
    const rows = await handle.db.select().from(projectPermissions);
    expect(rows.map((r) => r.emailHash).sort()).toEqual([hashEmail(reader), hashEmail(writer)].sort());
    const temp = "temporaire@exemple.fr";
    await perm("PUT", { email: temp, niveau: "READ" });
    expect((await perm("DELETE", { email: temp })).status).toBe(204);
    expect((await perm("DELETE", { email: temp })).status).toBe(204);
    expect((await perm("GET", undefined, { email: temp })).status).toBe(404);
  });

  it("X-User-Email: READ reads, WRITE writes, the porteur writes, anyone else gets 403", async () => {
    const read = (user: string) => call(projet.GET, { path: `/api/v1/projets/${id}`, key: mec, params: { id }, user });
    const write = (user: string, nom: string) => call(projet.PATCH, { method: "PATCH", path: `/api/v1/projets/${id}`, key: mec, params: { id }, user, body: { nom } });
    expect((await read(reader)).status).toBe(200);
    expect((await read("inconnu@exemple.fr")).status).toBe(403);
    expect((await write(reader, "Non")).status).toBe(403);
    expect((await write(writer, "Médiathèque Nord")).status).toBe(200);
    expect((await write(porteur.toUpperCase(), "Médiathèque Sud")).status).toBe(200);
    // Upsert of an existing project is a write too.
    const upsert = await call(projets.POST, { method: "POST", path: "/api/v1/projets", key: mec, user: reader, body: { externalId: "perm-1", nom: "Non" } });
    expect(upsert.status).toBe(403);
    // A user with READ may not grant; the listing shows only the user's projects.
    expect((await perm("PUT", { email: "x@exemple.fr", niveau: "WRITE" }, { user: reader })).status).toBe(403);
    await call(projets.POST, { method: "POST", path: "/api/v1/projets", key: mec, body: { externalId: "perm-2", nom: "Autre", collectivites: [lyon] } });
    const mine = await call(projets.GET, { path: "/api/v1/projets", key: mec, user: reader });
    expect(mine.body.items.map((p: { id: string }) => p.id)).toEqual([id]);
    const all = await call(projets.GET, { path: "/api/v1/projets", key: mec });
    expect(all.body.items).toHaveLength(2);
  });

  it("no response and no table ever holds a permission email in clear", async () => {
    const responses = [
      await perm("GET", undefined, { email: reader }),
      await call(projet.GET, { path: `/api/v1/projets/${id}`, key: tet, params: { id } }),
      await call(projets.GET, { path: "/api/v1/projets", key: tet }),
    ];
    for (const r of responses) {
      const text = JSON.stringify(r.body).toLowerCase();
      for (const email of [reader, writer]) {
        expect(text).not.toContain(email.toLowerCase());
        expect(text).not.toContain(hashEmail(email));
      }
    }
    for (const email of [reader, writer]) expect(await columnsContaining(email)).toEqual([]);
  });
});

/** `table.column` of every text and json column of the public schema whose value contains `needle` (any case). */
async function columnsContaining(needle: string): Promise<string[]> {
  const columns = rowsOf<{ table_name: string; column_name: string }>(
    await handle.db.execute(sql`select table_name, column_name from information_schema.columns
      where table_schema = 'public' and data_type in ('text', 'jsonb', 'json', 'character varying')`),
  );
  expect(columns.length).toBeGreaterThan(10);
  const found: string[] = [];
  for (const { table_name, column_name } of columns) {
    const [row] = rowsOf<{ n: number }>(
      await handle.db.execute(
        sql`select count(*)::int as n from ${sql.identifier(table_name)} where lower(${sql.identifier(column_name)}::text) like ${`%${needle.toLowerCase()}%`}`,
      ),
    );
    if (row!.n > 0) found.push(`${table_name}.${column_name}`);
  }
  return found;
}

describe("POST /api/v1/utilisateurs/effacement", () => {
  it("erases permissions and porteur contact fields, bumps and announces, then is idempotent", async () => {
    await perm("PUT", { email: porteur, niveau: "READ" });
    // The sweep below finds the porteur before the erasure (project row, stored webhook bodies).
    expect(await columnsContaining(porteur)).toEqual(expect.arrayContaining(["projects.porteur_email", "events.body"]));
    expect(await columnsContaining("durand")).not.toEqual([]);
    const before = (await call(projet.GET, { path: `/api/v1/projets/${id}`, key: mec, params: { id } })).body;
    const erased = await call(effacement.POST, { method: "POST", path: "/api/v1/utilisateurs/effacement", key: tet, body: { email: ` ${porteur.toUpperCase()}` } });
    expect(erased.status).toBe(200);
    expect(erased.body).toEqual({ permissionsSupprimees: 1, projetsModifies: 1 });
    const after = (await call(projet.GET, { path: `/api/v1/projets/${id}`, key: mec, params: { id } })).body;
    expect(after.version).toBe(before.version + 1);
    expect(after.porteur).toEqual({ email: null, nom: null, prenom: null, telephone: null, fonction: null, codeSiret: "21690123100011" });

    await expandEvents(handle.db); // as the delivery driver does
    const sent = await withDeliveryBodies(handle.db, await handle.db.select().from(deliveries));
    const effaceBodies = sent.filter((d) => d.eventType === "utilisateur.efface").map((d) => d.body!);
    expect(effaceBodies.length).toBe(2); // mec and recoco, not tet (the author)
    for (const body of effaceBodies) {
      expect(body.toLowerCase()).not.toContain(porteur);
      expect(body).not.toContain("Durand");
      expect(JSON.parse(body).data.projets).toEqual([id]);
    }
    const modifie = sent.filter((d) => d.eventType === "projet.modifie" && d.projectVersion === after.version);
    expect(modifie.length).toBe(2);
    expect(JSON.parse(modifie[0]!.body!).data.changements).toEqual(["porteur"]);

    // Nowhere any more, the outbox's stored bodies (sent again by replays) included.
    expect(await columnsContaining(porteur)).toEqual([]);
    expect(await columnsContaining("durand")).toEqual([]);

    const eventsBefore = (await handle.db.select().from(events)).length;
    const again = await call(effacement.POST, { method: "POST", path: "/api/v1/utilisateurs/effacement", key: tet, body: { email: porteur } });
    expect(again.body).toEqual({ permissionsSupprimees: 0, projetsModifies: 0 });
    expect((await handle.db.select().from(events)).length).toBe(eventsBefore);
    expect((await perm("GET", undefined, { email: porteur })).status).toBe(404);
    const [{ n }] = rowsOf<{ n: number }>(await handle.db.execute(sql`select count(*)::int as n from projects where porteur_email_hash is not null and id = ${id}`)) as [{ n: number }];
    expect(n).toBe(0);
  });

  it("also clears a former porteur from the stored bodies of a project that has another porteur now", async () => {
    const former = "ancienne.porteuse@mairie-exemple.fr";
    const successor = "nouveau.porteur@mairie-exemple.fr";
    const write = (email: string, nom: string) =>
      call(projets.POST, {
        method: "POST",
        path: "/api/v1/projets",
        key: mec,
        body: { externalId: "perm-3", nom: "Gymnase", porteur: { email, nom, codeSiret: "21690123100011" }, collectivites: [lyon] },
      });
    expect((await write(former, "Martinache")).status).toBe(201);
    expect((await write(successor, "Bernardeau")).status).toBe(200);
    const formerEvents = sql`select count(*)::int as n from events where porteur_email_hash = ${hashEmail(former)}`;
    expect(rowsOf<{ n: number }>(await handle.db.execute(formerEvents))[0]!.n).toBe(1);
    expect(await columnsContaining(former)).toEqual(["events.body"]);

    const erased = await call(effacement.POST, { method: "POST", path: "/api/v1/utilisateurs/effacement", key: tet, body: { email: former } });
    expect(erased.body).toEqual({ permissionsSupprimees: 0, projetsModifies: 0 });
    expect(await columnsContaining(former)).toEqual([]);
    expect(await columnsContaining("martinache")).toEqual([]);
    expect(rowsOf<{ n: number }>(await handle.db.execute(formerEvents))[0]!.n).toBe(0);
    // The current porteur is someone else, untouched.
    expect(await columnsContaining(successor)).toEqual(expect.arrayContaining(["projects.porteur_email", "events.body"]));
    expect(await columnsContaining("bernardeau")).not.toEqual([]);
  });
});

describe("GET /api/v1/statuts", () => {
  it("lists the generic statuses and the caller's own mapping with its defaults", async () => {
    const response = await call(statuts.GET, { path: "/api/v1/statuts", key: tet });
    expect(response.status).toBe(200);
    expect(response.body.generiques.map((g: { code: string }) => g.code)).toEqual(["IDEE", "FAISABILITE", "EN_COURS", "IMPACTE", "ABANDONNE", "TERMINE"]);
    expect(response.body.correspondances).toContainEqual({ libelle: "En pause", generique: "IMPACTE", parDefaut: false });
    expect(response.body.correspondances).toContainEqual({ libelle: "En retard", generique: "IMPACTE", parDefaut: true });
    expect(response.body.correspondances).toHaveLength(8);
  });
});

// Bulk permission sync, withdrawal by the granting service and grants per service (CONTRACT §8,
// issue #13): all or nothing with every failing path, 403 listing unlinked projects, idempotence,
// the higher of two services' grants, and the single-permission routes on the new model.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { useDatabase } from "@/db";
import { rowsOf } from "@/db/client";
import { projectPermissions } from "@/db/schema";
import { env } from "@/env";
import { hashEmail as hashEmailWith } from "@/modules/permissions/hash-email";
import { PERMISSION_SYNC_BODY_LIMIT_BYTES } from "@/server/http/with-api-key";
import { createTestDatabase, type TestDatabase } from "@/test/test-database";
import { call, keyFor, lyon } from "../testing/api-test-kit";
import * as projets from "../projets/route";
import * as externalId from "../projets/[id]/external-id/route";
import * as permissions from "../projets/[id]/permissions/route";
import * as effacement from "../utilisateurs/effacement/route";
import * as retrait from "../utilisateurs/retrait/route";
import * as sync from "./sync/route";

/** The hash the API stores for an email: the hub's own secret, as the routes read it. */
const hashEmail = (email: string) => hashEmailWith(email, env.EMAIL_HASH_SECRET);

let handle: TestDatabase;
let mec: string;
let tet: string;
let mecId: string;
let tetId: string;
/** Created by MEC; TeT linked too. */
let shared: string;
/** Created by MEC only. */
let mecOnly: string;
/** Created by TeT only. */
let tetOnly: string;

async function create(key: string, ext: string, extra: Record<string, unknown> = {}): Promise<string> {
  const r = await call(projets.POST, { method: "POST", path: "/api/v1/projets", key, body: { externalId: ext, nom: `Projet ${ext}`, collectivites: [lyon], ...extra } });
  expect(r.status).toBe(201);
  return r.body.id;
}

beforeAll(async () => {
  handle = await createTestDatabase();
  useDatabase(handle);
  ({ key: mec, serviceId: mecId } = await keyFor(handle.db, "mec", { endpoint: true }));
  ({ key: tet, serviceId: tetId } = await keyFor(handle.db, "tet", { endpoint: true }));
  shared = await create(mec, "partage", { porteur: { email: "porteur@mairie-exemple.fr" } });
  const linked = await call(externalId.PUT, { method: "PUT", path: `/api/v1/projets/${shared}/external-id`, key: tet, params: { id: shared }, body: { externalId: "tet-partage" } });
  expect(linked.status).toBe(200);
  mecOnly = await create(mec, "mec-seul");
  tetOnly = await create(tet, "tet-seul");
});
afterAll(async () => handle?.destroy());

const syncCall = (body: unknown, options: { key?: string; user?: string } = {}) =>
  call(sync.POST, { method: "POST", path: "/api/v1/permissions/sync", key: options.key ?? mec, body, user: options.user });

const level = async (projectId: string, email: string) => {
  const r = await call(permissions.GET, {
    path: `/api/v1/projets/${projectId}/permissions?email=${encodeURIComponent(email)}`,
    key: mec,
    params: { id: projectId },
  });
  return r.status === 200 ? r.body.niveau : r.status;
};

/** Every grant as `project|hash|granting service|niveau|updated_at`, to prove nothing moved. */
async function grants(): Promise<string[]> {
  const rows = rowsOf<{ g: string }>(
    await handle.db.execute(
      sql`select concat_ws('|', project_id, email_hash, granted_by_service_id, niveau, updated_at) as g from project_permissions order by 1`,
    ),
  );
  return rows.map((r) => r.g);
}

async function clear() {
  await handle.db.delete(projectPermissions);
}

describe("POST /api/v1/permissions/sync", () => {
  it("grants and revokes the caller's permissions, answers the counts, and is idempotent", async () => {
    await clear();
    const body = {
      accorder: [
        { projetId: shared, email: "Agent.Un@Exemple.fr", niveau: "READ" },
        { projetId: mecOnly.toUpperCase(), email: "agent.deux@exemple.fr", niveau: "WRITE" },
        { projetId: shared, email: "agent.trois@exemple.fr", niveau: "WRITE" },
      ],
      retirer: [{ projetId: shared, email: "jamais.vu@exemple.fr" }],
    };
    const first = await syncCall(body);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ accordees: 3, retirees: 1 });
    expect(await level(shared, " agent.un@exemple.fr ")).toBe("READ");
    expect(await level(mecOnly, "agent.deux@exemple.fr")).toBe("WRITE");
    expect(await level(shared, "agent.trois@exemple.fr")).toBe("WRITE");
    const rows = await handle.db.select().from(projectPermissions);
    expect(rows).toHaveLength(3);
    expect(new Set(rows.map((r) => r.grantedByServiceId))).toEqual(new Set([mecId]));
    expect(rows.map((r) => r.emailHash).sort()).toEqual(
      ["agent.un@exemple.fr", "agent.deux@exemple.fr", "agent.trois@exemple.fr"].map((e) => hashEmail(e)).sort(),
    );

    // The same call again: the same answer, and not a row rewritten.
    const before = await grants();
    const again = await syncCall(body);
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ accordees: 3, retirees: 1 });
    expect(await grants()).toEqual(before);

    // A change of level and a removal in one call.
    const next = await syncCall({
      accorder: [{ projetId: shared, email: "agent.un@exemple.fr", niveau: "WRITE" }],
      retirer: [{ projetId: shared, email: "AGENT.TROIS@exemple.fr" }],
    });
    expect(next.body).toEqual({ accordees: 1, retirees: 1 });
    expect(await level(shared, "agent.un@exemple.fr")).toBe("WRITE");
    expect(await level(shared, "agent.trois@exemple.fr")).toBe(404);
    // Only `retirer`, or only `accorder`, is a valid call too.
    expect((await syncCall({ retirer: [{ projetId: mecOnly, email: "agent.deux@exemple.fr" }] })).body).toEqual({ accordees: 0, retirees: 1 });
    expect(await level(mecOnly, "agent.deux@exemple.fr")).toBe(404);
  });

  it("all or nothing: 400 lists every failing path and writes nothing", async () => {
    await clear();
    await syncCall({ accorder: [{ projetId: shared, email: "deja@exemple.fr", niveau: "READ" }] });
    const before = await grants();
    const r = await syncCall({
      accorder: [
        { projetId: shared, email: "valide@exemple.fr", niveau: "WRITE" },
        { projetId: shared, email: "pas-une-adresse", niveau: "READ" },
        { projetId: "123", email: "x@exemple.fr", niveau: "ADMIN" },
        { projetId: shared, email: "y@exemple.fr" },
      ],
      retirer: [{ projetId: shared, email: "deja@exemple.fr", inconnu: 1 }],
    });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe("validation_failed");
    const paths = r.body.error.details.map((d: { path: string }) => d.path).sort();
    expect(paths).toEqual(["accorder.1.email", "accorder.2.niveau", "accorder.2.projetId", "accorder.3.niveau", "retirer.0"].sort());
    expect(await grants()).toEqual(before);
  });

  it("400 on an empty call, more than 10,000 entries, unknown properties or the same person twice on a project", async () => {
    const before = await grants();
    for (const body of [{}, { accorder: [] }, { accorder: [], retirer: [] }, { accorder: "non" }, { autre: [] }, [], null]) {
      const r = await syncCall(body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.code).toBe("validation_failed");
    }
    const tooMany = await syncCall({
      accorder: Array.from({ length: 6000 }, (_, i) => ({ projetId: shared, email: `a${i}@exemple.fr`, niveau: "READ" })),
      retirer: Array.from({ length: 4001 }, (_, i) => ({ projetId: shared, email: `r${i}@exemple.fr` })),
    });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.details).toEqual([{ path: "(corps)", message: expect.stringContaining("10000") }]);
    const twice = await syncCall({
      accorder: [
        { projetId: shared, email: "double@exemple.fr", niveau: "READ" },
        { projetId: mecOnly, email: "double@exemple.fr", niveau: "READ" },
      ],
      retirer: [{ projetId: shared.toUpperCase(), email: " DOUBLE@exemple.fr" }],
    });
    expect(twice.status).toBe(400);
    expect(twice.body.error.details).toEqual([{ path: "retirer.0.email", message: expect.stringContaining("accorder.0") }]);
    expect(await grants()).toEqual(before);
  });

  it("403 with details.projets when the caller is not linked to some projects (unknown ids included), nothing written", async () => {
    await clear();
    const unknown = "00000000-0000-4000-8000-000000000000";
    const r = await syncCall({
      accorder: [
        { projetId: shared, email: "a@exemple.fr", niveau: "READ" },
        { projetId: tetOnly, email: "a@exemple.fr", niveau: "READ" },
        { projetId: mecOnly, email: "a@exemple.fr", niveau: "READ" },
      ],
      retirer: [
        { projetId: unknown, email: "a@exemple.fr" },
        { projetId: tetOnly.toUpperCase(), email: "b@exemple.fr" },
      ],
    });
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe("forbidden");
    expect(r.body.error.details.projets).toEqual([unknown, tetOnly].sort());
    expect(await grants()).toEqual([]);
  });

  it("with X-User-Email, the acting user needs WRITE on every project", async () => {
    await clear();
    await syncCall({ accorder: [{ projetId: shared, email: "chef@exemple.fr", niveau: "WRITE" }, { projetId: mecOnly, email: "chef@exemple.fr", niveau: "READ" }] });
    const before = await grants();
    const denied = await syncCall({ accorder: [{ projetId: shared, email: "x@exemple.fr", niveau: "READ" }, { projetId: mecOnly, email: "x@exemple.fr", niveau: "READ" }] }, { user: "chef@exemple.fr" });
    expect(denied.status).toBe(403);
    expect(denied.body.error.details.projets).toEqual([mecOnly]);
    expect(await grants()).toEqual(before);
    const allowed = await syncCall({ accorder: [{ projetId: shared, email: "x@exemple.fr", niveau: "READ" }] }, { user: "porteur@mairie-exemple.fr" });
    expect(allowed.status).toBe(200);
  });

  it("takes 10,000 entries in one call, in a body under its limit even with the longest addresses, pretty-printed", async () => {
    await clear();
    const local = "l".repeat(64);
    const domain = `${"d".repeat(63)}.${"e".repeat(63)}.${"f".repeat(58)}.fr`;
    const email = (i: number) => `${local}@${String(i).padStart(5, "0")}${domain.slice(5)}`;
    expect(email(1)).toHaveLength(254);
    const accorder = Array.from({ length: 10_000 }, (_, i) => ({ projetId: shared, email: email(i), niveau: i % 2 ? "READ" : "WRITE" }));
    const text = JSON.stringify({ accorder }, null, 2);
    expect(Buffer.byteLength(text)).toBeGreaterThan(1024 * 1024);
    expect(Buffer.byteLength(text)).toBeLessThan(PERMISSION_SYNC_BODY_LIMIT_BYTES);
    const r = await call(sync.POST, { method: "POST", path: "/api/v1/permissions/sync", key: mec, raw: text });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ accordees: 10_000, retirees: 0 });
    const [count] = rowsOf<{ n: number }>(await handle.db.execute(sql`select count(*)::int as n from project_permissions`));
    expect(count!.n).toBe(10_000);
    expect(await level(shared, email(9_998))).toBe("WRITE");
    const removed = await syncCall({ retirer: accorder.map(({ projetId, email }) => ({ projetId, email })) });
    expect(removed.body).toEqual({ accordees: 0, retirees: 10_000 });
    expect(await grants()).toEqual([]);
  }, 120_000);
});

describe("grants of two services on one project", () => {
  it("the person holds the higher level while either grant stands; each service removes only its own", async () => {
    await clear();
    const person = "double.acces@exemple.fr";
    expect((await syncCall({ accorder: [{ projetId: shared, email: person, niveau: "READ" }] })).status).toBe(200);
    expect((await syncCall({ accorder: [{ projetId: shared, email: person, niveau: "WRITE" }] }, { key: tet })).status).toBe(200);
    expect(await level(shared, person)).toBe("WRITE");
    const rows = await handle.db.select().from(projectPermissions);
    expect(rows.map((r) => [r.grantedByServiceId, r.niveau]).sort()).toEqual([[mecId, "READ"], [tetId, "WRITE"]].sort());

    // Acting with X-User-Email: WRITE from TeT's grant lets the person write through MEC too.
    const patch = await call((await import("../projets/[id]/route")).PATCH, {
      method: "PATCH",
      path: `/api/v1/projets/${shared}`,
      key: mec,
      params: { id: shared },
      user: person,
      body: { programme: "Fonds vert" },
    });
    expect(patch.status).toBe(200);

    // MEC's DELETE removes MEC's grant only: TeT's WRITE stands.
    const del = await call(permissions.DELETE, { method: "DELETE", path: `/api/v1/projets/${shared}/permissions`, key: mec, params: { id: shared }, body: { email: person } });
    expect(del.status).toBe(204);
    expect(await level(shared, person)).toBe("WRITE");
    // PUT by MEC sets MEC's grant again, TeT's stays.
    await call(permissions.PUT, { method: "PUT", path: `/api/v1/projets/${shared}/permissions`, key: mec, params: { id: shared }, body: { email: person, niveau: "READ" } });
    // TeT withdraws the person: MEC's READ remains, so the level falls to READ.
    const withdrawn = await call(retrait.POST, { method: "POST", path: "/api/v1/utilisateurs/retrait", key: tet, body: { email: ` ${person.toUpperCase()}` } });
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body).toEqual({ permissionsSupprimees: 1 });
    expect(await level(shared, person)).toBe("READ");
  });
});

describe("POST /api/v1/utilisateurs/retrait", () => {
  it("removes every permission the calling service granted to that person, and only those", async () => {
    await clear();
    const person = "agent.parti@exemple.fr";
    await syncCall({
      accorder: [
        { projetId: shared, email: person, niveau: "WRITE" },
        { projetId: mecOnly, email: person, niveau: "READ" },
        { projetId: shared, email: "collegue@exemple.fr", niveau: "READ" },
      ],
    });
    await syncCall({ accorder: [{ projetId: tetOnly, email: person, niveau: "WRITE" }, { projetId: shared, email: person, niveau: "READ" }] }, { key: tet });
    const r = await call(retrait.POST, { method: "POST", path: "/api/v1/utilisateurs/retrait", key: mec, body: { email: person } });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ permissionsSupprimees: 2 });
    const left = await handle.db.select().from(projectPermissions);
    expect(left.map((g) => `${g.projectId}|${g.emailHash}|${g.grantedByServiceId}`).sort()).toEqual(
      [
        `${shared}|${hashEmail("collegue@exemple.fr")}|${mecId}`,
        `${tetOnly}|${hashEmail(person)}|${tetId}`,
        `${shared}|${hashEmail(person)}|${tetId}`,
      ].sort(),
    );
    expect(await level(shared, person)).toBe("READ");
    expect(await level(mecOnly, person)).toBe(404);
    // Again: nothing left to remove.
    expect((await call(retrait.POST, { method: "POST", path: "/api/v1/utilisateurs/retrait", key: mec, body: { email: person } })).body).toEqual({
      permissionsSupprimees: 0,
    });
    // A porteur référent keeps the implicit WRITE: withdrawal is not erasure.
    expect((await call(retrait.POST, { method: "POST", path: "/api/v1/utilisateurs/retrait", key: mec, body: { email: "porteur@mairie-exemple.fr" } })).status).toBe(200);
    expect(await level(shared, "porteur@mairie-exemple.fr")).toBe("WRITE");
    for (const body of [{}, { email: "non" }, { email: person, autre: 1 }]) {
      expect((await call(retrait.POST, { method: "POST", path: "/api/v1/utilisateurs/retrait", key: mec, body })).status).toBe(400);
    }
  });

  it("the erasure still removes every grant of the person, whichever service made it", async () => {
    await clear();
    const person = "a.effacer@exemple.fr";
    await syncCall({ accorder: [{ projetId: shared, email: person, niveau: "READ" }] });
    await syncCall({ accorder: [{ projetId: shared, email: person, niveau: "WRITE" }] }, { key: tet });
    const r = await call(effacement.POST, { method: "POST", path: "/api/v1/utilisateurs/effacement", key: mec, body: { email: person } });
    expect(r.body).toEqual({ permissionsSupprimees: 2, projetsModifies: 0 });
    expect(await level(shared, person)).toBe(404);
  });
});

// Every error code of CONTRACT §1 over the route handlers: envelope, status, and nothing written.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { useDatabase } from "@/db";
import { openDatabase } from "@/db/client";
import { apiKeys, events, projects } from "@/db/schema";
import { cliActor } from "@/modules/audit/write-audit";
import { revokeApiKey } from "@/modules/keys/revoke-api-key";
import { captureLogs } from "@/server/logger";
import { jsonResponse, withApiKey } from "@/server/http/with-api-key";
import { createTestDatabase, type TestDatabase } from "@/test/test-database";
import { call, keyFor, lyon } from "./testing/api-test-kit";
import * as projets from "./projets/route";
import * as bulk from "./projets/bulk/route";
import * as projet from "./projets/[id]/route";
import * as externalId from "./projets/[id]/external-id/route";
import * as permissions from "./projets/[id]/permissions/route";
import * as effacement from "./utilisateurs/effacement/route";
import * as statuts from "./statuts/route";
import * as unknownRoute from "./[...chemin]/route";

let handle: TestDatabase;
let mec: string;
let tet: string;
let id: string;

beforeAll(async () => {
  handle = await createTestDatabase();
  useDatabase(handle);
  mec = (await keyFor(handle.db, "mec")).key;
  tet = (await keyFor(handle.db, "tet")).key;
  const created = await call(projets.POST, { method: "POST", path: "/api/v1/projets", key: mec, body: { externalId: "e-1", nom: "Projet", collectivites: [lyon] } });
  id = created.body.id;
});
afterAll(async () => handle?.destroy());

const countProjects = async () => (await handle.db.select({ id: projects.id }).from(projects)).length;

function expectError(response: { status: number; body: any }, status: number, code: string) {
  expect(response.status).toBe(status);
  expect(response.body.error.code).toBe(code);
  expect(typeof response.body.error.message).toBe("string");
  expect(JSON.stringify(response.body)).not.toMatch(/stack|at .*\.ts|node_modules/);
}

describe("/api/v1 authentication (401)", () => {
  it("refuses a missing, malformed, unknown or revoked key on every route", async () => {
    const routes = [
      () => call(projets.GET, { path: "/api/v1/projets" }),
      () => call(projets.POST, { method: "POST", path: "/api/v1/projets", key: "nope", body: {} }),
      () => call(bulk.POST, { method: "POST", path: "/api/v1/projets/bulk", key: `lc_test_0000abcd_${"A".repeat(43)}`, body: {} }),
      () => call(projet.GET, { path: `/api/v1/projets/${id}`, params: { id }, headers: { authorization: `Basic ${mec}` } }),
      () => call(projet.PATCH, { method: "PATCH", path: `/api/v1/projets/${id}`, params: { id }, body: {} }),
      () => call(externalId.PUT, { method: "PUT", path: `/api/v1/projets/${id}/external-id`, params: { id }, body: {} }),
      () => call(permissions.PUT, { method: "PUT", path: `/api/v1/projets/${id}/permissions`, params: { id }, body: {} }),
      () => call(permissions.DELETE, { method: "DELETE", path: `/api/v1/projets/${id}/permissions`, params: { id }, body: {} }),
      () => call(permissions.GET, { path: `/api/v1/projets/${id}/permissions?email=a@b.fr`, params: { id } }),
      () => call(effacement.POST, { method: "POST", path: "/api/v1/utilisateurs/effacement", body: {} }),
      () => call(statuts.GET, { path: "/api/v1/statuts" }),
    ];
    for (const route of routes) expectError(await route(), 401, "unauthorized");
  });

  it("a revoked key fails on the next call; another active key of the service keeps working", async () => {
    const { key } = await keyFor(handle.db, "recoco");
    const second = await keyFor(handle.db, "recoco");
    expect((await call(statuts.GET, { path: "/api/v1/statuts", key })).status).toBe(200);
    const [row] = await handle.db.select().from(apiKeys).where(eq(apiKeys.prefix, key.split("_").slice(0, 3).join("_")));
    expect(row!.lastUsedAt).not.toBeNull();
    await revokeApiKey(handle.db, row!.prefix, cliActor);
    expectError(await call(statuts.GET, { path: "/api/v1/statuts", key }), 401, "unauthorized");
    expect((await call(statuts.GET, { path: "/api/v1/statuts", key: second.key })).status).toBe(200);
  });
});

describe("/api/v1 bad input (400)", () => {
  it("malformed JSON, empty body, invalid UTF-8, non-object bodies", async () => {
    for (const raw of ["{", '{"externalId": "x",}', "", "nul", new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])]) {
      expectError(await call(projets.POST, { method: "POST", path: "/api/v1/projets", key: mec, raw }), 400, "validation_failed");
    }
    for (const body of [null, [], 42, "texte"]) {
      expectError(await call(projets.POST, { method: "POST", path: "/api/v1/projets", key: mec, body }), 400, "validation_failed");
    }
  });

  it("unknown properties, at the top level and nested", async () => {
    const top = await call(projets.POST, { method: "POST", path: "/api/v1/projets", key: mec, body: { externalId: "e-2", nom: "P", collectivites: [lyon], couleur: "bleu" } });
    expectError(top, 400, "validation_failed");
    expect(top.body.error.details).toEqual([expect.objectContaining({ path: "(corps)" })]);
    const nested = await call(projets.POST, { method: "POST", path: "/api/v1/projets", key: mec, body: { externalId: "e-2", nom: "P", collectivites: [{ ...lyon, nom: "Lyon" }] } });
    expectError(nested, 400, "validation_failed");
    expect(nested.body.error.details[0].path).toBe("collectivites.0");
    const patchExternalId = await call(projet.PATCH, { method: "PATCH", path: `/api/v1/projets/${id}`, key: mec, params: { id }, body: { externalId: "autre" } });
    expectError(patchExternalId, 400, "validation_failed");
  });

  it("field constraints are reported with their path, in French", async () => {
    const response = await call(projets.POST, {
      method: "POST",
      path: "/api/v1/projets",
      key: mec,
      body: {
        externalId: "",
        nom: "x".repeat(501),
        budgetPrevisionnel: -1,
        dateDebutPrevisionnelle: "2026-02-30",
        porteur: { email: "pas-un-email" },
        collectivites: [{ type: "Region", code: "84" }],
      },
    });
    expectError(response, 400, "validation_failed");
    const paths = response.body.error.details.map((d: { path: string }) => d.path).sort();
    expect(paths).toEqual(["budgetPrevisionnel", "collectivites.0.type", "dateDebutPrevisionnelle", "externalId", "nom", "porteur.email"]);
    expect(JSON.stringify(response.body)).not.toContain("pas-un-email");
  });

  it("unknown commune or EPCI codes are named, and a creation needs nom and collectivites", async () => {
    const codes = await call(projets.POST, {
      method: "POST",
      path: "/api/v1/projets",
      key: mec,
      body: { externalId: "e-3", nom: "P", collectivites: [lyon, { type: "Commune", code: "99999" }, { type: "EPCI", code: "69123" }] },
    });
    expectError(codes, 400, "validation_failed");
    expect(codes.body.error.details.map((d: { message: string }) => d.message).join(" ")).toMatch(/99999.*69123/);
    const missing = await call(projets.POST, { method: "POST", path: "/api/v1/projets", key: mec, body: { externalId: "e-4" } });
    expectError(missing, 400, "validation_failed");
    expect(missing.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(["collectivites", "nom"]);
    const cleared = await call(projet.PATCH, { method: "PATCH", path: `/api/v1/projets/${id}`, key: mec, params: { id }, body: { nom: null } });
    expectError(cleared, 400, "validation_failed");
  });

  it("malformed project id, query and X-User-Email", async () => {
    expectError(await call(projet.GET, { path: "/api/v1/projets/123", key: mec, params: { id: "123" } }), 400, "validation_failed");
    expectError(await call(projets.GET, { path: "/api/v1/projets?limit=0", key: mec }), 400, "validation_failed");
    expectError(await call(projets.GET, { path: "/api/v1/projets?limit=501", key: mec }), 400, "validation_failed");
    expectError(await call(projets.GET, { path: "/api/v1/projets?updatedSince=hier", key: mec }), 400, "validation_failed");
    expectError(await call(projets.GET, { path: "/api/v1/projets?cursor=zzz", key: mec }), 400, "validation_failed");
    // An unknown query parameter is reported at its own name, not at the body (issue #13 part 4).
    const unknownParam = await call(projets.GET, { path: "/api/v1/projets?tri=nom&limit=5", key: mec });
    expectError(unknownParam, 400, "validation_failed");
    expect(unknownParam.body.error.details).toEqual([{ path: "tri", message: "paramètre de requête inconnu" }]);
    const unknownPermissionParam = await call(permissions.GET, { path: `/api/v1/projets/${id}/permissions?email=a@exemple.fr&niveau=READ`, key: mec, params: { id } });
    expectError(unknownPermissionParam, 400, "validation_failed");
    expect(unknownPermissionParam.body.error.details).toEqual([{ path: "niveau", message: "paramètre de requête inconnu" }]);
    expectError(await call(projet.GET, { path: `/api/v1/projets/${id}`, key: mec, params: { id }, user: "pas-un-email" }), 400, "validation_failed");
    expectError(await call(permissions.GET, { path: `/api/v1/projets/${id}/permissions`, key: mec, params: { id } }), 400, "validation_failed");
  });

  it("nothing was written by any of these refusals", async () => {
    expect(await countProjects()).toBe(1);
  });
});

describe("/api/v1 other error codes", () => {
  it("404 for an unknown project, permission or route", async () => {
    const unknown = "00000000-0000-4000-8000-000000000000";
    expectError(await call(projet.GET, { path: `/api/v1/projets/${unknown}`, key: mec, params: { id: unknown } }), 404, "not_found");
    expectError(await call(projet.PATCH, { method: "PATCH", path: `/api/v1/projets/${unknown}`, key: mec, params: { id: unknown }, body: {} }), 404, "not_found");
    expectError(
      await call(externalId.PUT, { method: "PUT", path: `/api/v1/projets/${unknown}/external-id`, key: tet, params: { id: unknown }, body: { externalId: "t" } }),
      404,
      "not_found",
    );
    expectError(await call(permissions.GET, { path: `/api/v1/projets/${id}/permissions?email=absent@exemple.fr`, key: mec, params: { id } }), 404, "not_found");
    expectError(await call(unknownRoute.GET, { path: "/api/v1/inconnu", key: mec }), 404, "not_found");
  });

  it("403 when a service that is not linked writes", async () => {
    expectError(await call(projet.PATCH, { method: "PATCH", path: `/api/v1/projets/${id}`, key: tet, params: { id }, body: { nom: "Autre" } }), 403, "forbidden");
    expectError(
      await call(permissions.PUT, { method: "PUT", path: `/api/v1/projets/${id}/permissions`, key: tet, params: { id }, body: { email: "a@b.fr", niveau: "READ" } }),
      403,
      "forbidden",
    );
    expectError(
      await call(permissions.DELETE, { method: "DELETE", path: `/api/v1/projets/${id}/permissions`, key: tet, params: { id }, body: { email: "a@b.fr" } }),
      403,
      "forbidden",
    );
  });

  it("409 when the externalId already points at another project, or the service is linked with another id", async () => {
    const other = await call(projets.POST, { method: "POST", path: "/api/v1/projets", key: tet, body: { externalId: "t-1", nom: "TeT", collectivites: [lyon] } });
    const conflict = await call(externalId.PUT, { method: "PUT", path: `/api/v1/projets/${id}/external-id`, key: tet, params: { id }, body: { externalId: "t-1" } });
    expectError(conflict, 409, "conflict");
    const linked = await call(externalId.PUT, { method: "PUT", path: `/api/v1/projets/${id}/external-id`, key: mec, params: { id }, body: { externalId: "e-other" } });
    expectError(linked, 409, "conflict");
    const again = await call(externalId.PUT, { method: "PUT", path: `/api/v1/projets/${id}/external-id`, key: mec, params: { id }, body: { externalId: "e-1" } });
    expect(again.status).toBe(200);
    expect(other.status).toBe(201);
  });

  it("422 unknown_status lists the caller's accepted labels and writes nothing", async () => {
    const before = (await handle.db.select().from(events)).length;
    const response = await call(projet.PATCH, { method: "PATCH", path: `/api/v1/projets/${id}`, key: mec, params: { id }, body: { statut: "En cours" } });
    expectError(response, 422, "unknown_status");
    expect(response.body.error.details.accepted).toContain("Etudes opérationnelles en cours");
    expect(response.body.error.details.accepted).not.toContain("En cours");
    const created = await call(projets.POST, { method: "POST", path: "/api/v1/projets", key: mec, body: { externalId: "e-9", nom: "P", statut: "Réalisé", collectivites: [lyon] } });
    expectError(created, 422, "unknown_status");
    expect((await handle.db.select().from(events)).length).toBe(before);
  });

  it("/bulk reports an unknown label as a 400 at projets.<i>.statut, together with every other failing index", async () => {
    const before = await countProjects();
    const response = await call(bulk.POST, {
      method: "POST",
      path: "/api/v1/projets/bulk",
      key: mec,
      body: {
        projets: [
          { externalId: "b-1", nom: "P", collectivites: [lyon], statut: "Réalisé" },
          { externalId: "b-2", nom: "P", collectivites: [lyon], budgetPrevisionnel: -1 },
          { externalId: "b-3", nom: "P", collectivites: [lyon] },
        ],
      },
    });
    expectError(response, 400, "validation_failed");
    const paths = response.body.error.details.map((d: { path: string }) => d.path).sort();
    expect(paths).toEqual(["projets.0.statut", "projets.1.budgetPrevisionnel"]);
    expect(response.body.error.details.find((d: { path: string }) => d.path === "projets.0.statut").message).toContain("« Etudes opérationnelles en cours »");
    expect(await countProjects()).toBe(before);
  });

  it("413 beyond 1 MiB (20 MiB on /bulk), measured on the bytes, declared or streamed", async () => {
    const big = JSON.stringify({ externalId: "e-big", nom: "P", collectivites: [lyon], description: "x".repeat(1024 * 1024) });
    expectError(await call(projets.POST, { method: "POST", path: "/api/v1/projets", key: mec, raw: big }), 413, "payload_too_large");
    const stream = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 22; i++) controller.enqueue(new Uint8Array(1024 * 1024).fill(0x20));
        controller.close();
      },
    });
    const request = new Request("http://localhost/api/v1/projets/bulk", {
      method: "POST",
      headers: { authorization: `Bearer ${mec}` },
      body: stream,
      duplex: "half",
    } as RequestInit);
    const response = await bulk.POST(request, { params: Promise.resolve({}) });
    expect(response.status).toBe(413);
    // Between the two limits, /bulk reads the body (here: invalid items → 400, not 413).
    const medium = JSON.stringify({ projets: [{ externalId: "m", nom: "P", collectivites: [lyon], description: "x".repeat(2 * 1024 * 1024) }] });
    expectError(await call(bulk.POST, { method: "POST", path: "/api/v1/projets/bulk", key: mec, raw: medium }), 400, "validation_failed");
  });

  it("429 with Retry-After beyond the per-service rate", async () => {
    // The count is shared in the database (issue #16): this file's earlier requests count too.
    await handle.db.execute(sql`delete from api_rate_windows`);
    const limited = withApiKey(async () => jsonResponse({ ok: true }), { ratePerMinute: 2 });
    expect((await call(limited, { path: "/api/v1/statuts", key: mec })).status).toBe(200);
    expect((await call(limited, { path: "/api/v1/statuts", key: mec })).status).toBe(200);
    const refused = await call(limited, { path: "/api/v1/statuts", key: mec });
    expectError(refused, 429, "rate_limited");
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    // Per service: another service still passes.
    expect((await call(limited, { path: "/api/v1/statuts", key: tet })).status).toBe(200);
  });

  it("500 internal without internals for an unexpected failure", async () => {
    const broken = withApiKey(async () => {
      throw new Error("secret internals at /srv/app.ts:12");
    });
    const response = await call(broken, { path: "/api/v1/statuts", key: mec });
    expectError(response, 500, "internal");
    expect(JSON.stringify(response.body)).not.toContain("secret");
  });

  it("503 unavailable (never a hang) when the database is down", async () => {
    const down = handle.url ? await openDatabase({ url: handle.url, poolSize: 1 }) : await openDatabase({ dataDir: "memory://", migrate: false });
    await down.close();
    useDatabase(down);
    const lines: string[] = [];
    const stopCapture = captureLogs((line) => lines.push(line));
    try {
      const started = Date.now();
      const response = await call(projets.POST, { method: "POST", path: "/api/v1/projets", key: mec, body: { externalId: "e-down", nom: "P", collectivites: [lyon] } });
      expect(Date.now() - started).toBeLessThan(5_000);
      expectError(response, 503, "unavailable");
      expect(response.headers.get("retry-after")).toBeTruthy();
      // Operators see the outage in the logs, named by the driver's code and nothing of the request.
      const warnings = lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((l) => l.msg === "database unavailable");
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatchObject({ level: "warn", code: handle.url ? "CONNECTION_ENDED" : "PGLITE_CLOSED" });
    } finally {
      stopCapture();
      useDatabase(handle);
    }
  });
});

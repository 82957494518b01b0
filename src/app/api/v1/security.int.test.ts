// /api/v1 findings of the penetration test (issue #14): inputs that passed validation but failed in
// the database (3), failed API-key attempts neither throttled nor traced (4), answers that a shared
// cache could keep (5). Route handlers called in-process; the client address is the header the
// hub's HTTP server stamps on every request (src/server/http/client-address.ts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useDatabase } from "@/db";
import { env } from "@/env";
import { captureLogs } from "@/server/logger";
import { PEER_ADDRESS_HEADER } from "@/server/http/client-address";
import { createTestDatabase, type TestDatabase } from "@/test/test-database";
import { call, keyFor, lyon } from "./testing/api-test-kit";
import * as projets from "./projets/route";
import * as statuts from "./statuts/route";

let handle: TestDatabase;
let mec: string;

beforeAll(async () => {
  handle = await createTestDatabase();
  useDatabase(handle);
  mec = (await keyFor(handle.db, "mec")).key;
  await call(projets.POST, { method: "POST", path: "/api/v1/projets", key: mec, body: { externalId: "sec-1", nom: "Projet", collectivites: [lyon] } });
});
afterAll(async () => handle?.destroy());

describe("GET /api/v1/projets: dates PostgreSQL cannot read are a 400 (finding 3)", () => {
  it.each(["0000-01-01", "0000-12-31T23:00:00Z", "1899-12-31"])("updatedSince=%s", async (updatedSince) => {
    const answer = await call(projets.GET, { path: `/api/v1/projets?updatedSince=${encodeURIComponent(updatedSince)}`, key: mec });
    expect(answer.status, JSON.stringify(answer.body)).toBe(400);
    expect(answer.body.error.code).toBe("validation_failed");
  });

  it("a forged cursor dated year 0000 is a 400", async () => {
    const cursor = Buffer.from("0000-01-01T00:00:00.000000Z|00000000-0000-4000-8000-000000000000").toString("base64url");
    const answer = await call(projets.GET, { path: `/api/v1/projets?cursor=${cursor}`, key: mec });
    expect(answer.status, JSON.stringify(answer.body)).toBe(400);
    expect(answer.body.error.details).toEqual([expect.objectContaining({ path: "cursor" })]);
  });

  it("a planned start date of year 0000 is a 400 and nothing is written", async () => {
    const answer = await call(projets.POST, {
      method: "POST",
      path: "/api/v1/projets",
      key: mec,
      body: { externalId: "sec-an-zero", nom: "Projet", collectivites: [lyon], dateDebutPrevisionnelle: "0000-01-01" },
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(400);
    expect(answer.body.error.details).toEqual([expect.objectContaining({ path: "dateDebutPrevisionnelle" })]);
  });

  it("ordinary dates still work", async () => {
    const answer = await call(projets.GET, { path: "/api/v1/projets?updatedSince=2000-01-01", key: mec });
    expect(answer.status).toBe(200);
    expect(answer.body.items).toHaveLength(1);
  });
});

describe("/api/v1: answers are never cached (finding 5)", () => {
  it("sends Cache-Control: no-store on data and on errors", async () => {
    for (const answer of [
      await call(projets.GET, { path: "/api/v1/projets", key: mec }),
      await call(statuts.GET, { path: "/api/v1/statuts", key: mec }),
      await call(projets.GET, { path: "/api/v1/projets?limit=0", key: mec }),
      await call(projets.GET, { path: "/api/v1/projets" }),
    ]) {
      expect(answer.headers.get("cache-control")).toBe("no-store");
    }
  });
});

describe("/api/v1: failed API-key attempts per client address (finding 4)", () => {
  const from = (address: string, extra: Record<string, string> = {}) => ({ [PEER_ADDRESS_HEADER]: address, ...extra });
  const wrongKey = (n: number) => `lc_test_0000${n.toString(16).padStart(4, "0")}_${"A".repeat(43)}`;

  it(`answers 429 after ${env.API_AUTH_FAILURES_PER_MINUTE} failures, even to a good key, and only for that address`, async () => {
    const lines: string[] = [];
    const release = captureLogs((line) => lines.push(line));
    const statuses: number[] = [];
    try {
      for (let n = 0; n < env.API_AUTH_FAILURES_PER_MINUTE + 5; n++) {
        // A forged X-Forwarded-For changes nothing without a trusted proxy.
        const answer = await call(projets.GET, { path: "/api/v1/projets", key: wrongKey(n), headers: from("203.0.113.7", { "x-forwarded-for": `198.51.100.${n % 250}` }) });
        statuses.push(answer.status);
      }
    } finally {
      release();
    }
    expect(statuses.slice(0, env.API_AUTH_FAILURES_PER_MINUTE).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(env.API_AUTH_FAILURES_PER_MINUTE).every((s) => s === 429)).toBe(true);

    const blocked = await call(projets.GET, { path: "/api/v1/projets", key: mec, headers: from("203.0.113.7") });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(blocked.body.error.code).toBe("rate_limited");
    const elsewhere = await call(projets.GET, { path: "/api/v1/projets", key: mec, headers: from("192.0.2.44") });
    expect(elsewhere.status).toBe(200);

    // Each 401 is logged with the key's public prefix and the client address, never the secret part.
    const refused = lines.map((l) => JSON.parse(l)).filter((l) => l.msg === "api key refused");
    expect(refused).toHaveLength(env.API_AUTH_FAILURES_PER_MINUTE);
    expect(refused[0]).toMatchObject({ status: 401, client: "203.0.113.7", keyPrefix: "lc_test_00000000" });
    expect(lines.join("\n")).not.toContain("A".repeat(43));
  });

  it("counts an IPv6 client by its /64", async () => {
    for (let n = 0; n < env.API_AUTH_FAILURES_PER_MINUTE; n++) {
      await call(projets.GET, { path: "/api/v1/projets", key: wrongKey(n), headers: from(`2001:db8:1:2::${(n + 1).toString(16)}`) });
    }
    const sameNetwork = await call(projets.GET, { path: "/api/v1/projets", key: mec, headers: from("2001:db8:1:2:ffff::1") });
    expect(sameNetwork.status).toBe(429);
    const otherNetwork = await call(projets.GET, { path: "/api/v1/projets", key: mec, headers: from("2001:db8:1:3::1") });
    expect(otherNetwork.status).toBe(200);
  });
});

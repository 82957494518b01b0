// The API key check of every /api/v1 request: a key is recognised from memory once it has matched,
// and whether it may still be used is read from the database on every request, in the statement that
// counts the request. Two handles on one PostgreSQL database stand for two web instances.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { openDatabase, rowsOf, type DatabaseHandle } from "@/db/client";
import { services } from "@/db/schema";
import { cliActor } from "@/modules/audit/write-audit";
import { seedService } from "@/modules/delivery/testing/seed-receivers";
import { createTestDatabase, type TestDatabase } from "@/test/test-database";
import { admitApiKey } from "./admit-api-key";
import { createApiKey } from "./create-api-key";
import { identifyApiKey } from "./identify-api-key";
import { revokeApiKey } from "./revoke-api-key";
import { admittedService } from "./testing/admitted-service";

let database: TestDatabase;
let second: DatabaseHandle | null = null;

beforeAll(async () => {
  database = await createTestDatabase();
  if (database.url) second = await openDatabase({ url: database.url, poolSize: 2 });
});
afterAll(async () => {
  await second?.close();
  await database.destroy();
});

/** Identifies then admits, as withApiKey does; the admitted service's slug, or null when refused. */
async function admitted(db: DatabaseHandle["db"], presented: string, perMinute = 1000): Promise<string | null> {
  return (await admittedService(db, presented, perMinute))?.slug ?? null;
}

async function countOf(serviceId: string): Promise<number> {
  const [row] = rowsOf<{ n: number }>(await database.db.execute(sql`select coalesce(sum(count), 0)::int as n from api_rate_windows where service_id = ${serviceId}`));
  return row!.n;
}

describe("identifyApiKey and admitApiKey", () => {
  it("refuses a key revoked by another instance on its very next request, though this instance knew it", async () => {
    const instanceA = database.db;
    const instanceB = second?.db ?? database.db;
    const svc = await seedService(instanceA, "revocation-cle");
    const { apiKey, prefix } = await createApiKey(instanceA, svc.serviceId, "lc_test_", cliActor);
    expect(await admitted(instanceA, apiKey)).toBe("revocation-cle");
    // Known now: A identifies it from memory, without reading the key's row.
    expect(await identifyApiKey(instanceA, apiKey)).toMatchObject({ serviceId: svc.serviceId, prefix });

    await revokeApiKey(instanceB, prefix, cliActor);
    expect(await admitted(instanceA, apiKey)).toBeNull();
    // Forgotten once refused: the next lookup reads the row, revoked, and refuses it too.
    expect(await identifyApiKey(instanceA, apiKey)).toBeNull();
    // A refused request is not counted against the service.
    expect(await countOf(svc.serviceId)).toBe(1);
  });

  it("refuses the keys of a service disabled by another instance, and admits them again once it is enabled", async () => {
    const instanceA = database.db;
    const instanceB = second?.db ?? database.db;
    const svc = await seedService(instanceA, "desactivation-cle");
    const { apiKey } = await createApiKey(instanceA, svc.serviceId, "lc_test_", cliActor);
    expect(await admitted(instanceA, apiKey)).toBe("desactivation-cle");
    await instanceB.update(services).set({ enabled: false }).where(eq(services.id, svc.serviceId));
    expect(await admitted(instanceA, apiKey)).toBeNull();
    await instanceB.update(services).set({ enabled: true }).where(eq(services.id, svc.serviceId));
    expect(await admitted(instanceA, apiKey)).toBe("desactivation-cle");
  });

  it("refuses a wrong secret under a known prefix, and a malformed or unknown key", async () => {
    const svc = await seedService(database.db, "secret-cle");
    const { apiKey, prefix } = await createApiKey(database.db, svc.serviceId, "lc_test_", cliActor);
    expect(await admitted(database.db, apiKey)).toBe("secret-cle");
    const last = apiKey.at(-1) === "A" ? "B" : "A";
    expect(await identifyApiKey(database.db, `${apiKey.slice(0, -1)}${last}`)).toBeNull();
    expect(await identifyApiKey(database.db, `${prefix}_${"A".repeat(43)}`)).toBeNull();
    expect(await identifyApiKey(database.db, "lc_test_0000abcd_" + "A".repeat(43))).toBeNull();
    expect(await identifyApiKey(database.db, "pas-une-cle")).toBeNull();
    // The right key still passes after those failures.
    expect(await admitted(database.db, apiKey)).toBe("secret-cle");
  });

  it("counts each admitted request against the service's limit, in the same statement", async () => {
    const svc = await seedService(database.db, "debit-cle");
    const { apiKey } = await createApiKey(database.db, svc.serviceId, "lc_test_", cliActor);
    const key = (await identifyApiKey(database.db, apiKey))!;
    const first = await admitApiKey(database.db, key, 2);
    expect(first).toMatchObject({ service: { id: svc.serviceId, slug: "debit-cle" }, verdict: { allowed: true } });
    expect(first!.service.catalogVersion).toBeGreaterThan(0);
    expect((await admitApiKey(database.db, key, 2))!.verdict).toEqual({ allowed: true });
    const third = await admitApiKey(database.db, key, 2);
    expect(third!.verdict.allowed).toBe(false);
    expect(await countOf(svc.serviceId)).toBe(2);
  });
});

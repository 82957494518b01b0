// audit.list (listAudit, issue #11): filters by author, service, action and days (Paris time), and
// targets named instead of ids.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { auditLog, operators, services } from "@/db/schema";
import { writeAudit, type Actor } from "@/modules/audit/write-audit";
import { createTestDatabase, type TestDatabase } from "@/test/test-database";
import { listAudit } from "./list-audit";
import { listAuditInput } from "./console-schemas";

let handle: TestDatabase;
let tetId: string;
let mecId: string;
let alice: Actor & { type: "operator" };
let bob: Actor & { type: "operator" };

const list = async (input: Record<string, unknown>) => (await listAudit(handle.db, listAuditInput.parse({ limit: 200, ...input }))).items;

beforeAll(async () => {
  handle = await createTestDatabase();
  const rows = await handle.db.select().from(services);
  tetId = rows.find((s) => s.slug === "tet")!.id;
  mecId = rows.find((s) => s.slug === "mec")!.id;
  const [a, b] = await handle.db.insert(operators).values([{ email: "alice@anct.gouv.fr", role: "admin" }, { email: "bob@anct.gouv.fr", role: "admin" }]).returning();
  alice = { type: "operator", operatorId: a!.id, label: a!.email };
  bob = { type: "operator", operatorId: b!.id, label: b!.email };
  await writeAudit(handle.db, alice, { action: "service.update", targetType: "service", targetId: tetId, before: { nom: "TeT" }, after: { nom: "Territoires en Transitions" } });
  await writeAudit(handle.db, bob, { action: "api_key.revoke", targetType: "service", targetId: mecId, before: { prefix: "lc_x" } });
  await writeAudit(handle.db, alice, { action: "operator.deactivate", targetType: "operator", targetId: b!.id, before: { active: true }, after: { active: false } });
  // Dated at the edges of 1 March 2026 in Paris (UTC+1): 00:30 and 23:30 on the 1st, 00:30 on the 2nd
  // (in UTC: 23:30 on 28 Feb, 22:30 and 23:30 on 1 March).
  await handle.db.execute(sql`update ${auditLog} set created_at = '2026-02-28T23:30:00Z' where action = 'service.update'`);
  await handle.db.execute(sql`update ${auditLog} set created_at = '2026-03-01T22:30:00Z' where action = 'api_key.revoke'`);
  await handle.db.execute(sql`update ${auditLog} set created_at = '2026-03-01T23:30:00Z' where action = 'operator.deactivate'`);
});
afterAll(async () => handle?.destroy());

describe("audit.list (listAudit)", () => {
  it("names each target: service name, operator email", async () => {
    const items = await list({});
    expect(Object.fromEntries(items.map((e) => [e.action, e.targetName]))).toEqual({
      "service.update": "Territoires en Transitions",
      "api_key.revoke": "Mon Espace Collectivité",
      "operator.deactivate": "bob@anct.gouv.fr",
    });
  });

  it("filters by author, service and action", async () => {
    expect((await list({ operatorId: alice.operatorId })).map((e) => e.action).sort()).toEqual(["operator.deactivate", "service.update"]);
    expect((await list({ serviceId: mecId })).map((e) => e.action)).toEqual(["api_key.revoke"]);
    expect((await list({ action: "service.update", serviceId: tetId })).map((e) => e.action)).toEqual(["service.update"]);
    expect(await list({ action: "service.update", operatorId: bob.operatorId })).toEqual([]);
  });

  it("reads days in Paris time, both ends included", async () => {
    expect((await list({ since: "2026-03-01", until: "2026-03-01" })).map((e) => e.action).sort()).toEqual(["api_key.revoke", "service.update"]);
    expect((await list({ since: "2026-03-02" })).map((e) => e.action)).toEqual(["operator.deactivate"]);
    expect((await list({ until: "2026-02-28" })).map((e) => e.action)).toEqual([]);
  });

  it("refuses an inverted or impossible range with a French message", () => {
    const inverted = listAuditInput.safeParse({ since: "2026-03-02", until: "2026-03-01" });
    expect(inverted.error?.issues[0]).toMatchObject({ path: ["until"], message: "la date de fin précède la date de début" });
    expect(listAuditInput.safeParse({ since: "2026-02-30" }).error?.issues[0]?.message).toBe("date inexistante");
    expect(listAuditInput.safeParse({ since: "0001-01-01" }).success).toBe(false);
  });
});

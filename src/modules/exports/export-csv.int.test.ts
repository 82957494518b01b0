// The console's CSV exports (issue #11) on a real database: many rows read page by page (more than
// two keyset pages), written as they come with the list's filter, escaped, each export audited; and
// the route adapter's session check.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { useDatabase } from "@/db";
import { auditLog, operators, sessions, users } from "@/db/schema";
import { env } from "@/env";
import { sessionCookieName } from "@/server/auth/session-policy";
import { hashSessionToken } from "@/server/auth/hash-session-token";
import { serveConsoleExport } from "@/server/http/serve-console-export";
import { deliveryFilterSchema } from "@/modules/console/console-schemas";
import { changeProject, seedProject, seedService } from "@/modules/delivery/testing/seed-receivers";
import { createTestDatabase, type TestDatabase } from "@/test/test-database";
import { EXPORT_PAGE_SIZE, exportDeliveriesCsv } from "./export-deliveries-csv";
import { exportAuditCsv } from "./export-audit-csv";
import { exportProjectsCsv } from "./export-projects-csv";

let database: TestDatabase;
const actor = { type: "cli", label: "test" } as const;

/** Reads a whole stream, counting its chunks. */
async function readAll(stream: ReadableStream<Uint8Array>): Promise<{ text: string; chunks: number }> {
  const reader = stream.getReader();
  const parts: Uint8Array[] = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
  }
  return { text: new TextDecoder("utf-8", { ignoreBOM: true }).decode(Buffer.concat(parts)), chunks: parts.length };
}

/** RFC 4180 with `;`: the records of a CSV text (quoted cells may hold `;`, quotes and line breaks). */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ";") record.push(cell), (cell = "");
    else if (c === "\r" && text[i + 1] === "\n") record.push(cell), records.push(record), (record = []), (cell = ""), i++;
    else cell += c;
  }
  return records;
}

beforeAll(async () => {
  database = await createTestDatabase();
  useDatabase(database);
});
afterAll(async () => {
  await database?.destroy();
});

describe("exportDeliveriesCsv", () => {
  it("streams every delivery of the filter, over several keyset pages, newest first, and audits the export", async () => {
    const author = await seedService(database.db, "auteur-export");
    const target = await seedService(database.db, "cible-export", "http://127.0.0.1:3449/webhooks");
    const bystander = await seedService(database.db, "tiers-export", "http://127.0.0.1:3448/webhooks");
    const projectId = await seedProject(database.db, author.serviceId);
    await changeProject(database.db, projectId, author.serviceId);
    // More rows than two pages: copies of the real delivery under new endpoints (no foreign key).
    const total = EXPORT_PAGE_SIZE * 2 + 37;
    await database.db.execute(sql`
      insert into delivery_log (id, event_id, endpoint_id, service_id, event_type, project_id, project_version, state, last_error)
      select nextval(pg_get_serial_sequence('delivery_queue', 'id')), d.event_id, gen_random_uuid(), d.service_id, d.event_type,
        d.project_id, d.project_version, 'failed', '=HYPERLINK("x");' || g
      from deliveries d, generate_series(2, ${total}) g
      where d.service_id = ${target.serviceId}`);

    const filter = deliveryFilterSchema.parse({ serviceId: target.serviceId, projectId: projectId.slice(0, 8).toUpperCase() });
    const { text, chunks } = await readAll(await exportDeliveriesCsv(database.db, filter, actor));
    expect(text.startsWith("\uFEFFN°;Créée le (heure de Paris);")).toBe(true);
    const records = parseCsv(text.slice(1));
    expect(records).toHaveLength(total + 1);
    // Header, then one chunk per page: the rows were written page by page.
    expect(chunks).toBe(1 + Math.ceil(total / EXPORT_PAGE_SIZE));
    const ids = records.slice(1).map((r) => Number(r[0]));
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect(records.slice(1).every((r) => r[2] === "cible-export")).toBe(true);
    expect(records[1]![10]).toMatch(/^'=HYPERLINK\("x"\);\d+$/);
    expect(records[1]![7]).toBe("En échec");

    const [entry] = await database.db.select().from(auditLog).where(eq(auditLog.action, "deliveries.export"));
    expect(entry).toMatchObject({ targetId: target.serviceId, after: { filter: { serviceId: target.serviceId } } });
    // Scoped to one service (#12): another service's filter is refused.
    await expect(exportDeliveriesCsv(database.db, { serviceId: target.serviceId }, actor, { serviceId: bystander.serviceId })).rejects.toMatchObject({ code: "forbidden" });
  });
});

describe("exportAuditCsv and exportProjectsCsv", () => {
  it("escape quotes, separators, line breaks and formulas, and audit themselves", async () => {
    await database.db.insert(auditLog).values({
      actorType: "cli",
      actorLabel: '@agent "spécial"; ligne\nsuite',
      action: "test.escape",
      targetType: "service",
      after: { note: "-1+1" },
    });
    const records = parseCsv((await readAll(await exportAuditCsv(database.db, { action: "test.escape" }, actor))).text.slice(1));
    expect(records).toHaveLength(2);
    expect(records[1]![2]).toBe(`'@agent "spécial"; ligne\nsuite`);
    expect(records[1]![7]).toBe('{"note":"-1+1"}');
    expect(await database.db.select().from(auditLog).where(eq(auditLog.action, "audit.export"))).toHaveLength(1);

    const author = await seedService(database.db, "auteur-projets-export");
    await seedProject(database.db, author.serviceId, "+Projet; \"école\"");
    const projects = parseCsv((await readAll(await exportProjectsCsv(database.db, { query: "école" }, actor))).text.slice(1));
    expect(projects.slice(1).map((r) => r[1])).toContain(`'+Projet; "école"`);
    expect(await database.db.select().from(auditLog).where(eq(auditLog.action, "projects.export"))).toHaveLength(1);
  });
});

describe("GET /admin/exports/*", () => {
  const spec = { name: "livraisons", input: deliveryFilterSchema, run: exportDeliveriesCsv };
  const origin = new URL(env.NEXTAUTH_URL!).origin;

  it("sends a request without an operator session to the sign-in page, refuses a bad filter, streams for a lecteur", async () => {
    const anonymous = await serveConsoleExport(new Request(`${origin}/admin/exports/livraisons`), spec);
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get("location")).toBe("/admin/connexion");

    await database.db.insert(operators).values({ email: "lecteur-export@anct.gouv.fr", role: "lecteur" });
    const [user] = await database.db.insert(users).values({ email: "lecteur-export@anct.gouv.fr" }).returning();
    await database.db.insert(sessions).values({ sessionToken: hashSessionToken("jeton-export"), userId: user!.id, expires: new Date(Date.now() + 20 * 60_000) });
    const cookie = { cookie: `${sessionCookieName(env.NEXTAUTH_URL)}=jeton-export` };

    const bad = await serveConsoleExport(new Request(`${origin}/admin/exports/livraisons?since=2026-02-10&until=2026-02-01`, { headers: cookie }), spec);
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain("la date de début doit précéder la date de fin");

    const ok = await serveConsoleExport(new Request(`${origin}/admin/exports/livraisons?state=failed&serviceId=`, { headers: cookie }), spec);
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(ok.headers.get("content-disposition")).toMatch(/^attachment; filename="livraisons-\d{4}-\d{2}-\d{2}\.csv"$/);
    expect((await ok.text()).split("\r\n").length).toBeGreaterThan(EXPORT_PAGE_SIZE * 2);
    const [entry] = await database.db.select().from(auditLog).where(eq(auditLog.actorLabel, "lecteur-export@anct.gouv.fr"));
    expect(entry).toMatchObject({ action: "deliveries.export", after: { filter: { state: "failed" } } });
  });
});

// The console's tRPC endpoint over HTTP, as the penetration test of issue #14 used it: inputs that
// passed validation but failed in the database (finding 3), answers without Cache-Control (finding 5),
// unbounded batches and bodies (finding 6). Real sessions in the database, real route handler.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { useDatabase } from "@/db";
import { operators, sessions, users } from "@/db/schema";
import { env } from "@/env";
import { captureLogs } from "@/server/logger";
import { describeError, toAppError } from "@/server/http/error-response";
import { sessionCookieName } from "@/server/auth/session-policy";
import { hashSessionToken } from "@/server/auth/hash-session-token";
import { createTestDatabase, type TestDatabase } from "@/test/test-database";
import { handleTrpcRequest } from "./http-handler";
import { TRPC_BODY_LIMIT_BYTES, TRPC_MAX_BATCH_SIZE } from "./http-limits";

let database: TestDatabase;
const origin = new URL(env.NEXTAUTH_URL!).origin;

async function session(email: string, role: "admin" | "lecteur"): Promise<string> {
  await database.db.insert(operators).values({ email, role });
  const [user] = await database.db.insert(users).values({ email }).returning();
  const token = `jeton-${role}-${Math.random().toString(36).slice(2)}`;
  await database.db.insert(sessions).values({ sessionToken: hashSessionToken(token), userId: user!.id, expires: new Date(Date.now() + 20 * 60_000) });
  return token;
}

let adminToken: string;
let lecteurToken: string;

type Answer = { status: number; body: any; headers: Headers };

async function send(request: Request): Promise<Answer> {
  const response = await handleTrpcRequest(request);
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null, headers: response.headers };
}

/** A query through GET, like the console's batch link, for one or more procedures. */
function query(token: string | null, calls: Array<[string, unknown]>): Promise<Answer> {
  const paths = calls.map(([p]) => p).join(",");
  const input = Object.fromEntries(calls.map(([, i], n) => [n, i]));
  const headers: Record<string, string> = token ? { cookie: `${sessionCookieName(env.NEXTAUTH_URL)}=${token}` } : {};
  return send(new Request(`${origin}/api/trpc/${paths}?batch=1&input=${encodeURIComponent(JSON.stringify(input))}`, { headers }));
}

/** A mutation through POST from the console's own origin. */
function mutate(token: string, path: string, body: string): Promise<Answer> {
  return send(
    new Request(`${origin}/api/trpc/${path}?batch=1`, {
      method: "POST",
      headers: { cookie: `${sessionCookieName(env.NEXTAUTH_URL)}=${token}`, origin, "content-type": "application/json" },
      body,
    }),
  );
}

beforeAll(async () => {
  database = await createTestDatabase();
  useDatabase(database);
  adminToken = await session("admin@anct.gouv.fr", "admin");
  lecteurToken = await session("lecteur@anct.gouv.fr", "lecteur");
});
afterAll(async () => database?.destroy());

describe("/api/trpc: inputs that pass validation never fail in the database (finding 3)", () => {
  it.each([
    ["projects.search with U+0000", "projects.search", { query: "nul\u0000dedans" }],
    ["projects.search with a lone surrogate", "projects.search", { query: "x\ud800" }],
    ["audit.list with U+0000", "audit.list", { action: "auth.login\u0000" }],
    ["deliveries.list since year 0", "deliveries.list", { since: "0000-01-01" }],
    ["deliveries.list until year 0", "deliveries.list", { until: "0000-01-01T00:00:00Z" }],
    ["deliveries.list with U+0000 in the event type", "deliveries.list", { eventType: "projet.cree\u0000" }],
  ])("%s is a 400, not a 500", async (_name, path, input) => {
    for (const token of [adminToken, lecteurToken]) {
      const answer = await query(token, [[path, input]]);
      expect(answer.status, JSON.stringify(answer.body)).toBe(400);
      expect(answer.body[0].error.data.code).toBe("BAD_REQUEST");
      expect(answer.body[0].error.data.details.map((d: { path: string }) => d.path)).toEqual([Object.keys(input)[0]]);
    }
  });

  it("a forged search cursor dated year −100000 starts from the top instead of failing", async () => {
    const cursor = Buffer.from(JSON.stringify(["-100000-01-01T00:00:00.000Z", "00000000-0000-4000-8000-000000000000"])).toString("base64url");
    const answer = await query(lecteurToken, [["projects.search", { query: "", cursor }]]);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body[0].result.data).toMatchObject({ items: [] });
  });

  it("refuses U+0000 in an admin's service name and status label with a 400", async () => {
    const created = await mutate(adminToken, "services.create", JSON.stringify({ 0: { slug: "avec-nul", nom: "Nom\u0000" } }));
    expect(created.status).toBe(400);
    expect(created.body[0].error.data.details).toEqual([expect.objectContaining({ path: "nom" })]);
    const mapping = await mutate(adminToken, "mappings.set", JSON.stringify({ 0: { service: "tet", label: "En\u0000pause", generique: "IMPACTE" } }));
    expect(mapping.status).toBe(400);
    expect(mapping.body[0].error.data.details).toEqual([expect.objectContaining({ path: "label" })]);
  });

  it("logs a refused call by procedure and code, never with its input", async () => {
    const lines: string[] = [];
    const release = captureLogs((line) => lines.push(line));
    try {
      await query(lecteurToken, [["projects.search", { query: "Camille Dupont\u0000" }]]);
    } finally {
      release();
    }
    const logged = lines.map((l) => JSON.parse(l));
    expect(logged).toContainEqual(expect.objectContaining({ msg: "trpc refused", path: "projects.search", code: "BAD_REQUEST" }));
    expect(lines.join("\n")).not.toContain("Camille");
  });

  it("logs an unexpected database error by name and SQLSTATE, never its SQL or parameters", async () => {
    const failure = await database.db.execute(sql`select ${"donnee-personnelle"}::int`).then(() => null, (error: unknown) => error);
    expect(failure).not.toBeNull();
    expect(JSON.stringify(describeError(failure))).not.toContain("donnee-personnelle");
    expect(describeError(failure).error).toBeTruthy();
    const lines: string[] = [];
    const release = captureLogs((line) => lines.push(line));
    try {
      expect(toAppError(failure).code).toBe("internal");
    } finally {
      release();
    }
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain("donnee-personnelle");
    expect(lines[0]).not.toContain("select");
    expect(JSON.parse(lines[0]!)).toMatchObject({ msg: "unhandled error", causeCode: "22P02" });
  });
});

describe("/api/trpc: answers are never cached (finding 5)", () => {
  it("sends Cache-Control: no-store on data, on errors and without a session", async () => {
    for (const answer of [
      await query(adminToken, [["dashboard.stats", undefined]]),
      await query(lecteurToken, [["operators.list", undefined]]),
      await query(null, [["me", undefined]]),
    ]) {
      expect(answer.headers.get("cache-control")).toBe("no-store");
    }
  });
});

describe("/api/trpc: batch and body limits (finding 6)", () => {
  it(`accepts a batch of ${TRPC_MAX_BATCH_SIZE} calls and refuses one more`, async () => {
    const batch = (n: number) => Array.from({ length: n }, (): [string, unknown] => ["dashboard.stats", undefined]);
    expect((await query(lecteurToken, batch(TRPC_MAX_BATCH_SIZE))).status).toBe(200);
    const refused = await query(lecteurToken, batch(TRPC_MAX_BATCH_SIZE + 1));
    expect(refused.status).toBe(400);
    expect((await query(lecteurToken, batch(900))).status).toBe(400);
  });

  it("refuses a body above the cap with 413 before parsing it, declared or streamed", async () => {
    const big = JSON.stringify({ 0: { slug: "gros", nom: "x".repeat(TRPC_BODY_LIMIT_BYTES) } });
    const declared = await mutate(adminToken, "services.create", big);
    expect(declared.status).toBe(413);
    expect(declared.headers.get("cache-control")).toBe("no-store");
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 20; i++) controller.enqueue(new TextEncoder().encode("x".repeat(8 * 1024)));
        controller.close();
      },
    });
    const streamed = await send(
      new Request(`${origin}/api/trpc/services.create?batch=1`, {
        method: "POST",
        headers: { cookie: `${sessionCookieName(env.NEXTAUTH_URL)}=${adminToken}`, origin, "content-type": "application/json" },
        body: stream,
        duplex: "half",
      } as RequestInit),
    );
    expect(streamed.status).toBe(413);
    const rows = await database.db.query.services.findMany({ where: (s, { eq }) => eq(s.slug, "gros") });
    expect(rows).toHaveLength(0);
  });

  it("still runs an ordinary admin mutation", async () => {
    const created = await mutate(adminToken, "services.create", JSON.stringify({ 0: { slug: "ordinaire", nom: "Service ordinaire" } }));
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    expect(created.body[0].result.data.service.slug).toBe("ordinaire");
  });
});

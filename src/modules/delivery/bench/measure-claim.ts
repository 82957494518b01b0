// Claim statement micro-benchmark on PostgreSQL (not a test, issue #17): a backlog of due
// deliveries to 3 endpoints (one delivery per lane, as the bench's `delivery` phase queues them) is
// drained by claim → record cycles without HTTP (every attempt "answers" 200 after `attemptMs`),
// `pipeline` batches in flight at once. Prints the claim's p50/p90/max over the drain and the
// deliveries per second of the database side alone, then EXPLAIN (ANALYZE, BUFFERS) of one claim
// taken mid-drain (auto_explain on this script's own connection only).
// Usage: BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
//   node --import tsx src/modules/delivery/bench/measure-claim.ts [deliveries=30000] [limit=64] [pipeline=2] [attemptMs=15]
import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { drizzle } from "drizzle-orm/postgres-js";
import { sql } from "drizzle-orm";
import * as schema from "@/db/schema";
import type { Db } from "@/db/client";
import { migratePostgres } from "@/db/migrate";
import { claimDeliveries, type ClaimedDelivery } from "../claim-deliveries";
import { recordResults } from "../record-results";

const adminUrl = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const total = Number(process.argv[2] ?? 30_000);
const limit = Number(process.argv[3] ?? 64);
const pipeline = Number(process.argv[4] ?? 2);
const attemptMs = Number(process.argv[5] ?? 15);
const cap = 64;

const name = `lc_claim_${randomBytes(4).toString("hex")}`;
const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
await admin.unsafe(`create database "${name}"`);
const url = new URL(adminUrl);
url.pathname = `/${name}`;
await migratePostgres(url.toString());
let explainNext = false;
const plans: string[] = [];
const client = postgres(url.toString(), { max: 4, onnotice: () => {} });
const db = drizzle(client, { schema }) as unknown as Db;

const services = await db.execute(sql`
  insert into services (slug, nom) select 'r' || i, 'R ' || i from generate_series(1, 3) i returning id`);
for (const s of services as unknown as { id: string }[]) {
  await db.execute(sql`insert into webhook_endpoints (service_id, url, secret) values (${s.id}, 'http://127.0.0.1:9/hook', 'x')`);
}
const events = Math.ceil(total / 3);
await db.execute(sql`
  insert into events (id, type, body) select 'msg_' || i, 'projet.cree', '{"type":"projet.cree"}' from generate_series(1, ${events}) i`);
await db.execute(sql`
  insert into delivery_queue (event_id, endpoint_id, service_id, event_type, project_id, state, next_attempt_at)
  select 'msg_' || i, e.id, e.service_id, 'projet.cree', md5('p' || i)::uuid, 'pending', now() - interval '1 minute'
  from generate_series(1, ${events}) i cross join webhook_endpoints e order by i`);
await db.execute(sql`analyze`);

const options = { scheduleMs: [1000], maxRetryAfterMs: 60_000, random: () => 0.5, warnAfterFailures: 5, alertAfterFailures: 10, alertAfterMs: 3_600_000, disableAfterMs: 5 * 86_400_000 };
const claimMs: number[] = [];
let done = 0;
const started = performance.now();

// auto_explain on a connection of its own: the one claim it runs mid-drain is logged with its plan.
const explainClient = postgres(url.toString(), {
  max: 1,
  connection: {
    session_preload_libraries: "auto_explain",
    "auto_explain.log_min_duration": "0",
    "auto_explain.log_analyze": "on",
    "auto_explain.log_buffers": "on",
    "auto_explain.log_timing": "on",
    "auto_explain.log_level": "notice",
  },
  onnotice: (n) => {
    if (String(n.message).includes("Query Text") && (String(n.message).includes("pending_due") || String(n.message).includes("claimed as"))) plans.push(String(n.message));
  },
});
const explainDb = drizzle(explainClient, { schema }) as unknown as Db;

async function worker(k: number) {
  for (;;) {
    const explain = k === 0 && explainNext;
    if (explain) explainNext = false;
    const t = performance.now();
    const claimed: ClaimedDelivery[] = await claimDeliveries(explain ? explainDb : db, { owner: `w${k}`, limit, leaseMs: 60_000, maxInFlightPerEndpoint: cap });
    claimMs.push(performance.now() - t);
    if (claimed.length === 0) return;
    await new Promise((r) => setTimeout(r, attemptMs));
    const now = new Date();
    await recordResults(
      db,
      `w${k}`,
      claimed.map((delivery) => ({ delivery, outcome: { startedAt: now, statusCode: 200, excerpt: null, retryAfter: null, errorClass: null, errorMessage: null, durationMs: attemptMs } })),
      options,
    );
    done += claimed.length;
    if (done >= total / 2 && done - claimed.length < total / 2) explainNext = true;
  }
}
await Promise.all(Array.from({ length: pipeline }, (_, k) => worker(k)));
const seconds = (performance.now() - started) / 1000;
const sorted = [...claimMs].sort((a, b) => a - b);
const q = (p: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]! * 10) / 10;
process.stdout.write(
  `${done} deliveries in ${seconds.toFixed(1)} s = ${Math.round(done / seconds)}/s (db side, ${pipeline} × claim ${limit} → ${attemptMs} ms → record); ` +
    `${claimMs.length} claims p50 ${q(0.5)} ms p90 ${q(0.9)} ms max ${q(1)} ms, total ${Math.round(claimMs.reduce((a, b) => a + b, 0))} ms\n`,
);
for (const p of plans) process.stdout.write(`${p}\n`);
await client.end();
await explainClient.end();
if (process.env.KEEP) process.stdout.write(`kept database ${name}\n`);
else await admin.unsafe(`drop database "${name}" with (force)`);
await admin.end();

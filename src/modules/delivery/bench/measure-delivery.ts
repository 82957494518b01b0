// Delivery benchmark on PostgreSQL (not a test): a worker process (src/server/worker/main.ts, the
// embedded worker) delivers to 3 loopback receivers in this process.
//   burst:     N changes queued at once (×3 deliveries) → deliveries per second.
//   sustained: changes committed at R/s through enqueueEvent (×3) → deliveries per second and
//              latency from commit to receiver (p50, p99).
// Usage: BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test \
//        node --import tsx src/modules/delivery/bench/measure-delivery.ts [burstChanges] [rate] [seconds]
import { spawn } from "node:child_process";
import path from "node:path";
import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { sql } from "drizzle-orm";
import { openDatabase, rowsOf } from "@/db/client";
import { migratePostgres } from "@/db/migrate";
import { enqueueEvent } from "@/modules/outbox/enqueue-event";
import { startLoopbackReceiver } from "../testing/loopback-receiver";
import { seedProject, seedService } from "../testing/seed-receivers";

const adminUrl = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const burstChanges = Number(process.argv[2] ?? 5000);
const rate = Number(process.argv[3] ?? 200);
const seconds = Number(process.argv[4] ?? 10);

const name = `lc_bench_${randomBytes(4).toString("hex")}`;
const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
await admin.unsafe(`create database "${name}"`);
const url = new URL(adminUrl);
url.pathname = `/${name}`;
await migratePostgres(url.toString());
const handle = await openDatabase({ url: url.toString(), poolSize: 8 });
const db = handle.db;

const arrivals = new Map<string, number>();
const receivers = await Promise.all(
  [0, 1, 2].map(() =>
    startLoopbackReceiver(),
  ),
);
let received = 0;
for (const r of receivers) {
  r.respond((q) => {
    received++;
    const id = String(q.headers["webhook-id"]);
    arrivals.set(`${id}|${r.port}`, performance.timeOrigin + performance.now());
    return { status: 200 };
  });
}
const author = await seedService(db, "auteur");
// Each receiver sees its own status label, as real receivers do.
const receiverViews: Record<string, { externalId: null; statut: string }> = {};
for (const [i, r] of receivers.entries()) {
  const service = await seedService(db, `recepteur-${i}`, r.url);
  receiverViews[service.serviceId] = { externalId: null, statut: `recepteur-${i}` };
}
const projectIds: string[] = [];
for (let i = 0; i < 200; i++) projectIds.push(await seedProject(db, author.serviceId, `Projet ${i}`));

const worker = spawn(process.execPath, ["--import", "tsx", path.resolve("src/server/worker/main.ts")], {
  env: { ...process.env, DATABASE_URL: url.toString(), LOG_LEVEL: "error", WEBHOOK_ALLOW_PRIVATE_URLS: "true" },
  stdio: ["ignore", "pipe", "inherit"],
});
await new Promise<void>((resolve) => worker.stdout!.on("data", (d: Buffer) => d.toString().includes("ready") && resolve()));

const change = (i: number) =>
  db.transaction(async (tx) => {
    const projectId = projectIds[i % projectIds.length]!;
    const version = Math.floor(i / projectIds.length) + 2;
    return enqueueEvent(tx, {
      type: "projet.modifie",
      projectId,
      projectVersion: version,
      authorServiceId: author.serviceId,
      changements: ["nom"],
      data: { projet: { id: projectId, version, nom: `Projet ${i}`, externalId: null, statut: { service: null } }, auteur: "auteur", changements: ["nom"] },
      receiverViews,
    });
  });

const waitReceived = async (n: number) => {
  const deadline = Date.now() + 300_000;
  while (received < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
};

// Burst: queue everything (in one transaction per 500 changes), then time the drain.
worker.kill("SIGSTOP");
for (let i = 0; i < burstChanges; i += 500) {
  await db.transaction(async (tx) => {
    for (let j = i; j < Math.min(burstChanges, i + 500); j++) {
      const projectId = projectIds[j % projectIds.length]!;
      await enqueueEvent(tx, {
        type: "projet.modifie",
        projectId,
        projectVersion: j,
        authorServiceId: author.serviceId,
        data: { projet: { id: projectId, version: j } },
      });
    }
  });
}
const burstStart = performance.now();
worker.kill("SIGCONT");
await waitReceived(burstChanges * 3);
const burstSeconds = (performance.now() - burstStart) / 1000;
console.log(JSON.stringify({ burst: { deliveries: received, seconds: +burstSeconds.toFixed(2), perSecond: Math.round(received / burstSeconds) } }));

// Sustained: commits at `rate` changes/s; latency = receiver arrival − commit.
received = 0;
const commits = new Map<string, number>();
const start = performance.now();
const total = rate * seconds;
let sent = 0;
const inFlight: Promise<void>[] = [];
while (sent < total) {
  const due = start + (sent * 1000) / rate;
  const wait = due - performance.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  const i = sent++;
  inFlight.push(
    change(i + burstChanges).then(({ eventId }) => {
      commits.set(eventId, performance.timeOrigin + performance.now());
    }),
  );
}
await Promise.all(inFlight);
await waitReceived(total * 3);
const elapsed = (performance.now() - start) / 1000;
const latencies: number[] = [];
for (const [eventId, committed] of commits) {
  for (const r of receivers) {
    const at = arrivals.get(`${eventId}|${r.port}`);
    if (at !== undefined) latencies.push(at - committed);
  }
}
latencies.sort((a, b) => a - b);
const pct = (p: number) => +latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!.toFixed(1);
const [late] = rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int as n from deliveries where state <> 'delivered'`));
console.log(
  JSON.stringify({
    sustained: { changesPerSecond: rate, deliveries: received, perSecond: Math.round(received / elapsed), latencyMs: { p50: pct(50), p90: pct(90), p99: pct(99), max: pct(100) }, notDelivered: late!.n },
  }),
);

worker.kill("SIGTERM");
await new Promise((r) => worker.once("exit", r));
await Promise.all(receivers.map((r) => r.close()));
await handle.close();
await admin.unsafe(`drop database if exists "${name}" with (force)`);
await admin.end();
process.exit(0);

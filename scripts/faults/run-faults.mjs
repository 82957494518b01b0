#!/usr/bin/env node
// `npm run test:faults`: the "nothing lost" promise under faults, on PostgreSQL with the production
// build and loopback receivers that verify every signature. Five cases, each with its own database,
// its own assertions and its own time limit:
//   kill      SIGKILL the whole server while thousands of changes are being delivered, restart it:
//             every change delivered, duplicates only within the in-flight window, none out of order
//             per (project, receiver).
//   receiver  one receiver down (connection refused, then 503) for a while, then back: the others are
//             not held up, and it gets everything after recovery, in order.
//   postgres  PostgreSQL stopped and started again during traffic: the API answers 503 `unavailable`
//             (never a hang, never a 500), recovers by itself, nothing acknowledged is lost and no
//             change is half-written.
//   fuzz      10,000 fuzzed requests on every route: zero 5xx, every invalid one refused with a 4xx,
//             and zero writes from refused calls.
//   multi     2 web instances (no embedded worker) + 2 separate workers on one database: the
//             per-service rate limit holds over both instances together; writes spread over both,
//             one worker and one web instance SIGKILLed mid-run, the writer failing over to the
//             other: every change delivered, in order per (project, receiver), duplicates only
//             after attempts without a recorded success.
//
// Options: --only=kill,receiver,postgres,fuzz,multi  --no-build  --dist-dir=<dir> (default .next-faults)
//          --report=<file> (the summary as JSON, for scripts/test-all.mjs)
//          --fuzz-count=<n> (default 10000)  --seed=<n> (fuzz seed; default FAULTS_SEED or 20261123)
//          --hub-log=<file> (append every line the hub prints, for diagnosis)
// Settings: FAULTS_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres: databases are
//           created and dropped there), FAULTS_PG=private|shared (the "postgres" case restarts a
//           throwaway cluster it creates — default — or the machine's own with pg_ctlcluster),
//           FAULTS_PORT_BASE (default 3540).
import { appendFileSync, writeFileSync } from "node:fs";
import postgres from "postgres";
import { createDatabase, dropDatabase, ensureBuild, hubSettings, root, setupHub, startHub } from "../bench/lib/hub.mjs";
import path from "node:path";
import { runHarness, sleep, startGroupReady } from "../bench/lib/proc.mjs";
import { startReceivers } from "../bench/lib/receivers.mjs";
import { createClient, projetInput, round } from "../bench/lib/projets.mjs";
import { analyseArrivals } from "../bench/lib/analyse-arrivals.mjs";
import { CaseFailure, checkEveryEventDelivered, expectations, waitUntil } from "./lib/checks.mjs";
import { fuzzRequests } from "./lib/fuzz-requests.mjs";
import { runFuzz } from "./lib/run-fuzz.mjs";
import { createSpreadClient, probeRateLimit } from "./lib/several-instances.mjs";
import { sharedClusterControl, startPrivatePostgres } from "./lib/private-postgres.mjs";

const argv = process.argv.slice(2);
const flag = (name) => argv.includes(`--${name}`);
const option = (name, fallback) => argv.find((a) => a.startsWith(`--${name}=`))?.split("=").slice(1).join("=") ?? fallback;
const distDir = option("dist-dir", ".next-faults");
const only = option("only", null)?.split(",");
const baseUrl = process.env.FAULTS_DATABASE_URL || "postgres://postgres@127.0.0.1:5432/postgres";
const portBase = Number(process.env.FAULTS_PORT_BASE || 3540);
const ports = { hub: portBase, hubB: portBase + 1, tet: portBase + 10, recoco: portBase + 11, "aides-territoires": portBase + 12, control: portBase + 19, privatePg: portBase + 50 };
const RECEIVERS = ["tet", "recoco", "aides-territoires"];
/** The embedded worker's default `maxInFlight` (src/server/worker/start-embedded-worker.ts). */
const IN_FLIGHT_WINDOW = 256;
// Compressed retry schedule (~40 s of retries): longer than any outage below, so that a lane head
// is still being retried when its receiver comes back.
const RETRY_SCHEDULE = "250,500,1000,2000,3000,3000,3000,3000,3000,3000,3000,3000,3000,3000,3000,3000";
const log = (line) => process.stdout.write(`${line}\n`);

/**
 * Error and warning lines the hub logged during the current case (reported, not asserted), and the
 * exceptions nobody caught (asserted: Next.js logs and survives them, but they mean a component was
 * left in a state nobody planned — postgres.js's pool was, until patches/postgres+3.4.9.patch).
 */
const hubLog = { errors: [], warnings: 0, uncaught: [] };
const hubLogFile = option("hub-log", null);
function onHubLine(line) {
  if (hubLogFile) appendFileSync(hubLogFile, `${line}\n`);
  if (/uncaughtException|unhandledRejection/.test(line)) hubLog.uncaught.push(line.slice(0, 400));
  if (line.includes('"level":"error"')) hubLog.errors.push(line.slice(0, 400));
  else if (line.includes('"level":"warn"')) hubLog.warnings++;
}
function startCaseHub(settings) {
  return startHub({ distDir, port: ports.hub, settings, onLine: onHubLine });
}

async function prepareCase(name, { keysFor = ["mec"], webhooks = true, receivers, databaseBase = baseUrl, consoleSessions = false, services = [], extraSettings = {} } = {}) {
  const dbName = `lc_faults_${process.pid}_${name}`;
  const databaseUrl = await createDatabase(databaseBase, dbName);
  const settings = hubSettings(databaseUrl, ports.hub, { WEBHOOK_RETRY_SCHEDULE: RETRY_SCHEDULE, WEBHOOK_TIMEOUT_MS: "2000", ...extraSettings });
  const setup = await setupHub(settings, { keysFor, webhooks: webhooks ? receivers.urls : {}, consoleSessions, services });
  if (webhooks) {
    await receivers.reset();
    for (const slug of RECEIVERS) await receivers.setMode(slug, "up");
    await receivers.setSecrets(setup.secrets);
  }
  const sql = postgres(databaseUrl, { max: 2, onnotice: () => {}, connect_timeout: 10 });
  return {
    dbName,
    databaseUrl,
    settings,
    setup,
    sql,
    cleanup: async () => {
      await sql.end({ timeout: 5 }).catch(() => {});
      await dropDatabase(databaseBase, dbName);
    },
  };
}

/** Sends `body` until it gets a 2xx (the hub may be down meanwhile); bounded in attempts and time. */
async function sendUntilAccepted(client, method, path, options, { timeoutMs = 120_000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let failures = 0;
  for (;;) {
    const r = await client.send(method, path, options);
    if (r.status >= 200 && r.status < 300) return { response: r, failures };
    failures++;
    if (r.status >= 400 && r.status < 500) throw new Error(`${method} ${path}: ${r.status} ${r.text?.slice(0, 300)}`);
    if (Date.now() > deadline) throw new Error(`${method} ${path}: not accepted within ${timeoutMs} ms (last: ${r.status ?? r.error})`);
    await sleep(250);
  }
}

/** Every project event in the database, by id. */
async function projectEvents(sql) {
  return sql`select id, project_id::text as project_id, project_version from events where project_id is not null order by project_id, project_version`;
}

// ---------------------------------------------------------------------------------------------
// (1) SIGKILL the whole server mid-run, restart it
// ---------------------------------------------------------------------------------------------
async function caseKill(receivers) {
  const c = await prepareCase("kill", { receivers });
  const e = expectations("kill");
  const PROJECTS = 400;
  const REVISIONS = 6;
  const CHUNK = 100;
  let hub = await startCaseHub(c.settings);
  const client = createClient(hub.baseUrl, { connections: 4, timeoutMs: 60_000 });
  try {
    const acks = [];
    let retriedCalls = 0;
    const writer = (async () => {
      for (let r = 0; r < REVISIONS; r++) {
        for (let start = 0; start < PROJECTS; start += CHUNK) {
          const projets = Array.from({ length: CHUNK }, (_, j) => projetInput(`kill-${start + j}`, r, start + j));
          const { response, failures } = await sendUntilAccepted(client, "POST", "/api/v1/projets/bulk", { key: c.setup.keys.mec, body: { projets } }, { timeoutMs: 180_000 });
          retriedCalls += failures > 0 ? 1 : 0;
          acks.push(...response.body.results);
        }
      }
    })();
    // Kill once a quarter of all deliveries have arrived: writes and deliveries are both in progress.
    const planned = PROJECTS * REVISIONS * RECEIVERS.length;
    const reached = await waitUntil(async () => (await receivers.stats()).total.unique >= planned / 4, { timeoutMs: 180_000, intervalMs: 20 });
    e.check(reached, `the run never reached ${planned / 4} deliveries before the kill`);
    await hub.proc.kill("SIGKILL");
    const killedAt = Date.now();
    const atKill = (await receivers.stats()).total;
    const [{ n: backlogAtKill }] = await c.sql`select ((select count(*) from deliveries where state <> 'delivered') + (select count(*) from event_fanouts))::int as n`;
    const [{ n: leasedAtKill }] = await c.sql`select count(*)::int as n from deliveries where state = 'in_flight'`;
    log(`  killed (SIGKILL, whole process group) with ${atKill.unique}/${planned} delivered, ${backlogAtKill} deliveries unfinished of which ${leasedAtKill} leased (in flight)`);
    e.check(backlogAtKill > 0, "nothing was left to deliver at the kill: the case tested nothing");
    await sleep(500);
    hub = await startCaseHub(c.settings);
    log(`  restarted in ${hub.readyMs} ms`);
    await writer;
    const events = await projectEvents(c.sql);
    const expected = events.length * RECEIVERS.length;
    const allIn = await waitUntil(
      async () => {
        const [{ n }] = await c.sql`select ((select count(*) from deliveries where state <> 'delivered') + (select count(*) from event_fanouts))::int as n`;
        return n === 0 && (await receivers.stats()).total.unique >= expected;
      },
      { timeoutMs: 120_000, intervalMs: 250 },
    );
    const recoveredMs = Date.now() - killedAt;
    e.check(allIn, `not everything delivered within 120 s of the restart`);

    const eventIds = new Set(events.map((x) => x.id));
    const eventByVersion = new Map(events.map((x) => [`${x.project_id}:${x.project_version}`, x.id]));
    e.check(events.length >= PROJECTS * REVISIONS, `${events.length} project events for ${PROJECTS * REVISIONS} changes written`);
    let missingAcks = 0;
    for (const a of acks) if (!eventByVersion.has(`${a.id}:${a.version}`)) missingAcks++;
    e.check(acks.length === PROJECTS * REVISIONS, `${acks.length} acknowledged writes for ${PROJECTS * REVISIONS} sent`);
    e.check(missingAcks === 0, `${missingAcks} acknowledged changes have no event`);
    const { duplicates } = await checkEveryEventDelivered(e, { receivers, slugs: RECEIVERS, eventIds, log });
    const stats = (await receivers.stats()).total;
    e.check(stats.badSignature === 0 && stats.badBody === 0, `${stats.badSignature} bad signatures, ${stats.badBody} bad bodies`);
    e.check(duplicates <= IN_FLIGHT_WINDOW, `${duplicates} duplicates, more than the in-flight window (${IN_FLIGHT_WINDOW})`);
    const [{ n: lost }] = await c.sql`select count(*)::int as n from delivery_attempts where error_class = 'lost'`;
    log(`  ${events.length} changes × ${RECEIVERS.length} receivers: all delivered ${round(recoveredMs / 1000)} s after the kill; ${duplicates} duplicates (window ${IN_FLIGHT_WINDOW}), ${lost} attempts logged as lost, ${retriedCalls} write calls retried`);
    e.done();
    return { changes: events.length, deliveries: expected, killedAtDelivered: atKill.unique, unfinishedAtKill: backlogAtKill, duplicates, lostAttempts: lost, recoveredMs };
  } finally {
    await client.close().catch(() => {});
    await hub.proc.kill("SIGTERM", 10_000);
    await c.cleanup();
  }
}

// ---------------------------------------------------------------------------------------------
// (2) A receiver down for a while, then back
// ---------------------------------------------------------------------------------------------
async function caseReceiver(receivers) {
  const c = await prepareCase("receiver", { receivers });
  const e = expectations("receiver");
  const PROJECTS = 200;
  const REVISIONS = 4;
  const hub = await startCaseHub(c.settings);
  const client = createClient(hub.baseUrl, { connections: 4, timeoutMs: 60_000 });
  try {
    await receivers.setMode("tet", "down");
    const downAt = Date.now();
    for (let r = 0; r < REVISIONS; r++) {
      for (let start = 0; start < PROJECTS; start += 100) {
        const projets = Array.from({ length: 100 }, (_, j) => projetInput(`recv-${start + j}`, r, start + j));
        await sendUntilAccepted(client, "POST", "/api/v1/projets/bulk", { key: c.setup.keys.mec, body: { projets } });
      }
    }
    const changes = PROJECTS * REVISIONS;
    // The other receivers are not held up by the one that is down.
    const othersDone = await waitUntil(
      async () => {
        const s = (await receivers.stats()).receivers;
        return s.recoco.unique >= changes && s["aides-territoires"].unique >= changes;
      },
      { timeoutMs: 30_000 },
    );
    e.check(othersDone, "recoco and aides-territoires did not get every change while tet was down");
    await sleep(Math.max(0, 3_000 - (Date.now() - downAt)));
    const whileDown = (await receivers.stats()).receivers.tet;
    e.check(whileDown.received === 0, `tet received ${whileDown.received} requests while down`);
    // Back, but failing (503) for a moment, then healthy.
    await receivers.setMode("tet", "status", { status: 503 });
    await sleep(1_500);
    await receivers.setMode("tet", "up");
    const upAt = Date.now();
    const downMs = upAt - downAt;
    const caughtUp = await waitUntil(async () => (await receivers.stats()).receivers.tet.unique >= changes, { timeoutMs: 60_000 });
    const catchUpMs = Date.now() - upAt;
    e.check(caughtUp, `tet did not get every change within 60 s of recovery`);
    const done = await waitUntil(async () => (await c.sql`select ((select count(*) from deliveries where state <> 'delivered') + (select count(*) from event_fanouts))::int as n`)[0].n === 0, { timeoutMs: 30_000 });
    e.check(done, "deliveries left unfinished in the database");
    const events = await projectEvents(c.sql);
    const eventIds = new Set(events.map((x) => x.id));
    e.check(events.length === changes, `${events.length} events for ${changes} changes`);
    for (const slug of RECEIVERS) {
      const a = analyseArrivals(await receivers.records(slug));
      let missing = 0;
      for (const id of eventIds) if (!a.ids.has(id)) missing++;
      e.check(missing === 0, `${slug}: ${missing} changes never delivered`);
      e.check(a.outOfOrder === 0, `${slug}: ${a.outOfOrder} out of order (${a.examples.join("; ")})`);
      log(`  ${slug}: ${a.ids.size} distinct, ${a.duplicates} duplicates, ${a.outOfOrder} out of order, ${missing} missing`);
    }
    const [failedAttempts] = await c.sql`
      select count(*)::int as n, count(*) filter (where a.status_code = 503)::int as http503, count(*) filter (where a.error_class is not null and a.status_code is null)::int as network
      from delivery_attempts a join deliveries d on d.id = a.delivery_id join services s on s.id = d.service_id
      where s.slug = 'tet' and (a.status_code is null or a.status_code >= 300)`;
    const [{ n: failedState }] = await c.sql`select count(*)::int as n from deliveries where state = 'failed'`;
    e.check(failedAttempts.network > 0, "no connection failure was logged for tet: the outage was not observed");
    e.check(failedState === 0, `${failedState} deliveries ended 'failed'`);
    const stats = (await receivers.stats()).total;
    e.check(stats.badSignature === 0, `${stats.badSignature} bad signatures`);
    log(`  tet down ${round(downMs / 1000)} s (refused, then 503): ${failedAttempts.n} failed attempts logged (${failedAttempts.network} network, ${failedAttempts.http503} HTTP 503); caught up ${round(catchUpMs / 1000)} s after recovery; ${changes} changes in order everywhere`);
    e.done();
    return { changes, downMs, failedAttempts: failedAttempts.n, catchUpMs };
  } finally {
    await receivers.setMode("tet", "up").catch(() => {});
    await client.close().catch(() => {});
    await hub.proc.kill("SIGTERM", 10_000);
    await c.cleanup();
  }
}

// ---------------------------------------------------------------------------------------------
// (3) PostgreSQL restarted during traffic
// ---------------------------------------------------------------------------------------------
async function casePostgres(receivers) {
  let mode = process.env.FAULTS_PG === "shared" ? "shared" : "private";
  let pg;
  if (mode === "private") {
    try {
      pg = await startPrivatePostgres(ports.privatePg);
    } catch (error) {
      // In CI (a machine of its own) the server's own cluster may be restarted instead.
      if (process.env.CI !== "true") throw error;
      log(`  no throwaway cluster (${String(error.message).split("\n")[0]}): restarting the machine's cluster instead`);
      mode = "shared";
    }
  }
  if (mode === "shared") pg = sharedClusterControl(baseUrl);
  log(`  PostgreSQL: ${mode === "shared" ? "the machine's cluster (pg_ctlcluster)" : `a throwaway cluster on 127.0.0.1:${ports.privatePg}`}`);
  let c;
  let hub;
  let client;
  try {
    c = await prepareCase("postgres", { receivers, databaseBase: pg.url });
    const e = expectations("postgres");
    hub = await startCaseHub(c.settings);
    client = createClient(hub.baseUrl, { connections: 16, timeoutMs: 20_000 });
    const key = c.setup.keys.mec;
    const LOOPS = 6;
    const TRAFFIC_LIMIT_MS = 120_000;
    // Refused connections fail at once and the pool retries within 1 s (src/db/client.ts): an answer
    // slower than this is a request stuck on a connection, not an outage being reported.
    const HANG_MS = 5_000;
    const outcomes = [];
    const acks = [];
    const t0 = Date.now();
    let pgDown = null;
    let pgUp = null;
    const loop = async (l) => {
      const mine = [];
      // Traffic runs until 8 s after PostgreSQL is back (bounded: 2 minutes in all).
      for (let i = 0; Date.now() - t0 < TRAFFIC_LIMIT_MS && (pgUp === null || Date.now() < pgUp + 8_000); i++) {
        let r;
        let kind;
        if (i % 3 === 2 && mine.length) {
          kind = "read";
          r = await client.send("GET", `/api/v1/projets/${mine[i % mine.length].id}`, { key });
        } else if (i % 3 === 1 && mine.length) {
          kind = "update";
          const p = mine[i % mine.length];
          p.revision++;
          r = await client.send("POST", "/api/v1/projets", { key, body: projetInput(p.externalId, p.revision, l) });
        } else {
          kind = "create";
          const externalId = `pg-${l}-${i}`;
          r = await client.send("POST", "/api/v1/projets", { key, body: projetInput(externalId, 0, l) });
          if (r.status === 201 || r.status === 200) mine.push({ id: r.body.id, externalId, revision: 0 });
        }
        const started = Date.now() - r.ms;
        outcomes.push({ kind, started, ms: r.ms, status: r.status, error: r.error, body: r.body, text: r.text });
        if ((kind === "create" || kind === "update") && (r.status === 200 || r.status === 201)) acks.push({ id: r.body.id, version: r.body.version });
        if (r.status === 503) await sleep(50); // a client honouring Retry-After would wait longer
      }
    };
    const timeline = {};
    const restart = (async () => {
      await sleep(4_000);
      pgDown = Date.now();
      await pg.stop("fast");
      timeline.stopped = Date.now() - pgDown;
      await sleep(2_500);
      timeline.startCalled = Date.now() - pgDown;
      await pg.start();
      pgUp = Date.now();
      timeline.up = pgUp - pgDown;
    })();
    await Promise.all([...Array.from({ length: LOOPS }, (_, l) => loop(l)), restart]);
    log(`  PostgreSQL down for ${round((pgUp - pgDown) / 1000)} s (fast shutdown, then start), ${outcomes.length} requests from ${LOOPS} clients over ${round((Date.now() - t0) / 1000)} s`);

    const histogram = {};
    for (const o of outcomes) histogram[o.status ?? o.error] = (histogram[o.status ?? o.error] ?? 0) + 1;
    log(`  answers: ${JSON.stringify(histogram)}; timeline (ms from stop request): stopped ${timeline.stopped}, start requested ${timeline.startCalled}, accepting ${timeline.up}`);
    for (const o of outcomes.filter((x) => x.ms >= 3_000 || x.error).slice(0, 8)) {
      log(`    slow: ${o.kind} started ${o.started - pgDown} ms after the stop request, ${round(o.ms)} ms, ${o.status ?? o.error}`);
    }
    const networkErrors = outcomes.filter((o) => o.error);
    const hangs = outcomes.filter((o) => o.ms >= HANG_MS);
    const unexpected = outcomes.filter((o) => o.status !== undefined && ![200, 201, 503].includes(o.status));
    const bad503 = outcomes.filter((o) => o.status === 503 && (o.body?.error?.code !== "unavailable" || /\bat |ECONN|postgres|stack|sql/i.test(o.text ?? "")));
    const during = outcomes.filter((o) => o.started >= pgDown && o.started <= pgUp);
    const after = outcomes.filter((o) => o.started >= pgUp + 3_000);
    const maxMs = Math.max(...outcomes.map((o) => o.ms));
    e.check(networkErrors.length === 0, `${networkErrors.length} requests failed at the network level (${networkErrors.slice(0, 3).map((o) => o.error).join(", ")})`);
    e.check(hangs.length === 0, `${hangs.length} requests took ≥ ${HANG_MS / 1000} s`);
    e.check(unexpected.length === 0, `unexpected statuses: ${unexpected.slice(0, 5).map((o) => `${o.status} ${o.text?.slice(0, 200)}`).join(" | ")}`);
    e.check(bad503.length === 0, `503 answers without the 'unavailable' envelope or with internals: ${bad503.slice(0, 3).map((o) => o.text?.slice(0, 200)).join(" | ")}`);
    e.check(during.some((o) => o.status === 503), `no 503 during the outage (${during.length} requests sent then)`);
    const failedAfter = after.filter((o) => !(o.status >= 200 && o.status < 300));
    e.check(after.length >= LOOPS && failedAfter.length === 0, `not recovered by itself: ${failedAfter.length} of ${after.length} requests failed from 3 s after the restart (${failedAfter.slice(0, 3).map((o) => `${o.kind} started ${o.started - pgUp} ms after PostgreSQL was back, ${round(o.ms)} ms, ${o.status ?? o.error}`).join("; ")})`);
    const firstOkAfter = outcomes.filter((o) => o.started >= pgUp && o.status >= 200 && o.status < 300).sort((a, b) => a.started - b.started)[0];
    const recoveryMs = firstOkAfter ? firstOkAfter.started + firstOkAfter.ms - pgUp : null;

    // Nothing acknowledged lost, nothing half-written: every project's events are exactly its
    // versions 1..n, each with one delivery per receiver, and it has its link.
    const byId = new Map((await c.sql`select id::text as id, version from projects`).map((p) => [p.id, p.version]));
    const eventKeys = new Set((await projectEvents(c.sql)).map((x) => `${x.project_id}:${x.project_version}`));
    const lostAcks = acks.filter((a) => !(byId.get(a.id) >= a.version) || !eventKeys.has(`${a.id}:${a.version}`));
    e.check(lostAcks.length === 0, `${lostAcks.length} acknowledged changes missing after the restart`);
    const [integrity] = await c.sql`
      select
        (select count(*)::int from projects p where (select count(*) from events e where e.project_id = p.id) <> p.version
            or (select count(distinct e.project_version) from events e where e.project_id = p.id) <> p.version
            or (select max(e.project_version) from events e where e.project_id = p.id) <> p.version) as versions_without_event,
        (select count(*)::int from projects p where not exists (select 1 from project_links l where l.project_id = p.id)) as unlinked,
        (select count(*)::int from events e where e.project_id is not null and (select count(*) from deliveries d where d.event_id = e.id) <> 3) as events_without_deliveries,
        (select count(*)::int from projects) as projects`;
    e.check(integrity.versions_without_event === 0, `${integrity.versions_without_event} projects whose versions and events disagree`);
    e.check(integrity.unlinked === 0, `${integrity.unlinked} projects without their service link`);
    e.check(integrity.events_without_deliveries === 0, `${integrity.events_without_deliveries} events without their 3 deliveries`);
    // The worker recovers too: everything committed reaches the receivers.
    const events = await projectEvents(c.sql);
    const delivered = await waitUntil(
      async () => (await c.sql`select ((select count(*) from deliveries where state <> 'delivered') + (select count(*) from event_fanouts))::int as n`)[0].n === 0 && (await receivers.stats()).total.unique >= events.length * 3,
      { timeoutMs: 60_000 },
    );
    e.check(delivered, "the worker did not deliver everything after the restart");
    log(`  ${acks.length} writes acknowledged, all present; ${integrity.projects} projects consistent; ${histogram[503] ?? 0} × 503 unavailable, slowest answer ${round(maxMs)} ms; first success ${recoveryMs} ms after PostgreSQL was back; ${events.length * 3} deliveries completed`);
    e.done();
    return { requests: outcomes.length, unavailable: histogram[503] ?? 0, maxMs: round(maxMs), recoveryMs, acks: acks.length };
  } finally {
    await client?.close().catch(() => {});
    await hub?.proc.kill("SIGTERM", 10_000);
    if (mode === "shared") {
      await pg.start().catch(() => {});
      await c?.cleanup();
    } else {
      await c?.sql.end({ timeout: 2 }).catch(() => {});
      await pg.destroy();
    }
  }
}

// ---------------------------------------------------------------------------------------------
// (4) 10,000 fuzzed requests
// ---------------------------------------------------------------------------------------------
async function digest(sql, okIds) {
  const ok = okIds.length ? okIds : ["00000000-0000-0000-0000-000000000000"];
  const [row] = await sql`
    select
      (select md5(coalesce(string_agg(t::text, '|' order by t.id), '')) from projects t where t.id::text <> all(${ok})) as projects,
      (select md5(coalesce(string_agg(t::text, '|' order by t.project_id, t.service_id), '')) from project_links t where t.project_id::text <> all(${ok})) as links,
      (select md5(coalesce(string_agg(t::text, '|' order by t.project_id, t.email_hash, t.granted_by_service_id), '')) from project_permissions t where t.project_id::text <> all(${ok})) as permissions,
      (select md5(coalesce(string_agg(t::text, '|' order by t.id), '')) from events t where t.type <> 'utilisateur.efface' and (t.project_id is null or t.project_id::text <> all(${ok}))) as events,
      (select md5(coalesce(string_agg(t::text, '|' order by t.id), '')) from deliveries t) as deliveries,
      (select md5(coalesce(string_agg(t::text, '|' order by t.id), '')) from services t) as services,
      (select md5(coalesce(string_agg(t::text, '|' order by t.id), '')) from status_mappings t) as mappings,
      (select md5(coalesce(string_agg(t::text, '|' order by t.id), '')) from webhook_endpoints t) as endpoints,
      (select md5(coalesce(string_agg(concat_ws(',', t.id, t.prefix, t.key_hash, t.revoked_at), '|' order by t.id), '')) from api_keys t) as keys,
      (select md5(coalesce(string_agg(t::text, '|' order by t.id), '')) from operators t) as operators,
      (select md5(coalesce(string_agg(t::text, '|' order by t.id), '')) from audit_log t) as audit,
      (select count(*)::int from projects t where t.id::text <> all(${ok})) as project_count,
      (select count(*)::int from events t where t.type = 'utilisateur.efface') as erasure_events`;
  return row;
}

async function caseFuzz(receivers, { count, seed }) {
  const c = await prepareCase("fuzz", { receivers, keysFor: ["mec", "tet"], webhooks: false, consoleSessions: true });
  const e = expectations("fuzz");
  const hub = await startCaseHub(c.settings);
  const client = createClient(hub.baseUrl, { connections: 16, timeoutMs: 30_000 });
  try {
    const mec = c.setup.keys.mec;
    const seedWrite = async (key, method, path, body) => (await sendUntilAccepted(client, method, path, { key, body })).response.body;
    const target = await seedWrite(mec, "POST", "/api/v1/projets", projetInput("fuzz-target", 0, 1));
    const okBase = await seedWrite(mec, "POST", "/api/v1/projets", projetInput("fuzz-ok-base", 0, 2));
    const tetOnly = await seedWrite(c.setup.keys.tet, "POST", "/api/v1/projets", { ...projetInput("tet-only", 0, 3), statut: "En cours" });
    await seedWrite(mec, "PUT", `/api/v1/projets/${target.id}/permissions`, { email: "lectrice@mairie-exemple.fr", niveau: "READ" });
    // The console is fuzzed too (issue #14): tRPC procedures and pages with an admin's and a lecteur's session.
    const ctx = { key: mec, targetId: target.id, tetOnlyId: tetOnly.id, okId: okBase.id, otherExternalId: "fuzz-ok-base", consoleSessions: c.setup.consoleSessions, origin: c.settings.NEXTAUTH_URL };
    const before = await digest(c.sql, [okBase.id]);
    const requests = fuzzRequests(ctx, count, seed);
    const { statusCounts, bySurface, violations, okIds, acceptedErasures, seconds } = await runFuzz(client, requests, { okIds: new Set([okBase.id]) });
    const after = await digest(c.sql, [...okIds]);
    const changed = Object.keys(before).filter((k) => k !== "erasure_events" && before[k] !== after[k]);
    const fiveXX = Object.entries(statusCounts).filter(([s]) => Number(s) >= 500).reduce((n, [, v]) => n + v, 0);
    const byKind = {};
    for (const r of requests) byKind[r.kind] = (byKind[r.kind] ?? 0) + 1;
    log(`  ${requests.length} requests (seed ${seed}) in ${round(seconds)} s (${round(requests.length / seconds)} req/s), ${Object.keys(byKind).length} kinds; answers ${JSON.stringify(statusCounts)}`);
    for (const [surface, figures] of Object.entries(bySurface)) log(`  ${surface}: ${figures.requests} requests, ${figures.fiveXX} × 5xx; answers ${JSON.stringify(figures.statuses)}`);
    log(`  ${okIds.size - 1} accepted odd creations in the fuzzok namespace; ${after.erasure_events - before.erasure_events} erasure events for ${acceptedErasures} accepted erasures`);
    for (const v of violations.slice(0, 12)) log(`    ✗ ${v.kind} ${v.method} ${v.path} → ${v.status} ${v.answer} (body: ${JSON.stringify(v.body)})`);
    e.check(fiveXX === 0, `${fiveXX} answers were 5xx`);
    e.check(violations.length === 0, `${violations.length} requests not answered as the contract requires (see above)`);
    e.check(changed.length === 0, `refused calls wrote to: ${changed.join(", ")}`);
    e.check(after.erasure_events - before.erasure_events <= acceptedErasures, "erasure events without an accepted erasure");
    e.done();
    return { requests: requests.length, seconds: round(seconds), statusCounts, bySurface, kinds: Object.keys(byKind).length };
  } finally {
    await client.close().catch(() => {});
    await hub.proc.kill("SIGTERM", 10_000);
    await c.cleanup();
  }
}

// ---------------------------------------------------------------------------------------------
// (5) Two web instances and two separate workers on one database; one of each SIGKILLed
// ---------------------------------------------------------------------------------------------
/** A service of its own for the rate-limit probe: no other request of the case counts against it. */
const RATE_SERVICE = { slug: "sonde-debit", nom: "Sonde de débit (suite de pannes)" };
/** Per service and minute on every instance; the writer's calls of the case stay far below it. */
const RATE_LIMIT = 60;
/**
 * The separate workers' lease: long enough to outlast an attempt (WEBHOOK_TIMEOUT_MS 2 s) and a
 * coalesced write, short enough for the surviving worker to take the dead one's deliveries over
 * within the case (the default, timeout + 15 s = 17 s, would make it 11 s longer).
 */
const MULTI_LEASE_MS = 6_000;
/** `maxInFlightPerEndpoint` of every worker (src/server/worker/start-embedded-worker.ts). */
const PER_ENDPOINT_CAP = 64;

/** `node --import tsx src/server/worker/main.ts`: one process, so that its pid is its lease owner's. */
function startCaseWorker(settings, name) {
  return startGroupReady(name, process.execPath, ["--import", "tsx", path.join(root, "src", "server", "worker", "main.ts"), "--lease-ms", String(MULTI_LEASE_MS)], {
    cwd: root,
    env: { ...settings, WORKER_ENABLED: "true" },
    // Every line goes to the hub log too (errors reported, uncaught exceptions asserted).
    isReady: (line) => {
      onHubLine(line);
      return line === "ready";
    },
    timeoutMs: 60_000,
  });
}

async function caseMulti(receivers) {
  const t0 = Date.now();
  const c = await prepareCase("multi", {
    receivers,
    services: [RATE_SERVICE],
    // The web instances deliver nothing themselves (as with the Procfile): the two workers do.
    extraSettings: { WORKER_ENABLED: "false", RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT) },
  });
  const e = expectations("multi");
  const PROJECTS = 200;
  const REVISIONS = 5;
  const CHUNK = 50;
  const WRITERS = 2;
  const startWeb = (port) => startHub({ distDir, port, settings: c.settings, onLine: onHubLine });
  const preparedMs = Date.now() - t0;
  // All four at once: the case's time goes mostly to starting processes on a busy machine.
  const starts = await Promise.allSettled([startWeb(ports.hub), startWeb(ports.hubB), startCaseWorker(c.settings, "worker-1"), startCaseWorker(c.settings, "worker-2")]);
  const failedStart = starts.find((r) => r.status === "rejected");
  if (failedStart) {
    await Promise.all(starts.filter((r) => r.status === "fulfilled").map((r) => (r.value.proc ?? r.value).kill("SIGKILL")));
    await c.cleanup();
    throw failedStart.reason;
  }
  const [webA, webB, worker1, worker2] = starts.map((r) => r.value);
  const webs = [webA, webB];
  const workers = [worker1, worker2];
  const startedMs = Date.now() - t0 - preparedMs;
  const urls = webs.map((w) => w.baseUrl);
  const client = createSpreadClient(urls, { connections: 4, timeoutMs: 30_000 });
  try {
    log(`  database and services ready in ${round(preparedMs / 1000)} s; 2 web instances (WORKER_ENABLED=false) + 2 workers (lease ${MULTI_LEASE_MS} ms) started in ${round(startedMs / 1000)} s`);

    // The rate limit, counted in PostgreSQL: RATE_LIMIT requests a minute for the service over both
    // instances together, where two counters of their own would let twice as many through.
    const probe = await probeRateLimit(urls, { key: c.setup.keys[RATE_SERVICE.slug], path: "/api/v1/statuts", total: RATE_LIMIT * 3, concurrency: 6 });
    const allowed = probe.byInstance.reduce((n, x) => n + x.ok, 0);
    const limited = probe.byInstance.reduce((n, x) => n + x.limited, 0);
    const [{ n: counted }] = await c.sql`
      select coalesce(sum(w.count), 0)::int as n from api_rate_windows w join services s on s.id = w.service_id where s.slug = ${RATE_SERVICE.slug}`;
    // A probe that straddles a minute boundary may let a few more through (the previous minute's
    // weight falls by 1/60 a second); concurrent refusals may take back a few places late.
    const above = Math.ceil((RATE_LIMIT * (probe.seconds + 1)) / 60);
    log(`  rate limit ${RATE_LIMIT}/min: ${RATE_LIMIT * 3} requests of ${RATE_SERVICE.slug} over both instances in ${round(probe.seconds)} s → ${allowed} × 200 (${probe.byInstance.map((x) => x.ok).join(" + ")}), ${limited} × 429 (${probe.byInstance.map((x) => x.limited).join(" + ")}); shared counter ${counted}`);
    e.check(allowed >= RATE_LIMIT - 6 && allowed <= RATE_LIMIT + above, `${allowed} requests allowed for a limit of ${RATE_LIMIT} a minute over both instances (expected ${RATE_LIMIT - 6}…${RATE_LIMIT + above}; ${2 * RATE_LIMIT} would mean one counter per instance)`);
    e.check(probe.byInstance.every((x) => x.ok > 0 && x.limited > 0), `each instance must both serve and refuse: ${JSON.stringify(probe.byInstance)}`);
    e.check(probe.byInstance.every((x) => x.other.length === 0), `unexpected answers: ${JSON.stringify(probe.byInstance.map((x) => x.other.slice(0, 5)))}`);
    e.check(probe.badLimited.length === 0, `${probe.badLimited.length} × 429 without the rate_limited code or Retry-After: ${probe.badLimited.slice(0, 2).join(" | ")}`);
    e.check(counted === allowed, `the shared counter says ${counted}, ${allowed} requests were allowed (refused ones must not count)`);

    // Writes spread over both instances: each writer owns half of the projects and writes their
    // revisions in order, call after call, alternating instances.
    const acks = [];
    const calls = { done: 0, afterKill: 0, failedOver: 0, byInstance: [0, 0] };
    let killed = false;
    const totalCalls = (PROJECTS / CHUNK) * REVISIONS;
    const writers = Array.from({ length: WRITERS }, async (_, w) => {
      const mine = Array.from({ length: PROJECTS / WRITERS }, (_, j) => w * (PROJECTS / WRITERS) + j);
      let call = w;
      for (let r = 0; r < REVISIONS; r++) {
        for (let start = 0; start < mine.length; start += CHUNK) {
          const projets = mine.slice(start, start + CHUNK).map((n) => projetInput(`multi-${n}`, r, n));
          const { response, instance, failovers } = await client.send(call++, "POST", "/api/v1/projets/bulk", { key: c.setup.keys.mec, body: { projets } });
          acks.push(...response.body.results);
          calls.done++;
          calls.byInstance[instance]++;
          if (failovers > 0) calls.failedOver++;
          if (killed) calls.afterKill++;
        }
      }
    });
    const writing = Promise.all(writers);
    // The per-endpoint cap on deliveries in flight is counted over every worker's leases (the
    // claim's, under its lock): sampled all along, it must never exceed the workers' setting.
    let sampling = true;
    let samplerError = null;
    let maxInFlightPerEndpoint = 0;
    const sampler = (async () => {
      try {
        while (sampling) {
          const [{ n }] = await c.sql`select coalesce(max(k), 0)::int as n from (select count(*) as k from deliveries where state = 'in_flight' group by endpoint_id) x`;
          maxInFlightPerEndpoint = Math.max(maxInFlightPerEndpoint, n);
          await sleep(20);
        }
      } catch (error) {
        samplerError = error;
      }
    })();

    // The kill: half of the write calls answered, deliveries under way, worker-1 holding leases.
    const [, killedWorker] = workers;
    const owner = `%:${killedWorker.pid}:%`;
    const ready = await waitUntil(
      async () => {
        if (calls.done < totalCalls / 2) return false;
        const [{ n }] = await c.sql`select count(*)::int as n from deliveries where state = 'in_flight' and lease_owner like ${owner}`;
        return n > 0;
      },
      { timeoutMs: 30_000, intervalMs: 10 },
    );
    e.check(ready, "worker-2 never held a lease after half of the writes: the kill tested nothing");
    await Promise.all([killedWorker.kill("SIGKILL"), webs[1].proc.kill("SIGKILL")]);
    killed = true;
    const killedAt = Date.now();
    const [atKill] = await c.sql`
      select count(*) filter (where state <> 'delivered')::int as unfinished,
             count(*) filter (where state = 'in_flight' and lease_owner like ${owner})::int as dead_leases
      from deliveries`;
    const arrivedAtKill = (await receivers.stats()).total.unique;
    log(`  SIGKILL worker-2 and web instance 2 after ${calls.done}/${totalCalls} write calls, ${arrivedAtKill} arrivals: ${atKill.unfinished} deliveries unfinished, ${atKill.dead_leases} leased by the dead worker`);
    e.check(atKill.unfinished > 0, "nothing was left to deliver at the kill: the case tested nothing");

    await writing;
    const events = await projectEvents(c.sql);
    const expected = events.length * RECEIVERS.length;
    const allIn = await waitUntil(
      async () => (await c.sql`select ((select count(*) from deliveries where state <> 'delivered') + (select count(*) from event_fanouts))::int as n`)[0].n === 0 && (await receivers.stats()).total.unique >= expected,
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    const recoveredMs = Date.now() - killedAt;
    sampling = false;
    await sampler;
    e.check(allIn, "not everything delivered within 60 s of the kill by the surviving worker");
    e.check(samplerError === null, `sampling deliveries in flight failed: ${samplerError?.message}`);
    e.check(maxInFlightPerEndpoint <= PER_ENDPOINT_CAP, `${maxInFlightPerEndpoint} deliveries in flight to one endpoint over both workers (cap ${PER_ENDPOINT_CAP})`);
    e.check(calls.afterKill > 0 && calls.failedOver > 0, `no write went to the surviving instance after failing on the dead one (${calls.afterKill} calls after the kill, ${calls.failedOver} failed over)`);

    // Everything acknowledged has its event; every event reached every receiver, in order per lane
    // (project × receiver); duplicates only where an attempt ended without a recorded success.
    const eventIds = new Set(events.map((x) => x.id));
    const eventByVersion = new Set(events.map((x) => `${x.project_id}:${x.project_version}`));
    e.check(acks.length === PROJECTS * REVISIONS, `${acks.length} acknowledged writes for ${PROJECTS * REVISIONS} sent`);
    const missingAcks = acks.filter((a) => !eventByVersion.has(`${a.id}:${a.version}`)).length;
    e.check(missingAcks === 0, `${missingAcks} acknowledged changes have no event`);
    const { duplicates, outOfOrder } = await checkEveryEventDelivered(e, { receivers, slugs: RECEIVERS, eventIds, log });
    const stats = (await receivers.stats()).total;
    e.check(stats.badSignature === 0 && stats.badBody === 0, `${stats.badSignature} bad signatures, ${stats.badBody} bad bodies`);
    const [attempts] = await c.sql`
      select count(*) filter (where error_class = 'lost')::int as lost,
             count(*) filter (where status_code is null or status_code not between 200 and 299)::int as unsuccessful
      from delivery_attempts`;
    // At least once: a webhook is sent again only after an attempt that did not record a success
    // (its worker died, or it failed or timed out after the receiver had it).
    e.check(duplicates <= attempts.unsuccessful, `${duplicates} duplicates for ${attempts.unsuccessful} attempts without a recorded success`);
    e.check(attempts.lost >= atKill.dead_leases, `${attempts.lost} attempts logged as lost for ${atKill.dead_leases} leases of the dead worker`);
    log(`  ${events.length} changes × ${RECEIVERS.length} receivers: all delivered ${round(recoveredMs / 1000)} s after the kill; ${duplicates} duplicates (${attempts.lost} attempts lost, ${attempts.unsuccessful} without success); write calls ${calls.byInstance.join(" + ")} by instance, ${calls.failedOver} failed over, ${calls.afterKill} after the kill; at most ${maxInFlightPerEndpoint} in flight per endpoint (cap ${PER_ENDPOINT_CAP})`);
    e.done();
    return {
      changes: events.length,
      deliveries: expected,
      rateLimit: RATE_LIMIT,
      rateAllowed: allowed,
      rateAllowedByInstance: probe.byInstance.map((x) => x.ok),
      rateLimited: limited,
      unfinishedAtKill: atKill.unfinished,
      deadWorkerLeases: atKill.dead_leases,
      writeCallsFailedOver: calls.failedOver,
      writeCallsAfterKill: calls.afterKill,
      duplicates,
      outOfOrder,
      lostAttempts: attempts.lost,
      maxInFlightPerEndpoint,
      recoveredMs,
      preparedMs,
      startedMs,
    };
  } finally {
    await client.close().catch(() => {});
    await Promise.all([...webs.map((w) => w.proc.kill("SIGTERM", 10_000)), ...workers.map((w) => w.kill("SIGTERM", 10_000))]);
    await c.cleanup();
  }
}

// ---------------------------------------------------------------------------------------------

const CASES = {
  kill: { run: caseKill, limitMs: 8 * 60_000 },
  receiver: { run: caseReceiver, limitMs: 5 * 60_000 },
  postgres: { run: casePostgres, limitMs: 5 * 60_000 },
  fuzz: { run: caseFuzz, limitMs: 10 * 60_000 },
  multi: { run: caseMulti, limitMs: 3 * 60_000 },
};

async function main() {
  const started = Date.now();
  const selected = only ?? Object.keys(CASES);
  for (const name of selected) if (!CASES[name]) throw new Error(`unknown case ${name} (${Object.keys(CASES).join(", ")})`);
  log(`fault suite: ${selected.join(", ")} — PostgreSQL ${new URL(baseUrl).host}, production build in ${distDir}`);
  await ensureBuild(distDir, { noBuild: flag("no-build"), log });
  const receivers = await startReceivers({ receivers: Object.fromEntries(RECEIVERS.map((s) => [s, ports[s]])), control: ports.control });
  const outcomes = [];
  try {
    for (const name of selected) {
      log(`\n[${name}]`);
      const t = Date.now();
      hubLog.errors = [];
      hubLog.warnings = 0;
      hubLog.uncaught = [];
      let timer;
      try {
        const figures = await Promise.race([
          CASES[name].run(receivers, { count: Number(option("fuzz-count", 10_000)), seed: Number(option("seed", process.env.FAULTS_SEED ?? 20261123)) }),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error(`time limit of ${CASES[name].limitMs / 1000} s reached`)), CASES[name].limitMs);
          }),
        ]);
        if (hubLog.uncaught.length) throw new CaseFailure(`${name}: the hub hit ${hubLog.uncaught.length} uncaught exception(s): ${hubLog.uncaught.slice(0, 2).join(" | ")}`);
        outcomes.push({ name, ok: true, seconds: (Date.now() - t) / 1000, figures });
        log(`  PASS (${round((Date.now() - t) / 1000)} s)`);
      } catch (error) {
        outcomes.push({ name, ok: false, seconds: (Date.now() - t) / 1000, error: String(error?.message ?? error) });
        log(`  FAIL (${round((Date.now() - t) / 1000)} s): ${error?.message ?? error}`);
        if (!(error instanceof CaseFailure)) log(String(error?.stack ?? ""));
      } finally {
        clearTimeout(timer);
        if (hubLog.errors.length || hubLog.warnings) {
          log(`  hub log: ${hubLog.errors.length} errors, ${hubLog.warnings} warnings${hubLog.errors.length ? `; first: ${hubLog.errors.slice(0, 3).join(" | ")}` : ""}`);
        }
      }
    }
  } finally {
    await receivers.stop();
  }
  const passed = outcomes.filter((o) => o.ok).length;
  log(`\nfault suite: ${passed}/${outcomes.length} cases passed in ${round((Date.now() - started) / 1000)} s`);
  for (const o of outcomes) log(`  ${o.ok ? "PASS" : "FAIL"} ${o.name.padEnd(9)} ${round(o.seconds)} s`);
  const summary = { passed, failed: outcomes.length - passed, seconds: round((Date.now() - started) / 1000), cases: outcomes.map((o) => ({ name: o.name, ok: o.ok, seconds: round(o.seconds), ...(o.figures ? { figures: o.figures } : { error: o.error.slice(0, 500) }) })) };
  const report = option("report", null);
  if (report) writeFileSync(report, JSON.stringify(summary, null, 2));
  log(JSON.stringify(summary));
  return passed === outcomes.length;
}

await runHarness("fault suite", main, { limitMs: 30 * 60_000, log });

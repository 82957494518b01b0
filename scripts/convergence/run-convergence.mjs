#!/usr/bin/env node
// `npm run test:convergence`: every receiver ends with every change (issue #15). A seeded
// random-operations test on PostgreSQL with the production build: four simulated services (mec,
// tet, recoco, aides-territoires), each an API client with its own key and a loopback receiver that
// keeps a replica built only from the webhooks it accepted plus its own writes read back. Random
// writes, operator actions and faults (receiver behaviours, endpoint and service switches, URL
// change, secret rotation, replays, SIGKILL of the hub), then quiesce, re-enable everything, replay
// what failed, wait for the outbox to drain, and check (docs/CONVERGENCE.md):
//   1 every replica equals GET /api/v1/projets/{id} as its receiver sees it, for every project;
//   2 versions arrived in order per (project, receiver) except manual replays, one request at a time;
//   3 nothing was sent to its author;  4 every signature verified;
//   5 a resync from a checkpoint taken mid-run returns every project changed since, once per version;
//   6 an erased person is in no stored copy;  7 a 2xx answer is logged as a delivery;
// plus: every API answer as the contract says, endpoints re-enabled by `service:update --enabled
// true`, the outbox drained.
//
// Options: --seed=N (replay one seed; default: the fixed seed 20261129 and one random seed)
//          --ops=N (operations per seed, default 400)  --seconds=N (time for operations, default 30)
//          --concurrency=N (actors, default 6)  --weights=create:3,kill:0,… (see lib/operations.mjs)
//          --behaviours=gone410:0,… (weights of the receiver behaviours)
//          --bulk-max=N (items per bulk, default 40)  --checkpoint-bulk=N (default 300)
//          --max-kills=N (hub SIGKILLs per seed, default 1)  --no-upper-case-ids  --no-label-variants
//          --no-build  --dist-dir=<dir> (default .next-convergence)  --report=<file> (JSON summary)
//          --hub-log=<file> (append every line the hub prints)
// Settings: CONVERGENCE_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres: one
//           database per seed is created and dropped there), CONVERGENCE_PORT_BASE (default 3800).
import { appendFileSync, writeFileSync } from "node:fs";
import { randomInt } from "node:crypto";
import postgres from "postgres";
import { createDatabase, dropDatabase, ensureBuild, hubSettings, startHub } from "../bench/lib/hub.mjs";
import { runHarness, sleep } from "../bench/lib/proc.mjs";
import { createClient, round } from "../bench/lib/projets.mjs";
import { waitUntil } from "../faults/lib/checks.mjs";
import { createRandom } from "./lib/prng.mjs";
import { createReplicaReceiver } from "./lib/replica-receiver.mjs";
import { startOperator } from "./lib/operator.mjs";
import { BEHAVIOUR_WEIGHTS, createOperations, createPeople, DEFAULT_WEIGHTS } from "./lib/operations.mjs";
import { checkAuthors, checkErasures, checkOrder, checkReplicas, checkResync, checkSignatures, checkTwoHundredIsDelivered, resyncPages } from "./lib/convergence-checks.mjs";

const FIXED_SEED = 20261129;
const SLUGS = ["mec", "tet", "recoco", "aides-territoires"];
/** Extra own labels (operator `mapping:set`), so that own-label-only changes exist for every service. */
const EXTRA_LABELS = [
  ["Idée à préciser", "IDEE"],
  ["Travaux engagés", "EN_COURS"],
];

const argv = process.argv.slice(2);
const flag = (name) => argv.includes(`--${name}`);
const option = (name, fallback) => argv.find((a) => a.startsWith(`--${name}=`))?.split("=").slice(1).join("=") ?? fallback;
const distDir = option("dist-dir", ".next-convergence");
const baseUrl = process.env.CONVERGENCE_DATABASE_URL || "postgres://postgres@127.0.0.1:5432/postgres";
const portBase = Number(process.env.CONVERGENCE_PORT_BASE || 3800);
const hubLogFile = option("hub-log", null);
const TIMEOUT_MS = 1_000;
const log = (line) => process.stdout.write(`${line}\n`);

function parseWeights(text, defaults, flagName) {
  const weights = { ...defaults };
  for (const part of (text ?? "").split(",").filter(Boolean)) {
    const [name, value] = part.split(":");
    if (!(name in weights) || !Number.isFinite(Number(value))) throw new Error(`--${flagName}: unknown operation or bad weight "${part}" (${Object.keys(weights).join(", ")})`);
    weights[name] = Number(value);
  }
  return weights;
}

const options = {
  ops: Number(option("ops", 400)),
  seconds: Number(option("seconds", 30)),
  concurrency: Number(option("concurrency", 6)),
  weights: parseWeights(option("weights", ""), DEFAULT_WEIGHTS, "weights"),
  behaviours: parseWeights(option("behaviours", ""), BEHAVIOUR_WEIGHTS, "behaviours"),
  bulkMax: Number(option("bulk-max", 40)),
  checkpointBulk: Number(option("checkpoint-bulk", 300)),
  maxKills: Number(option("max-kills", 1)),
  upperCaseIds: !flag("no-upper-case-ids"),
  labelVariants: !flag("no-label-variants"),
};

/** One seed: its own database, hub, receivers and operator process; returns the run's summary. */
async function runSeed(seed) {
  const started = Date.now();
  log(`\n[seed ${seed}] ${options.ops} operations at most in ${options.seconds} s, ${options.concurrency} actors`);
  const dbName = `lc_convergence_${process.pid}_${seed}`;
  const databaseUrl = await createDatabase(baseUrl, dbName);
  const settings = hubSettings(databaseUrl, portBase, { WEBHOOK_RETRY_SCHEDULE: "50,100,200,400", WEBHOOK_TIMEOUT_MS: String(TIMEOUT_MS) });
  const sql = postgres(databaseUrl, { max: 3, onnotice: () => {}, connect_timeout: 10, connection: { application_name: "convergence-checker" } });
  const hubLog = { errors: 0, uncaught: [] };
  const onLine = (line) => {
    if (hubLogFile) appendFileSync(hubLogFile, `${line}\n`);
    if (/uncaughtException|unhandledRejection/.test(line)) hubLog.uncaught.push(line.slice(0, 300));
    if (line.includes('"level":"error"')) hubLog.errors++;
  };
  const violations = [];
  const ctx = {
    seed,
    options,
    sql,
    projects: new Set(),
    erased: [],
    people: createPeople(seed),
    kills: 0,
    opsStarted: 0,
    counts: { ops: {}, faults: {}, behaviours: {}, api: {}, skipped: {}, replayed: 0 },
    violation(check, message) {
      violations.push({ check, message });
    },
  };
  const receivers = SLUGS.map((slug, i) => createReplicaReceiver(slug, [portBase + 10 + 2 * i, portBase + 11 + 2 * i]));
  let hub = null;
  let operator = null;
  let api = null;
  try {
    await Promise.all(receivers.map((r) => r.start()));
    operator = await startOperator(settings);
    ctx.operator = operator;
    // Setup as an operator would: a key and a webhook for each service, two more own labels each.
    const services = [];
    for (const receiver of receivers) {
      const slug = receiver.slug;
      const key = await operator.cli("key:create", ["--service", slug]);
      const endpoint = await operator.cli("service:update", ["--slug", slug, "--webhook-url", receiver.url(0)]);
      if (!key.ok || !endpoint.ok || !endpoint.result.webhookSecret) throw new Error(`setup of ${slug} failed: ${key.message ?? endpoint.message ?? "no secret"}`);
      receiver.learnSecret(endpoint.result.webhookSecret);
      for (const [label, generique] of EXTRA_LABELS) {
        const mapped = await operator.cli("mapping:set", ["--service", slug, "--label", label, "--generique", generique]);
        if (!mapped.ok) throw new Error(`mapping:set for ${slug} failed: ${mapped.message}`);
      }
      services.push({ slug, key: key.result.apiKey, receiver, labels: [], ownLinks: new Map(), recent: [], nextId: 1, enabled: true, endpointEnabled: true, port: 0, inFlight: 0 });
    }
    ctx.serviceList = services;
    // A fifth service that only reads: the resync traversals of check 5 (the four others may be
    // disabled, and their keys refused, at any moment).
    const observer = await operator.cli("service:create", ["--slug", "observatoire", "--nom", "Observatoire"]);
    if (!observer.ok) throw new Error(`service:create observatoire failed: ${observer.message}`);
    const observerKey = observer.result.apiKey;
    const serviceIds = new Map((await sql`select slug, id::text as id from services`).map((r) => [r.slug, r.id]));
    hub = await startHub({ distDir, port: portBase, settings, onLine });
    api = createClient(hub.baseUrl, { connections: 16, timeoutMs: 60_000 });
    ctx.api = api;
    ctx.restartHub = async () => {
      await hub.proc.kill("SIGKILL");
      log(`  hub killed (SIGKILL) after ${ctx.opsStarted} operations`);
      await sleep(300);
      try {
        hub = await startHub({ distDir, port: portBase, settings, onLine });
      } catch (error) {
        // Without a hub every call would be retried until its own time limit, one after the other:
        // stop the run at once and say why, instead of hanging for as long as the operations last.
        ctx.hubDown = error;
        ctx.stopping = true;
        throw error;
      }
      log(`  hub restarted in ${hub.readyMs} ms`);
    };
    for (const svc of services) {
      const r = await api.send("GET", "/api/v1/statuts", { key: svc.key });
      if (r.status !== 200) throw new Error(`GET /api/v1/statuts as ${svc.slug}: ${r.status ?? r.error}`);
      svc.labels = r.body.correspondances.map((c) => ({ libelle: c.libelle, generique: c.generique }));
    }
    const { operations, bulk } = createOperations(ctx);

    // The checkpoint: a large bulk is on its way when the time is noted, then a traversal by cursor
    // follows the rest of the run (issue #15, case 2: a change that commits late must not be skipped).
    const checkpointAt = Math.floor(options.ops * 0.4);
    let checkpointTaken = false;
    let checkpoint = null;
    let concurrent = null;
    const takeCheckpoint = async (random) => {
      const svc = services.find((s) => s.enabled) ?? services[0];
      const pending = bulk(svc, random, options.checkpointBulk);
      // The time is noted while a transaction of the hub has been open for a while (the bulk's, most
      // likely): a change that began before the checkpoint and commits after it must still be found
      // by the resync. (A write gets its transaction id only at its first write, often its last
      // statement: waiting for one would leave almost no time before its commit.)
      const [{ db }] = await sql`select current_database() as db`;
      const openWrite = await waitUntil(
        async () =>
          (await sql`
            select 1 from pg_stat_activity
            where datname = ${db} and pid <> pg_backend_pid() and backend_type = 'client backend'
              and state in ('active', 'idle in transaction') and xact_start is not null
              and clock_timestamp() - xact_start > interval '30 milliseconds'
              and application_name not like 'convergence%'
            limit 1`).length > 0,
        { timeoutMs: 5_000, intervalMs: 5 },
      );
      const since = new Date().toISOString();
      const versions = new Map((await sql`select id::text as id, version from projects`).map((r) => [r.id, r.version]));
      checkpoint = { since, versions };
      log(`  checkpoint at ${since} (${versions.size} projects)${openWrite ? ", while a transaction of the hub was open" : ""}, with a bulk of ${options.checkpointBulk} in flight`);
      await pending;
      let visible = null;
      concurrent = resyncPages(api, observerKey, since, {
        limit: 3,
        pauseMs: 200,
        shouldPause: () => !ctx.stopping,
        beforePage: async () => {
          visible = new Map((await sql`select id::text as id, version from projects`).map((r) => [r.id, r.version]));
        },
      }).then((traversal) => ({ traversal, visibleAtEnd: visible }));
    };

    const root = createRandom(seed);
    const opsStarted = Date.now();
    const deadline = Date.now() + options.seconds * 1000;
    const actor = async (index) => {
      const random = root.derive(index);
      while (!ctx.stopping) {
        const n = ctx.opsStarted++;
        if (n >= options.ops || Date.now() > deadline) break;
        // At 40 % of the operations or of the time, whichever comes first.
        if ((n === checkpointAt && !checkpointTaken) || (!checkpointTaken && Date.now() > opsStarted + options.seconds * 400)) {
          checkpointTaken = true;
          ctx.counts.ops.checkpoint = 1;
          await takeCheckpoint(random);
          continue;
        }
        const name = random.weighted(options.weights);
        const svc = random.pick(services);
        ctx.counts.ops[name] = (ctx.counts.ops[name] ?? 0) + 1;
        try {
          await operations[name](svc, random);
        } catch (error) {
          ctx.violation("harness", `${name} (${svc.slug}) threw: ${error?.stack ?? error}`);
        }
      }
    };
    await Promise.all(Array.from({ length: options.concurrency }, (_, i) => actor(i)));
    ctx.stopping = true;
    if (ctx.hubDown) throw new Error(`the hub did not restart after its SIGKILL: ${ctx.hubDown?.message ?? ctx.hubDown}`);
    const opsSeconds = (Date.now() - opsStarted) / 1000;
    log(`  ${Object.values(ctx.counts.ops).reduce((a, b) => a + b, 0)} operations in ${round(opsSeconds)} s; quiescing`);

    // Quiesce: receivers healthy, everything re-enabled, failed deliveries replayed, outbox drained.
    const quiesceStarted = Date.now();
    for (const r of receivers) await r.setBehaviour("ok");
    for (const svc of services) {
      const r = await operator.cli("service:update", ["--slug", svc.slug, "--enabled", "true"]);
      if (!r.ok) ctx.violation("quiesce", `service:update --slug ${svc.slug} --enabled true: ${r.message}`);
      svc.enabled = true;
    }
    const stillDisabled = await sql`
      select s.slug, e.disabled_reason from webhook_endpoints e join services s on s.id = e.service_id where not e.enabled`;
    for (const row of stillDisabled) {
      ctx.violation("quiesce", `${row.slug}: endpoint still disabled after service:update --enabled true (reason: ${row.disabled_reason ?? "none"}) — CONTRACT §8 says it re-enables the endpoint; enabled through the console to go on`);
      await operator.setEndpointEnabled(row.slug, true);
    }
    // Replay what failed, until nothing fails any more (a loaded machine can make a healthy receiver
    // miss the hub's short time limit a few times in a row): at most three rounds.
    let drained = false;
    for (let round = 0; round < 3; round++) {
      let replayed = 0;
      for (const svc of services) {
        const r = await operator.cli("deliveries:replay", ["--service", svc.slug]);
        if (!r.ok) ctx.violation("quiesce", `deliveries:replay --service ${svc.slug}: ${r.message}`);
        else replayed += r.result.replayed;
      }
      ctx.counts.replayed += replayed;
      drained = await waitUntil(async () => (await sql`select ((select count(*) from delivery_queue) + (select count(*) from event_fanouts))::int as n`)[0].n === 0, { timeoutMs: 60_000, intervalMs: 250 });
      const [{ n: failed }] = await sql`select count(*)::int as n from deliveries where state = 'failed'`;
      if (!drained || failed === 0) break;
    }
    if (!drained) {
      const left = await sql`
        select s.slug, d.state, count(*)::int as n from deliveries d join services s on s.id = d.service_id
        where d.state in ('pending', 'in_flight') group by 1, 2 order by 1, 2`;
      ctx.violation("quiesce", `outbox not drained 60 s after quiesce: ${left.map((r) => `${r.slug} ${r.state} ${r.n}`).join(", ")}`);
    }
    const concurrentResult = concurrent ? await concurrent : null;
    const [outbox] = await sql`
      select count(*)::int as deliveries, count(*) filter (where state = 'failed')::int as failed,
             (select count(*)::int from delivery_attempts) as attempts, (select count(*)::int from events) as events,
             (select count(*)::int from projects) as projects
      from deliveries`;
    log(`  quiesced in ${round((Date.now() - quiesceStarted) / 1000)} s: ${outbox.projects} projects, ${outbox.events} events, ${outbox.deliveries} deliveries (${outbox.failed} failed), ${outbox.attempts} attempts`);

    const input = { api, sql, services, serviceIds, erased: ctx.erased, timeoutMs: TIMEOUT_MS };
    const checks = [
      await checkReplicas(input),
      await checkOrder(input),
      checkAuthors(input),
      checkSignatures(input),
      await checkResync({ api, sql, key: observerKey, checkpoint, concurrent: concurrentResult }),
      await checkErasures(input),
      await checkTwoHundredIsDelivered(input),
    ];
    const byCheck = (name) => violations.filter((v) => v.check === name).map((v) => v.message);
    for (const name of ["api", "operator", "quiesce", "harness"]) {
      const list = byCheck(name);
      const shown = [...new Set(list)].slice(0, 12);
      checks.push({ name: `${name === "api" ? "0 réponses de l'API conformes" : name === "operator" ? "0 actions d'opérateur" : name === "quiesce" ? "0 remise en état" : "0 harnais"}`, ok: list.length === 0, detail: `${list.length} écarts`, violations: list.length > shown.length ? [...shown, `… ${list.length} en tout`] : shown });
    }
    if (hubLog.uncaught.length) checks.push({ name: "0 exceptions non rattrapées du hub", ok: false, detail: "", violations: hubLog.uncaught.slice(0, 3) });

    log(`  operations: ${JSON.stringify(ctx.counts.ops)}`);
    log(`  faults: ${JSON.stringify(ctx.counts.faults)}; behaviours: ${JSON.stringify(ctx.counts.behaviours)}; deliveries replayed: ${ctx.counts.replayed}`);
    log(`  API answers: ${JSON.stringify(ctx.counts.api)}; skipped: ${JSON.stringify(ctx.counts.skipped)}; hub log: ${hubLog.errors} error lines`);
    for (const r of receivers) {
      const c = r.state.counts;
      log(`  ${r.slug.padEnd(18)} received ${c.received}, accepted ${c.accepted}, applied ${c.applied}, replica ${r.state.replica.size} projects`);
    }
    for (const check of checks) {
      log(`  ${check.ok ? "PASS" : "FAIL"} ${check.name} — ${check.detail}`);
      for (const v of check.violations) log(`       ✗ ${v}`);
    }
    const ok = checks.every((c) => c.ok);
    log(`[seed ${seed}] ${ok ? "PASS" : `FAIL (replay: npm run test:convergence -- --seed=${seed})`} in ${round((Date.now() - started) / 1000)} s`);
    return {
      seed,
      ok,
      seconds: round((Date.now() - started) / 1000),
      operations: ctx.counts.ops,
      faults: { ...ctx.counts.faults, behaviours: ctx.counts.behaviours, replayed: ctx.counts.replayed },
      outbox,
      checks: checks.map((c) => ({ name: c.name, ok: c.ok, detail: c.detail, violations: c.violations.slice(0, 12) })),
    };
  } finally {
    ctx.stopping = true;
    await api?.close().catch(() => {});
    await hub?.proc.kill("SIGTERM", 10_000);
    await operator?.stop();
    await Promise.all(receivers.map((r) => r.stop()));
    await sql.end({ timeout: 5 }).catch(() => {});
    await dropDatabase(baseUrl, dbName);
  }
}

async function main() {
  const seeds = option("seed", null) !== null ? [Number(option("seed"))] : [FIXED_SEED, randomInt(1, 2 ** 31 - 1)];
  if (seeds.some((s) => !Number.isInteger(s) || s < 0)) throw new Error("--seed: a non-negative integer");
  log(`convergence checker — seeds ${seeds.join(", ")} — PostgreSQL ${new URL(baseUrl).host}, production build in ${distDir}`);
  await ensureBuild(distDir, { noBuild: flag("no-build"), log });
  const runs = [];
  for (const seed of seeds) {
    try {
      runs.push(await runSeed(seed));
    } catch (error) {
      log(`[seed ${seed}] could not run: ${error?.stack ?? error}`);
      runs.push({ seed, ok: false, error: String(error?.message ?? error).slice(0, 1000), checks: [] });
    }
  }
  const checks = runs.flatMap((r) => r.checks);
  const failedRuns = runs.filter((r) => !r.ok);
  const summary = {
    passed: checks.filter((c) => c.ok).length,
    failed: checks.filter((c) => !c.ok).length + runs.filter((r) => !r.ok && r.checks.length === 0).length,
    seeds: seeds,
    runs,
  };
  const report = option("report", null);
  if (report) writeFileSync(report, JSON.stringify(summary, null, 2));
  log(`\nconvergence: ${runs.length - failedRuns.length}/${runs.length} seeds passed (${summary.passed} checks passed, ${summary.failed} failed)${failedRuns.length ? `; replay with --seed=${failedRuns.map((r) => r.seed).join(" / --seed=")}` : ""}`);
  return failedRuns.length === 0;
}

await runHarness("convergence checker", main, { limitMs: 15 * 60_000, log });

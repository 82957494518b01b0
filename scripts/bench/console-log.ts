// Console delivery-log benchmark (run with tsx by run-bench.mjs, DATABASE_URL = the bench database):
// seeds `--attempts` delivery attempts (and a quarter as many deliveries and events) with
// INSERT … SELECT generate_series, then times the console's own page queries — `listDeliveries`
// (first page and deep keyset pages, with and without each filter) and `getDelivery` (one
// delivery's attempt log) from src/modules/console — many times each, interleaved.
// Last stdout line: JSON {attempts, deliveries, seedMs, p50_ms, p95_ms, kinds: {...}}.
import { sql } from "drizzle-orm";
import { openDatabase, rowsOf } from "@/db/client";
import { listDeliveries } from "@/modules/console/list-deliveries";
import { getDelivery } from "@/modules/console/get-delivery";
import { percentile } from "./lib/projets.mjs";

const args = Object.fromEntries(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, "").split("=");
    return [k, v ?? "true"];
  }),
);
const ATTEMPTS = Number(args.attempts ?? 1_000_000);
const PER_DELIVERY = 4;
const DELIVERIES = Math.ceil(ATTEMPTS / PER_DELIVERY);
const ROUNDS = Number(args.rounds ?? 40);
const PROJECTS = 5_000;

async function main() {
  const url = process.env.DATABASE_URL!;
  // The console's server process uses the hub's pool; two connections are plenty for one page.
  const handle = await openDatabase({ url, poolSize: 2 });
  const db = handle.db;
  try {
    const endpoints = rowsOf<{ id: string; service_id: string }>(await db.execute(sql`select id, service_id from webhook_endpoints order by id`));
    if (endpoints.length === 0) throw new Error("no webhook endpoint: run after the hub setup");
    const seedStarted = performance.now();
    // Spread over the last 29 days (inside the retention window), newest last, like real traffic.
    await db.execute(sql.raw(`
      insert into projects (id, nom, collectivites)
      select md5('bench-project-' || g)::uuid, 'Projet ' || g, '[{"type":"Commune","code":"69123"}]'::jsonb
      from generate_series(0, ${PROJECTS - 1}) g`));
    // One body per event, as the outbox stores it (deliveries keep only their receiver's view).
    await db.execute(sql.raw(`
      insert into events (id, type, project_id, project_version, author_service_id, changements, body, created_at)
      select 'msg_seed_' || lpad(g::text, 9, '0'),
             case when g % 100 = 0 then 'utilisateur.efface' when g % 10 = 0 then 'projet.cree' else 'projet.modifie' end,
             case when g % 100 = 0 then null else md5('bench-project-' || (g % ${PROJECTS}))::uuid end,
             (g / ${PROJECTS}) + 1, null, '["nom"]'::jsonb, repeat('x', 1100),
             now() - interval '29 days' + (g::double precision / ${DELIVERIES}) * interval '29 days'
      from generate_series(1, ${DELIVERIES}) g`));
    const endpointValues = endpoints.map((e, i) => `(${i}, '${e.id}'::uuid, '${e.service_id}'::uuid)`).join(", ");
    await db.execute(sql.raw(`
      insert into deliveries (event_id, endpoint_id, service_id, event_type, project_id, project_version, receiver_view, state,
                              attempt_count, retry_step, next_attempt_at, last_status_code, last_error, delivered_at, created_at, updated_at)
      select e.id, ep.endpoint_id, ep.service_id, e.type,
             e.project_id, e.project_version, '{"externalId":"bench","statut":null}'::jsonb,
             case when g % 100 < 90 then 'delivered' else 'failed' end,
             ${PER_DELIVERY}, ${PER_DELIVERY}, e.created_at,
             case when g % 100 < 90 then 200 else 503 end,
             case when g % 100 < 90 then null else 'http 503' end,
             case when g % 100 < 90 then e.created_at + interval '40 ms' else null end,
             e.created_at, e.created_at
      from generate_series(1, ${DELIVERIES}) g
      join events e on e.id = 'msg_seed_' || lpad(g::text, 9, '0')
      join (values ${endpointValues}) as ep(n, endpoint_id, service_id) on ep.n = g % ${endpoints.length}`));
    await db.execute(sql.raw(`
      insert into delivery_attempts (delivery_id, attempt_number, trigger, started_at, duration_ms, status_code, response_excerpt, error_class, error_message)
      select d.id, a.n, 'auto', d.created_at + (a.n * interval '5 seconds'), 12 + (d.id % 40),
             case when a.n = ${PER_DELIVERY} and d.state = 'delivered' then 200 else 503 end,
             case when a.n = ${PER_DELIVERY} and d.state = 'delivered' then 'ok' else 'Service Unavailable' end,
             case when a.n = ${PER_DELIVERY} and d.state = 'delivered' then null else 'http' end,
             null
      from deliveries d cross join generate_series(1, ${PER_DELIVERY}) a(n)
      where d.event_id like 'msg_seed_%'`));
    await db.execute(sql`analyze events`);
    await db.execute(sql`analyze deliveries`);
    await db.execute(sql`analyze delivery_attempts`);
    const seedMs = performance.now() - seedStarted;

    const [counts] = rowsOf<{ attempts: number; deliveries: number; min_id: number; max_id: number }>(
      await db.execute(sql`select (select count(*)::int from delivery_attempts) as attempts, (select count(*)::int from deliveries) as deliveries,
                                  (select min(id)::int from deliveries) as min_id, (select max(id)::int from deliveries) as max_id`),
    );
    const { attempts, deliveries, min_id: minId, max_id: maxId } = counts!;
    const service = endpoints[0]!.service_id;
    const someProject = rowsOf<{ p: string }>(await db.execute(sql.raw(`select md5('bench-project-42')::uuid::text as p`)))[0]!.p;
    const midDay = new Date(Date.now() - 14 * 86_400_000);
    const since = new Date(midDay.getTime() - 12 * 3_600_000).toISOString();
    const until = new Date(midDay.getTime() + 12 * 3_600_000).toISOString();
    const deep = Math.floor(minId + (maxId - minId) * 0.4);
    const limit = 50;
    const kinds: Record<string, () => Promise<unknown>> = {
      first_page: () => listDeliveries(db, { limit }),
      service: () => listDeliveries(db, { limit, serviceId: service }),
      failed: () => listDeliveries(db, { limit, state: "failed" }),
      service_failed: () => listDeliveries(db, { limit, serviceId: service, state: "failed" }),
      event_type_rare: () => listDeliveries(db, { limit, eventType: "utilisateur.efface" }),
      project: () => listDeliveries(db, { limit, projectId: someProject }),
      day_range: () => listDeliveries(db, { limit, since, until }),
      deep_keyset: () => listDeliveries(db, { limit, cursor: deep }),
      deep_keyset_service_failed: () => listDeliveries(db, { limit, cursor: deep, serviceId: service, state: "failed" }),
      attempts_detail: () => getDelivery(db, minId + Math.floor(Math.random() * (maxId - minId))),
    };
    // Warm-up: one pass, not measured (connection setup, plan cache).
    for (const run of Object.values(kinds)) await run();
    const timings: Record<string, number[]> = Object.fromEntries(Object.keys(kinds).map((k) => [k, []]));
    const all: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      for (const [kind, run] of Object.entries(kinds)) {
        const started = performance.now();
        await run();
        const ms = performance.now() - started;
        timings[kind]!.push(ms);
        all.push(ms);
      }
    }
    const perKind = Object.fromEntries(
      Object.entries(timings).map(([k, v]) => [k, { p50_ms: Number(percentile(v, 50).toFixed(2)), p95_ms: Number(percentile(v, 95).toFixed(2)) }]),
    );
    process.stdout.write(
      `${JSON.stringify({ attempts, deliveries, seedMs: Math.round(seedMs), samples: all.length, p50_ms: Number(percentile(all, 50).toFixed(2)), p95_ms: Number(percentile(all, 95).toFixed(2)), kinds: perKind })}\n`,
    );
  } finally {
    await handle.close();
  }
}

main().catch((error) => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});

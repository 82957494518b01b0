// Console delivery-log benchmark (run with tsx by run-bench.mjs, DATABASE_URL = the bench database):
// seeds `--attempts` delivery attempts (and a quarter as many deliveries and events) with
// INSERT … SELECT generate_series, then times the console's own page queries — `listDeliveries`
// (first page and deep keyset pages, with and without each filter), `getDelivery` (one
// delivery's attempt log) and `getDashboardStats` (the home page) from src/modules/console — many
// times each, interleaved.
// The seed is one transaction, made fast enough for 10 M attempts (issue #17) the way pg_restore
// loads a dump: the secondary indexes of the three outbox tables are dropped before the load and
// built again after it (one sorted build each instead of millions of inserts into each), and, when
// the role may (a superuser, as on the bench's server), the foreign-key triggers are skipped
// (`session_replication_role = replica`): every row is consistent by construction. The queries
// then run on the schema's own indexes, built in full.
// Last stdout line: JSON {attempts, deliveries, seedMs, seed: {...}, p50_ms, p95_ms, kinds: {...}}.
import { sql } from "drizzle-orm";
import { openDatabase, rowsOf, type Db } from "@/db/client";
import { listDeliveries } from "@/modules/console/list-deliveries";
import { getDelivery } from "@/modules/console/get-delivery";
import { getDashboardStats } from "@/modules/console/get-dashboard-stats";
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

/**
 * Seeds PROJECTS projects, DELIVERIES events (each with its ~1.1 KB body, as the outbox stores it)
 * and as many deliveries over `endpoints` in turn, and ATTEMPTS attempts (PER_DELIVERY each), spread
 * over the last 29 days, 90 % delivered and 10 % failed, in one transaction. Returns the time of
 * each step in ms, and whether the foreign-key triggers were skipped.
 */
async function seed(db: Db, endpoints: { id: string; service_id: string }[]) {
  const steps: Record<string, number> = {};
  const step = async (name: string, run: () => Promise<unknown>) => {
    const started = performance.now();
    await run();
    steps[name] = Math.round(performance.now() - started);
  };
  let skippedForeignKeys = false;
  await db.transaction(async (tx) => {
    const [role] = rowsOf<{ rolsuper: boolean }>(await tx.execute(sql`select rolsuper from pg_roles where rolname = current_user`));
    if (role?.rolsuper) {
      await tx.execute(sql`set local session_replication_role = replica`);
      skippedForeignKeys = true;
    }
    await tx.execute(sql`set local maintenance_work_mem = '256MB'`);
    // Every index of the three tables (settled deliveries are in the log) but those of constraints (primary keys), by its own definition.
    const secondary = rowsOf<{ name: string; def: string }>(
      await tx.execute(sql`
        select c.relname as name, pg_get_indexdef(i.indexrelid) as def
        from pg_index i join pg_class c on c.oid = i.indexrelid
        where i.indrelid in ('events'::regclass, 'delivery_log'::regclass, 'delivery_attempts'::regclass)
          and not exists (select 1 from pg_constraint k where k.conindid = i.indexrelid)`),
    );
    for (const { name } of secondary) await tx.execute(sql.raw(`drop index "${name}"`));
    await step("projects", () =>
      tx.execute(
        sql.raw(`
          insert into projects (id, nom, collectivites)
          select md5('bench-project-' || g)::uuid, 'Projet ' || g, '[{"type":"Commune","code":"69123"}]'::jsonb
          from generate_series(0, ${PROJECTS - 1}) g`),
      ),
    );
    // The event of row g, for events and for their deliveries alike (now() is the transaction's
    // time: both statements compute the same values). Spread over the last 29 days (inside the
    // retention window), newest last, like real traffic.
    const event = `
      select g, 'msg_seed_' || lpad(g::text, 9, '0') as id,
             case when g % 100 = 0 then 'utilisateur.efface' when g % 10 = 0 then 'projet.cree' else 'projet.modifie' end as type,
             case when g % 100 = 0 then null else md5('bench-project-' || (g % ${PROJECTS}))::uuid end as project_id,
             (g / ${PROJECTS}) + 1 as project_version,
             now() - interval '29 days' + (g::double precision / ${DELIVERIES}) * interval '29 days' as created_at
      from generate_series(1, ${DELIVERIES}) g`;
    // One body per event, as the outbox stores it (deliveries keep only their receiver's view).
    await step("events", () =>
      tx.execute(
        sql.raw(`
          insert into events (id, type, project_id, project_version, author_service_id, changements, body, created_at)
          select e.id, e.type, e.project_id, e.project_version, null, '["nom"]'::jsonb, repeat('x', 1100), e.created_at
          from (${event}) e`),
      ),
    );
    const endpointValues = endpoints.map((e, i) => `(${i}, '${e.id}'::uuid, '${e.service_id}'::uuid)`).join(", ");
    await step("deliveries", () =>
      tx.execute(
        sql.raw(`
          insert into delivery_log (id, event_id, endpoint_id, service_id, event_type, project_id, project_version, receiver_view, state,
                                  attempt_count, last_status_code, last_error, delivered_at, created_at, updated_at)
          select nextval(pg_get_serial_sequence('delivery_queue', 'id')), e.id, ep.endpoint_id, ep.service_id, e.type,
                 e.project_id, e.project_version, '{"externalId":"bench","statut":null}'::jsonb,
                 case when e.g % 100 < 90 then 'delivered' else 'failed' end,
                 ${PER_DELIVERY},
                 case when e.g % 100 < 90 then 200 else 503 end,
                 case when e.g % 100 < 90 then null else 'http 503' end,
                 case when e.g % 100 < 90 then e.created_at + interval '40 ms' else null end,
                 e.created_at, e.created_at
          from (${event}) e
          join (values ${endpointValues}) as ep(n, endpoint_id, service_id) on ep.n = e.g % ${endpoints.length}`),
      ),
    );
    await step("attempts", () =>
      tx.execute(
        sql.raw(`
          insert into delivery_attempts (delivery_id, attempt_number, trigger, started_at, duration_ms, status_code, response_excerpt, error_class, error_message)
          select d.id, a.n, 'auto', d.created_at + (a.n * interval '5 seconds'), 12 + (d.id % 40),
                 case when a.n = ${PER_DELIVERY} and d.state = 'delivered' then 200 else 503 end,
                 case when a.n = ${PER_DELIVERY} and d.state = 'delivered' then 'ok' else 'Service Unavailable' end,
                 case when a.n = ${PER_DELIVERY} and d.state = 'delivered' then null else 'http' end,
                 null
          from delivery_log d cross join generate_series(1, ${PER_DELIVERY}) a(n)
          where d.event_id like 'msg_seed_%'`),
      ),
    );
    // The dashboard's daily counts (migration 0036): kept by triggers, which the replica role skips
    // like the foreign-key ones; a dump restores them with the rows, so the seed computes them, as
    // the migration does for existing rows. Without that role, the triggers have counted.
    if (skippedForeignKeys) {
      await step("daily_counts", async () => {
        await tx.execute(sql`
          insert into delivery_log_daily_counts (day, service_id, state, n)
          select (created_at at time zone 'UTC')::date, service_id, state, count(*) from delivery_log where event_id like 'msg_seed_%' group by 1, 2, 3
          on conflict (day, service_id, state) do update set n = delivery_log_daily_counts.n + excluded.n`);
        await tx.execute(sql`
          insert into delivery_attempt_daily_counts (day, attempts, succeeded)
          select (a.started_at at time zone 'UTC')::date, count(*), count(*) filter (where a.status_code between 200 and 299 and a.error_class is null)
          from delivery_attempts a join delivery_log d on d.id = a.delivery_id where d.event_id like 'msg_seed_%' group by 1
          on conflict (day) do update set attempts = delivery_attempt_daily_counts.attempts + excluded.attempts,
            succeeded = delivery_attempt_daily_counts.succeeded + excluded.succeeded`);
      });
    }
    await step("indexes", async () => {
      for (const { def } of secondary) await tx.execute(sql.raw(def));
    });
    await step("analyze", async () => {
      await tx.execute(sql`analyze events`);
      await tx.execute(sql`analyze delivery_log`);
      await tx.execute(sql`analyze delivery_attempts`);
    });
  });
  return { steps, skippedForeignKeys };
}

async function main() {
  const url = process.env.DATABASE_URL!;
  // The console's server process uses the hub's pool; two connections are plenty for one page.
  const handle = await openDatabase({ url, poolSize: 2 });
  const db = handle.db;
  try {
    const endpoints = rowsOf<{ id: string; service_id: string }>(await db.execute(sql`select id, service_id from webhook_endpoints order by id`));
    if (endpoints.length === 0) throw new Error("no webhook endpoint: run after the hub setup");
    const seedStarted = performance.now();
    const seeding = await seed(db, endpoints);
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
      // The console's home page: counts per state and service, the two weeks' series and success rate.
      dashboard: () => getDashboardStats(db),
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
      `${JSON.stringify({ attempts, deliveries, seedMs: Math.round(seedMs), seed: seeding, samples: all.length, p50_ms: Number(percentile(all, 50).toFixed(2)), p95_ms: Number(percentile(all, 95).toFixed(2)), kinds: perKind })}\n`,
    );
  } finally {
    await handle.close();
  }
}

main().catch((error) => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});

// The end-of-run checks of the convergence checker (docs/CONVERGENCE.md), each returning
// {name, ok, detail, violations: [message]}. They read the receivers' replicas and arrival logs,
// the API as each receiver sees it, and the hub's database.
import { analyseArrivals } from "../../bench/lib/analyse-arrivals.mjs";

/** Arrivals closer than this are not counted as overlapping (the close of a timed-out request is seen a tick later). */
const OVERLAP_TOLERANCE_MS = 10;
const MAX_LISTED = 4;

function result(name, violations, detail) {
  return { name, ok: violations.length === 0, detail, violations };
}

/** Paths where two JSON values differ, e.g. `statut.service: "En cours" ≠ "A venir"`. */
export function diffJson(a, b, path = "") {
  if (a === b) return [];
  const isObject = (x) => x !== null && typeof x === "object";
  if (!isObject(a) || !isObject(b) || Array.isArray(a) !== Array.isArray(b)) {
    return [`${path || "(valeur)"}: ${JSON.stringify(a)} ≠ ${JSON.stringify(b)}`];
  }
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return keys.flatMap((k) => diffJson(a[k], b[k], path ? `${path}.${k}` : k));
}

async function mapLimit(items, limit, fn) {
  const out = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i], i);
      }
    }),
  );
  return out;
}

/** What the hub's outbox holds for one project and one receiving service: explains a stale replica. */
async function outboxStory(sql, projectId, serviceId) {
  const rows = await sql`
    select d.project_version as v, d.state, d.attempt_count as attempts, d.last_status_code as last
    from deliveries d where d.project_id = ${projectId} and d.service_id = ${serviceId}
    order by d.id`;
  return rows.length ? rows.map((r) => `v${r.v} ${r.state}${r.attempts ? ` (${r.attempts} tentatives, dernier ${r.last ?? "sans réponse"})` : ""}`).join(", ") : "aucune livraison dans l'outbox";
}

/** (1) Every replica equals GET /api/v1/projets/{id} as its receiver sees it, for every project. */
export async function checkReplicas({ api, sql, services, serviceIds }) {
  const ids = (await sql`select id::text as id, version from projects order by id`).map((r) => r.id);
  const violations = [];
  let compared = 0;
  for (const svc of services) {
    const replica = svc.receiver.state.replica;
    const answers = await mapLimit(ids, 8, (id) => api.send("GET", `/api/v1/projets/${id}`, { key: svc.key }));
    const stale = [];
    ids.forEach((id, i) => {
      const r = answers[i];
      compared++;
      if (r.status !== 200) return stale.push({ id, text: `GET answered ${r.status ?? r.error}` });
      const mine = replica.get(id);
      if (!mine) return stale.push({ id, text: `absent de la réplique (hub : v${r.body.version})`, hubVersion: r.body.version });
      const diffs = diffJson(mine, r.body);
      if (diffs.length) stale.push({ id, text: `v${mine.version} (hub v${r.body.version}) : ${diffs.slice(0, 6).join(" ; ")}`, hubVersion: r.body.version });
    });
    for (const id of replica.keys()) if (!ids.includes(id)) stale.push({ id, text: "dans la réplique mais inconnu du hub" });
    if (stale.length) {
      // Why, per kind: the hub's outbox for this receiver, newest version queued and delivered.
      const outbox = new Map(
        (await sql`
          select project_id::text as id, max(project_version)::int as queued,
                 max(project_version) filter (where state = 'delivered')::int as delivered
          from deliveries where service_id = ${serviceIds.get(svc.slug)} and project_id is not null group by 1`).map((r) => [r.id, r]),
      );
      const kinds = {};
      for (const s of stale) {
        const o = outbox.get(s.id);
        const v = s.hubVersion;
        const kind = !v ? "autre"
          : !o || o.queued < v ? "version finale jamais mise en file pour ce récepteur"
          : (o.delivered ?? 0) < v ? "version finale en file mais pas livrée"
          : replica.get(s.id)?.version === v ? "même version, contenu différent"
          : "version finale livrée selon le hub mais absente de la réplique";
        kinds[kind] = (kinds[kind] ?? 0) + 1;
      }
      violations.push(`${svc.slug}: ${stale.length} projets divergents sur ${ids.length} — ${Object.entries(kinds).map(([k, n]) => `${n} × ${k}`).join(" ; ")}`);
    }
    for (const s of stale.slice(0, MAX_LISTED)) {
      let story = await outboxStory(sql, s.id, serviceIds.get(svc.slug));
      if (s.hubVersion && !story.includes(`v${s.hubVersion} `)) story += ` — la v${s.hubVersion} n'a jamais été mise en file pour ${svc.slug}`;
      violations.push(`${svc.slug} ${s.id}: ${s.text} — outbox vers ${svc.slug} : ${story}`);
    }
    if (stale.length > MAX_LISTED) violations.push(`${svc.slug}: … ${stale.length - MAX_LISTED} autres projets divergents (${stale.length} sur ${ids.length})`);
  }
  return result("1 réplique = GET", violations, `${ids.length} projets × ${services.length} récepteurs (${compared} comparaisons)`);
}

/**
 * (2) Order: among accepted arrivals of one project at one receiver, a version never follows a
 * higher one, except deliveries the hub logged as manual replays; and no two requests of one
 * (project, receiver) were ever in flight at once.
 */
export async function checkOrder({ sql, services }) {
  const manual = await sql`
    select distinct d.event_id, s.slug
    from delivery_attempts a join deliveries d on d.id = a.delivery_id join services s on s.id = d.service_id
    where a.trigger = 'manual'`;
  const replayed = new Set(manual.map((r) => `${r.slug}:${r.event_id}`));
  const violations = [];
  let accepted = 0;
  let exempt = 0;
  for (const svc of services) {
    const arrivals = svc.receiver.state.arrivals.filter((a) => a.projectId);
    const ordered = [];
    for (const a of arrivals) {
      if (a.status !== 200) continue;
      if (replayed.has(`${svc.slug}:${a.id}`)) exempt++;
      else ordered.push([a.id, a.projectId, a.version]);
    }
    accepted += ordered.length;
    const analysis = analyseArrivals(ordered);
    if (analysis.outOfOrder) violations.push(`${svc.slug}: ${analysis.outOfOrder} versions reçues après une plus récente (${analysis.examples.join(" ; ")})`);
    const byProject = new Map();
    for (const a of arrivals) byProject.set(a.projectId, [...(byProject.get(a.projectId) ?? []), a]);
    let overlaps = 0;
    const examples = [];
    for (const [projectId, list] of byProject) {
      list.sort((x, y) => x.start - y.start);
      let open = null;
      for (const a of list) {
        if (open && open.end !== null && a.start < open.end - OVERLAP_TOLERANCE_MS) {
          overlaps++;
          if (examples.length < 3) examples.push(`${projectId} v${open.version} (${open.id}) encore en cours quand v${a.version} (${a.id}) arrive`);
        }
        if (a.end !== null && (!open || open.end === null || a.end > open.end)) open = a;
      }
    }
    if (overlaps) violations.push(`${svc.slug}: ${overlaps} requêtes d'un même projet en vol en même temps (${examples.join(" ; ")})`);
  }
  // The same rule in the hub's own attempt log: an attempt started while another of its lane
  // (project, receiver) had not finished.
  const hubOverlaps = await sql`
    with a as (
      select d.service_id, d.project_id, d.project_version, a.trigger, a.started_at as s,
             a.started_at + a.duration_ms * interval '1 millisecond' as e
      from delivery_attempts a join deliveries d on d.id = a.delivery_id
      where a.duration_ms is not null and d.project_id is not null
    ), w as (
      select *, max(e) over (partition by service_id, project_id order by s rows between unbounded preceding and 1 preceding) as previous_end
      from a
    )
    select sv.slug, count(*)::int as n, min(w.project_id::text || ' v' || w.project_version || ' (' || w.trigger || ')') as example
    from w join services sv on sv.id = w.service_id
    where w.previous_end > w.s + interval '5 milliseconds'
    group by sv.slug`;
  for (const row of hubOverlaps) violations.push(`${row.slug}: ${row.n} tentatives commencées pendant une autre du même projet selon le journal du hub (par ex. ${row.example})`);
  return result("2 ordre par projet, une requête à la fois", violations, `${accepted} arrivées acceptées vérifiées, ${exempt} rejeux manuels exemptés`);
}

/** (3) Nothing was ever sent to its author. */
export function checkAuthors({ services }) {
  const violations = services
    .filter((s) => s.receiver.state.counts.toAuthor > 0)
    .map((s) => `${s.slug}: ${s.receiver.state.counts.toAuthor} webhooks de ses propres changements (${s.receiver.state.examples.toAuthor.join(", ")})`);
  const total = services.reduce((n, s) => n + s.receiver.state.counts.received, 0);
  return result("3 jamais à l'auteur", violations, `${total} arrivées`);
}

/** (4) Every signature verified with the secrets the service knows (and the newest one after a rotation). */
export function checkSignatures({ services }) {
  const violations = [];
  for (const s of services) {
    const { badSignature, staleSecret } = s.receiver.state.counts;
    if (badSignature) violations.push(`${s.slug}: ${badSignature} signatures invalides (${s.receiver.state.examples.badSignature.join(", ")})`);
    if (staleSecret) violations.push(`${s.slug}: ${staleSecret} webhooks signés sans le nouveau secret bien après la rotation (${s.receiver.state.examples.staleSecret.join(", ")})`);
  }
  const total = services.reduce((n, s) => n + s.receiver.state.counts.received, 0);
  return result("4 signatures", violations, `${total} signatures vérifiées`);
}

/** Every page of a resync from `since`, following nextCursor to the end: [{id, version}] in order. */
export async function resyncPages(api, key, since, { limit, pauseMs = 0, beforePage, shouldPause = () => false, maxPages = 5_000 }) {
  const items = [];
  let cursor = null;
  let pages = 0;
  for (; pages < maxPages; pages++) {
    await beforePage?.();
    const query = `updatedSince=${encodeURIComponent(since)}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
    let r;
    for (let tries = 0; tries < 600; tries++) {
      r = await api.send("GET", `/api/v1/projets?${query}`, { key });
      if (r.status !== undefined && r.status !== 503) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    if (r.status !== 200) return { items, pages, error: `GET /api/v1/projets answered ${r.status ?? r.error}` };
    for (const p of r.body.items) items.push({ id: p.id, version: p.version });
    cursor = r.body.nextCursor;
    if (!cursor) return { items, pages: pages + 1 };
    if (pauseMs && shouldPause()) await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
  return { items, pages, error: `still not at the end after ${maxPages} pages` };
}

function resyncViolations(label, traversal, expected) {
  const violations = [];
  if (traversal.error) violations.push(`${label}: ${traversal.error}`);
  const seen = new Map();
  const twice = [];
  for (const { id, version } of traversal.items) {
    const key = `${id}@${version}`;
    if (seen.has(key) && twice.length < 5) twice.push(`${id} v${version}`);
    seen.set(key, true);
  }
  if (twice.length) violations.push(`${label}: même (id, version) rendu deux fois dans un parcours (${twice.join(", ")})`);
  const best = new Map();
  for (const { id, version } of traversal.items) best.set(id, Math.max(best.get(id) ?? 0, version));
  const missing = expected.filter(({ id, version }) => (best.get(id) ?? 0) < version);
  if (missing.length) {
    violations.push(`${label}: ${missing.length} projets changés depuis le point de reprise jamais rendus dans leur version (${missing.slice(0, 5).map((m) => `${m.id} v${m.version}${best.has(m.id) ? ` rendu en v${best.get(m.id)}` : " jamais rendu"}`).join(", ")})`);
  }
  return violations;
}

/**
 * (5) Resync from the checkpoint: (a) the traversal that ran during the rest of the run returned
 * every project whose change was visible when it ended (CONTRACT §8), each (id, version) once;
 * (b) a traversal after quiesce returns every project changed since the checkpoint in its final version.
 */
export async function checkResync({ api, sql, key, checkpoint, concurrent }) {
  if (!checkpoint) return result("5 reprise depuis un point de reprise", ["le point de reprise n'a pas été pris (trop peu d'opérations)"], "");
  const violations = [];
  const changedSince = (versions) => [...versions].filter(([id, v]) => v > (checkpoint.versions.get(id) ?? 0)).map(([id, version]) => ({ id, version }));
  if (concurrent) violations.push(...resyncViolations("(a) parcours pendant l'exécution", concurrent.traversal, changedSince(concurrent.visibleAtEnd)));
  const final = new Map((await sql`select id::text as id, version from projects`).map((r) => [r.id, r.version]));
  const traversal = await resyncPages(api, key, checkpoint.since, { limit: 7 });
  const expected = changedSince(final);
  violations.push(...resyncViolations("(b) parcours final", traversal, expected));
  const detail = `point de reprise ${checkpoint.since} ; (a) ${concurrent ? `${concurrent.traversal.pages} pages, ${concurrent.traversal.items.length} éléments` : "absent"} ; (b) ${traversal.pages} pages, ${expected.length} projets attendus`;
  return result("5 reprise depuis un point de reprise", violations, detail);
}

/** (6) An erased person is in no stored copy: every text and jsonb column of every table is searched. */
export async function checkErasures({ sql, erased }) {
  if (!erased.length) return result("6 effacement partout", [], "aucun effacement pendant l'exécution");
  const columns = await sql`
    select table_name, column_name from information_schema.columns
    where table_schema = 'public' and data_type in ('text', 'jsonb', 'json', 'character varying')`;
  const needles = erased.flatMap((p) => [p.email.toLowerCase(), p.telephone, p.nom]);
  const violations = [];
  for (const { table_name: table, column_name: column } of columns) {
    const rows = await sql`
      select n.needle, count(*)::int as n
      from ${sql(table)} t, unnest(${needles}::text[]) as n(needle)
      where lower(t.${sql(column)}::text) like '%' || lower(n.needle) || '%'
      group by n.needle`;
    for (const row of rows) {
      const kind = row.needle.includes("@") ? "e-mail" : /^\d+$/.test(row.needle) ? "téléphone" : "nom";
      violations.push(`${table}.${column}: ${row.n} lignes contiennent le ${kind} d'une personne effacée`);
    }
  }
  return result("6 effacement partout", violations, `${erased.length} personnes effacées cherchées dans ${columns.length} colonnes`);
}

/**
 * (7) A 2xx is a delivery (CONTRACT §8): every request a receiver answered with a 2xx status line
 * — a response that left the receiver (`answered`: flushed before any close; one still buffered when
 * the receiver goes down never reaches the hub) — is logged by the hub as a success (the attempt
 * whose time span contains the arrival), unless the hub logged it as a timeout.
 */
export async function checkTwoHundredIsDelivered({ sql, services, serviceIds }) {
  const violations = [];
  let matched = 0;
  for (const svc of services) {
    const accepted = svc.receiver.state.arrivals.filter((a) => a.status === 200 && a.answered && a.id);
    if (!accepted.length) continue;
    const attempts = await sql`
      select d.event_id, extract(epoch from a.started_at) * 1000 as started, a.duration_ms, a.status_code, a.error_class, a.error_message
      from delivery_attempts a join deliveries d on d.id = a.delivery_id
      where d.service_id = ${serviceIds.get(svc.slug)} and a.duration_ms is not null`;
    const byEvent = new Map();
    for (const a of attempts) byEvent.set(a.event_id, [...(byEvent.get(a.event_id) ?? []), a]);
    let wrong = 0;
    const examples = [];
    for (const arrival of accepted) {
      // The attempt whose span contains the arrival; of several (an attempt refused on one port and
      // the next one on the other, within the slack), the one that started last before it.
      const attempt = (byEvent.get(arrival.id) ?? [])
        .filter((a) => Number(a.started) - 5 <= arrival.start && arrival.start <= Number(a.started) + a.duration_ms + 5)
        .sort((a, b) => Number(b.started) - Number(a.started))[0];
      if (!attempt) continue;
      matched++;
      // A hub whose event loop lags may read even a prompt answer after its time limit: attempts
      // logged as timeouts are left out, the others (connection reset after the status line…) count.
      if (attempt.error_class !== "timeout" && !(attempt.status_code >= 200 && attempt.status_code < 300)) {
        wrong++;
        if (examples.length < 3) examples.push(`${arrival.id} journalisé ${attempt.status_code ?? `${attempt.error_class} (${attempt.error_message})`} ; tentatives ${JSON.stringify(byEvent.get(arrival.id).map((a) => [Math.round(Number(a.started)) - arrival.start, a.duration_ms, a.status_code ?? a.error_class]))}, arrivée port ${arrival.port}`);
      }
    }
    if (wrong) violations.push(`${svc.slug}: ${wrong} réponses 2xx comptées comme des échecs par le hub (${examples.join(" ; ")})`);
  }
  return result("7 un 2xx est une livraison", violations, `${matched} réponses 2xx rapprochées de leur tentative`);
}

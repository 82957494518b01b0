// Erasure reaches the outbox too: the bodies kept for sending and replay (`events.body`) hold the porteur's contact as it was when
// each change was announced. Those of the erased person become null in place, like the project's
// own fields, so that no later attempt or replay sends them again and the hub keeps none of them;
// the response excerpts logged for those deliveries (a receiver echoing the body) are cleared. An
// event still waiting for its expansion (expand-events.ts) is scrubbed the same way: its deliveries,
// made later, read this body, and its queue row holds no personal data (receivers' external ids and
// status labels, territory keys).
import { and, eq, inArray, isNotNull, or, sql } from "drizzle-orm";
import { rowsOf, type Tx } from "@/db/client";
import { events } from "@/db/schema";

type Message = { data?: { projet?: { porteur?: Record<string, unknown> | null } } };

/** The rows whose body names the porteur `email`, with that body scrubbed of `fields`. */
function scrubbedRows<Id>(rows: { id: Id; body: string | null }[], email: string, fields: readonly string[]): { id: Id; body: string }[] {
  return rows.flatMap((row) => {
    const message = row.body === null ? null : (JSON.parse(row.body) as Message);
    const porteur = message?.data?.projet?.porteur;
    if (!porteur || typeof porteur.email !== "string" || porteur.email.trim().toLowerCase() !== email) return [];
    for (const field of fields) if (field in porteur) porteur[field] = null;
    return [{ id: row.id, body: JSON.stringify(message) }];
  });
}

/**
 * Sets `fields` of the porteur `email` (trimmed, lower-cased) to null in the stored bodies that name
 * them: those of the events recorded with that porteur (`emailHash`), whatever the project's porteur
 * is now, and those of the events of `projectIds` (their current porteur: events recorded before
 * migration 0010 have no hash). The
 * attempts of those events' deliveries lose their response excerpt. Then no event keeps that hash,
 * whether its body was scrubbed here or already purged by retention.
 */
export async function scrubPorteurFromBodies(
  tx: Tx,
  where: { projectIds: string[]; emailHash: string },
  email: string,
  fields: readonly string[],
): Promise<void> {
  const named = where.projectIds.length > 0
    ? or(eq(events.porteurEmailHash, where.emailHash), inArray(events.projectId, where.projectIds))
    : eq(events.porteurEmailHash, where.emailHash);
  // Read before any write: it selects by the hash the last statement clears.
  const eventBodies = scrubbedRows(
    await tx.select({ id: events.id, body: events.body }).from(events).where(and(named, isNotNull(events.body))),
    email,
    fields,
  );
  // One statement writes each event row once: its scrubbed body, and no hash any more, whether its
  // body was scrubbed here or already purged by retention. A row updated a second time in the same
  // transaction gets its foreign key to its project checked again (PostgreSQL re-checks a row this
  // transaction wrote), a share lock on a project this erasure does not change and has not locked
  // (its porteur changed since the event): waiting for it, while holding the locks of the projects
  // it changes, made a deadlock with a release of held changes (erase-user-locks.int.test.ts).
  // These row locks also order the erasure with an attempt in flight being recorded: it either
  // commits first (its excerpt is then cleared below) or sees the hash gone and keeps no excerpt
  // (record-results.ts).
  const namedEvents = rowsOf<{ id: string }>(
    await tx.execute(sql`
      with scrubbed as (select * from jsonb_to_recordset(${JSON.stringify(eventBodies)}::jsonb) as v(id text, body text)),
      -- The rows by the hash's index and by primary key (an OR of both in the update's own WHERE
      -- would scan the whole table).
      target as (select id from events where porteur_email_hash = ${where.emailHash} union select id from scrubbed)
      update events e
      set body = coalesce(s.body, e.body),
          porteur_email_hash = case when e.porteur_email_hash = ${where.emailHash} then null else e.porteur_email_hash end
      from target t left join scrubbed s on s.id = t.id
      where e.id = t.id
      returning e.id`),
  ).map((e) => e.id);
  // A receiver may echo what it got in its answer: the excerpts logged for those deliveries hold the
  // same personal data (issue #15, item 7). Cleared for every delivery of an event naming the
  // person (by hash, whatever its body's state, or by the body just scrubbed).
  await tx.execute(sql`
    update delivery_attempts a set response_excerpt = null
    from deliveries d
    where a.delivery_id = d.id and a.response_excerpt is not null
      and d.event_id in (select value from jsonb_array_elements_text(${JSON.stringify(namedEvents)}::jsonb))`);
}

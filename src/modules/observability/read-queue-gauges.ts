// What an operator watches of the delivery queue, read from the database when scraped (issue #16):
// per service, the deliveries waiting (pending or in flight), the age of the oldest one (the lag an
// alert fires on), the changes held for a disabled service or endpoint, and the disabled endpoints.
import { sql } from "drizzle-orm";
import { rowsOf, type DbOrTx } from "@/db/client";

export type QueueGauges = {
  service: string;
  /** Deliveries pending or in flight. */
  waiting: number;
  /** Seconds since the oldest waiting delivery was queued (database clock); 0 when none waits. */
  oldestWaitingSeconds: number;
  /** Held changes (service or endpoint disabled), released on re-enable. */
  held: number;
  /** Webhook endpoints of the service that are disabled (by an admin or after repeated failures). */
  disabledEndpoints: number;
};

/**
 * One row per service (by slug). The deliveries part is one pass over the queue, which holds the
 * backlog only (issue #17); the others are counts over small tables: cheap enough for every scrape.
 */
export async function readQueueGauges(db: DbOrTx): Promise<QueueGauges[]> {
  const rows = rowsOf<{ slug: string; waiting: string | number; oldest_s: string | number | null; held: string | number; disabled: string | number }>(
    await db.execute(sql`
      select s.slug,
        coalesce(q.waiting, 0) as waiting,
        extract(epoch from now() - q.oldest) as oldest_s,
        (select count(*) from held_changes h where h.service_id = s.id) as held,
        (select count(*) from webhook_endpoints e where e.service_id = s.id and not e.enabled) as disabled
      from services s
      left join (
        select service_id, count(*) as waiting, min(created_at) as oldest from delivery_queue group by service_id
      ) q on q.service_id = s.id
      order by s.slug`),
  );
  return rows.map((r) => ({
    service: r.slug,
    waiting: Number(r.waiting),
    oldestWaitingSeconds: r.oldest_s === null ? 0 : Math.max(0, Number(r.oldest_s)),
    held: Number(r.held),
    disabledEndpoints: Number(r.disabled),
  }));
}

/**
 * The events written but not yet expanded into their deliveries (expand-events.ts, issue #17): how
 * many, and seconds since the oldest was written (database clock; 0 when none waits). Not per
 * service: an event's receivers are known only once it is expanded. Read by the queue's primary key.
 */
export async function readExpansionGauge(db: DbOrTx): Promise<{ waiting: number; oldestWaitingSeconds: number }> {
  const [row] = rowsOf<{ waiting: string | number; oldest_s: string | number | null }>(
    await db.execute(sql`
      select (select count(*) from event_fanouts) as waiting,
        (select extract(epoch from now() - ev.created_at) from event_fanouts f join events ev on ev.id = f.event_id
          order by f.seq limit 1) as oldest_s`),
  );
  return { waiting: Number(row?.waiting ?? 0), oldestWaitingSeconds: row?.oldest_s === null || row?.oldest_s === undefined ? 0 : Math.max(0, Number(row.oldest_s)) };
}

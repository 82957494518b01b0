// The SQL pieces shared by the two statements that insert deliveries: a write's own (events
// addressed to one service, enqueue-event.ts) and an expansion's (every receiver, expand-events.ts).
// In both, `v` is the event (columns `receiver_views`, `project_id`) and `r` a receiving endpoint
// (columns `endpoint_id`, `service_id`).
import { sql, type SQL } from "drizzle-orm";

/** Every endpoint with its service, `active` when both are enabled, and its subscription. */
export const receiversSql = sql`
  select e.id as endpoint_id, e.service_id, e.enabled and s.enabled as active, e.evenements, e.territoires
  from webhook_endpoints e join services s on s.id = e.service_id`;

/**
 * The receiver's view without its null fields (null when none is left): the event's body already
 * holds null in their place, and each of the delivery row's versions carries the view.
 */
export const receiverViewSql = sql`nullif(jsonb_strip_nulls(v.receiver_views -> r.service_id::text), '{}'::jsonb)`;

/**
 * When a new delivery of the lane (r.endpoint_id, v.project_id) is due: at `queuedAt`, or behind a
 * lane head waiting for its retry, not before that head. Claims then do not walk over a blocked
 * lane's backlog at every round while a receiver is down.
 */
export function laneDueAtSql(queuedAt: SQL): SQL {
  return sql`greatest(${queuedAt}, (
    select p.next_attempt_at from delivery_queue p
    where p.endpoint_id = r.endpoint_id and p.project_id = v.project_id
    order by p.id desc limit 1))`;
}

// Queues the alert mails of one endpoint's state change (issue #11), in the caller's transaction:
// the state change and its mails commit together, so a crash or an SMTP outage loses none.
import { sql } from "drizzle-orm";
import { rowsOf, type DbOrTx } from "@/db/client";

export type EndpointAlertKind = "failing" | "disabled" | "recovered";

/**
 * Inserts one `alert_mails` row per recipient — the service's technical contacts and the active
 * operators who subscribed — for `kind` on `endpointId`, with the facts the mail will say (service
 * name, endpoint URL, failure count, since when, `reason` of a disabling). One statement. Returns the
 * number of mails queued (0 when nobody is to be told). The caller must have moved
 * `webhook_endpoints.alert_state` in the same transaction: that conditional update is what makes
 * this run once per state change.
 */
export async function enqueueEndpointAlert(
  tx: DbOrTx,
  kind: EndpointAlertKind,
  endpointId: string,
  reason: string | null = null,
): Promise<number> {
  const rows = rowsOf<{ id: number }>(
    await tx.execute(sql`
      insert into alert_mails (kind, service_id, endpoint_id, recipient, facts)
      select ${kind}, s.id, e.id, r.email,
             jsonb_build_object(
               'serviceId', s.id, 'serviceNom', s.nom, 'serviceSlug', s.slug, 'url', e.url,
               'consecutiveFailures', e.consecutive_failures, 'failingSince', e.failing_since,
               'lastSuccessAt', e.last_success_at, 'reason', coalesce(${reason}::text, e.disabled_reason),
               'at', now())
      from webhook_endpoints e
      join services s on s.id = e.service_id
      cross join lateral (
        select c.email from service_contacts c where c.service_id = s.id
        union
        select o.email from operators o where o.alert_subscribed and o.active
      ) r
      where e.id = ${endpointId}
      returning id`),
  );
  return rows.length;
}

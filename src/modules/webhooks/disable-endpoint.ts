// Automatic disabling of a receiver (410 Gone, or failing for days without a success). Nothing it
// would have received is dropped (CONTRACT §8): its pending deliveries wait, parked, and go first
// once it is enabled again, changes made meanwhile are held for it by the
// outbox, and the deliveries it refused with 410 are held too, so that it gets those projects'
// current state on re-enable.
import { and, eq, sql } from "drizzle-orm";
import { webhookEndpoints } from "@/db/schema";
import type { DbOrTx } from "@/db/client";
import { writeAudit } from "@/modules/audit/write-audit";
import { enqueueEndpointAlert } from "@/modules/alerts/enqueue-alert";
import { parkDeliveries } from "./park-deliveries";

/**
 * Disables `endpointId` (if still enabled) with `reason`, holds the projects of `refusedDeliveryIds`
 * (deliveries that ended `failed` because the receiver answered 410), writes the audit entry and
 * queues the "disabled" alert mails (issue #11), all in `tx`. Returns whether this call disabled it.
 */
export async function disableEndpointAutomatically(
  tx: DbOrTx,
  endpointId: string,
  reason: string,
  refusedDeliveryIds: number[] = [],
): Promise<boolean> {
  const now = new Date();
  const [endpoint] = await tx
    .update(webhookEndpoints)
    .set({ enabled: false, disabledReason: reason, disabledAt: now, updatedAt: now, alertState: "disabled" })
    .where(and(eq(webhookEndpoints.id, endpointId), eq(webhookEndpoints.enabled, true)))
    .returning({ serviceId: webhookEndpoints.serviceId, url: webhookEndpoints.url });
  if (!endpoint) return false;
  await parkDeliveries(tx, endpointId);
  await enqueueEndpointAlert(tx, "disabled", endpointId, reason);
  if (refusedDeliveryIds.length > 0) {
    await tx.execute(sql`
      insert into held_changes (endpoint_id, service_id, project_id, project_version, author_service_id, changements, held_at)
      select distinct on (d.project_id) d.endpoint_id, d.service_id, d.project_id, d.project_version, ev.author_service_id, ev.changements, now()
      from delivery_log d join events ev on ev.id = d.event_id
      where d.id in (select value::bigint from jsonb_array_elements_text(${JSON.stringify(refusedDeliveryIds.map(String))}::jsonb))
        and d.endpoint_id = ${endpointId} and d.project_id is not null and d.project_version is not null and d.state = 'failed'
      order by d.project_id, d.project_version desc
      on conflict (endpoint_id, project_id) do nothing`);
  }
  await writeAudit(tx, { type: "system", label: "livraison des webhooks" }, {
    action: "webhook_endpoint.disable_auto",
    targetType: "service",
    targetId: endpoint.serviceId,
    before: { url: endpoint.url, enabled: true },
    after: { url: endpoint.url, enabled: false, reason },
  });
  return true;
}

// "Réessayer maintenant" (issue #11): a pending delivery waiting for its next automatic attempt is
// made due now, instead of waiting for its retry time. Only its lane's head can be retried: the
// claim sends one delivery per (endpoint, project) lane at a time, in id order (README of this
// folder), and the head stays `pending` throughout, so no claim can take another delivery of the
// lane alongside it. The lane's rows pushed back behind the head (record-results.ts) are made due
// with it, so that they follow as soon as it is delivered; they stay blocked by the head meanwhile.
import { sql } from "drizzle-orm";
import { rowsOf, type Db } from "@/db/client";
import { writeAudit, type Actor } from "@/modules/audit/write-audit";
import { AppError } from "@/modules/errors/app-error";
import { OUTBOX_CHANNEL } from "@/modules/outbox/enqueue-event";
import { PARKED_UNTIL } from "@/modules/webhooks/park-deliveries";
import { deliveryScopeCondition, type DeliveryScope } from "./delivery-scope";

type Row = {
  id: string | number;
  endpoint_id: string;
  project_id: string | null;
  state: string;
  next_attempt_at: string | Date;
  active: boolean | null;
};

/**
 * Makes delivery `scope.deliveryId` due now for `actor` (audited `delivery.retry_now`), its next
 * attempt logged `manual`. Takes the optional service scope (#12): a delivery to another service is
 * not found. Returns the previous and the new next-attempt time. Throws AppError `not_found`; `conflict` when it
 * is not pending, is in flight, waits for a disabled webhook or service, or is behind an earlier
 * delivery of its lane (the message names it).
 */
export async function retryDeliveryNow(db: Db, scope: DeliveryScope, actor: Actor): Promise<{ deliveryId: number; previousAttemptAt: Date; nextAttemptAt: Date }> {
  const result = await db.transaction(async (tx) => {
    const [row] = rowsOf<Row>(
      await tx.execute(sql`
        select d.id, d.endpoint_id, d.project_id, d.state, d.next_attempt_at, (e.enabled and sv.enabled) as active
        from delivery_queue d
        left join webhook_endpoints e on e.id = d.endpoint_id
        left join services sv on sv.id = d.service_id
        where ${deliveryScopeCondition(scope, { id: sql`d.id`, serviceId: sql`d.service_id` })}
        for update of d`),
    );
    if (!row) {
      // Not queued: settled, or unknown (one read of both tables, in one snapshot: a delivery
      // settling meanwhile is found).
      const [settled] = rowsOf<{ id: string | number }>(
        await tx.execute(sql`
          select d.id from deliveries d
          where ${deliveryScopeCondition(scope, { id: sql`d.id`, serviceId: sql`d.service_id` })}`),
      );
      if (!settled) throw new AppError("not_found", `Livraison n° ${scope.deliveryId} introuvable.`);
      throw new AppError("conflict", "Cette livraison n'attend pas de nouvelle tentative : utilisez « Rejouer cette livraison ».");
    }
    if (row.state === "in_flight") throw new AppError("conflict", "Cette livraison est en cours d'envoi : attendez le résultat de la tentative.");
    if (row.state !== "pending") throw new AppError("conflict", "Cette livraison n'attend pas de nouvelle tentative : utilisez « Rejouer cette livraison ».");
    const previous = new Date(row.next_attempt_at);
    if (!row.active || previous.getTime() >= Date.parse(PARKED_UNTIL)) {
      throw new AppError("conflict", "Le webhook ou le service destinataire est désactivé : la livraison partira à sa réactivation.");
    }
    if (row.project_id) {
      const [head] = rowsOf<{ id: string | number }>(
        await tx.execute(sql`
          select id from delivery_queue
          where endpoint_id = ${row.endpoint_id} and project_id = ${row.project_id} and id < ${scope.deliveryId}
          order by id limit 1`),
      );
      if (head) {
        throw new AppError(
          "conflict",
          `La livraison n° ${head.id} de ce projet vers ce webhook passe avant celle-ci (une seule livraison à la fois par projet et destinataire) : réessayez-la d'abord.`,
        );
      }
    }
    if (row.project_id) {
      // Before the head moves: compared with the head's stored time (microseconds), not a JS Date.
      await tx.execute(sql`
        update delivery_queue s set next_attempt_at = now(), updated_at = now()
        from delivery_queue h
        where h.id = ${scope.deliveryId} and s.endpoint_id = h.endpoint_id and s.project_id = h.project_id and s.id > h.id
          and s.state = 'pending' and s.next_attempt_at > now() and s.next_attempt_at <= h.next_attempt_at`);
    }
    const [updated] = rowsOf<{ next_attempt_at: string | Date }>(
      await tx.execute(sql`
        update delivery_queue set next_attempt_at = least(next_attempt_at, now()), next_trigger = 'manual', updated_at = now()
        where id = ${scope.deliveryId}
        returning next_attempt_at`),
    );
    const next = new Date(updated!.next_attempt_at);
    await writeAudit(tx, actor, {
      action: "delivery.retry_now",
      targetType: "delivery",
      targetId: String(scope.deliveryId),
      before: { nextAttemptAt: previous.toISOString() },
      after: { nextAttemptAt: next.toISOString() },
    });
    await tx.execute(sql`select pg_notify(${OUTBOX_CHANNEL}, '')`);
    return { deliveryId: scope.deliveryId, previousAttemptAt: previous, nextAttemptAt: next };
  });
  return result;
}

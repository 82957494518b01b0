// CSV export of the deliveries list under the console's filter (issue #11), streamed by keyset
// pages of the same read model as the list (list-deliveries.ts), so that the file holds exactly the
// rows the filtered list pages through. Audited: the export is a view of the delivery log.
import type { Db } from "@/db/client";
import { writeAudit, type Actor } from "@/modules/audit/write-audit";
import type { DeliveryFilter } from "@/modules/console/console-schemas";
import { listDeliveries } from "@/modules/console/list-deliveries";
import { AppError } from "@/modules/errors/app-error";
import { isParked } from "@/modules/webhooks/park-deliveries";
import { keysetPages, streamCsv } from "./stream-csv";

/** Rows read per database round trip. */
export const EXPORT_PAGE_SIZE = 500;

const stateLabels = { pending: "En attente", in_flight: "En cours d'envoi", delivered: "Livrée", failed: "En échec" } as const;

const header = [
  "N°",
  "Créée le (heure de Paris)",
  "Service destinataire",
  "Événement",
  "Identifiant de l'événement (webhook-id)",
  "Projet",
  "Version du projet",
  "État",
  "Tentatives",
  "Dernier statut HTTP",
  "Dernière erreur",
  "Prochaine tentative (heure de Paris)",
  "Livrée le (heure de Paris)",
];

/**
 * Audits the export (`deliveries.export`, with the filter) and returns the CSV byte stream of the
 * deliveries matching `filter`, newest first. With `scope.serviceId` (the services' space, #12)
 * only that service's deliveries are exported; a filter naming another service is refused
 * (AppError `forbidden`).
 */
export async function exportDeliveriesCsv(db: Db, filter: DeliveryFilter, actor: Actor, scope: { serviceId?: string } = {}): Promise<ReadableStream<Uint8Array>> {
  if (scope.serviceId !== undefined && filter.serviceId !== undefined && filter.serviceId !== scope.serviceId) {
    throw new AppError("forbidden", "Ces livraisons sont adressées à un autre service.");
  }
  const scoped: DeliveryFilter = scope.serviceId ? { ...filter, serviceId: scope.serviceId } : filter;
  await writeAudit(db, actor, { action: "deliveries.export", targetType: "deliveries", targetId: scoped.serviceId ?? null, after: { filter: scoped } });
  const pages = keysetPages(
    (cursor: number | undefined) => listDeliveries(db, { ...scoped, cursor, limit: EXPORT_PAGE_SIZE }),
    (d) => [
      d.id,
      d.createdAt,
      d.serviceSlug,
      d.eventType,
      d.eventId,
      d.projectId,
      d.projectVersion,
      stateLabels[d.state],
      d.attemptCount,
      d.lastStatusCode,
      d.lastError,
      d.state !== "pending" ? null : isParked(d.nextAttemptAt) ? "à la réactivation du webhook ou du service" : d.nextAttemptAt,
      d.deliveredAt,
    ],
  );
  return streamCsv(header, pages);
}

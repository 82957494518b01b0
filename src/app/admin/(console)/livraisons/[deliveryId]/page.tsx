import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Badge } from "@codegouvfr/react-dsfr/Badge";
import { Breadcrumb } from "@codegouvfr/react-dsfr/Breadcrumb";
import { getServerCaller } from "@/server/trpc/server-caller";
import { getCurrentOperator } from "@/server/auth/get-current-operator";
import { deliveryStateLabels, deliveryStateSeverity, formatDateTime } from "../../../_components/format";
import { ReplayDeliveryButton, RetryNowButton } from "../../../_components/replay-buttons";
import { DeliveryPayload } from "../../../_components/delivery-payload";
import { DeliveryAttemptsTable } from "../../../_components/delivery-list";
import { isParked } from "@/modules/webhooks/park-deliveries";

export const metadata: Metadata = { title: "Livraison" };

export default async function DeliveryPage({ params }: { params: Promise<{ deliveryId: string }> }) {
  const { deliveryId: raw } = await params;
  const deliveryId = Number(raw);
  if (!Number.isSafeInteger(deliveryId) || deliveryId <= 0) notFound();
  const [delivery, operator] = await Promise.all([
    (await getServerCaller()).deliveries.get({ deliveryId }).catch(() => null),
    getCurrentOperator(),
  ]);
  if (!delivery) notFound();
  const replayable = delivery.state === "failed" || delivery.state === "delivered";
  // Waiting for its next automatic attempt (not parked behind a disabled webhook or service).
  const retryable = delivery.state === "pending" && !isParked(delivery.nextAttemptAt) && delivery.nextAttemptAt.getTime() > Date.now();
  return (
    <>
      <Breadcrumb currentPageLabel={`Livraison n° ${delivery.id}`} segments={[{ label: "Console", linkProps: { href: "/admin" } }, { label: "Livraisons", linkProps: { href: "/admin/livraisons" } }]} />
      <h1>Livraison n° {delivery.id}</h1>
      <dl>
        <dt className="fr-text--bold">État</dt>
        <dd><Badge severity={deliveryStateSeverity[delivery.state]} data-testid="delivery-state">{deliveryStateLabels[delivery.state]}</Badge></dd>
        <dt className="fr-text--bold">Événement</dt>
        <dd><code>{delivery.eventType}</code> — identifiant <code>{delivery.eventId}</code> (en-tête webhook-id), créé le {formatDateTime(delivery.eventCreatedAt)}</dd>
        <dt className="fr-text--bold">Destinataire</dt>
        <dd><Link href={`/admin/services/${delivery.serviceId}`}>{delivery.serviceNom}</Link> — <code>{delivery.endpointUrl ?? "webhook supprimé"}</code></dd>
        {delivery.projectId && (
          <>
            <dt className="fr-text--bold">Projet</dt>
            <dd><Link href={`/admin/projets/${delivery.projectId}`}>{delivery.projectId}</Link> (version {delivery.projectVersion})</dd>
          </>
        )}
        {delivery.changements.length > 0 && (
          <>
            <dt className="fr-text--bold">Champs modifiés</dt>
            <dd>{delivery.changements.join(", ")}</dd>
          </>
        )}
        <dt className="fr-text--bold">Prochaine tentative automatique</dt>
        <dd>
          {delivery.state !== "pending" ? "—" : isParked(delivery.nextAttemptAt) ? "à la réactivation du webhook ou du service" : formatDateTime(delivery.nextAttemptAt)}
        </dd>
      </dl>
      {operator?.role === "admin" && replayable && <ReplayDeliveryButton deliveryId={delivery.id} />}
      {operator?.role === "admin" && retryable && <RetryNowButton deliveryId={delivery.id} />}

      <h2>Contenu envoyé</h2>
      <DeliveryPayload deliveryId={delivery.id} />

      <h2>Tentatives</h2>
      <DeliveryAttemptsTable attempts={delivery.attempts} />
    </>
  );
}

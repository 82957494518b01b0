import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { Badge } from "@codegouvfr/react-dsfr/Badge";
import { Breadcrumb } from "@codegouvfr/react-dsfr/Breadcrumb";
import { getEspaceServerCaller } from "@/server/trpc/server-caller";
import { isParked } from "@/modules/webhooks/park-deliveries";
import { DeliveryAttemptsTable } from "../../../../admin/_components/delivery-list";
import { deliveryStateLabels, deliveryStateSeverity, formatDateTime } from "../../../../admin/_components/format";
import { EspaceDeliveryPayload, EspaceReplayDeliveryButton, EspaceRetryNowButton } from "../../../_components/espace-delivery-actions";

export const metadata: Metadata = { title: "Livraison" };

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// One delivery to the agent's service (issue #12): its attempts, the payload as sent, and with
// `gestion` replay or "réessayer maintenant". A delivery to another service answers like an unknown
// one (the procedure does not find it).
export default async function EspaceDeliveryPage({ params }: { params: Promise<{ serviceId: string; deliveryId: string }> }) {
  const { serviceId, deliveryId: raw } = await params;
  const deliveryId = Number(raw);
  if (!uuid.test(serviceId) || !Number.isSafeInteger(deliveryId) || deliveryId <= 0) notFound();
  const { caller } = await getEspaceServerCaller();
  const grant = (await caller.espace.services()).services.find((s) => s.serviceId === serviceId);
  if (!grant) notFound();
  const delivery = await caller.espace.delivery({ serviceId, deliveryId }).catch(() => null);
  if (!delivery) notFound();
  const canManage = grant.niveau === "gestion";
  const replayable = delivery.state === "failed" || delivery.state === "delivered";
  // Waiting for its next automatic attempt (not parked behind a disabled webhook or service).
  const retryable = delivery.state === "pending" && !isParked(delivery.nextAttemptAt) && delivery.nextAttemptAt.getTime() > Date.now();
  return (
    <>
      <Breadcrumb
        currentPageLabel={`Livraison n° ${delivery.id}`}
        segments={[{ label: "Mon espace", linkProps: { href: "/espace" } }, { label: `Livraisons à ${grant.nom}`, linkProps: { href: `/espace/${serviceId}/livraisons` } }]}
      />
      <h1>Livraison n° {delivery.id}</h1>
      <dl>
        <dt className="fr-text--bold">État</dt>
        <dd><Badge severity={deliveryStateSeverity[delivery.state]} data-testid="delivery-state">{deliveryStateLabels[delivery.state]}</Badge></dd>
        <dt className="fr-text--bold">Événement</dt>
        <dd><code>{delivery.eventType}</code> — identifiant <code>{delivery.eventId}</code> (en-tête webhook-id), créé le {formatDateTime(delivery.eventCreatedAt)}</dd>
        <dt className="fr-text--bold">Webhook</dt>
        <dd><code>{delivery.endpointUrl ?? "webhook supprimé"}</code></dd>
        {delivery.projectId && (
          <>
            <dt className="fr-text--bold">Projet</dt>
            <dd><code>{delivery.projectId}</code> (version {delivery.projectVersion})</dd>
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
      {canManage && replayable && <EspaceReplayDeliveryButton serviceId={serviceId} deliveryId={delivery.id} />}
      {canManage && retryable && <EspaceRetryNowButton serviceId={serviceId} deliveryId={delivery.id} />}

      <h2>Contenu envoyé</h2>
      <EspaceDeliveryPayload serviceId={serviceId} deliveryId={delivery.id} />

      <h2>Tentatives</h2>
      <DeliveryAttemptsTable attempts={delivery.attempts} />
    </>
  );
}

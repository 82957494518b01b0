import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { Breadcrumb } from "@codegouvfr/react-dsfr/Breadcrumb";
import { getEspaceServerCaller } from "@/server/trpc/server-caller";
import { DeliveryAttemptsTable } from "../../../../admin/_components/delivery-list";
import { DeliveryFacts, deliveryActions } from "../../../../admin/_components/delivery-facts";
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
  const { replayable, retryable } = deliveryActions(delivery);
  return (
    <>
      <Breadcrumb
        currentPageLabel={`Livraison n° ${delivery.id}`}
        segments={[{ label: "Mon espace", linkProps: { href: "/espace" } }, { label: `Livraisons à ${grant.nom}`, linkProps: { href: `/espace/${serviceId}/livraisons` } }]}
      />
      <h1>Livraison n° {delivery.id}</h1>
      <DeliveryFacts
        delivery={delivery}
        recipient={{ label: "Webhook", value: <code>{delivery.endpointUrl ?? "webhook supprimé"}</code> }}
        project={<code>{delivery.projectId}</code>}
      />
      {canManage && replayable && <EspaceReplayDeliveryButton serviceId={serviceId} deliveryId={delivery.id} />}
      {canManage && retryable && <EspaceRetryNowButton serviceId={serviceId} deliveryId={delivery.id} />}

      <h2>Contenu envoyé</h2>
      <EspaceDeliveryPayload serviceId={serviceId} deliveryId={delivery.id} />

      <h2>Tentatives</h2>
      <DeliveryAttemptsTable attempts={delivery.attempts} />
    </>
  );
}

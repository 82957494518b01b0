import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Breadcrumb } from "@codegouvfr/react-dsfr/Breadcrumb";
import { getServerCaller } from "@/server/trpc/server-caller";
import { getCurrentOperator } from "@/server/auth/get-current-operator";
import { ReplayDeliveryButton, RetryNowButton } from "../../../_components/replay-buttons";
import { DeliveryPayload } from "../../../_components/delivery-payload";
import { DeliveryAttemptsTable } from "../../../_components/delivery-list";
import { DeliveryFacts, deliveryActions } from "../../../_components/delivery-facts";

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
  const { replayable, retryable } = deliveryActions(delivery);
  return (
    <>
      <Breadcrumb currentPageLabel={`Livraison n° ${delivery.id}`} segments={[{ label: "Console", linkProps: { href: "/admin" } }, { label: "Livraisons", linkProps: { href: "/admin/livraisons" } }]} />
      <h1>Livraison n° {delivery.id}</h1>
      <DeliveryFacts
        delivery={delivery}
        recipient={{ label: "Destinataire", value: <><Link href={`/admin/services/${delivery.serviceId}`}>{delivery.serviceNom}</Link> — <code>{delivery.endpointUrl ?? "webhook supprimé"}</code></> }}
        project={<Link href={`/admin/projets/${delivery.projectId}`}>{delivery.projectId}</Link>}
      />
      {operator?.role === "admin" && replayable && <ReplayDeliveryButton deliveryId={delivery.id} />}
      {operator?.role === "admin" && retryable && <RetryNowButton deliveryId={delivery.id} />}

      <h2>Contenu envoyé</h2>
      <DeliveryPayload deliveryId={delivery.id} />

      <h2>Tentatives</h2>
      <DeliveryAttemptsTable attempts={delivery.attempts} />
    </>
  );
}

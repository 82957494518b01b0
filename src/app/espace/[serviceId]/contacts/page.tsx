import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { Breadcrumb } from "@codegouvfr/react-dsfr/Breadcrumb";
import { getEspaceServerCaller } from "@/server/trpc/server-caller";
import { EspaceContacts } from "../../_components/espace-contacts";

export const metadata: Metadata = { title: "Contacts techniques du service" };

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// The people the hub alerts by email when the service's webhook fails, is disabled or recovers
// (issue #11), read with `lecture` and set with `gestion` (issue #12).
export default async function EspaceContactsPage({ params }: { params: Promise<{ serviceId: string }> }) {
  const { serviceId } = await params;
  if (!uuid.test(serviceId)) notFound();
  const { caller } = await getEspaceServerCaller();
  const grant = (await caller.espace.services()).services.find((s) => s.serviceId === serviceId);
  if (!grant) notFound();
  const contacts = await caller.espace.contacts({ serviceId });
  const canManage = grant.niveau === "gestion";
  return (
    <>
      <Breadcrumb currentPageLabel="Contacts techniques" segments={[{ label: "Mon espace", linkProps: { href: "/espace" } }, { label: grant.nom, linkProps: { href: "/espace" } }]} />
      <h1>Contacts techniques de {grant.nom}</h1>
      <p>
        Ces adresses reçoivent un courriel quand votre webhook commence à échouer, est désactivé ou se rétablit, et un récapitulatif
        quotidien des problèmes ouverts.
      </p>
      {!canManage && <p>Votre niveau d'accès est « lecture » : vous consultez ces contacts sans pouvoir les modifier.</p>}
      <EspaceContacts serviceId={serviceId} contacts={contacts} canManage={canManage} />
    </>
  );
}

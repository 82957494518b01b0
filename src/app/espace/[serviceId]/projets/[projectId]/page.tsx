import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Badge } from "@codegouvfr/react-dsfr/Badge";
import { Breadcrumb } from "@codegouvfr/react-dsfr/Breadcrumb";
import { getEspaceServerCaller } from "@/server/trpc/server-caller";
import { deliveryStateLabels, deliveryStateSeverity, formatDateTime } from "../../../../admin/_components/format";

export const metadata: Metadata = { title: "Projet" };

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const eventLabels: Record<string, string> = { "projet.cree": "Création", "projet.modifie": "Modification", "utilisateur.efface": "Effacement de données personnelles" };

// One of the service's projects with its event history and the deliveries to this service only
// (issue #12). A project the service is not linked to answers like an unknown one.
export default async function EspaceProjectPage({ params }: { params: Promise<{ serviceId: string; projectId: string }> }) {
  const { serviceId, projectId } = await params;
  if (!uuid.test(serviceId) || !uuid.test(projectId)) notFound();
  const { caller } = await getEspaceServerCaller();
  const grant = (await caller.espace.services()).services.find((s) => s.serviceId === serviceId);
  if (!grant) notFound();
  const detail = await caller.espace.project({ serviceId, projectId }).catch(() => null);
  if (!detail) notFound();
  const { project, links, events } = detail;
  const link = links[0];
  return (
    <>
      <Breadcrumb
        currentPageLabel={project.nom}
        segments={[{ label: "Mon espace", linkProps: { href: "/espace" } }, { label: `Projets de ${grant.nom}`, linkProps: { href: `/espace/${serviceId}/projets` } }]}
      />
      <h1>{project.nom}</h1>
      <dl>
        <dt className="fr-text--bold">Identifiant du hub</dt>
        <dd><code>{project.id}</code></dd>
        <dt className="fr-text--bold">Votre identifiant (externalId)</dt>
        <dd><code>{link?.externalId ?? "—"}</code></dd>
        <dt className="fr-text--bold">Votre dernier libellé de statut</dt>
        <dd>{link?.statusLabel ?? "—"}</dd>
        <dt className="fr-text--bold">Version / statut générique</dt>
        <dd>{project.version} / {project.genericStatus ?? "—"}</dd>
        <dt className="fr-text--bold">Collectivités</dt>
        <dd>{project.collectivites.map((c) => `${c.type} ${c.code}`).join(", ")}</dd>
        <dt className="fr-text--bold">Créé le / modifié le</dt>
        <dd>{formatDateTime(project.createdAt)} / {formatDateTime(project.updatedAt)}</dd>
      </dl>
      <h2>Historique des événements</h2>
      {events.length === 0 && <p>Aucun événement.</p>}
      {events.map((e) => (
        <section key={e.id} className="fr-mb-3w" aria-labelledby={`event-${e.id}`}>
          <h3 id={`event-${e.id}`} className="fr-h6 fr-mb-1w">
            {eventLabels[e.type] ?? e.type} — version {e.projectVersion ?? "—"}, {formatDateTime(e.createdAt)}
          </h3>
          <p className="fr-text--sm fr-mb-1w">
            Auteur : {e.authorSlug ?? "hub"} · Champs modifiés : {e.changements.length ? e.changements.join(", ") : "—"} · <code>{e.id}</code>
          </p>
          {e.deliveries.length === 0 ? (
            <p className="fr-text--sm">Aucune livraison vers votre webhook.</p>
          ) : (
            <ul>
              {e.deliveries.map((d) => (
                <li key={d.id}>
                  <Link href={`/espace/${serviceId}/livraisons/${d.id}`}>Livraison n° {d.id}</Link> vers votre webhook : <Badge severity={deliveryStateSeverity[d.state]} small>{deliveryStateLabels[d.state]}</Badge> ({d.attemptCount} tentative(s))
                </li>
              ))}
            </ul>
          )}
        </section>
      ))}
    </>
  );
}

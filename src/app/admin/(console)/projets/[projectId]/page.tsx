import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Badge } from "@codegouvfr/react-dsfr/Badge";
import { Breadcrumb } from "@codegouvfr/react-dsfr/Breadcrumb";
import { getServerCaller } from "@/server/trpc/server-caller";
import { deliveryStateLabels, deliveryStateSeverity, formatDateTime } from "../../../_components/format";

export const metadata: Metadata = { title: "Projet" };

const euros = new Intl.NumberFormat("fr-FR", { style: "currency", currency: "EUR", maximumFractionDigits: 0 });
/** A calendar date (YYYY-MM-DD, no time zone) as "15 mars 2027". */
function formatDate(value: string | null): string {
  if (!value) return "Non renseignée";
  return new Intl.DateTimeFormat("fr-FR", { dateStyle: "long", timeZone: "UTC" }).format(new Date(`${value}T00:00:00Z`));
}
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const eventLabels: Record<string, string> = { "projet.cree": "Création", "projet.modifie": "Modification", "utilisateur.efface": "Effacement de données personnelles" };

export default async function ProjectPage({ params }: { params: Promise<{ projectId: string }> }) {
  const { projectId } = await params;
  if (!uuid.test(projectId)) notFound();
  const detail = await (await getServerCaller()).projects.get({ projectId }).catch(() => null);
  if (!detail) notFound();
  const { project, links, events } = detail;
  return (
    <>
      <Breadcrumb currentPageLabel={project.nom} segments={[{ label: "Console", linkProps: { href: "/admin" } }, { label: "Projets", linkProps: { href: "/admin/projets" } }]} />
      <h1>{project.nom}</h1>
      <dl>
        <dt className="fr-text--bold">Identifiant</dt>
        <dd><code>{project.id}</code></dd>
        <dt className="fr-text--bold">Version</dt>
        <dd>{project.version}</dd>
        <dt className="fr-text--bold">Statut</dt>
        <dd>{project.statusLibelle ?? "Non renseigné"}{project.phase && ` (phase : ${project.phase}${project.phaseStatut ? `, ${project.phaseStatut}` : ""})`}</dd>
        <dt className="fr-text--bold">Description</dt>
        <dd style={{ whiteSpace: "pre-line" }}>{project.description ?? "Non renseignée"}</dd>
        <dt className="fr-text--bold">Budget prévisionnel</dt>
        <dd>{project.budgetPrevisionnel === null ? "Non renseigné" : euros.format(project.budgetPrevisionnel)}</dd>
        <dt className="fr-text--bold">Date de début prévisionnelle</dt>
        <dd>{formatDate(project.dateDebutPrevisionnelle)}</dd>
        <dt className="fr-text--bold">Programme</dt>
        <dd>{project.programme ?? "Non renseigné"}</dd>
        <dt className="fr-text--bold">Collectivités</dt>
        <dd>
          <ul className="fr-mb-0">
            {project.collectivites.map((c) => (
              <li key={`${c.type}-${c.code}`}>
                {c.type === "EPCI" ? "EPCI" : "Commune"} {c.nom ?? "inconnue du découpage administratif"} (<code>{c.code}</code>)
                {c.departements.length > 0 && ` — ${c.departements.length > 1 ? "départements" : "département"} : ${c.departements.join(", ")}`}
                {c.epci && ` — ${c.epci}`}
              </li>
            ))}
          </ul>
        </dd>
        <dt className="fr-text--bold">Porteur référent</dt>
        <dd>{project.hasPorteur ? "renseigné (coordonnées non affichées dans la console)" : "non renseigné"}</dd>
        <dt className="fr-text--bold">Créé le / modifié le</dt>
        <dd>{formatDateTime(project.createdAt)} / {formatDateTime(project.updatedAt)}</dd>
      </dl>

      <h2>Services liés</h2>
      <div className="fr-table">
        <table tabIndex={0}>
          <caption className="fr-sr-only">Services liés au projet</caption>
          <thead>
            <tr><th scope="col">Service</th><th scope="col">Identifiant chez le service</th><th scope="col">Dernier libellé de statut</th><th scope="col">Lié le</th></tr>
          </thead>
          <tbody>
            {links.length === 0 && <tr><td colSpan={4}>Aucun service lié.</td></tr>}
            {links.map((l) => (
              <tr key={l.slug}><td>{l.nom}</td><td><code>{l.externalId}</code></td><td>{l.statusLabel ?? "—"}</td><td>{formatDateTime(l.createdAt)}</td></tr>
            ))}
          </tbody>
        </table>
      </div>

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
            <p className="fr-text--sm">Aucune livraison (aucun autre service abonné).</p>
          ) : (
            <ul>
              {e.deliveries.map((d) => (
                <li key={d.id}>
                  <Link href={`/admin/livraisons/${d.id}`}>Livraison n° {d.id}</Link> vers {d.serviceSlug} :{" "}
                  <Badge severity={deliveryStateSeverity[d.state]} small>{deliveryStateLabels[d.state]}</Badge> ({d.attemptCount} tentative(s))
                </li>
              ))}
            </ul>
          )}
        </section>
      ))}
    </>
  );
}

import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Breadcrumb } from "@codegouvfr/react-dsfr/Breadcrumb";
import { getEspaceServerCaller } from "@/server/trpc/server-caller";
import { formatDateTime } from "../../../admin/_components/format";
import { firstValue, type RawSearchParams } from "../../../admin/_components/search-params";

export const metadata: Metadata = { title: "Projets du service" };

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// Search among the projects the agent's service is linked to (issue #12): by name, hub id or the
// service's own external id; never another service's projects.
export default async function EspaceProjectsPage({ params, searchParams }: { params: Promise<{ serviceId: string }>; searchParams: Promise<RawSearchParams> }) {
  const { serviceId } = await params;
  if (!uuid.test(serviceId)) notFound();
  const raw = await searchParams;
  const query = (firstValue(raw.q) ?? "").slice(0, 200);
  const cursor = firstValue(raw.cursor);
  const { caller } = await getEspaceServerCaller();
  const grant = (await caller.espace.services()).services.find((s) => s.serviceId === serviceId);
  if (!grant) notFound();
  const page = await caller.espace.searchProjects({ serviceId, query, ...(cursor ? { cursor: cursor.slice(0, 200) } : {}) });
  return (
    <>
      <Breadcrumb currentPageLabel="Projets" segments={[{ label: "Mon espace", linkProps: { href: "/espace" } }, { label: grant.nom, linkProps: { href: "/espace" } }]} />
      <h1>Projets de {grant.nom}</h1>
      <form method="get" className="fr-mb-3w" role="search">
        <div className="fr-input-group">
          <label className="fr-label" htmlFor="recherche-projet">
            Rechercher un projet
            <span className="fr-hint-text">Nom, identifiant du hub ou votre identifiant (externalId)</span>
          </label>
          <input className="fr-input" id="recherche-projet" name="q" defaultValue={query} />
        </div>
        <button type="submit" className="fr-btn">Rechercher</button>
      </form>
      <div className="fr-table">
        <table data-testid="espace-projects" tabIndex={0}>
          <caption className="fr-sr-only">Projets liés à votre service, les plus récemment modifiés d'abord</caption>
          <thead>
            <tr><th scope="col">Projet</th><th scope="col">Statut générique</th><th scope="col">Version</th><th scope="col">Modifié le</th></tr>
          </thead>
          <tbody>
            {page.items.length === 0 && <tr><td colSpan={4}>Aucun projet.</td></tr>}
            {page.items.map((p) => (
              <tr key={p.id}>
                <td><Link href={`/espace/${serviceId}/projets/${p.id}`}>{p.nom}</Link></td>
                <td>{p.genericStatus ?? "—"}</td>
                <td>{p.version}</td>
                <td>{formatDateTime(p.updatedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {page.nextCursor && (
        <Link className="fr-btn fr-btn--secondary" href={`/espace/${serviceId}/projets?${new URLSearchParams({ q: query, cursor: page.nextCursor }).toString()}`}>
          Projets plus anciens
        </Link>
      )}
    </>
  );
}

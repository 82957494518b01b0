import type { Metadata } from "next";
import Link from "next/link";
import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { getServerCaller } from "@/server/trpc/server-caller";
import { searchProjectsInput } from "@/modules/console/console-schemas";
import { ExportLink } from "../../_components/export-link";
import { formatDateTime } from "../../_components/format";
import { firstValue, type RawSearchParams } from "../../_components/search-params";

export const metadata: Metadata = { title: "Projets" };

export default async function ProjectsPage({ searchParams }: { searchParams: Promise<RawSearchParams> }) {
  const raw = await searchParams;
  const q = firstValue(raw.q) ?? "";
  const cursor = firstValue(raw.cursor);
  // The query string is the operator's (or anyone's) input: invalid is a message, never a 500.
  const parsed = searchProjectsInput.safeParse({ query: q.slice(0, 200), cursor: cursor?.slice(0, 200) || undefined });
  const caller = await getServerCaller();
  const page = parsed.success ? await caller.projects.search(parsed.data) : { items: [], nextCursor: null };
  const next = page.nextCursor ? `/admin/projets?${new URLSearchParams({ q, cursor: page.nextCursor })}` : null;
  return (
    <>
      <h1>Projets</h1>
      <form method="get" action="/admin/projets" role="search" className="fr-mb-4w">
        <div className="fr-search-bar" id="project-search">
          <label className="fr-label" htmlFor="project-search-input">Rechercher un projet par nom, identifiant du hub ou identifiant d'un service</label>
          <input className="fr-input" id="project-search-input" name="q" type="search" defaultValue={q} placeholder="Nom ou identifiant" />
          <button className="fr-btn" type="submit" title="Rechercher">Rechercher</button>
        </div>
      </form>
      {parsed.success && <ExportLink kind="projets" params={{ query: parsed.data.query }}>Exporter ces projets (CSV)</ExportLink>}
      {!parsed.success && <Alert severity="error" as="h2" title="Recherche invalide" description={parsed.error.issues.map((i) => i.message).join(" ; ")} />}
      <div className="fr-table">
        <table>
          <caption className="fr-sr-only">Projets, les plus récemment modifiés d'abord</caption>
          <thead>
            <tr>
              <th scope="col">Nom</th>
              <th scope="col">Statut générique</th>
              <th scope="col">Version</th>
              <th scope="col">Services liés</th>
              <th scope="col">Modifié le</th>
            </tr>
          </thead>
          <tbody>
            {page.items.length === 0 && <tr><td colSpan={5}>Aucun projet trouvé.</td></tr>}
            {page.items.map((p) => (
              <tr key={p.id}>
                <td><Link href={`/admin/projets/${p.id}`}>{p.nom}</Link></td>
                <td>{p.genericStatus ?? "—"}</td>
                <td>{p.version}</td>
                <td>{p.services.join(", ") || "—"}</td>
                <td>{formatDateTime(p.updatedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <nav aria-label="Pagination des projets">
        <ul className="fr-btns-group fr-btns-group--inline-sm">
          {cursor && <li><Link className="fr-btn fr-btn--secondary" href={`/admin/projets?${new URLSearchParams({ q })}`}>Revenir au début</Link></li>}
          {next && <li><Link className="fr-btn fr-btn--secondary" href={next}>Projets suivants</Link></li>}
        </ul>
      </nav>
    </>
  );
}

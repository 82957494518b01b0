import type { Metadata } from "next";
import Link from "next/link";
import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { Input } from "@codegouvfr/react-dsfr/Input";
import { Select } from "@codegouvfr/react-dsfr/Select";
import { getServerCaller } from "@/server/trpc/server-caller";
import { searchProjectsInput } from "@/modules/console/console-schemas";
import { ExportLink } from "../../_components/export-link";
import { formatDateTime } from "../../_components/format";
import { firstValue, type RawSearchParams } from "../../_components/search-params";

export const metadata: Metadata = { title: "Projets" };

const fieldNames: Record<string, string> = { query: "Recherche", serviceId: "Service", status: "Statut", collectivite: "Collectivité", cursor: "Page" };

export default async function ProjectsPage({ searchParams }: { searchParams: Promise<RawSearchParams> }) {
  const raw = await searchParams;
  const filters = {
    q: firstValue(raw.q) ?? "",
    service: firstValue(raw.service) ?? "",
    statut: firstValue(raw.statut) ?? "",
    collectivite: firstValue(raw.collectivite) ?? "",
  };
  const cursor = firstValue(raw.cursor);
  // The query string is the operator's (or anyone's) input: invalid is a message, never a 500.
  const parsed = searchProjectsInput.safeParse({
    query: filters.q.slice(0, 200),
    serviceId: filters.service || undefined,
    status: filters.statut || undefined,
    collectivite: filters.collectivite || undefined,
    cursor: cursor?.slice(0, 200) || undefined,
  });
  const caller = await getServerCaller();
  const [page, choices] = await Promise.all([
    parsed.success ? caller.projects.search(parsed.data) : Promise.resolve({ items: [], nextCursor: null }),
    caller.projects.filterChoices(),
  ]);
  const kept = Object.fromEntries(Object.entries(filters).filter(([, v]) => v));
  const next = page.nextCursor ? `/admin/projets?${new URLSearchParams({ ...kept, cursor: page.nextCursor })}` : null;
  const errors = parsed.success ? [] : parsed.error.issues.map((i) => `${fieldNames[String(i.path[0])] ?? "Filtre"} : ${i.message}`);
  return (
    <>
      <h1>Projets</h1>
      <form method="get" action="/admin/projets" role="search" className="fr-mb-4w" aria-label="Rechercher et filtrer les projets">
        <div className="fr-grid-row fr-grid-row--gutters">
          <div className="fr-col-12 fr-col-md-6">
            <Input
              label="Nom ou identifiant"
              hintText="Sans tenir compte des majuscules ni des accents ; ou identifiant du hub, ou identifiant chez un service."
              nativeInputProps={{ name: "q", type: "search", defaultValue: filters.q }}
            />
          </div>
          <div className="fr-col-12 fr-col-md-6">
            <Input
              label="Collectivité"
              hintText="Code INSEE de la commune (ex. 69123) ou SIREN de l'EPCI (9 chiffres)."
              state={parsed.success || !parsed.error.issues.some((i) => i.path[0] === "collectivite") ? "default" : "error"}
              stateRelatedMessage="Code INSEE (5 caractères) ou SIREN (9 chiffres) attendu."
              nativeInputProps={{ name: "collectivite", defaultValue: filters.collectivite, inputMode: "text" }}
            />
          </div>
          <div className="fr-col-12 fr-col-md-6">
            <Select label="Service lié" nativeSelectProps={{ name: "service", defaultValue: filters.service }}>
              <option value="">Tous les services</option>
              {choices.services.map((s) => <option key={s.id} value={s.id}>{s.nom}</option>)}
            </Select>
          </div>
          <div className="fr-col-12 fr-col-md-6">
            <Select label="Statut" nativeSelectProps={{ name: "statut", defaultValue: filters.statut }}>
              <option value="">Tous les statuts</option>
              {choices.statuses.map((s) => <option key={s.code} value={s.code}>{s.libelle}</option>)}
            </Select>
          </div>
        </div>
        <ul className="fr-btns-group fr-btns-group--inline-sm fr-mt-2w">
          <li><button className="fr-btn" type="submit">Rechercher</button></li>
          <li><Link className="fr-btn fr-btn--secondary" href="/admin/projets">Effacer les filtres</Link></li>
        </ul>
      </form>
      {parsed.success && (
        <ExportLink kind="projets" params={{ query: parsed.data.query, serviceId: parsed.data.serviceId, status: parsed.data.status, collectivite: parsed.data.collectivite }}>
          Exporter ces projets (CSV)
        </ExportLink>
      )}
      {errors.length > 0 && <Alert severity="error" as="h2" title="Recherche invalide" description={errors.join(" ; ")} className="fr-mb-4w" />}
      <div className="fr-table">
        <table tabIndex={0}>
          <caption className="fr-sr-only">Projets, les plus récemment modifiés d'abord</caption>
          <thead>
            <tr>
              <th scope="col">Nom</th>
              <th scope="col">Statut</th>
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
                <td>{p.statusLibelle ?? "Non renseigné"}</td>
                <td>{p.version}</td>
                <td>{p.services.join(", ") || "Aucun"}</td>
                <td>{formatDateTime(p.updatedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <nav aria-label="Pagination des projets">
        <ul className="fr-btns-group fr-btns-group--inline-sm">
          {cursor && <li><Link className="fr-btn fr-btn--secondary" href={`/admin/projets?${new URLSearchParams(kept)}`}>Revenir au début</Link></li>}
          {next && <li><Link className="fr-btn fr-btn--secondary" href={next}>Projets suivants</Link></li>}
        </ul>
      </nav>
    </>
  );
}

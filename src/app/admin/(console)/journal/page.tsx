import type { Metadata } from "next";
import Link from "next/link";
import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { Input } from "@codegouvfr/react-dsfr/Input";
import { Select } from "@codegouvfr/react-dsfr/Select";
import { getServerCaller } from "@/server/trpc/server-caller";
import { listAuditInput } from "@/modules/console/console-schemas";
import { auditActionLabel, auditActionLabels } from "@/modules/audit/audit-labels";
import { describeAuditChange } from "@/modules/audit/describe-audit-change";
import { formatDateTime } from "../../_components/format";
import { ExportLink } from "../../_components/export-link";
import { firstValue, type RawSearchParams } from "../../_components/search-params";

export const metadata: Metadata = { title: "Journal d'audit" };

const actorTypes = { operator: "Opérateur", agent: "Agent de service", cli: "Ligne de commande", system: "Système" } as const;
const targetTypes: Record<string, string> = {
  service: "Service",
  operator: "Opérateur",
  delivery: "Livraison",
  deliveries: "Livraisons",
  project: "Projet",
  phase_mapping: "Correspondance de phase",
  service_agent: "Agent de service",
  session: "Session",
};
const fieldNames: Record<string, string> = { action: "Action", operatorId: "Auteur", serviceId: "Service", since: "Du", until: "Au", cursor: "Page" };
// Long values (ids, URLs) wrap instead of pushing columns off-screen at 1280 px.
const wrap = { overflowWrap: "anywhere" } as const;

export default async function AuditPage({ searchParams }: { searchParams: Promise<RawSearchParams> }) {
  const raw = await searchParams;
  const filters = {
    action: firstValue(raw.action) ?? "",
    auteur: firstValue(raw.auteur) ?? "",
    // `serviceId`: the links of the services' pages (issue #12).
    service: firstValue(raw.service) ?? firstValue(raw.serviceId) ?? "",
    du: firstValue(raw.du) ?? "",
    au: firstValue(raw.au) ?? "",
  };
  const cursor = firstValue(raw.cursor);
  const parsed = listAuditInput.safeParse({
    cursor: cursor && /^[0-9]{1,15}$/.test(cursor) ? Number(cursor) : undefined,
    action: filters.action || undefined,
    operatorId: filters.auteur || undefined,
    serviceId: filters.service || undefined,
    since: filters.du || undefined,
    until: filters.au || undefined,
  });
  const caller = await getServerCaller();
  const [page, choices] = await Promise.all([
    parsed.success ? caller.audit.list(parsed.data) : Promise.resolve({ items: [], nextCursor: null }),
    caller.projects.filterChoices(),
  ]);
  const issues = parsed.success ? [] : parsed.error.issues;
  const issueOf = (field: string) => issues.find((i) => i.path[0] === field)?.message;
  const kept = Object.fromEntries(Object.entries(filters).filter(([, v]) => v));
  const filtered = Object.keys(kept).length > 0;
  return (
    <>
      <h1>Journal d'audit</h1>
      <p>Chaque modification faite depuis la console ou la ligne de commande, avec son auteur et ce qui a changé (sans secret ni donnée personnelle). Heures de Paris.</p>
      <form method="get" action="/admin/journal" className="fr-mb-4w" aria-label="Filtrer le journal d'audit">
        <div className="fr-grid-row fr-grid-row--gutters">
          <div className="fr-col-12 fr-col-md-4">
            <Select label="Action" nativeSelectProps={{ name: "action", defaultValue: filters.action }}>
              <option value="">Toutes les actions</option>
              {Object.entries(auditActionLabels)
                .sort((a, b) => a[1].localeCompare(b[1], "fr"))
                .map(([code, label]) => <option key={code} value={code}>{label}</option>)}
            </Select>
          </div>
          <div className="fr-col-12 fr-col-md-4">
            <Select label="Auteur" nativeSelectProps={{ name: "auteur", defaultValue: filters.auteur }}>
              <option value="">Tous les auteurs</option>
              {choices.operators.map((o) => <option key={o.id} value={o.id}>{o.email}</option>)}
            </Select>
          </div>
          <div className="fr-col-12 fr-col-md-4">
            <Select label="Service concerné" nativeSelectProps={{ name: "service", defaultValue: filters.service }}>
              <option value="">Tous les services</option>
              {choices.services.map((s) => <option key={s.id} value={s.id}>{s.nom}</option>)}
            </Select>
          </div>
          <div className="fr-col-12 fr-col-md-4">
            <Input label="Du" state={issueOf("since") ? "error" : "default"} stateRelatedMessage={issueOf("since")} nativeInputProps={{ name: "du", type: "date", defaultValue: filters.du }} />
          </div>
          <div className="fr-col-12 fr-col-md-4">
            <Input label="Au (inclus)" state={issueOf("until") ? "error" : "default"} stateRelatedMessage={issueOf("until")} nativeInputProps={{ name: "au", type: "date", defaultValue: filters.au }} />
          </div>
        </div>
        <ul className="fr-btns-group fr-btns-group--inline-sm fr-mt-2w">
          <li><button className="fr-btn" type="submit">Filtrer</button></li>
          <li><Link className="fr-btn fr-btn--secondary" href="/admin/journal">Effacer les filtres</Link></li>
        </ul>
      </form>
      {issues.length > 0 && (
        <Alert severity="error" as="h2" className="fr-mb-4w" title="Filtres invalides" description={issues.map((i) => `${fieldNames[String(i.path[0])] ?? "Filtre"} : ${i.message}`).join(" ; ")} />
      )}
      {parsed.success && (
        <ExportLink kind="journal" params={{ action: parsed.data.action, operatorId: parsed.data.operatorId, serviceId: parsed.data.serviceId, since: parsed.data.since, until: parsed.data.until }}>
          Exporter ce journal (CSV)
        </ExportLink>
      )}
      <div className="fr-table fr-table--sm fr-table--no-scroll">
        <table style={{ tableLayout: "fixed", width: "100%" }} tabIndex={0}>
          <caption className="fr-sr-only">Journal d'audit, les entrées les plus récentes d'abord</caption>
          <thead>
            <tr>
              <th scope="col" style={{ width: "12%" }}>Date</th>
              <th scope="col" style={{ width: "18%" }}>Auteur</th>
              <th scope="col" style={{ width: "18%" }}>Action</th>
              <th scope="col" style={{ width: "18%" }}>Cible</th>
              <th scope="col">Modifications (avant → après)</th>
            </tr>
          </thead>
          <tbody>
            {page.items.length === 0 && <tr><td colSpan={5}>Aucune entrée.</td></tr>}
            {page.items.map((e) => {
              const changes = describeAuditChange(e.before, e.after);
              return (
                <tr key={e.id} data-testid="audit-row">
                  <td>{formatDateTime(e.createdAt)}</td>
                  <td style={wrap}>{actorTypes[e.actorType]} : {e.actorLabel}</td>
                  <td><Link href={`/admin/journal?${new URLSearchParams({ action: e.action })}`}>{auditActionLabel(e.action)}</Link></td>
                  <td style={wrap}>
                    {targetTypes[e.targetType] ?? e.targetType}
                    {e.targetId && (
                      <>
                        {" : "}
                        {e.targetName ?? <span className="fr-text--xs">{e.targetId} (introuvable)</span>}
                      </>
                    )}
                  </td>
                  <td style={wrap}>
                    {changes.length === 0 ? (
                      "—"
                    ) : (
                      <ul className="fr-raw-list fr-text--sm fr-mb-0">
                        {changes.map((c) => (
                          <li key={c.field}>
                            <span className="fr-text--bold">{c.field}</span> : {c.before === null ? "(absent)" : c.before} → {c.after === null ? "(absent)" : c.after}
                          </li>
                        ))}
                      </ul>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <nav aria-label="Pagination du journal">
        <ul className="fr-btns-group fr-btns-group--inline-sm">
          {(cursor || filtered) && <li><Link className="fr-btn fr-btn--secondary" href="/admin/journal">Toutes les entrées récentes</Link></li>}
          {page.nextCursor && <li><Link className="fr-btn fr-btn--secondary" href={`/admin/journal?${new URLSearchParams({ ...kept, cursor: String(page.nextCursor) })}`}>Entrées plus anciennes</Link></li>}
        </ul>
      </nav>
    </>
  );
}

import type { Metadata } from "next";
import Link from "next/link";
import { getServerCaller } from "@/server/trpc/server-caller";
import { listAuditInput } from "@/modules/console/console-schemas";
import { formatDateTime } from "../../_components/format";
import { ExportLink } from "../../_components/export-link";
import { firstValue, type RawSearchParams } from "../../_components/search-params";

export const metadata: Metadata = { title: "Journal d'audit" };

const actorTypes = { operator: "Opérateur", cli: "Ligne de commande", system: "Système" } as const;

function showJson(value: unknown) {
  return value === null || value === undefined ? "—" : JSON.stringify(value, null, 1);
}

export default async function AuditPage({ searchParams }: { searchParams: Promise<RawSearchParams> }) {
  const raw = await searchParams;
  const cursor = firstValue(raw.cursor);
  const action = firstValue(raw.action);
  const parsed = listAuditInput.safeParse({ cursor: cursor ? Number(cursor) : undefined, action: action || undefined });
  const page = await (await getServerCaller()).audit.list(parsed.success ? parsed.data : { limit: 50 });
  const base = action ? `action=${encodeURIComponent(action)}&` : "";
  return (
    <>
      <h1>Journal d'audit</h1>
      <p>Chaque modification faite depuis la console ou la ligne de commande, avec son auteur et les valeurs avant et après (sans secret ni donnée personnelle).</p>
      <ExportLink kind="journal" params={{ action: parsed.success ? parsed.data.action : undefined }}>Exporter ce journal (CSV)</ExportLink>
      <div className="fr-table fr-table--sm">
        <table>
          <caption className="fr-sr-only">Journal d'audit, les entrées les plus récentes d'abord</caption>
          <thead>
            <tr>
              <th scope="col">Date</th>
              <th scope="col">Auteur</th>
              <th scope="col">Action</th>
              <th scope="col">Cible</th>
              <th scope="col">Avant</th>
              <th scope="col">Après</th>
            </tr>
          </thead>
          <tbody>
            {page.items.length === 0 && <tr><td colSpan={6}>Aucune entrée.</td></tr>}
            {page.items.map((e) => (
              <tr key={e.id} data-testid="audit-row">
                <td>{formatDateTime(e.createdAt)}</td>
                <td>{actorTypes[e.actorType]} : {e.actorLabel}</td>
                <td><Link href={`/admin/journal?action=${encodeURIComponent(e.action)}`}><code>{e.action}</code></Link></td>
                <td>{e.targetType}{e.targetId ? <><br /><code>{e.targetId}</code></> : null}</td>
                <td><code style={{ whiteSpace: "pre-wrap" }}>{showJson(e.before)}</code></td>
                <td><code style={{ whiteSpace: "pre-wrap" }}>{showJson(e.after)}</code></td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <nav aria-label="Pagination du journal">
        <ul className="fr-btns-group fr-btns-group--inline-sm">
          {(cursor || action) && <li><Link className="fr-btn fr-btn--secondary" href="/admin/journal">Toutes les entrées récentes</Link></li>}
          {page.nextCursor && <li><Link className="fr-btn fr-btn--secondary" href={`/admin/journal?${base}cursor=${page.nextCursor}`}>Entrées plus anciennes</Link></li>}
        </ul>
      </nav>
    </>
  );
}

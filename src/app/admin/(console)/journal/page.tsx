import type { Metadata } from "next";
import Link from "next/link";
import { getServerCaller } from "@/server/trpc/server-caller";
import { listAuditInput } from "@/modules/console/console-schemas";
import { formatDateTime } from "../../_components/format";
import { firstValue, type RawSearchParams } from "../../_components/search-params";

export const metadata: Metadata = { title: "Journal d'audit" };

const actorTypes = { operator: "Opérateur", agent: "Agent de service", cli: "Ligne de commande", system: "Système" } as const;

function showJson(value: unknown) {
  return value === null || value === undefined ? "—" : JSON.stringify(value, null, 1);
}

export default async function AuditPage({ searchParams }: { searchParams: Promise<RawSearchParams> }) {
  const raw = await searchParams;
  const cursor = firstValue(raw.cursor);
  const action = firstValue(raw.action);
  const serviceId = firstValue(raw.serviceId);
  const parsed = listAuditInput.safeParse({ cursor: cursor ? Number(cursor) : undefined, action: action || undefined, serviceId: serviceId || undefined });
  const caller = await getServerCaller();
  const [page, services] = await Promise.all([caller.audit.list(parsed.success ? parsed.data : { limit: 50 }), caller.services.list()]);
  const filters = new URLSearchParams({ ...(action ? { action } : {}), ...(parsed.success && parsed.data.serviceId ? { serviceId: parsed.data.serviceId } : {}) }).toString();
  const base = filters ? `${filters}&` : "";
  return (
    <>
      <h1>Journal d'audit</h1>
      <p>Chaque modification faite depuis la console, l'espace des services connectés ou la ligne de commande, avec son auteur et les valeurs avant et après (sans secret ni donnée personnelle).</p>
      <form method="get" action="/admin/journal" className="fr-mb-3w">
        {action && <input type="hidden" name="action" value={action} />}
        <div className="fr-select-group">
          <label className="fr-label" htmlFor="journal-service">Service concerné</label>
          <select className="fr-select" id="journal-service" name="serviceId" defaultValue={parsed.success ? (parsed.data.serviceId ?? "") : ""}>
            <option value="">Tous les services</option>
            {services.map((s) => (
              <option key={s.id} value={s.id}>{s.nom} ({s.slug})</option>
            ))}
          </select>
        </div>
        <button type="submit" className="fr-btn fr-btn--secondary fr-btn--sm">Filtrer</button>
      </form>
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
          {(cursor || filters) && <li><Link className="fr-btn fr-btn--secondary" href="/admin/journal">Toutes les entrées récentes</Link></li>}
          {page.nextCursor && <li><Link className="fr-btn fr-btn--secondary" href={`/admin/journal?${base}cursor=${page.nextCursor}`}>Entrées plus anciennes</Link></li>}
        </ul>
      </nav>
    </>
  );
}

import type { Metadata } from "next";
import Link from "next/link";
import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { getServerCaller } from "@/server/trpc/server-caller";
import { getCurrentOperator } from "@/server/auth/get-current-operator";
import { listDeliveriesInput } from "@/modules/console/console-schemas";
import { DeliveriesTable, DeliveryFilterForm } from "../../_components/delivery-list";
import { ReplayFailedButton } from "../../_components/replay-buttons";
import { ExportLink } from "../../_components/export-link";
import { firstValue, type RawSearchParams } from "../../_components/search-params";

export const metadata: Metadata = { title: "Livraisons" };

export default async function DeliveriesPage({ searchParams }: { searchParams: Promise<RawSearchParams> }) {
  const raw = Object.fromEntries(Object.entries(await searchParams).map(([k, v]) => [k, firstValue(v)]));
  const values = {
    serviceId: raw.serviceId || undefined,
    state: raw.state || undefined,
    eventType: raw.eventType || undefined,
    projectId: raw.projectId?.trim() || undefined,
    since: raw.since || undefined,
    until: raw.until || undefined,
    cursor: raw.cursor ? Number(raw.cursor) : undefined,
  };
  const parsed = listDeliveriesInput.safeParse(values);
  const caller = await getServerCaller();
  const [services, operator] = await Promise.all([caller.services.list(), getCurrentOperator()]);
  const page = parsed.success ? await caller.deliveries.list(parsed.data) : null;
  const filter = parsed.success
    ? { serviceId: parsed.data.serviceId, eventType: parsed.data.eventType, projectId: parsed.data.projectId, since: parsed.data.since, until: parsed.data.until }
    : {};
  const showReplayAll = operator?.role === "admin" && page !== null && (values.state === undefined || values.state === "failed");
  // The confirmation states how many deliveries the replay takes, for this very filter (issue #11).
  const replayCount = showReplayAll ? (await caller.deliveries.countReplayable(filter)).count : 0;
  // One message per field, on the field (DSFR error state).
  const fieldErrors: Record<string, string> = {};
  if (!parsed.success) for (const issue of parsed.error.issues) fieldErrors[String(issue.path[0] ?? "")] ??= issue.message;

  const query = (extra: Record<string, string>) => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries({ ...values, cursor: undefined, ...extra })) if (v !== undefined && v !== "") params.set(k, String(v));
    return `/admin/livraisons?${params}`;
  };
  return (
    <>
      <h1>Livraisons</h1>
      <DeliveryFilterForm action="/admin/livraisons" values={values} fieldErrors={fieldErrors} services={services} />

      {!parsed.success && <Alert severity="error" as="h2" small description="Filtre invalide : corrigez les champs signalés." />}

      {showReplayAll && <ReplayFailedButton filter={filter} count={replayCount} />}
      {page && <ExportLink kind="livraisons" params={{ ...filter, state: parsed.data?.state }}>Exporter ces livraisons (CSV)</ExportLink>}

      {page && (
        <>
          <DeliveriesTable
            items={page.items}
            showRecipient
            deliveryHref={(id) => `/admin/livraisons/${id}`}
            project={(d) => (d.projectId ? <Link href={`/admin/projets/${d.projectId}`}>{d.projectId.slice(0, 8)}… (v{d.projectVersion})</Link> : "—")}
          />
          <nav aria-label="Pagination des livraisons" className="fr-mt-2w">
            <ul className="fr-btns-group fr-btns-group--inline-sm">
              {values.cursor && <li><Link className="fr-btn fr-btn--secondary" href={query({})}>Revenir aux plus récentes</Link></li>}
              {page.nextCursor && <li><Link className="fr-btn fr-btn--secondary" href={query({ cursor: String(page.nextCursor) })}>Livraisons plus anciennes</Link></li>}
            </ul>
          </nav>
        </>
      )}
    </>
  );
}

import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { Breadcrumb } from "@codegouvfr/react-dsfr/Breadcrumb";
import { getEspaceServerCaller } from "@/server/trpc/server-caller";
import { listDeliveriesInput } from "@/modules/console/console-schemas";
import { DeliveriesTable, DeliveryFilterForm } from "../../../admin/_components/delivery-list";
import { firstValue, type RawSearchParams } from "../../../admin/_components/search-params";
import { EspaceReplayFailedButton } from "../../_components/espace-delivery-actions";

export const metadata: Metadata = { title: "Livraisons du service" };

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// The deliveries to the agent's service (issue #12), with the operators' filters; the service is
// always the page's own (a `serviceId` in the query string is ignored). Another service's id answers
// like an unknown page.
export default async function EspaceDeliveriesPage({ params, searchParams }: { params: Promise<{ serviceId: string }>; searchParams: Promise<RawSearchParams> }) {
  const { serviceId } = await params;
  if (!uuid.test(serviceId)) notFound();
  const raw = Object.fromEntries(Object.entries(await searchParams).map(([k, v]) => [k, firstValue(v)]));
  const { caller } = await getEspaceServerCaller();
  const grant = (await caller.espace.services()).services.find((s) => s.serviceId === serviceId);
  if (!grant) notFound();
  const values = {
    state: raw.state || undefined,
    eventType: raw.eventType || undefined,
    projectId: raw.projectId?.trim() || undefined,
    since: raw.since || undefined,
    until: raw.until || undefined,
  };
  const cursor = raw.cursor ? Number(raw.cursor) : undefined;
  const parsed = listDeliveriesInput.safeParse({ ...values, serviceId, cursor });
  const page = parsed.success ? await caller.espace.deliveries(parsed.data) : null;
  const filter = parsed.success
    ? { serviceId, eventType: parsed.data.eventType, projectId: parsed.data.projectId, since: parsed.data.since, until: parsed.data.until }
    : null;
  const canManage = grant.niveau === "gestion";
  const showReplayAll = canManage && filter !== null && (values.state === undefined || values.state === "failed");
  // The confirmation states how many deliveries the replay takes, for this very filter.
  const replayCount = showReplayAll ? (await caller.espace.countReplayableFailed(filter)).count : 0;
  const fieldErrors: Record<string, string> = {};
  if (!parsed.success) for (const issue of parsed.error.issues) fieldErrors[String(issue.path[0] ?? "")] ??= issue.message;

  const base = `/espace/${serviceId}/livraisons`;
  const query = (extra: Record<string, string>) => {
    const search = new URLSearchParams();
    for (const [k, v] of Object.entries({ ...values, ...extra })) if (v !== undefined && v !== "") search.set(k, String(v));
    return `${base}?${search}`;
  };
  return (
    <>
      <Breadcrumb currentPageLabel="Livraisons" segments={[{ label: "Mon espace", linkProps: { href: "/espace" } }, { label: grant.nom, linkProps: { href: "/espace" } }]} />
      <h1>Livraisons à {grant.nom}</h1>
      <p>Les événements que le hub a envoyés (ou va envoyer) à votre webhook, les plus récents d'abord, avec le résultat de chaque tentative.</p>
      <DeliveryFilterForm action={base} values={values} fieldErrors={fieldErrors} />

      {!parsed.success && <Alert severity="error" as="h2" small description="Filtre invalide : corrigez les champs signalés." />}
      {showReplayAll && filter && <EspaceReplayFailedButton filter={filter} count={replayCount} />}

      {page && (
        <>
          <DeliveriesTable
            items={page.items}
            showRecipient={false}
            deliveryHref={(id) => `${base}/${id}`}
            project={(d) => (d.projectId ? <code>{d.projectId.slice(0, 8)}… (v{d.projectVersion})</code> : "—")}
          />
          <nav aria-label="Pagination des livraisons" className="fr-mt-2w">
            <ul className="fr-btns-group fr-btns-group--inline-sm">
              {cursor && <li><Link className="fr-btn fr-btn--secondary" href={query({})}>Revenir aux plus récentes</Link></li>}
              {page.nextCursor && <li><Link className="fr-btn fr-btn--secondary" href={query({ cursor: String(page.nextCursor) })}>Livraisons plus anciennes</Link></li>}
            </ul>
          </nav>
        </>
      )}
    </>
  );
}

import type { Metadata } from "next";
import Link from "next/link";
import { Badge } from "@codegouvfr/react-dsfr/Badge";
import { Input } from "@codegouvfr/react-dsfr/Input";
import { Select } from "@codegouvfr/react-dsfr/Select";
import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { deliveryStates } from "@/db/schema";
import { getServerCaller } from "@/server/trpc/server-caller";
import { getCurrentOperator } from "@/server/auth/get-current-operator";
import { listDeliveriesInput } from "@/modules/console/console-schemas";
import { deliveryStateLabels, deliveryStateSeverity, formatDateTime } from "../../_components/format";
import { ReplayFailedButton } from "../../_components/replay-buttons";
import { ExportLink } from "../../_components/export-link";
import { isParked } from "@/modules/webhooks/park-deliveries";
import { firstValue, type RawSearchParams } from "../../_components/search-params";

export const metadata: Metadata = { title: "Livraisons" };

const eventTypes = ["projet.cree", "projet.modifie", "utilisateur.efface", "test.ping"];

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
  const fieldState = (name: string) => (fieldErrors[name] ? { state: "error" as const, stateRelatedMessage: fieldErrors[name] } : {});

  const query = (extra: Record<string, string>) => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries({ ...values, cursor: undefined, ...extra })) if (v !== undefined && v !== "") params.set(k, String(v));
    return `/admin/livraisons?${params}`;
  };
  return (
    <>
      <h1>Livraisons</h1>
      <form method="get" action="/admin/livraisons" className="fr-mb-4w">
        <fieldset className="fr-fieldset">
          <legend className="fr-fieldset__legend">Filtrer les livraisons</legend>
          <div className="fr-fieldset__element fr-col-12 fr-col-md-4">
            <Select label="Service destinataire" {...fieldState("serviceId")} nativeSelectProps={{ name: "serviceId", defaultValue: values.serviceId ?? "" }}>
              <option value="">Tous</option>
              {services.map((s) => <option key={s.id} value={s.id}>{s.nom}</option>)}
            </Select>
          </div>
          <div className="fr-fieldset__element fr-col-12 fr-col-md-4">
            <Select label="État" {...fieldState("state")} nativeSelectProps={{ name: "state", defaultValue: values.state ?? "" }}>
              <option value="">Tous</option>
              {deliveryStates.map((s) => <option key={s} value={s}>{deliveryStateLabels[s]}</option>)}
            </Select>
          </div>
          <div className="fr-fieldset__element fr-col-12 fr-col-md-4">
            <Select label="Type d'événement" {...fieldState("eventType")} nativeSelectProps={{ name: "eventType", defaultValue: values.eventType ?? "" }}>
              <option value="">Tous</option>
              {eventTypes.map((t) => <option key={t} value={t}>{t}</option>)}
            </Select>
          </div>
          <div className="fr-fieldset__element fr-col-12 fr-col-md-4">
            <Input
              label="Identifiant du projet"
              hintText="Les 8 premiers caractères affichés dans la liste, ou l'identifiant complet"
              {...fieldState("projectId")}
              nativeInputProps={{ name: "projectId", defaultValue: values.projectId ?? "" }}
            />
          </div>
          <div className="fr-fieldset__element fr-col-12 fr-col-md-4">
            <Input label="Créées depuis le" {...fieldState("since")} nativeInputProps={{ name: "since", type: "date", defaultValue: values.since ?? "" }} />
          </div>
          <div className="fr-fieldset__element fr-col-12 fr-col-md-4">
            <Input label="Jusqu'au" {...fieldState("until")} nativeInputProps={{ name: "until", type: "date", defaultValue: values.until ?? "" }} />
          </div>
          <div className="fr-fieldset__element">
            <button type="submit" className="fr-btn">Filtrer</button>{" "}
            <Link href="/admin/livraisons" className="fr-btn fr-btn--tertiary">Réinitialiser</Link>
          </div>
        </fieldset>
      </form>

      {!parsed.success && <Alert severity="error" as="h2" small description="Filtre invalide : corrigez les champs signalés." />}

      {showReplayAll && <ReplayFailedButton filter={filter} count={replayCount} />}
      {page && <ExportLink kind="livraisons" params={{ ...filter, state: parsed.data?.state }}>Exporter ces livraisons (CSV)</ExportLink>}

      {page && (
        <>
          <div className="fr-table">
            <table tabIndex={0}>
              <caption className="fr-sr-only">Livraisons de webhooks, les plus récentes d'abord</caption>
              <thead>
                <tr>
                  {/* State first: at 375 px the last columns are off-screen (issue #11). */}
                  <th scope="col">État</th>
                  <th scope="col">N°</th>
                  <th scope="col">Créée le</th>
                  <th scope="col">Destinataire</th>
                  <th scope="col">Événement</th>
                  <th scope="col">Projet (version)</th>
                  <th scope="col">Tentatives</th>
                  <th scope="col">Dernier statut HTTP</th>
                </tr>
              </thead>
              <tbody>
                {page.items.length === 0 && <tr><td colSpan={8}>Aucune livraison ne correspond à ce filtre.</td></tr>}
                {page.items.map((d) => (
                  <tr key={d.id} data-testid={`delivery-row-${d.id}`}>
                    <td>
                      <Badge severity={deliveryStateSeverity[d.state]} small>{deliveryStateLabels[d.state]}</Badge>
                      {d.state === "pending" && (
                        <span className="fr-text--xs fr-mb-0" style={{ display: "block" }} data-testid="next-attempt">
                          {isParked(d.nextAttemptAt) ? "à la réactivation du webhook ou du service" : `prochaine tentative : ${formatDateTime(d.nextAttemptAt)}`}
                        </span>
                      )}
                    </td>
                    <td><Link href={`/admin/livraisons/${d.id}`}>n° {d.id}</Link></td>
                    <td>{formatDateTime(d.createdAt)}</td>
                    <td>{d.serviceSlug}</td>
                    <td><code>{d.eventType}</code></td>
                    <td>{d.projectId ? <Link href={`/admin/projets/${d.projectId}`}>{d.projectId.slice(0, 8)}… (v{d.projectVersion})</Link> : "—"}</td>
                    <td>{d.attemptCount}</td>
                    <td>{d.lastStatusCode ?? (d.lastError ? "erreur réseau" : "—")}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
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

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
            <Select label="Service destinataire" nativeSelectProps={{ name: "serviceId", defaultValue: values.serviceId ?? "" }}>
              <option value="">Tous</option>
              {services.map((s) => <option key={s.id} value={s.id}>{s.nom}</option>)}
            </Select>
          </div>
          <div className="fr-fieldset__element fr-col-12 fr-col-md-4">
            <Select label="État" nativeSelectProps={{ name: "state", defaultValue: values.state ?? "" }}>
              <option value="">Tous</option>
              {deliveryStates.map((s) => <option key={s} value={s}>{deliveryStateLabels[s]}</option>)}
            </Select>
          </div>
          <div className="fr-fieldset__element fr-col-12 fr-col-md-4">
            <Select label="Type d'événement" nativeSelectProps={{ name: "eventType", defaultValue: values.eventType ?? "" }}>
              <option value="">Tous</option>
              {eventTypes.map((t) => <option key={t} value={t}>{t}</option>)}
            </Select>
          </div>
          <div className="fr-fieldset__element fr-col-12 fr-col-md-4">
            <Input label="Identifiant du projet" nativeInputProps={{ name: "projectId", defaultValue: values.projectId ?? "" }} />
          </div>
          <div className="fr-fieldset__element fr-col-12 fr-col-md-4">
            <Input label="Créées depuis le" nativeInputProps={{ name: "since", type: "date", defaultValue: values.since ?? "" }} />
          </div>
          <div className="fr-fieldset__element fr-col-12 fr-col-md-4">
            <Input label="Jusqu'au" nativeInputProps={{ name: "until", type: "date", defaultValue: values.until ?? "" }} />
          </div>
          <div className="fr-fieldset__element">
            <button type="submit" className="fr-btn">Filtrer</button>{" "}
            <Link href="/admin/livraisons" className="fr-btn fr-btn--tertiary">Réinitialiser</Link>
          </div>
        </fieldset>
      </form>

      {!parsed.success && <Alert severity="error" as="h2" title="Filtre invalide" description={parsed.error.issues.map((i) => `${i.path.join(".")} : ${i.message}`).join(" ; ")} />}

      {operator?.role === "admin" && page && (values.state === undefined || values.state === "failed") && <ReplayFailedButton filter={filter} />}

      {page && (
        <>
          <div className="fr-table">
            <table>
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
                    <td><Badge severity={deliveryStateSeverity[d.state]} small>{deliveryStateLabels[d.state]}</Badge></td>
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

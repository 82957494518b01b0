// The delivery log's filter form and table, shared by the operators' console and the services' own
// space (issue #12): the same filters (the space has no service choice: it is always the agent's
// service) and the same columns, each page giving its own links.
import Link from "next/link";
import type { ReactNode } from "react";
import { Badge } from "@codegouvfr/react-dsfr/Badge";
import { Input } from "@codegouvfr/react-dsfr/Input";
import { Select } from "@codegouvfr/react-dsfr/Select";
import { deliveryStates, type DeliveryState } from "@/db/schema";
import { isParked } from "@/modules/webhooks/park-deliveries";
import { deliveryStateLabels, deliveryStateSeverity, formatDateTime } from "./format";

const eventTypes = ["projet.cree", "projet.modifie", "utilisateur.efface", "test.ping"];

export type DeliveryFilterValues = { serviceId?: string; state?: string; eventType?: string; projectId?: string; since?: string; until?: string };

/** The filter form (GET to `action`); `services` adds the recipient choice (operators only). */
export function DeliveryFilterForm(props: { action: string; values: DeliveryFilterValues; fieldErrors: Record<string, string>; services?: { id: string; nom: string }[] }) {
  const { values, fieldErrors } = props;
  const fieldState = (name: string) => (fieldErrors[name] ? { state: "error" as const, stateRelatedMessage: fieldErrors[name] } : {});
  return (
    <form method="get" action={props.action} className="fr-mb-4w">
      <fieldset className="fr-fieldset">
        <legend className="fr-fieldset__legend">Filtrer les livraisons</legend>
        {props.services && (
          <div className="fr-fieldset__element fr-col-12 fr-col-md-4">
            <Select label="Service destinataire" {...fieldState("serviceId")} nativeSelectProps={{ name: "serviceId", defaultValue: values.serviceId ?? "" }}>
              <option value="">Tous</option>
              {props.services.map((s) => <option key={s.id} value={s.id}>{s.nom}</option>)}
            </Select>
          </div>
        )}
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
          <Link href={props.action} className="fr-btn fr-btn--tertiary">Réinitialiser</Link>
        </div>
      </fieldset>
    </form>
  );
}

type DeliveryRow = {
  id: number;
  state: DeliveryState;
  nextAttemptAt: Date;
  createdAt: Date;
  serviceSlug: string;
  eventType: string;
  projectId: string | null;
  projectVersion: number | null;
  attemptCount: number;
  lastStatusCode: number | null;
  lastError: string | null;
};

/** The deliveries table, state first (at 375 px the last columns are off-screen, issue #11). */
export function DeliveriesTable(props: { items: DeliveryRow[]; deliveryHref: (id: number) => string; project: (d: DeliveryRow) => ReactNode; showRecipient: boolean }) {
  const columns = props.showRecipient ? 8 : 7;
  return (
    <div className="fr-table">
      <table tabIndex={0}>
        <caption className="fr-sr-only">Livraisons de webhooks, les plus récentes d'abord</caption>
        <thead>
          <tr>
            <th scope="col">État</th>
            <th scope="col">N°</th>
            <th scope="col">Créée le</th>
            {props.showRecipient && <th scope="col">Destinataire</th>}
            <th scope="col">Événement</th>
            <th scope="col">Projet (version)</th>
            <th scope="col">Tentatives</th>
            <th scope="col">Dernier statut HTTP</th>
          </tr>
        </thead>
        <tbody>
          {props.items.length === 0 && <tr><td colSpan={columns}>Aucune livraison ne correspond à ce filtre.</td></tr>}
          {props.items.map((d) => (
            <tr key={d.id} data-testid={`delivery-row-${d.id}`}>
              <td>
                <Badge severity={deliveryStateSeverity[d.state]} small>{deliveryStateLabels[d.state]}</Badge>
                {d.state === "pending" && (
                  <span className="fr-text--xs fr-mb-0" style={{ display: "block" }} data-testid="next-attempt">
                    {isParked(d.nextAttemptAt) ? "à la réactivation du webhook ou du service" : `prochaine tentative : ${formatDateTime(d.nextAttemptAt)}`}
                  </span>
                )}
              </td>
              <td><Link href={props.deliveryHref(d.id)}>n° {d.id}</Link></td>
              <td>{formatDateTime(d.createdAt)}</td>
              {props.showRecipient && <td>{d.serviceSlug}</td>}
              <td><code>{d.eventType}</code></td>
              <td>{props.project(d)}</td>
              <td>{d.attemptCount}</td>
              <td>{d.lastStatusCode ?? (d.lastError ? "erreur réseau" : "—")}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

type Attempt = {
  id: number | string;
  attemptNumber: number;
  trigger: string;
  startedAt: Date;
  durationMs: number | null;
  statusCode: number | null;
  errorClass: string | null;
  errorMessage: string | null;
  responseExcerpt: string | null;
};

/** A delivery's attempt log, oldest first. */
export function DeliveryAttemptsTable({ attempts }: { attempts: Attempt[] }) {
  return (
    <div className="fr-table">
      {/* Focusable: at 375 px the table scrolls sideways, and a keyboard user must reach it (WCAG 2.1.1). */}
      <table tabIndex={0}>
        <caption className="fr-sr-only">Tentatives d'envoi de cette livraison</caption>
        <thead>
          <tr>
            <th scope="col">N°</th>
            <th scope="col">Déclenchement</th>
            <th scope="col">Début</th>
            <th scope="col">Durée</th>
            <th scope="col">Statut HTTP</th>
            <th scope="col">Erreur</th>
            <th scope="col">Extrait de la réponse</th>
          </tr>
        </thead>
        <tbody>
          {attempts.length === 0 && <tr><td colSpan={7}>Aucune tentative pour l'instant.</td></tr>}
          {attempts.map((a) => (
            <tr key={a.id} data-testid="attempt-row">
              <td>{a.attemptNumber}</td>
              <td>{a.trigger === "manual" ? "Manuel (rejeu)" : "Automatique"}</td>
              <td>{formatDateTime(a.startedAt)}</td>
              <td>{a.durationMs === null ? "—" : `${a.durationMs} ms`}</td>
              <td>{a.statusCode ?? "—"}</td>
              <td>{a.errorClass ? `${a.errorClass}${a.errorMessage ? ` : ${a.errorMessage}` : ""}` : "—"}</td>
              <td><code style={{ whiteSpace: "pre-wrap", wordBreak: "break-all" }}>{a.responseExcerpt ?? "—"}</code></td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

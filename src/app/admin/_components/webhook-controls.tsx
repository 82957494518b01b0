"use client";
// The webhook's controls, shared by the console (operators) and the services' space (agents, issue
// #12): one form for the URL with per-field errors, and the confirmations before disabling the
// webhook or rotating its secret (issue #11, "Safety"). Callers own the mutations: each surface
// calls its own procedures, guarded server-side.
import { useState } from "react";
import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { Input } from "@codegouvfr/react-dsfr/Input";
import { ConfirmAction } from "./confirm-action";
import { fieldState, type MutationErrorLike } from "./form-errors";
import { MutationError, ShownOnce } from "./mutation-error";
import { useFormErrors } from "./use-form-errors";

/** "N livraisons en attente attendront la réactivation." in correct French, for the confirmations. */
export function waitingText(n: number): string {
  if (n === 0) return "Aucune livraison n'est en attente.";
  return n === 1 ? "1 livraison en attente attendra la réactivation." : `${n.toLocaleString("fr-FR")} livraisons en attente attendront la réactivation.`;
}

/** The URL form: the new endpoint's secret is shown once when the URL creates the endpoint. */
export function WebhookUrlForm(props: {
  url: string | null;
  onSave: (webhookUrl: string) => void;
  pending: boolean;
  error: MutationErrorLike;
  saved: boolean;
  createdSecret: string | null | undefined;
}) {
  const [url, setUrl] = useState(props.url ?? "");
  const errors = useFormErrors(props.error, { webhookUrl: "URL du webhook" });
  return (
    <>
      <form
        ref={errors.formRef}
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          props.onSave(url);
        }}
      >
        <Input label="URL du webhook" hintText="Les événements des autres services y sont envoyés, signés (Standard Webhooks)." {...fieldState(errors, "webhookUrl")} nativeInputProps={{ type: "url", required: true, "aria-invalid": errors.fields.webhookUrl ? true : undefined, value: url, onChange: (e) => setUrl(e.target.value) }} />
        <Button type="submit" disabled={props.pending}>Enregistrer l'URL</Button>
      </form>
      <MutationError summary={errors.summary} />
      {props.createdSecret && <div role="status"><ShownOnce kind="secret" title="Secret de signature du webhook" value={props.createdSecret} testId="created-webhook-secret" /></div>}
      {props.saved && !props.createdSecret && <div role="status"><Alert className="fr-my-2w" severity="success" small description="URL du webhook enregistrée." /></div>}
    </>
  );
}

/** Disabling asks first; re-enabling does not (it only resumes sending). */
export function WebhookToggleButton(props: {
  enabled: boolean;
  url: string | null;
  /** Deliveries pending or in flight, when the surface knows them. */
  waitingDeliveries?: number;
  pending: boolean;
  onToggle: (enabled: boolean) => void;
}) {
  if (!props.enabled) {
    return (
      <Button priority="secondary" onClick={() => props.onToggle(true)} disabled={props.pending}>
        Réactiver le webhook
      </Button>
    );
  }
  return (
    <ConfirmAction
      id="confirm-disable-webhook"
      trigger="Désactiver le webhook"
      disabled={props.pending}
      title="Désactiver le webhook ?"
      confirmLabel="Désactiver le webhook"
      onConfirm={() => props.onToggle(false)}
    >
      <p>Le hub n'enverra plus rien à <code>{props.url}</code> jusqu'à sa réactivation.</p>
      <p>
        {props.waitingDeliveries !== undefined && `${waitingText(props.waitingDeliveries)} `}Les projets modifiés entre-temps seront retenus et envoyés dans leur état actuel à la réactivation : rien n'est perdu.
      </p>
    </ConfirmAction>
  );
}

export function RotateSecretButton(props: { pending: boolean; onConfirm: () => void }) {
  return (
    <ConfirmAction
      id="confirm-rotate-secret"
      trigger="Renouveler le secret"
      disabled={props.pending}
      title="Renouveler le secret de signature ?"
      confirmLabel="Renouveler le secret"
      onConfirm={props.onConfirm}
    >
      <p>Un nouveau secret sera créé et affiché une seule fois. Pendant 24 heures, chaque webhook portera deux signatures, avec l'ancien et le nouveau secret ; ensuite, seul le nouveau signera.</p>
      <p>Installez le nouveau secret sur le récepteur du service avant la fin de ces 24 heures, sinon il refusera les webhooks.</p>
    </ConfirmAction>
  );
}

"use client";
// Admin actions on one connected service. Rendered only for admins; the server refuses them to
// lecteurs anyway (adminProcedure).
import { useState } from "react";
import { useRouter } from "next/navigation";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { Input } from "@codegouvfr/react-dsfr/Input";
import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { trpc } from "@/server/trpc/react-provider";
import { fieldState } from "./form-errors";
import { MutationError, ShownOnce } from "./mutation-error";
import { useFormErrors } from "./use-form-errors";
import { ConfirmAction } from "./confirm-action";

/** What disabling the service does to its keys, in correct French. */
function keysText(n: number): string {
  if (n === 0) return "Il n'a aucune clé d'API active";
  return n === 1 ? "Sa clé d'API active sera refusée" : `Ses ${n.toLocaleString("fr-FR")} clés d'API actives seront refusées`;
}

/** "N livraisons en attente attendront la réactivation." in correct French, for the confirmations. */
function waitingText(n: number): string {
  if (n === 0) return "Aucune livraison n'est en attente.";
  return n === 1 ? "1 livraison en attente attendra la réactivation." : `${n.toLocaleString("fr-FR")} livraisons en attente attendront la réactivation.`;
}

export function CreateKeyButton({ serviceId }: { serviceId: string }) {
  const router = useRouter();
  const create = trpc.services.createKey.useMutation({ onSuccess: () => router.refresh() });
  return (
    <div>
      <Button iconId="ri-key-2-line" onClick={() => create.mutate({ serviceId })} disabled={create.isPending}>
        Créer une clé d'API
      </Button>
      <MutationError error={create.error} />
      {create.data && (
        <div role="status">
          <ShownOnce kind="key" title={`Nouvelle clé ${create.data.prefix}`} value={create.data.apiKey} testId="created-api-key" />
        </div>
      )}
    </div>
  );
}

export function RevokeKeyButton({ serviceId, prefix }: { serviceId: string; prefix: string }) {
  const router = useRouter();
  const [confirming, setConfirming] = useState(false);
  const revoke = trpc.services.revokeKey.useMutation({ onSuccess: () => router.refresh() });
  if (!confirming) {
    return (
      <Button size="small" priority="secondary" onClick={() => setConfirming(true)}>
        Révoquer<span className="fr-sr-only"> la clé {prefix}</span>
      </Button>
    );
  }
  return (
    <>
      <Button size="small" priority="primary" onClick={() => revoke.mutate({ serviceId, prefix })} disabled={revoke.isPending}>
        Confirmer la révocation<span className="fr-sr-only"> de la clé {prefix}</span>
      </Button>{" "}
      <Button size="small" priority="tertiary" onClick={() => setConfirming(false)}>Annuler</Button>
      <MutationError error={revoke.error} />
    </>
  );
}

export function WebhookSettings(props: {
  slug: string;
  serviceId: string;
  url: string | null;
  enabled: boolean | null;
  serviceEnabled: boolean;
  /** For the confirmations (issue #11): deliveries pending or in flight, active keys. */
  waitingDeliveries: number;
  activeKeys: number;
}) {
  const router = useRouter();
  const [url, setUrl] = useState(props.url ?? "");
  const update = trpc.services.update.useMutation({ onSuccess: () => router.refresh() });
  const toggle = trpc.services.setWebhookEnabled.useMutation({ onSuccess: () => router.refresh() });
  const toggleService = trpc.services.update.useMutation({ onSuccess: () => router.refresh() });
  const rotate = trpc.services.rotateSecret.useMutation({ onSuccess: () => router.refresh() });
  const test = trpc.services.sendTestEvent.useMutation();
  const errors = useFormErrors(update.error, { webhookUrl: "URL du webhook" });
  return (
    <div>
      <form
        ref={errors.formRef}
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          update.mutate({ slug: props.slug, webhookUrl: url });
        }}
      >
        <Input label="URL du webhook" hintText="Les événements des autres services y sont envoyés, signés (Standard Webhooks)." {...fieldState(errors, "webhookUrl")} nativeInputProps={{ type: "url", required: true, "aria-invalid": errors.fields.webhookUrl ? true : undefined, value: url, onChange: (e) => setUrl(e.target.value) }} />
        <Button type="submit" disabled={update.isPending}>Enregistrer l'URL</Button>
      </form>
      <MutationError summary={errors.summary} />
      {update.data?.webhookSecret && <div role="status"><ShownOnce kind="secret" title="Secret de signature du webhook" value={update.data.webhookSecret} testId="created-webhook-secret" /></div>}
      {update.isSuccess && !update.data?.webhookSecret && <div role="status"><Alert className="fr-my-2w" severity="success" small description="URL du webhook enregistrée." /></div>}

      {/* --icon-left on the group: without it, DSFR sizes icon buttons in a group as icon-only and cuts their labels. */}
      <ul className="fr-btns-group fr-btns-group--inline-md fr-btns-group--icon-left fr-mt-3w">
        {props.enabled !== null && (
          <li>
            {props.enabled ? (
              <ConfirmAction
                id="confirm-disable-webhook"
                trigger="Désactiver le webhook"
                disabled={toggle.isPending}
                title="Désactiver le webhook ?"
                confirmLabel="Désactiver le webhook"
                onConfirm={() => toggle.mutate({ slug: props.slug, enabled: false })}
              >
                <p>Le hub n'enverra plus rien à <code>{props.url}</code> jusqu'à sa réactivation.</p>
                <p>{waitingText(props.waitingDeliveries)} Les projets modifiés entre-temps seront retenus et envoyés dans leur état actuel à la réactivation : rien n'est perdu.</p>
              </ConfirmAction>
            ) : (
              <Button priority="secondary" onClick={() => toggle.mutate({ slug: props.slug, enabled: true })} disabled={toggle.isPending}>
                Réactiver le webhook
              </Button>
            )}
          </li>
        )}
        {props.enabled !== null && (
          <li>
            <ConfirmAction
              id="confirm-rotate-secret"
              trigger="Renouveler le secret"
              disabled={rotate.isPending}
              title="Renouveler le secret de signature ?"
              confirmLabel="Renouveler le secret"
              onConfirm={() => rotate.mutate({ serviceId: props.serviceId })}
            >
              <p>Un nouveau secret sera créé et affiché une seule fois. Pendant 24 heures, chaque webhook portera deux signatures, avec l'ancien et le nouveau secret ; ensuite, seul le nouveau signera.</p>
              <p>Le service doit installer le nouveau secret sur son récepteur avant la fin de ces 24 heures, sinon il refusera les webhooks.</p>
            </ConfirmAction>
          </li>
        )}
        {props.enabled !== null && (
          <li>
            <Button priority="secondary" iconId="fr-icon-send-plane-line" iconPosition="left" onClick={() => test.mutate({ serviceId: props.serviceId })} disabled={test.isPending}>
              Envoyer un événement de test
            </Button>
          </li>
        )}
        <li>
          {props.serviceEnabled ? (
            <ConfirmAction
              id="confirm-disable-service"
              trigger="Désactiver le service"
              triggerProps={{ priority: "tertiary" }}
              disabled={toggleService.isPending}
              title="Désactiver le service ?"
              confirmLabel="Désactiver le service"
              onConfirm={() => toggleService.mutate({ slug: props.slug, enabled: false })}
            >
              <p>{keysText(props.activeKeys)} : le service ne pourra plus lire ni écrire de projets par l'API.</p>
              <p>{waitingText(props.waitingDeliveries)} Les changements des autres services seront retenus pour lui jusqu'à sa réactivation.</p>
            </ConfirmAction>
          ) : (
            <Button priority="tertiary" onClick={() => toggleService.mutate({ slug: props.slug, enabled: true })} disabled={toggleService.isPending}>
              Réactiver le service
            </Button>
          )}
        </li>
      </ul>
      <MutationError error={toggle.error ?? rotate.error ?? test.error ?? toggleService.error} />
      {rotate.data && (
        <div role="status">
          <ShownOnce kind="secret" title="Nouveau secret de signature" value={rotate.data.secret} testId="rotated-webhook-secret" />
          <p className="fr-text--sm">L'ancien secret signe encore, à côté du nouveau, pendant 24 heures.</p>
        </div>
      )}
      {test.data && (
        <Alert className="fr-my-2w" severity="success" small description={`Événement de test ${test.data.eventId} mis en file : suivez sa livraison dans le journal des livraisons.`} />
      )}
    </div>
  );
}

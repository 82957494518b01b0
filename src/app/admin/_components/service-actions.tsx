"use client";
// Admin actions on one connected service. Rendered only for admins; the server refuses them to
// lecteurs anyway (adminProcedure).
import { useState } from "react";
import { useRouter } from "next/navigation";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { trpc } from "@/server/trpc/react-provider";
import { MutationError, ShownOnce } from "./mutation-error";
import { ConfirmAction } from "./confirm-action";
import { RotateSecretButton, waitingText, WebhookToggleButton, WebhookUrlForm } from "./webhook-controls";

/** What disabling the service does to its keys, in correct French. */
function keysText(n: number): string {
  if (n === 0) return "Il n'a aucune clé d'API active";
  return n === 1 ? "Sa clé d'API active sera refusée" : `Ses ${n.toLocaleString("fr-FR")} clés d'API actives seront refusées`;
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
  const update = trpc.services.update.useMutation({ onSuccess: () => router.refresh() });
  const toggle = trpc.services.setWebhookEnabled.useMutation({ onSuccess: () => router.refresh() });
  const toggleService = trpc.services.update.useMutation({ onSuccess: () => router.refresh() });
  const rotate = trpc.services.rotateSecret.useMutation({ onSuccess: () => router.refresh() });
  const test = trpc.services.sendTestEvent.useMutation();
  return (
    <div>
      <WebhookUrlForm
        url={props.url}
        onSave={(webhookUrl) => update.mutate({ slug: props.slug, webhookUrl })}
        pending={update.isPending}
        error={update.error}
        saved={update.isSuccess}
        createdSecret={update.data?.webhookSecret}
      />

      {/* --icon-left on the group: without it, DSFR sizes icon buttons in a group as icon-only and cuts their labels. */}
      <ul className="fr-btns-group fr-btns-group--inline-md fr-btns-group--icon-left fr-mt-3w">
        {props.enabled !== null && (
          <li>
            <WebhookToggleButton
              enabled={props.enabled}
              url={props.url}
              waitingDeliveries={props.waitingDeliveries}
              pending={toggle.isPending}
              onToggle={(enabled) => toggle.mutate({ slug: props.slug, enabled })}
            />
          </li>
        )}
        {props.enabled !== null && (
          <li>
            <RotateSecretButton pending={rotate.isPending} onConfirm={() => rotate.mutate({ serviceId: props.serviceId })} />
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

"use client";
// Actions of an agent with `gestion` on their own service (issue #12): the space's procedures, which
// check the grant and its level server-side. Rendered only for `gestion`; refused to others anyway.
import { useState } from "react";
import { useRouter } from "next/navigation";
import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { trpc } from "@/server/trpc/react-provider";
import { MutationError, ShownOnce } from "../../admin/_components/mutation-error";
import { SubscriptionForm } from "../../admin/_components/subscription-form";
import { RotateSecretButton, WebhookToggleButton, WebhookUrlForm } from "../../admin/_components/webhook-controls";

export function EspaceWebhookSettings(props: { serviceId: string; url: string | null; enabled: boolean | null }) {
  const router = useRouter();
  const refresh = { onSuccess: () => router.refresh() };
  const update = trpc.espace.setWebhookUrl.useMutation(refresh);
  const toggle = trpc.espace.setWebhookEnabled.useMutation(refresh);
  const rotate = trpc.espace.rotateSecret.useMutation(refresh);
  const test = trpc.espace.sendTestEvent.useMutation();
  return (
    <div>
      <WebhookUrlForm
        url={props.url}
        onSave={(webhookUrl) => update.mutate({ serviceId: props.serviceId, webhookUrl })}
        pending={update.isPending}
        error={update.error}
        saved={update.isSuccess}
        createdSecret={update.data?.webhookSecret}
      />
      {props.enabled !== null && (
        <ul className="fr-btns-group fr-btns-group--inline-md fr-btns-group--icon-left fr-mt-3w">
          <li>
            <WebhookToggleButton
              enabled={props.enabled}
              url={props.url}
              pending={toggle.isPending}
              onToggle={(enabled) => toggle.mutate({ serviceId: props.serviceId, enabled })}
            />
          </li>
          <li>
            <RotateSecretButton pending={rotate.isPending} onConfirm={() => rotate.mutate({ serviceId: props.serviceId })} />
          </li>
          <li>
            <Button priority="secondary" iconId="fr-icon-send-plane-line" iconPosition="left" onClick={() => test.mutate({ serviceId: props.serviceId })} disabled={test.isPending}>
              Envoyer un événement de test
            </Button>
          </li>
        </ul>
      )}
      <MutationError error={toggle.error ?? rotate.error ?? test.error} />
      {rotate.data && (
        <div role="status">
          <ShownOnce kind="secret" title="Nouveau secret de signature" value={rotate.data.secret} testId="rotated-webhook-secret" />
          <p className="fr-text--sm">L'ancien secret signe encore, à côté du nouveau, pendant 24 heures : mettez à jour votre récepteur dans ce délai.</p>
        </div>
      )}
      {test.data && <Alert className="fr-my-2w" severity="success" small description={`Événement de test ${test.data.eventId} mis en file vers votre webhook.`} />}
    </div>
  );
}

export function EspaceSubscriptionForm(props: { serviceId: string; eventTypes: readonly string[]; evenements: string[] | null; territoires: string[] | null }) {
  const router = useRouter();
  const set = trpc.espace.setSubscription.useMutation({ onSuccess: () => router.refresh() });
  return (
    <SubscriptionForm
      eventTypes={props.eventTypes}
      evenements={props.evenements}
      territoires={props.territoires}
      pending={set.isPending}
      saved={set.isSuccess}
      error={set.error}
      onSave={(evenements, territoires) => set.mutate({ serviceId: props.serviceId, evenements, territoires })}
    />
  );
}

export function EspaceCreateKeyButton({ serviceId }: { serviceId: string }) {
  const router = useRouter();
  const create = trpc.espace.createKey.useMutation({ onSuccess: () => router.refresh() });
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

export function EspaceRevokeKeyButton({ serviceId, prefix }: { serviceId: string; prefix: string }) {
  const router = useRouter();
  const [confirming, setConfirming] = useState(false);
  const revoke = trpc.espace.revokeKey.useMutation({ onSuccess: () => router.refresh() });
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

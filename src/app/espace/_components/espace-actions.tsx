"use client";
// Actions of an agent with `gestion` on their own service (issue #12): the space's procedures, which
// check the grant and its level server-side. Rendered only for `gestion`; refused to others anyway.
import { useState } from "react";
import { useRouter } from "next/navigation";
import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { Input } from "@codegouvfr/react-dsfr/Input";
import { trpc } from "@/server/trpc/react-provider";
import { MutationError, ShownOnce } from "../../admin/_components/mutation-error";
import { SubscriptionForm } from "../../admin/_components/subscription-form";

export function EspaceWebhookSettings(props: { serviceId: string; url: string | null; enabled: boolean | null }) {
  const router = useRouter();
  const [url, setUrl] = useState(props.url ?? "");
  const refresh = { onSuccess: () => router.refresh() };
  const update = trpc.espace.setWebhookUrl.useMutation(refresh);
  const toggle = trpc.espace.setWebhookEnabled.useMutation(refresh);
  const rotate = trpc.espace.rotateSecret.useMutation(refresh);
  const test = trpc.espace.sendTestEvent.useMutation();
  return (
    <div>
      <form onSubmit={(e) => { e.preventDefault(); update.mutate({ serviceId: props.serviceId, webhookUrl: url }); }}>
        <Input label="URL du webhook" hintText="Les événements des autres services y sont envoyés, signés (Standard Webhooks)." nativeInputProps={{ type: "url", required: true, value: url, onChange: (e) => setUrl(e.target.value) }} />
        <Button type="submit" disabled={update.isPending}>Enregistrer l'URL</Button>
      </form>
      <MutationError error={update.error} />
      {update.data?.webhookSecret && (
        <div role="status">
          <ShownOnce kind="secret" title="Secret de signature du webhook" value={update.data.webhookSecret} testId="created-webhook-secret" />
        </div>
      )}
      {update.isSuccess && !update.data?.webhookSecret && <p role="status" className="fr-text--sm">URL enregistrée.</p>}
      {props.enabled !== null && (
        <ul className="fr-btns-group fr-btns-group--inline-md fr-mt-3w">
          <li>
            <Button priority="secondary" onClick={() => toggle.mutate({ serviceId: props.serviceId, enabled: !props.enabled })} disabled={toggle.isPending}>
              {props.enabled ? "Désactiver le webhook" : "Réactiver le webhook"}
            </Button>
          </li>
          <li>
            <Button priority="secondary" iconId="fr-icon-refresh-line" onClick={() => rotate.mutate({ serviceId: props.serviceId })} disabled={rotate.isPending}>
              Renouveler le secret
            </Button>
          </li>
          <li>
            <Button priority="secondary" iconId="fr-icon-send-plane-line" onClick={() => test.mutate({ serviceId: props.serviceId })} disabled={test.isPending}>
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

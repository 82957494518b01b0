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

export function WebhookSettings(props: { slug: string; serviceId: string; url: string | null; enabled: boolean | null; serviceEnabled: boolean }) {
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
            <Button priority="secondary" onClick={() => toggle.mutate({ slug: props.slug, enabled: !props.enabled })} disabled={toggle.isPending}>
              {props.enabled ? "Désactiver le webhook" : "Réactiver le webhook"}
            </Button>
          </li>
        )}
        {props.enabled !== null && (
          <li>
            <Button priority="secondary" iconId="fr-icon-refresh-line" iconPosition="left" onClick={() => rotate.mutate({ serviceId: props.serviceId })} disabled={rotate.isPending}>
              Renouveler le secret
            </Button>
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
          <Button priority="tertiary" onClick={() => toggleService.mutate({ slug: props.slug, enabled: !props.serviceEnabled })} disabled={toggleService.isPending}>
            {props.serviceEnabled ? "Désactiver le service" : "Réactiver le service"}
          </Button>
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

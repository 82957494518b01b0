"use client";
// The payload view of a delivery (issue #11): shown on demand, because each view is written to the
// audit log (the body may hold the porteur's personal data).
import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { trpc } from "@/server/trpc/react-provider";
import type { DeliveryPayload as Payload } from "@/modules/delivery/read-delivery-payload";
import { formatDateTime } from "./format";
import { MutationError } from "./mutation-error";

export function DeliveryPayload({ deliveryId }: { deliveryId: number }) {
  const view = trpc.deliveries.viewPayload.useMutation();
  if (!view.data) {
    return (
      <div className="fr-my-2w">
        <p className="fr-text--sm">Le contenu peut contenir des données personnelles : chaque consultation est enregistrée dans le journal d'audit.</p>
        <ShowPayloadButton pending={view.isPending} onClick={() => view.mutate({ deliveryId })} />
        <MutationError error={view.error} />
      </div>
    );
  }
  return <DeliveryPayloadView payload={view.data} note="Votre consultation est enregistrée dans le journal d'audit." />;
}

export function ShowPayloadButton({ pending, onClick }: { pending: boolean; onClick: () => void }) {
  return (
    <Button priority="secondary" iconId="fr-icon-eye-line" onClick={onClick} disabled={pending}>
      Afficher le contenu envoyé
    </Button>
  );
}

/** A delivery's request as sent (headers, signatures masked, and body); `note` ends its first sentence's paragraph. */
export function DeliveryPayloadView({ payload, note }: { payload: Omit<Payload, "sentAt"> & { sentAt: Date | string | null }; note?: string }) {
  return (
    <div className="fr-my-2w" data-testid="delivery-payload">
      <p>
        {payload.sentAt
          ? `Requête de la tentative n° ${payload.attemptNumber}, envoyée le ${formatDateTime(payload.sentAt)}`
          : "Aucune tentative pour l'instant : requête telle que la prochaine tentative l'enverra"}{" "}
        : <code>POST {payload.url ?? "(webhook supprimé)"}</code>.{note ? ` ${note}` : ""}
      </p>
      {payload.status === "purged" && (
        <Alert
          className="fr-mb-2w"
          small
          severity="info"
          description="Le contenu de cette livraison a été purgé (durée de conservation dépassée) : il ne peut plus être affiché ni renvoyé."
        />
      )}
      {payload.status === "erased" && (
        <Alert
          className="fr-mb-2w"
          small
          severity="warning"
          description="Les coordonnées du porteur ont été effacées depuis l'envoi (droit à l'effacement) : le contenu affiché n'est plus exactement celui qui a été envoyé."
        />
      )}
      <div className="fr-table fr-table--no-caption">
        {/* Focusable: at 375 px the table scrolls sideways, and a keyboard user must reach it (WCAG 2.1.1). */}
        <table tabIndex={0}>
          <caption>En-têtes envoyés</caption>
          <thead>
            <tr>
              <th scope="col">En-tête</th>
              <th scope="col">Valeur</th>
            </tr>
          </thead>
          <tbody>
            {payload.headers.map((h) => (
              <tr key={h.name} data-testid={`payload-header-${h.name}`}>
                <td><code>{h.name}</code></td>
                <td><code style={{ wordBreak: "break-all" }}>{h.value}</code>{h.name === "webhook-signature" && <span className="fr-text--xs"> (signature masquée)</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {payload.body !== null && (
        <>
          <h3 className="fr-h6">Corps envoyé (JSON, octet pour octet)</h3>
          <pre data-testid="payload-body" tabIndex={0} aria-label="Corps JSON envoyé" style={{ whiteSpace: "pre-wrap", wordBreak: "break-all", maxHeight: "24rem", overflow: "auto" }}>
            {payload.body}
          </pre>
        </>
      )}
    </div>
  );
}

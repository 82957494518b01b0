"use client";
// A service's own deliveries in its agents' space (issue #12): the payload view (readable with
// `lecture`), and with `gestion` replay one, retry one now, replay the failed ones of a filter after
// a DSFR confirmation stating how many. The space's procedures check the grant, its level and the
// delivery's service server-side; these buttons are rendered only for the level that may use them.
import { useRouter } from "next/navigation";
import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { trpc } from "@/server/trpc/react-provider";
import { ConfirmAction } from "../../admin/_components/confirm-action";
import { DeliveryPayloadView, ShowPayloadButton } from "../../admin/_components/delivery-payload";
import { MutationError } from "../../admin/_components/mutation-error";
import { ReplayDeliveryControl, RetryNowControl, replayCountSentence } from "../../admin/_components/replay-buttons";

type DeliveryRef = { serviceId: string; deliveryId: number };

export function EspaceDeliveryPayload(props: DeliveryRef) {
  const view = trpc.espace.viewPayload.useMutation();
  if (!view.data) {
    return (
      <div className="fr-my-2w">
        <p className="fr-text--sm">Le contenu est celui que votre webhook a reçu (ou recevra) : il peut contenir les coordonnées du porteur du projet.</p>
        <ShowPayloadButton pending={view.isPending} onClick={() => view.mutate(props)} />
        <MutationError error={view.error} />
      </div>
    );
  }
  return <DeliveryPayloadView payload={view.data} />;
}

export function EspaceReplayDeliveryButton(props: DeliveryRef) {
  const router = useRouter();
  const replay = trpc.espace.replayDelivery.useMutation({ onSuccess: () => router.refresh() });
  return <ReplayDeliveryControl onReplay={() => replay.mutate(props)} pending={replay.isPending} error={replay.error} data={replay.data} recipient="votre webhook" />;
}

export function EspaceRetryNowButton(props: DeliveryRef) {
  const router = useRouter();
  const retry = trpc.espace.retryDeliveryNow.useMutation({ onSuccess: () => router.refresh() });
  return <RetryNowControl onRetry={() => retry.mutate(props)} pending={retry.isPending} done={retry.isSuccess} error={retry.error} />;
}

type Filter = { serviceId: string; eventType?: string; projectId?: string; since?: string; until?: string };

/**
 * Replays every failed delivery of the list's filter to the agent's service, after a DSFR
 * confirmation stating how many (`count`, computed by the page for the same filter); the list
 * refreshes once they are back in the queue.
 */
export function EspaceReplayFailedButton({ filter, count }: { filter: Filter; count: number }) {
  const router = useRouter();
  const replay = trpc.espace.replayFailedDeliveries.useMutation({ onSuccess: () => router.refresh() });
  if (count === 0 && !replay.data) return null;
  return (
    <div className="fr-my-2w">
      <ConfirmAction
        id="espace-replay-failed"
        trigger="Rejouer toutes les livraisons en échec de ce filtre"
        disabled={replay.isPending || count === 0}
        title="Rejouer toutes les livraisons en échec ?"
        confirmLabel="Confirmer le renvoi"
        onConfirm={() => replay.mutate(filter)}
      >
        <p data-testid="replay-all-count">{replayCountSentence(count)} à votre webhook, avec le même identifiant (webhook-id) et le même contenu.</p>
        <p>Elles reprennent un cycle de tentatives complet. Les livraisons dont le contenu a été purgé ne sont pas renvoyées.</p>
      </ConfirmAction>
      <MutationError error={replay.error} />
      {replay.data && (
        <div role="status">
          <Alert
            className="fr-mt-1w"
            small
            severity={replay.data.replayed > 0 ? "success" : "info"}
            description={
              replay.data.replayed > 0
                ? `${replay.data.replayed} livraison(s) remise(s) en file : elles seront tentées dans les secondes qui viennent.`
                : "Aucune livraison en échec ne correspond à ce filtre."
            }
          />
        </div>
      )}
    </div>
  );
}

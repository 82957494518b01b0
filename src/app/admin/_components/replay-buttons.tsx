"use client";
import { useEffect } from "react";
import { useRouter } from "next/navigation";
import { createModal } from "@codegouvfr/react-dsfr/Modal";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { trpc } from "@/server/trpc/react-provider";
import type { MutationErrorLike } from "./form-errors";
import { MutationError } from "./mutation-error";
import { deliveryStateLabels } from "./format";

/** What a replay of one delivery answered: its state once tried (or still pending behind its lane). */
type ReplayOutcome = { state: keyof typeof deliveryStateLabels };

/**
 * The "Rejouer cette livraison" control, shared by the console and the agents' space: each passes
 * its own mutation's state; `recipient` names the receiver in the queued message ("ce service",
 * "votre webhook").
 */
export function ReplayDeliveryControl({ onReplay, pending, error, data, recipient }: {
  onReplay: () => void;
  pending: boolean;
  error: MutationErrorLike;
  data: ReplayOutcome | undefined;
  recipient: string;
}) {
  return (
    <div className="fr-my-2w">
      <Button iconId="fr-icon-refresh-line" onClick={onReplay} disabled={pending}>
        {pending ? "Nouvelle tentative en cours…" : "Rejouer cette livraison"}
      </Button>
      <MutationError error={error} />
      {data && (
        <p role="status" className="fr-mt-1w">
          {data.state === "pending"
            ? `Une livraison plus récente de ce projet vers ${recipient} est en cours : le rejeu est mis en file d'attente et sera tenté après elle.`
            : `Nouvelle tentative terminée : ${deliveryStateLabels[data.state].toLowerCase()}.`}
        </p>
      )}
    </div>
  );
}

export function ReplayDeliveryButton({ deliveryId }: { deliveryId: number }) {
  const router = useRouter();
  const replay = trpc.deliveries.replay.useMutation({ onSuccess: () => router.refresh() });
  return <ReplayDeliveryControl onReplay={() => replay.mutate({ deliveryId })} pending={replay.isPending} error={replay.error} data={replay.data} recipient="ce service" />;
}

type Filter = { serviceId?: string; eventType?: string; projectId?: string; since?: string; until?: string };

// Module scope: one modal per page, created once (react-dsfr binds it to the DSFR script by id).
const replayAllModal = createModal({ id: "replay-all-modal", isOpenedByDefault: false });

/** "127 livraisons vont être renvoyées", in correct French for 1 and for several. */
export function replayCountSentence(count: number): string {
  return count === 1 ? "1 livraison va être renvoyée" : `${count.toLocaleString("fr-FR")} livraisons vont être renvoyées`;
}

/**
 * Replays every failed delivery of the list's filter, after a DSFR confirmation stating how many
 * (`count`, computed by the page for the same filter, issue #11); the list refreshes when the
 * replay is queued and again when every replayed delivery has been tried.
 */
export function ReplayFailedButton({ filter, count }: { filter: Filter; count: number }) {
  const router = useRouter();
  const replay = trpc.deliveries.replayFailed.useMutation({ onSuccess: () => router.refresh() });
  const started = replay.data !== undefined && replay.data.replayed > 0;
  // Progress: how many of the requeued deliveries are still waiting in the queue.
  const queue = trpc.deliveries.list.useQuery(
    { ...filter, state: "pending", limit: 200 },
    { enabled: started, refetchInterval: (q) => ((q.state.data?.items.length ?? 1) > 0 ? 1000 : false) },
  );
  const total = replay.data?.replayed ?? 0;
  const remaining = queue.data ? Math.min(queue.data.items.length, total) : total;
  const done = started && queue.data !== undefined && remaining === 0;
  useEffect(() => {
    if (done) router.refresh();
  }, [done, router]);
  if (count === 0 && !replay.data) return null;
  return (
    <div className="fr-my-2w">
      <Button priority="secondary" iconId="fr-icon-refresh-line" nativeButtonProps={replayAllModal.buttonProps} disabled={replay.isPending || (started && !done)}>
        Rejouer toutes les livraisons en échec de ce filtre
      </Button>
      <replayAllModal.Component
        title="Rejouer toutes les livraisons en échec ?"
        buttons={[
          { children: "Annuler", priority: "secondary" },
          { children: "Confirmer le renvoi", onClick: () => replay.mutate(filter) },
        ]}
      >
        <p data-testid="replay-all-count">{replayCountSentence(count)} à leur destinataire, avec le même identifiant (webhook-id) et le même contenu.</p>
        <p>Elles reprennent un cycle de tentatives complet. Les livraisons dont le contenu a été purgé ne sont pas renvoyées.</p>
      </replayAllModal.Component>
      <MutationError error={replay.error} />
      {replay.data && replay.data.replayed === 0 && <p role="status" className="fr-mt-1w">Aucune livraison en échec ne correspond à ce filtre.</p>}
      {started && (
        <div role="status" className="fr-mt-1w">
          <label htmlFor="replay-progress">
            {done ? `${total} livraison(s) rejouée(s).` : `${total - remaining} / ${total} livraison(s) traitée(s)…`}
          </label>
          <br />
          <progress id="replay-progress" max={total} value={total - remaining} style={{ width: "100%" }} />
          {done && <Alert className="fr-mt-1w" small severity="success" description="Toutes les livraisons rejouées ont été tentées : la liste est à jour." />}
        </div>
      )}
    </div>
  );
}

/** "Réessayer maintenant" for a delivery waiting for its next automatic attempt (issue #11). */
/** The "Réessayer maintenant" control (the head of its lane is due at once), shared like the replay one. */
export function RetryNowControl({ onRetry, pending, done, error }: { onRetry: () => void; pending: boolean; done: boolean; error: MutationErrorLike }) {
  return (
    <div className="fr-my-2w">
      <Button priority="secondary" iconId="fr-icon-time-line" onClick={onRetry} disabled={pending || done}>
        Réessayer maintenant
      </Button>
      <MutationError error={error} />
      {done && <Alert className="fr-mt-1w" small severity="success" description="La livraison est due maintenant : elle sera tentée dans les secondes qui viennent." />}
    </div>
  );
}

export function RetryNowButton({ deliveryId }: { deliveryId: number }) {
  const router = useRouter();
  const retry = trpc.deliveries.retryNow.useMutation({ onSuccess: () => router.refresh() });
  return <RetryNowControl onRetry={() => retry.mutate({ deliveryId })} pending={retry.isPending} done={retry.isSuccess} error={retry.error} />;
}

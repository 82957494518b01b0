"use client";
import { useRouter } from "next/navigation";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { trpc } from "@/server/trpc/react-provider";
import { MutationError } from "./mutation-error";
import { deliveryStateLabels } from "./format";

export function ReplayDeliveryButton({ deliveryId }: { deliveryId: number }) {
  const router = useRouter();
  const replay = trpc.deliveries.replay.useMutation({ onSuccess: () => router.refresh() });
  return (
    <div className="fr-my-2w">
      <Button iconId="fr-icon-refresh-line" onClick={() => replay.mutate({ deliveryId })} disabled={replay.isPending}>
        {replay.isPending ? "Nouvelle tentative en cours…" : "Rejouer cette livraison"}
      </Button>
      <MutationError error={replay.error} />
      {replay.data && (
        <p role="status" className="fr-mt-1w">
          {replay.data.state === "pending"
            ? "Une livraison plus récente de ce projet vers ce service est en cours : le rejeu est mis en file d'attente et sera tenté après elle."
            : `Nouvelle tentative terminée : ${deliveryStateLabels[replay.data.state].toLowerCase()}.`}
        </p>
      )}
    </div>
  );
}

type Filter = { serviceId?: string; eventType?: string; projectId?: string; since?: string; until?: string };

export function ReplayFailedButton({ filter }: { filter: Filter }) {
  const router = useRouter();
  const replay = trpc.deliveries.replayFailed.useMutation();
  const started = replay.data !== undefined && replay.data.replayed > 0;
  // Progress: how many of the requeued deliveries are still waiting in the queue.
  const queue = trpc.deliveries.list.useQuery(
    { ...filter, state: "pending", limit: 200 },
    { enabled: started, refetchInterval: (q) => ((q.state.data?.items.length ?? 1) > 0 ? 1000 : false) },
  );
  const total = replay.data?.replayed ?? 0;
  const remaining = queue.data ? Math.min(queue.data.items.length, total) : total;
  const done = started && queue.data !== undefined && remaining === 0;
  return (
    <div className="fr-my-2w">
      <Button priority="secondary" iconId="fr-icon-refresh-line" onClick={() => replay.mutate(filter)} disabled={replay.isPending || (started && !done)}>
        Rejouer toutes les livraisons en échec de ce filtre
      </Button>
      <MutationError error={replay.error} />
      {replay.data && replay.data.replayed === 0 && <p role="status" className="fr-mt-1w">Aucune livraison en échec ne correspond à ce filtre.</p>}
      {started && (
        <div role="status" className="fr-mt-1w">
          <label htmlFor="replay-progress">
            {done ? `${total} livraison(s) rejouée(s).` : `${total - remaining} / ${total} livraison(s) traitée(s)…`}
          </label>
          <br />
          <progress id="replay-progress" max={total} value={total - remaining} style={{ width: "100%" }} />
          {done && (
            <Alert className="fr-mt-1w" small severity="success" description="Toutes les livraisons rejouées ont été tentées. Actualisez la liste pour voir leur état." />
          )}
          {done && (
            <Button className="fr-mt-1w" size="small" priority="tertiary" onClick={() => router.refresh()}>Actualiser la liste</Button>
          )}
        </div>
      )}
    </div>
  );
}

import { Badge } from "@codegouvfr/react-dsfr/Badge";
import { endpointStateKind } from "@/modules/services/endpoint-state";
import { formatDateTime } from "./format";

type EndpointState = { url: string; enabled: boolean; disabledReason: string | null; heldChanges: number; failingSince: string | Date | null };

/**
 * An endpoint's state as one badge, alike on every screen (issue #11, "Truth"): a failing endpoint
 * says since when, one the hub switched off says so (and why, for a 410 Gone).
 */
export function EndpointStateBadge({ endpoint }: { endpoint: Pick<EndpointState, "enabled" | "disabledReason" | "failingSince"> }) {
  const kind = endpointStateKind(endpoint);
  switch (kind) {
    case "actif":
      return <Badge severity="success" small>Activé</Badge>;
    case "en_echec":
      return <Badge severity="error" small>En échec depuis le {formatDateTime(endpoint.failingSince)}</Badge>;
    case "desactive_410":
      return <Badge severity="error" small>Désactivé automatiquement (410)</Badge>;
    case "desactive_auto":
      return <Badge severity="error" small>Désactivé automatiquement</Badge>;
    case "desactive_manuel":
      return <Badge severity="warning" small>Désactivé</Badge>;
  }
}

/**
 * The first rows of a webhook endpoint's description list (URL, state, held changes), shown alike
 * by the console's service page and the agents' space. Renders `dt`/`dd` pairs: place it in a `dl`.
 */
export function EndpointStateRows({ endpoint }: { endpoint: EndpointState }) {
  const held = endpoint.heldChanges;
  const kind = endpointStateKind(endpoint);
  return (
    <>
      <dt className="fr-text--bold">URL du webhook</dt>
      <dd><code>{endpoint.url}</code></dd>
      <dt className="fr-text--bold">État</dt>
      <dd data-testid="endpoint-state">
        <EndpointStateBadge endpoint={endpoint} />
        {endpoint.disabledReason && kind !== "desactive_manuel" && <> (motif : {endpoint.disabledReason})</>}
        {kind === "desactive_manuel" && <> (par un administrateur)</>}
      </dd>
      <dt className="fr-text--bold">Changements retenus</dt>
      <dd>
        {held === 0
          ? "aucun"
          : `${held} projet${held > 1 ? "s" : ""} modifié${held > 1 ? "s" : ""} pendant la désactivation — envoyés dans leur état actuel dès que le webhook et le service sont activés.`}
      </dd>
    </>
  );
}

import { Badge } from "@codegouvfr/react-dsfr/Badge";

type EndpointState = { url: string; enabled: boolean; disabledReason: string | null; heldChanges: number };

/**
 * The first rows of a webhook endpoint's description list (URL, state, held changes), shown alike
 * by the console's service page and the agents' space. Renders `dt`/`dd` pairs: place it in a `dl`.
 */
export function EndpointStateRows({ endpoint }: { endpoint: EndpointState }) {
  const held = endpoint.heldChanges;
  return (
    <>
      <dt className="fr-text--bold">URL du webhook</dt>
      <dd><code>{endpoint.url}</code></dd>
      <dt className="fr-text--bold">État</dt>
      <dd>
        {endpoint.enabled ? <Badge severity="success" small>Activé</Badge> : <Badge severity="warning" small>Désactivé</Badge>}
        {endpoint.disabledReason && <> (motif : {endpoint.disabledReason})</>}
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

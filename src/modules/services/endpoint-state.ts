// One reading of a webhook endpoint's state for every screen (console dashboard, services list and
// page, agents' space): "ACTIVÉ" on an endpoint that fails or was switched off by the hub misled
// operators (issue #11, "Truth").

export type EndpointStateKind = "actif" | "en_echec" | "desactive_410" | "desactive_auto" | "desactive_manuel";

/** Reason written by `setEndpointEnabled`/`upsertEndpoint` when an admin disables the endpoint. */
const manualReason = "manuel";

/**
 * The state to show for an endpoint: `desactive_410` when the hub disabled it because the receiver
 * answered 410 Gone, `desactive_auto` when it disabled it after failing too long
 * (`record-results.ts`), `desactive_manuel` when an admin did, `en_echec` while enabled but failing
 * since `failingSince` without a success, `actif` otherwise.
 */
export function endpointStateKind(endpoint: { enabled: boolean; disabledReason: string | null; failingSince: Date | string | null }): EndpointStateKind {
  if (!endpoint.enabled) {
    if (endpoint.disabledReason === null || endpoint.disabledReason === manualReason) return "desactive_manuel";
    return /\b410\b/.test(endpoint.disabledReason) ? "desactive_410" : "desactive_auto";
  }
  return endpoint.failingSince ? "en_echec" : "actif";
}

// The payload view of the console (issue #11): a delivery's body and headers as the receiver got
// them at its last attempt (or as its next attempt will send them), rebuilt by the code that sends
// them (build-webhook-request.ts) with the signatures masked. The body may hold personal data (the
// porteur's contact): every operator's view is written to the audit log, in the transaction that
// reads it. A service's own agents (issue #12) read their own data, scoped to their service: their
// views are not audited (the space logs one line per view instead).
import { desc, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { deliveries, deliveryAttempts, events, webhookEndpoints } from "@/db/schema";
import { writeAudit, type Actor } from "@/modules/audit/write-audit";
import { AppError } from "@/modules/errors/app-error";
import { renderDeliveryBody } from "@/modules/outbox/render-delivery-body";
import { decryptSecret, SecretDecryptionError } from "@/modules/secrets/decrypt-secret";
import type { SecretKeyring } from "@/modules/secrets/secret-keyring";
import { buildWebhookRequest, FIXED_WEBHOOK_HEADERS } from "./build-webhook-request";
import { deliveryScopeCondition, type DeliveryScope } from "./delivery-scope";
import { liveSecrets } from "./sign-webhook";

/** A well-formed signing key used when a stored secret cannot be decrypted: its signature is masked anyway. */
const MASKED_SIGNING_KEY = "whsec_" + Buffer.alloc(32).toString("base64");

/** `available`: as sent; `purged`: retention cleared it; `erased`: the porteur's contact was erased since it was sent. */
export type PayloadStatus = "available" | "purged" | "erased";

export type DeliveryPayload = {
  deliveryId: number;
  eventId: string;
  eventType: string;
  url: string | null;
  /** Start of the attempt whose request is shown; null when none was made yet (the next one is shown). */
  sentAt: Date | null;
  attemptNumber: number | null;
  headers: { name: string; value: string }[];
  /** The bytes posted (null once purged). */
  body: string | null;
  status: PayloadStatus;
};

/** `v1,<base64>` → `v1,` followed by a mask: the scheme and the number of signatures stay visible. */
export function maskSignatures(value: string): string {
  return value
    .split(" ")
    .map((part) => `${part.split(",")[0]},••••••••`)
    .join(" ");
}

const ERASED_FIELDS = ["email", "nom", "prenom", "telephone", "fonction"] as const;

/** Whether an erasure scrubbed the porteur's contact from this body (scrub-porteur-from-bodies.ts sets them to null). */
function porteurErased(body: string): boolean {
  const porteur = (JSON.parse(body) as { data?: { projet?: { porteur?: Record<string, unknown> | null } } }).data?.projet?.porteur;
  return !!porteur && ERASED_FIELDS.every((f) => porteur[f] === null || porteur[f] === undefined);
}

/**
 * Reads the payload of delivery `scope.deliveryId` for `actor` and audits the view
 * (`delivery.payload_view`) unless `options.audit` is false (a service's agent on their own
 * service's delivery, issue #12). Takes the optional service scope (#12): a delivery to another
 * service is not found. Returns the request as sent (see `DeliveryPayload`). Throws AppError
 * `not_found`.
 */
export async function readDeliveryPayload(
  db: Db,
  scope: DeliveryScope,
  actor: Actor,
  keyring: SecretKeyring,
  options: { audit?: boolean } = {},
): Promise<DeliveryPayload> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select({
        eventId: deliveries.eventId,
        eventType: deliveries.eventType,
        eventBody: events.body,
        porteurHash: events.porteurEmailHash,
        receiverView: deliveries.receiverView,
        url: webhookEndpoints.url,
        secret: webhookEndpoints.secret,
        previousSecret: webhookEndpoints.previousSecret,
        previousSecretExpiresAt: webhookEndpoints.previousSecretExpiresAt,
      })
      .from(deliveries)
      .innerJoin(events, eq(events.id, deliveries.eventId))
      .leftJoin(webhookEndpoints, eq(webhookEndpoints.id, deliveries.endpointId))
      .where(deliveryScopeCondition(scope, { id: deliveries.id, serviceId: deliveries.serviceId }));
    if (!row) throw new AppError("not_found", `Livraison n° ${scope.deliveryId} introuvable.`);
    const [last] = await tx
      .select({ startedAt: deliveryAttempts.startedAt, attemptNumber: deliveryAttempts.attemptNumber })
      .from(deliveryAttempts)
      .where(eq(deliveryAttempts.deliveryId, scope.deliveryId))
      .orderBy(desc(deliveryAttempts.id))
      .limit(1);
    const body = renderDeliveryBody(row);
    const at = last?.startedAt ?? new Date();
    let headers: Record<string, string>;
    if (body !== null && row.secret !== null) {
      const live = liveSecrets({ secret: row.secret, previousSecret: row.previousSecret, previousSecretExpiresAt: row.previousSecretExpiresAt }, at);
      // Signed for real when the keys are at hand; the signatures are masked below either way.
      let secrets: string[];
      try {
        secrets = live.map((stored) => decryptSecret(keyring, stored));
      } catch (error) {
        if (!(error instanceof SecretDecryptionError)) throw error;
        secrets = live.map(() => MASKED_SIGNING_KEY);
      }
      headers = buildWebhookRequest(row.eventId, body, secrets, at).headers;
    } else {
      // Nothing left to sign: the headers that do not depend on the body.
      headers = { ...FIXED_WEBHOOK_HEADERS, "webhook-id": row.eventId, "webhook-timestamp": String(Math.floor(at.getTime() / 1000)), "webhook-signature": "v1," };
    }
    headers["webhook-signature"] = maskSignatures(headers["webhook-signature"]!);
    const status: PayloadStatus = body === null ? "purged" : row.porteurHash === null && porteurErased(body) ? "erased" : "available";
    if (options.audit !== false) {
      await writeAudit(tx, actor, {
        action: "delivery.payload_view",
        targetType: "delivery",
        targetId: String(scope.deliveryId),
        after: { eventId: row.eventId, status },
      });
    }
    return {
      deliveryId: scope.deliveryId,
      eventId: row.eventId,
      eventType: row.eventType,
      url: row.url,
      sentAt: last?.startedAt ?? null,
      attemptNumber: last?.attemptNumber ?? null,
      headers: Object.entries(headers).map(([name, value]) => ({ name, value })),
      body,
      status,
    };
  });
}

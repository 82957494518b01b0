// Test support: connected services with webhook endpoints, and project events queued through the
// real outbox write (enqueueEvent), as the REST API does, then expanded into their deliveries as
// the delivery drivers do before they claim (expand-events.ts, issue #17).
import { eq } from "drizzle-orm";
import { writeTxid } from "@/db/combine-writes";
import { projects, services, webhookEndpoints } from "@/db/schema";
import type { Db } from "@/db/client";
import { enqueueEvent } from "@/modules/outbox/enqueue-event";
import { expandEvents } from "@/modules/outbox/expand-events";
import { secretKeyring } from "@/env";
import { encryptSecret } from "@/modules/secrets/encrypt-secret";
import { generateWebhookSecret } from "@/modules/webhooks/generate-webhook-secret";

/** A service, with an endpoint at `url` when given; `secret` is its plaintext, stored encrypted as the hub stores it. */
export async function seedService(db: Db, slug: string, url?: string) {
  const [service] = await db.insert(services).values({ slug, nom: `Service ${slug}` }).returning();
  if (!url) return { serviceId: service!.id, endpointId: null, secret: null };
  const secret = generateWebhookSecret();
  const [endpoint] = await db.insert(webhookEndpoints).values({ serviceId: service!.id, url, secret: encryptSecret(secretKeyring(), secret) }).returning();
  return { serviceId: service!.id, endpointId: endpoint!.id, secret };
}

export async function seedProject(db: Db, authorServiceId: string, nom = "Rénovation de l'école") {
  const [project] = await db
    .insert(projects)
    .values({ nom, collectivites: [{ type: "Commune", code: "01001" }], createdByServiceId: authorServiceId })
    .returning();
  return project!.id;
}

/**
 * Bumps the project's version and queues its `projet.modifie` event in one transaction, then (unless
 * `expand: false`) expands the queued events into their deliveries, as a driver does before its
 * claim: the tests of the delivery core start from the deliveries. Returns the event id.
 */
export async function changeProject(db: Db, projectId: string, authorServiceId: string, options: { expand?: boolean } = {}) {
  const enqueued = await db.transaction(async (tx) => {
    const [project] = await tx
      .update(projects)
      .set({ version: (await tx.select({ v: projects.version }).from(projects).where(eq(projects.id, projectId)).for("update"))[0]!.v + 1, txid: writeTxid })
      .where(eq(projects.id, projectId))
      .returning();
    return enqueueEvent(tx, {
      type: "projet.modifie",
      projectId,
      projectVersion: project!.version,
      authorServiceId,
      changements: ["nom"],
      data: { projet: { id: projectId, version: project!.version }, changements: ["nom"] },
    });
  });
  if (options.expand !== false) await expandEvents(db, { limit: 10_000 });
  return enqueued;
}

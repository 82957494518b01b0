// Test support: connected services with webhook endpoints, and project events queued through the
// real outbox write (enqueueEvent), as the REST API does.
import { eq } from "drizzle-orm";
import { writeTxid } from "@/db/combine-writes";
import { projects, services, webhookEndpoints } from "@/db/schema";
import type { Db } from "@/db/client";
import { enqueueEvent } from "@/modules/outbox/enqueue-event";
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

/** Bumps the project's version and queues its `projet.modifie` event in one transaction. */
export async function changeProject(db: Db, projectId: string, authorServiceId: string) {
  return db.transaction(async (tx) => {
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
}

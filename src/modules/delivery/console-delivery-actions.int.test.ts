// The console's delivery actions (issue #11), shared with the services' space (#12): the payload
// view rebuilt as sent (what a loopback receiver got, signatures masked), audited; "retry now" on a
// delivery waiting for its retry, keeping its lane one-at-a-time; the service scope refusing the
// deliveries of another service.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { and, asc, eq } from "drizzle-orm";
import { auditLog, deliveries, events, webhookEndpoints } from "@/db/schema";
import { secretKeyring } from "@/env";
import { createTestDatabase, type TestDatabase } from "@/test/test-database";
import { enqueueEvent } from "@/modules/outbox/enqueue-event";
import { scrubPorteurFromBodies } from "@/modules/outbox/scrub-porteur-from-bodies";
import type { DeliveryOptions } from "./delivery-options";
import { deliveryOptionsFromEnv } from "@/server/delivery-options-from-env";
import { deliverBatch } from "./deliver-batch";
import { closeDeliveryPools } from "./post-webhook";
import { maskSignatures, readDeliveryPayload } from "./read-delivery-payload";
import { retryDeliveryNow } from "./retry-delivery-now";
import { startLoopbackReceiver, type LoopbackReceiver } from "./testing/loopback-receiver";
import { changeProject, seedProject, seedService } from "./testing/seed-receivers";

let database: TestDatabase;
const receivers: LoopbackReceiver[] = [];
const actor = { type: "cli", label: "test" } as const;
let counter = 0;

const options = (overrides: Partial<DeliveryOptions> = {}) => deliveryOptionsFromEnv({ random: () => 0.5, batchSize: 16, ...overrides });

// Ports of this file's receivers: a range no other test file uses.
async function receiver(status = 200) {
  const r = await startLoopbackReceiver(() => ({ status }), [3440, 3449]);
  receivers.push(r);
  return r;
}

async function pair(url: string) {
  counter++;
  const author = await seedService(database.db, `auteur-cda-${counter}`);
  const target = await seedService(database.db, `cible-cda-${counter}`, url);
  const projectId = await seedProject(database.db, author.serviceId);
  return { author, target, projectId };
}

const deliveriesTo = (endpointId: string) =>
  database.db.select().from(deliveries).where(eq(deliveries.endpointId, endpointId)).orderBy(asc(deliveries.id));
const auditOf = (action: string, deliveryId: number) =>
  database.db.select().from(auditLog).where(and(eq(auditLog.action, action), eq(auditLog.targetId, String(deliveryId))));

beforeAll(async () => {
  database = await createTestDatabase();
});
afterEach(async () => {
  // Later tests' events must not fan out to this test's receivers.
  await database.db.update(webhookEndpoints).set({ enabled: false });
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});
afterAll(async () => {
  await closeDeliveryPools();
  await database?.destroy();
});

describe("readDeliveryPayload", () => {
  it("shows the body and headers a receiver got, signatures masked, and audits the view", async () => {
    const r = await receiver();
    const { author, target, projectId } = await pair(r.url);
    await changeProject(database.db, projectId, author.serviceId);
    expect(await deliverBatch(database.db, options())).toMatchObject({ claimed: 1, delivered: 1 });
    const [delivery] = await deliveriesTo(target.endpointId!);
    const received = r.requests[0]!;

    const payload = await readDeliveryPayload(database.db, { deliveryId: delivery!.id }, actor, secretKeyring());
    expect(payload.status).toBe("available");
    expect(payload.body).toBe(received.body);
    expect(payload.attemptNumber).toBe(1);
    expect(payload.url).toBe(r.url);
    const headers = Object.fromEntries(payload.headers.map((h) => [h.name, h.value]));
    expect(Object.keys(headers)).toEqual(["content-type", "user-agent", "webhook-id", "webhook-timestamp", "webhook-signature"]);
    for (const name of ["content-type", "user-agent", "webhook-id", "webhook-timestamp"]) expect(headers[name], name).toBe(received.headers[name]);
    expect(headers["webhook-signature"]).toBe(maskSignatures(String(received.headers["webhook-signature"])));
    expect(headers["webhook-signature"]).toBe("v1,••••••••");
    expect(JSON.stringify(payload)).not.toContain(String(received.headers["webhook-signature"]).slice(3));

    const audit = await auditOf("delivery.payload_view", delivery!.id);
    expect(audit).toHaveLength(1);
    expect(audit[0]!.after).toMatchObject({ eventId: delivery!.eventId, status: "available" });
  });

  it("says when the body was purged by retention or the porteur's contact erased", async () => {
    const r = await receiver();
    const { author, target, projectId } = await pair(r.url);
    const email = "camille.dupont@mairie-exemple.fr";
    await database.db.transaction((tx) =>
      enqueueEvent(tx, {
        type: "projet.modifie",
        projectId,
        projectVersion: 2,
        authorServiceId: author.serviceId,
        changements: ["porteur"],
        porteurEmailHash: "hash-cda",
        data: { projet: { id: projectId, version: 2, porteur: { email, nom: "Dupont", codeSiret: "12345678901234" } }, changements: ["porteur"] },
      }),
    );
    await changeProject(database.db, projectId, author.serviceId);
    const [erased, purged] = await deliveriesTo(target.endpointId!);
    await database.db.transaction((tx) => scrubPorteurFromBodies(tx, { projectIds: [], emailHash: "hash-cda" }, email, ["email", "nom", "prenom", "telephone", "fonction"]));
    await database.db.update(events).set({ body: null }).where(eq(events.id, purged!.eventId));

    const shownErased = await readDeliveryPayload(database.db, { deliveryId: erased!.id }, actor, secretKeyring());
    expect(shownErased.status).toBe("erased");
    expect(shownErased.body).not.toContain(email);
    expect(shownErased.sentAt).toBeNull();
    const shownPurged = await readDeliveryPayload(database.db, { deliveryId: purged!.id }, actor, secretKeyring());
    expect(shownPurged).toMatchObject({ status: "purged", body: null });
    expect(shownPurged.headers.find((h) => h.name === "webhook-id")?.value).toBe(purged!.eventId);
  });

  it("does not find a delivery of another service when scoped (the answer to a missing one), without auditing a view", async () => {
    const r = await receiver();
    const { author, target, projectId } = await pair(r.url);
    const other = await seedService(database.db, `autre-cda-${counter}`);
    await changeProject(database.db, projectId, author.serviceId);
    const [delivery] = await deliveriesTo(target.endpointId!);
    await expect(readDeliveryPayload(database.db, { deliveryId: delivery!.id, serviceId: other.serviceId }, actor, secretKeyring())).rejects.toMatchObject({
      code: "not_found",
      message: `Livraison n° ${delivery!.id} introuvable.`,
    });
    expect(await auditOf("delivery.payload_view", delivery!.id)).toHaveLength(0);
    expect((await readDeliveryPayload(database.db, { deliveryId: delivery!.id, serviceId: target.serviceId }, actor, secretKeyring())).eventId).toBe(delivery!.eventId);
    await expect(readDeliveryPayload(database.db, { deliveryId: 999_999_999 }, actor, secretKeyring())).rejects.toMatchObject({ code: "not_found" });
  });
});

describe("retryDeliveryNow", () => {
  it("makes a lane head waiting for its retry due now, sends its lane one at a time, and audits it", async () => {
    const r = await receiver(500);
    const { author, target, projectId } = await pair(r.url);
    const other = await seedService(database.db, `autre-cda-${counter}`);
    await changeProject(database.db, projectId, author.serviceId);
    const slow = options({ scheduleMs: [3_600_000, 3_600_000] });
    expect(await deliverBatch(database.db, slow)).toMatchObject({ claimed: 1, delivered: 0 });
    await changeProject(database.db, projectId, author.serviceId);
    const [head, behind] = await deliveriesTo(target.endpointId!);
    expect(head!.state).toBe("pending");
    expect(head!.nextAttemptAt.getTime()).toBeGreaterThan(Date.now() + 3_000_000);

    await expect(retryDeliveryNow(database.db, { deliveryId: behind!.id }, actor)).rejects.toMatchObject({
      code: "conflict",
      message: expect.stringContaining(`n° ${head!.id}`),
    });
    await expect(retryDeliveryNow(database.db, { deliveryId: head!.id, serviceId: other.serviceId }, actor)).rejects.toMatchObject({
      code: "not_found",
      message: `Livraison n° ${head!.id} introuvable.`,
    });
    expect((await deliveriesTo(target.endpointId!))[0]!.nextAttemptAt).toEqual(head!.nextAttemptAt);

    r.respond(() => ({ status: 200 }));
    const result = await retryDeliveryNow(database.db, { deliveryId: head!.id, serviceId: target.serviceId }, actor);
    expect(result.nextAttemptAt.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
    // One request per lane at a time: the head alone, then the one behind it.
    expect(await deliverBatch(database.db, slow)).toMatchObject({ claimed: 1, delivered: 1 });
    expect(await deliverBatch(database.db, slow)).toMatchObject({ claimed: 1, delivered: 1 });
    expect(r.requests.map((q) => JSON.parse(q.body).data.projet.version)).toEqual([2, 2, 3]);
    expect((await deliveriesTo(target.endpointId!)).map((d) => d.state)).toEqual(["delivered", "delivered"]);

    const audit = await auditOf("delivery.retry_now", head!.id);
    expect(audit).toHaveLength(1);
    expect(audit[0]!.before).toEqual({ nextAttemptAt: head!.nextAttemptAt.toISOString() });
    await expect(retryDeliveryNow(database.db, { deliveryId: head!.id }, actor)).rejects.toMatchObject({ code: "conflict" });
  });

  it("refuses a delivery parked while its webhook is disabled", async () => {
    const r = await receiver(500);
    const { author, target, projectId } = await pair(r.url);
    await changeProject(database.db, projectId, author.serviceId);
    await database.db.update(webhookEndpoints).set({ enabled: false }).where(eq(webhookEndpoints.id, target.endpointId!));
    const [delivery] = await deliveriesTo(target.endpointId!);
    await expect(retryDeliveryNow(database.db, { deliveryId: delivery!.id }, actor)).rejects.toMatchObject({
      code: "conflict",
      message: expect.stringContaining("désactivé"),
    });
    expect(await auditOf("delivery.retry_now", delivery!.id)).toHaveLength(0);
  });
});

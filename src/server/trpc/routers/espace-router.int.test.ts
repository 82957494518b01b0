// The agents' space procedures (issue #12) on a real database: what an agent with `gestion` does
// to their own service (webhook, secret, keys, subscription), audited with the agent as actor and
// the service (never the email); what `lecture` may not do; and that nothing of another service
// leaks through settings, project search, a project's history, deliveries (list, detail, payload,
// replays: another service's delivery answers like a missing one) or contacts. The guard table
// (app-router.int.test.ts) checks every procedure for another service and below its level.
import { secretKeyring } from "@/env";
import { decryptSecret } from "@/modules/secrets/decrypt-secret";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, asc, eq, isNull } from "drizzle-orm";
import { useDatabase } from "@/db";
import { apiKeys, auditLog, deliveries, serviceAgents, serviceContacts, webhookEndpoints } from "@/db/schema";
import { cliActor } from "@/modules/audit/write-audit";
import { setServiceContacts } from "@/modules/alerts/set-service-contacts";
import { deliverBatch } from "@/modules/delivery/deliver-batch";
import { expandEvents } from "@/modules/outbox/expand-events";
import { deliveryOptionsFromEnv } from "@/server/delivery-options-from-env";
import { closeDeliveryPools } from "@/modules/delivery/post-webhook";
import { startLoopbackReceiver, type LoopbackReceiver } from "@/modules/delivery/testing/loopback-receiver";
import { captureLogs } from "@/server/logger";
import { createTestDatabase, type TestDatabase } from "@/test/test-database";
import { call, keyFor, lyon } from "@/app/api/v1/testing/api-test-kit";
import * as projets from "@/app/api/v1/projets/route";
import * as externalId from "@/app/api/v1/projets/[id]/external-id/route";
import { listAgentGrants } from "@/modules/agents/list-agent-grants";
import { listAudit } from "@/modules/console/list-audit";
import { admittedService } from "@/modules/keys/testing/admitted-service";
import type { AgentIdentity, OperatorIdentity } from "@/server/auth/load-operator-session";
import { appRouter } from "../app-router";
import { createCallerFactory } from "../init";

const createCaller = createCallerFactory(appRouter);
let t: TestDatabase;
let tet: { key: string; serviceId: string };
let mec: { key: string; serviceId: string };

async function agentOf(email: string, service: "tet" | "mec", niveau: "lecture" | "gestion"): Promise<AgentIdentity> {
  await t.db.insert(serviceAgents).values({ serviceId: service === "tet" ? tet.serviceId : mec.serviceId, email, niveau });
  return { userId: `u-${email}`, email, name: null, grants: await listAgentGrants(t.db, email), sessionToken: `t-${email}` };
}

function callerFor(agent: AgentIdentity, operator: OperatorIdentity | null = null) {
  return createCaller({ db: t.db, operator, agent, sameOrigin: true });
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => "OK",
    (e: { code?: string }) => e.code ?? "?",
  );
}

beforeAll(async () => {
  t = await createTestDatabase();
  useDatabase(t);
  tet = await keyFor(t.db, "tet", { endpoint: true });
  mec = await keyFor(t.db, "mec", { endpoint: true });
});
afterAll(async () => {
  await closeDeliveryPools();
  await t?.destroy();
});

describe("espace settings with gestion", () => {
  it("sets the URL, rotates the secret, creates and revokes a key, sets the subscription: each audited with the agent as actor", async () => {
    const agent = await agentOf("gere@tet.fr", "tet", "gestion");
    const caller = callerFor(agent);
    const url = await caller.espace.setWebhookUrl({ serviceId: tet.serviceId, webhookUrl: "http://127.0.0.1:9/tet-nouveau" });
    expect(url.endpoint?.url).toBe("http://127.0.0.1:9/tet-nouveau");
    expect(url.webhookSecret).toBeNull(); // the endpoint existed: its secret is not shown again

    const [before] = await t.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.serviceId, tet.serviceId));
    const rotated = await caller.espace.rotateSecret({ serviceId: tet.serviceId });
    expect(rotated.secret).toMatch(/^whsec_/);
    const [after] = await t.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.serviceId, tet.serviceId));
    // Stored encrypted (issue #16): what the agent was shown is what the hub now signs with.
    expect(decryptSecret(secretKeyring(), after!.secret!)).toBe(rotated.secret);
    expect(after!.previousSecret).toBe(before!.secret); // the overlap, as in the console

    const created = await caller.espace.createKey({ serviceId: tet.serviceId });
    expect(created.apiKey.startsWith(created.prefix)).toBe(true);
    expect((await admittedService(t.db, created.apiKey))?.id).toBe(tet.serviceId);
    await caller.espace.revokeKey({ serviceId: tet.serviceId, prefix: created.prefix });
    expect(await admittedService(t.db, created.apiKey)).toBeNull();

    const subscribed = await caller.espace.setSubscription({ serviceId: tet.serviceId, evenements: ["projet.modifie", "projet.cree"], territoires: ["dep:69"] });
    expect(subscribed.endpoint).toMatchObject({ evenements: ["projet.cree", "projet.modifie"], territoires: ["dep:69"] });
    expect(await codeOf(caller.espace.setSubscription({ serviceId: tet.serviceId, evenements: null, territoires: ["dep:999"] }))).toBe("BAD_REQUEST");

    const disabled = await caller.espace.setWebhookEnabled({ serviceId: tet.serviceId, enabled: false });
    expect(disabled?.enabled).toBe(false);
    await caller.espace.setWebhookEnabled({ serviceId: tet.serviceId, enabled: true });

    const entries = await t.db.select().from(auditLog).where(eq(auditLog.actorType, "agent")).orderBy(auditLog.id);
    expect(entries.map((e) => e.action)).toEqual([
      "webhook_endpoint.set",
      "webhook_endpoint.rotate_secret",
      "api_key.create",
      "api_key.revoke",
      "webhook_endpoint.subscription",
      "webhook_endpoint.disable",
      "webhook_endpoint.enable",
    ]);
    for (const entry of entries) {
      expect(entry.serviceId).toBe(tet.serviceId);
      expect(entry.actorLabel).toBe(`tet (accès ${agent.grants[0]!.grantId})`);
    }
    const logged = JSON.stringify(entries);
    expect(logged).not.toContain("gere@tet.fr");
    expect(logged).not.toContain(rotated.secret);
    expect(logged).not.toContain(created.apiKey);
    // Operators filter the log by service: the agent's actions are there, none of mec's.
    const forTet = await listAudit(t.db, { limit: 200, serviceId: tet.serviceId });
    expect(forTet.items.filter((e) => e.actorType === "agent")).toHaveLength(entries.length);
    expect(forTet.items.every((e) => e.serviceId === tet.serviceId)).toBe(true);
    // The filter has something to leave out: the log holds entries of other services too.
    expect((await listAudit(t.db, { limit: 200 })).items.some((e) => e.serviceId !== tet.serviceId)).toBe(true);
    expect((await listAudit(t.db, { limit: 200, serviceId: mec.serviceId })).items.some((e) => e.actorType === "agent")).toBe(false);
  });

  it("refuses another service's key by prefix (same answer as no key) and leaves it active", async () => {
    const caller = callerFor(await agentOf("gere2@tet.fr", "tet", "gestion"));
    const [mecKey] = await t.db.select().from(apiKeys).where(and(eq(apiKeys.serviceId, mec.serviceId), isNull(apiKeys.revokedAt)));
    const refused = await caller.espace.revokeKey({ serviceId: tet.serviceId, prefix: mecKey!.prefix }).then(
      () => null,
      (e: { code: string; message: string }) => e,
    );
    expect(refused).toMatchObject({ code: "NOT_FOUND", message: "Clé introuvable pour ce service." });
    expect((await admittedService(t.db, mec.key))?.id).toBe(mec.serviceId);
  });

  it("lets lecture read the settings (mapping with the accepted labels, keys by prefix, no secret) and refuses every action", async () => {
    const caller = callerFor(await agentOf("lit@tet.fr", "tet", "lecture"));
    const settings = await caller.espace.settings({ serviceId: tet.serviceId });
    expect(settings.service.slug).toBe("tet");
    expect(settings.mappings.statuses.length).toBeGreaterThan(0);
    expect(settings.mappings.statuses.flatMap((s) => s.labels.map((l) => l.label))).toContain("En retard");
    expect(settings.eventTypes).toEqual(["projet.cree", "projet.modifie", "utilisateur.efface"]);
    expect(JSON.stringify(settings)).not.toContain("whsec_");
    expect(JSON.stringify(settings)).not.toContain(tet.key);
    for (const action of [
      caller.espace.rotateSecret({ serviceId: tet.serviceId }),
      caller.espace.createKey({ serviceId: tet.serviceId }),
      caller.espace.setWebhookEnabled({ serviceId: tet.serviceId, enabled: false }),
      caller.espace.setWebhookUrl({ serviceId: tet.serviceId, webhookUrl: "http://127.0.0.1:9/x" }),
    ]) {
      expect(await codeOf(action)).toBe("FORBIDDEN");
    }
  });
});

describe("espace projects", () => {
  it("finds only the service's projects (by name or its own external id), and a project's history shows only its own link and deliveries", async () => {
    const shared = await call(projets.POST, { method: "POST", path: "/api/v1/projets", key: tet.key, body: { externalId: "tet-espace-1", nom: "Voie verte espace", collectivites: [lyon] } });
    expect(shared.status).toBe(201);
    // mec links itself to the same project, and has its own project tet is not linked to.
    const linked = await call(externalId.PUT, { method: "PUT", path: `/api/v1/projets/${shared.body.id}/external-id`, key: mec.key, params: { id: shared.body.id }, body: { externalId: "mec-secret-42" } });
    expect(linked.status).toBe(200);
    const other = await call(projets.POST, { method: "POST", path: "/api/v1/projets", key: mec.key, body: { externalId: "mec-seul-1", nom: "Voie verte de mec seul", collectivites: [lyon] } });
    expect(other.status).toBe(201);

    const caller = callerFor(await agentOf("projets@tet.fr", "tet", "lecture"));
    const byName = await caller.espace.searchProjects({ serviceId: tet.serviceId, query: "Voie verte" });
    expect(byName.items.map((p) => p.id)).toEqual([shared.body.id]);
    expect(JSON.stringify(byName)).not.toContain("mec");
    expect((await caller.espace.searchProjects({ serviceId: tet.serviceId, query: "tet-espace-1" })).items.map((p) => p.id)).toEqual([shared.body.id]);
    // Another service's external id finds nothing, even for a project both are linked to.
    expect((await caller.espace.searchProjects({ serviceId: tet.serviceId, query: "mec-secret-42" })).items).toEqual([]);
    expect((await caller.espace.searchProjects({ serviceId: tet.serviceId, query: other.body.id })).items).toEqual([]);

    await expandEvents(t.db); // as the delivery driver does
    const detail = await caller.espace.project({ serviceId: tet.serviceId, projectId: shared.body.id });
    expect(detail.links.map((l) => l.slug)).toEqual(["tet"]);
    expect(detail.events.length).toBeGreaterThan(0);
    // The project has deliveries to both services: the history shows tet's, and only them.
    const all = await t.db.select({ serviceId: deliveries.serviceId }).from(deliveries).where(eq(deliveries.projectId, shared.body.id));
    expect(all.filter((d) => d.serviceId === mec.serviceId).length).toBeGreaterThan(0);
    const shown = detail.events.flatMap((e) => e.deliveries);
    expect(shown.map((d) => d.serviceSlug)).toEqual(all.filter((d) => d.serviceId === tet.serviceId).map(() => "tet"));
    expect(shown.length).toBeGreaterThan(0);
    expect(JSON.stringify(detail)).not.toContain("mec-secret-42");
    // A project tet is not linked to: the same answer as an unknown one.
    expect(await codeOf(caller.espace.project({ serviceId: tet.serviceId, projectId: other.body.id }))).toBe("NOT_FOUND");
  });
});

describe("espace deliveries", () => {
  let receiver: LoopbackReceiver;
  const deliveriesOf = (serviceId: string) => t.db.select().from(deliveries).where(eq(deliveries.serviceId, serviceId)).orderBy(asc(deliveries.id));
  /** Sends every due delivery once; with no retry left (`scheduleMs: []`) a failure is final. */
  const deliverAll = async (scheduleMs: number[]) => {
    const options = deliveryOptionsFromEnv({ random: () => 0.5, batchSize: 50, scheduleMs });
    while ((await deliverBatch(t.db, options)).claimed > 0);
  };
  const createProject = (key: string, externalId: string) =>
    call(projets.POST, { method: "POST", path: "/api/v1/projets", key, body: { externalId, nom: `Piste cyclable ${externalId}`, collectivites: [lyon] } });
  const refusal = (promise: Promise<unknown>) =>
    promise.then(
      (output) => ({ code: "OK", message: "", output }),
      (e: { code: string; message: string }) => ({ code: e.code, message: e.message, output: undefined }),
    );

  beforeAll(async () => {
    // Ports of this file's receiver: a range no other test file uses.
    receiver = await startLoopbackReceiver(() => ({ status: 500 }), [3490, 3499]);
    await t.db.update(webhookEndpoints).set({ url: receiver.url, enabled: true, evenements: null, territoires: null }).where(eq(webhookEndpoints.serviceId, tet.serviceId));
    // tet receives mec's project, mec receives tet's; every delivery fails for good (500, port 9).
    expect((await createProject(mec.key, "mec-livraisons-1")).status).toBe(201);
    expect((await createProject(tet.key, "tet-livraisons-1")).status).toBe(201);
    await deliverAll([]);
  });
  afterAll(async () => receiver?.close());

  it("lists and shows only the service's deliveries; another service's delivery answers exactly like a missing one", async () => {
    const caller = callerFor(await agentOf("livraisons-lit@tet.fr", "tet", "lecture"));
    const [tetFailed] = (await deliveriesOf(tet.serviceId)).filter((d) => d.state === "failed");
    const [mecFailed] = (await deliveriesOf(mec.serviceId)).filter((d) => d.state === "failed");
    expect(tetFailed && mecFailed).toBeTruthy();

    const list = await caller.espace.deliveries({ serviceId: tet.serviceId, limit: 200 });
    expect(list.items.map((d) => d.id)).toEqual((await deliveriesOf(tet.serviceId)).map((d) => d.id).reverse());
    expect(list.items.every((d) => d.serviceSlug === "tet")).toBe(true);
    // The operators' filters apply within the service.
    const failed = await caller.espace.deliveries({ serviceId: tet.serviceId, state: "failed", projectId: tetFailed!.projectId!.slice(0, 8), limit: 50 });
    expect(failed.items.map((d) => d.id)).toEqual([tetFailed!.id]);
    expect(await codeOf(caller.espace.deliveries({ serviceId: tet.serviceId, since: "2026-02-02", until: "2026-02-01", limit: 50 }))).toBe("BAD_REQUEST");

    const detail = await caller.espace.delivery({ serviceId: tet.serviceId, deliveryId: tetFailed!.id });
    expect(detail).toMatchObject({ id: tetFailed!.id, serviceSlug: "tet", state: "failed" });
    expect(detail.attempts.map((a) => a.statusCode)).toEqual([500]);

    const missing = await refusal(caller.espace.delivery({ serviceId: tet.serviceId, deliveryId: 999_999_999 }));
    const other = await refusal(caller.espace.delivery({ serviceId: tet.serviceId, deliveryId: mecFailed!.id }));
    expect(missing).toEqual({ code: "NOT_FOUND", message: "Livraison n° 999999999 introuvable.", output: undefined });
    expect(other).toEqual({ code: "NOT_FOUND", message: `Livraison n° ${mecFailed!.id} introuvable.`, output: undefined });
  });

  it("shows the payload of the service's own delivery without auditing it, with one log line and no personal data", async () => {
    const agent = await agentOf("contenu@tet.fr", "tet", "lecture");
    const caller = callerFor(agent);
    const [tetFailed] = (await deliveriesOf(tet.serviceId)).filter((d) => d.state === "failed");
    const [mecFailed] = await deliveriesOf(mec.serviceId);
    const lines: string[] = [];
    const stop = captureLogs((line) => lines.push(line));
    let payload;
    let refused;
    try {
      payload = await caller.espace.viewPayload({ serviceId: tet.serviceId, deliveryId: tetFailed!.id });
      refused = await refusal(caller.espace.viewPayload({ serviceId: tet.serviceId, deliveryId: mecFailed!.id }));
    } finally {
      stop();
    }
    expect(payload.eventId).toBe(tetFailed!.eventId);
    expect(JSON.parse(payload.body!).data.projet.id).toBe(tetFailed!.projectId);
    expect(payload.headers.find((h) => h.name === "webhook-signature")?.value).toMatch(/^v1,•+( v1,•+)*$/);
    expect(refused).toEqual({ code: "NOT_FOUND", message: `Livraison n° ${mecFailed!.id} introuvable.`, output: undefined });

    const viewed = lines.filter((l) => l.includes("delivery payload viewed"));
    expect(viewed).toHaveLength(1);
    expect(JSON.parse(viewed[0]!)).toMatchObject({ deliveryId: tetFailed!.id, service: "tet", grantId: agent.grants[0]!.grantId });
    expect(lines.join("\n")).not.toContain("contenu@tet.fr");
    expect(await t.db.select().from(auditLog).where(eq(auditLog.action, "delivery.payload_view"))).toEqual([]);
  });

  it("lets gestion replay one delivery, retry one now and replay the failed ones of a filter, audited with the agent as actor; never another service's", async () => {
    const agent = await agentOf("livraisons-gere@tet.fr", "tet", "gestion");
    const caller = callerFor(agent);
    const lecture = callerFor(await agentOf("livraisons-lecture@tet.fr", "tet", "lecture"));
    const mecBefore = await deliveriesOf(mec.serviceId);
    const mecFailed = mecBefore.find((d) => d.state === "failed")!;
    const [tetFailed] = (await deliveriesOf(tet.serviceId)).filter((d) => d.state === "failed");
    const own = { serviceId: tet.serviceId, deliveryId: tetFailed!.id };

    for (const action of [
      lecture.espace.replayDelivery(own),
      lecture.espace.retryDeliveryNow(own),
      lecture.espace.countReplayableFailed({ serviceId: tet.serviceId }),
      lecture.espace.replayFailedDeliveries({ serviceId: tet.serviceId }),
    ]) {
      expect(await codeOf(action)).toBe("FORBIDDEN");
    }
    // Another service's failed delivery: not found (never "conflict", which would tell it exists), left as it was.
    const forged = { serviceId: tet.serviceId, deliveryId: mecFailed.id };
    const absent = { serviceId: tet.serviceId, deliveryId: 999_999_999 };
    const withoutId = (r: { code: string; message: string; output: unknown }) => ({ ...r, message: r.message.replace(/\d+/, "N") });
    expect(withoutId(await refusal(caller.espace.replayDelivery(forged)))).toEqual(withoutId(await refusal(caller.espace.replayDelivery(absent))));
    expect(withoutId(await refusal(caller.espace.retryDeliveryNow(forged)))).toEqual(withoutId(await refusal(caller.espace.retryDeliveryNow(absent))));
    expect(await codeOf(caller.espace.retryDeliveryNow(forged))).toBe("NOT_FOUND");
    expect(await deliveriesOf(mec.serviceId)).toEqual(mecBefore);

    // The receiver recovers: the replay of the own delivery gets its 2xx.
    receiver.respond(() => ({ status: 204 }));
    expect(await caller.espace.replayDelivery(own)).toEqual({ deliveryId: tetFailed!.id, state: "delivered" });
    expect(receiver.requests.at(-1)?.headers["webhook-id"]).toBe(tetFailed!.eventId);

    // A delivery waiting for its retry (in an hour) is made due now.
    receiver.respond(() => ({ status: 503 }));
    expect((await createProject(mec.key, "mec-livraisons-2")).status).toBe(201);
    await deliverAll([3_600_000]);
    const waiting = (await deliveriesOf(tet.serviceId)).find((d) => d.state === "pending")!;
    expect(waiting.nextAttemptAt.getTime()).toBeGreaterThan(Date.now() + 3_000_000);
    const retried = await caller.espace.retryDeliveryNow({ serviceId: tet.serviceId, deliveryId: waiting.id });
    expect(retried.nextAttemptAt.getTime()).toBeLessThanOrEqual(Date.now() + 1000);

    // It fails for good; the failed ones of the service are counted, then replayed: mec's stay failed.
    await deliverAll([]);
    const tetFailedNow = (await deliveriesOf(tet.serviceId)).filter((d) => d.state === "failed");
    expect(tetFailedNow.length).toBeGreaterThan(0);
    expect(await caller.espace.countReplayableFailed({ serviceId: tet.serviceId })).toEqual({ count: tetFailedNow.length });
    expect(await caller.espace.countReplayableFailed({ serviceId: tet.serviceId, eventType: "test.ping" })).toEqual({ count: 0 });
    expect(await caller.espace.replayFailedDeliveries({ serviceId: tet.serviceId })).toEqual({ replayed: tetFailedNow.length });
    expect((await deliveriesOf(tet.serviceId)).filter((d) => d.state === "failed")).toEqual([]);
    expect((await deliveriesOf(mec.serviceId)).filter((d) => d.state === "failed").map((d) => d.id)).toContain(mecFailed.id);

    const entries = await t.db.select().from(auditLog).where(eq(auditLog.actorLabel, `tet (accès ${agent.grants[0]!.grantId})`)).orderBy(auditLog.id);
    expect(entries.map((e) => [e.action, e.targetId])).toEqual([
      ["delivery.replay", String(tetFailed!.id)],
      ["delivery.retry_now", String(waiting.id)],
      ["deliveries.replay_failed", tet.serviceId],
    ]);
    for (const entry of entries) expect(entry).toMatchObject({ actorType: "agent", serviceId: tet.serviceId });
    expect(entries[2]!.after).toMatchObject({ replayed: tetFailedNow.length });
    expect(JSON.stringify(entries)).not.toContain("livraisons-gere@tet.fr");
  });
});

describe("espace contacts", () => {
  it("lets lecture read and gestion set the service's technical contacts, audited with the agent as actor; another service's stay out of reach", async () => {
    await setServiceContacts(t.db, { service: "mec", ajouter: ["astreinte@mec.example.fr"] }, cliActor);
    const agent = await agentOf("contacts-gere@tet.fr", "tet", "gestion");
    const caller = callerFor(agent);
    const lecture = callerFor(await agentOf("contacts-lit@tet.fr", "tet", "lecture"));

    expect(await lecture.espace.contacts({ serviceId: tet.serviceId })).toEqual([]);
    expect(await codeOf(lecture.espace.setContacts({ serviceId: tet.serviceId, ajouter: ["x@tet.example.fr"] }))).toBe("FORBIDDEN");
    expect(await codeOf(caller.espace.setContacts({ serviceId: tet.serviceId, ajouter: ["pas-une-adresse"] }))).toBe("BAD_REQUEST");

    const set = await caller.espace.setContacts({ serviceId: tet.serviceId, ajouter: ["Astreinte@TET.example.fr"] });
    expect(set.contacts.map((c) => c.email)).toEqual(["astreinte@tet.example.fr"]);
    expect((await lecture.espace.contacts({ serviceId: tet.serviceId })).map((c) => c.email)).toEqual(["astreinte@tet.example.fr"]);
    // Removing mec's contact by its email from tet's space changes nothing of mec's.
    await caller.espace.setContacts({ serviceId: tet.serviceId, retirer: ["astreinte@mec.example.fr", "astreinte@tet.example.fr"] });
    expect(await lecture.espace.contacts({ serviceId: tet.serviceId })).toEqual([]);
    expect((await t.db.select().from(serviceContacts).where(eq(serviceContacts.serviceId, mec.serviceId))).map((c) => c.email)).toEqual(["astreinte@mec.example.fr"]);

    const entries = await t.db.select().from(auditLog).where(eq(auditLog.actorLabel, `tet (accès ${agent.grants[0]!.grantId})`)).orderBy(auditLog.id);
    expect(entries.map((e) => [e.action, e.serviceId, e.actorType])).toEqual([
      ["service.contacts", tet.serviceId, "agent"],
      ["service.contacts", tet.serviceId, "agent"],
    ]);
    expect(JSON.stringify(entries)).not.toContain("astreinte@");
  });
});

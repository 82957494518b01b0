// The agents' space procedures (issue #12) on a real database: what an agent with `gestion` does
// to their own service (webhook, secret, keys, subscription), audited with the agent as actor and
// the service (never the email); what `lecture` may not do; and that nothing of another service
// leaks through settings, project search or a project's history. The guard table
// (app-router.int.test.ts) checks every procedure for another service and below its level.
import { secretKeyring } from "@/env";
import { decryptSecret } from "@/modules/secrets/decrypt-secret";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq, isNull } from "drizzle-orm";
import { useDatabase } from "@/db";
import { apiKeys, auditLog, deliveries, serviceAgents, webhookEndpoints } from "@/db/schema";
import { createTestDatabase, type TestDatabase } from "@/test/test-database";
import { call, keyFor, lyon } from "@/app/api/v1/testing/api-test-kit";
import * as projets from "@/app/api/v1/projets/route";
import * as externalId from "@/app/api/v1/projets/[id]/external-id/route";
import { listAgentGrants } from "@/modules/agents/list-agent-grants";
import { listAudit } from "@/modules/console/list-audit";
import { authenticateApiKey } from "@/modules/keys/authenticate-api-key";
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
afterAll(async () => t?.destroy());

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
    expect((await authenticateApiKey(t.db, created.apiKey))?.id).toBe(tet.serviceId);
    await caller.espace.revokeKey({ serviceId: tet.serviceId, prefix: created.prefix });
    expect(await authenticateApiKey(t.db, created.apiKey)).toBeNull();

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
    expect((await authenticateApiKey(t.db, mec.key))?.id).toBe(mec.serviceId);
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

// Role checks of every console procedure: anonymous → UNAUTHORIZED, lecteur → reads only,
// admin → everything, and no mutation without the same-origin proof. The table must name every
// procedure of the router, so that a new procedure cannot ship without its expectation.
// Procedures of the agents' space (issue #12) are `agent` procedures: operators get UNAUTHORIZED;
// each one is either scoped to a service at a level (called for the agent's own service → allowed,
// for another service or an unknown one → FORBIDDEN, below its level → FORBIDDEN) or answers only
// from the caller's own grants (`scope: "own"`, checked for leaks below).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TRPCError } from "@trpc/server";
import { eq } from "drizzle-orm";
import { createTestDatabase, type TestDatabase } from "@/test/test-database";
import { useDatabase } from "@/db";
import { auditLog, operators, serviceAgents, services } from "@/db/schema";
import type { AgentGrant } from "@/modules/agents/agent-schemas";
import type { AgentIdentity, OperatorIdentity } from "@/server/auth/load-operator-session";
import { appRouter } from "./app-router";
import { createCallerFactory } from "./init";

const createCaller = createCallerFactory(appRouter);
let database: TestDatabase;
let admin: OperatorIdentity;
let lecteur: OperatorIdentity;
let serviceId: string;
let otherServiceId: string;
let agentLecture: AgentIdentity;
let agentGestion: AgentIdentity;

type Access = "operator" | "admin";
/** An agents' space procedure: `service` ones take `{serviceId}` and need that level on it. */
type AgentAccess = { scope: "service"; level: "lecture" | "gestion"; input: (serviceId: string) => unknown } | { scope: "own"; input?: unknown };
const UUID_ZERO = "00000000-0000-4000-8000-000000000000";

// Agents' space procedure → its scope and level, and an input valid for it.
function agentExpectations(): Record<string, AgentAccess> {
  return {
    "espace.services": { scope: "own" },
    "espace.health": { scope: "service", level: "lecture", input: (id) => ({ serviceId: id }) },
    "espace.settings": { scope: "service", level: "lecture", input: (id) => ({ serviceId: id }) },
    "espace.setWebhookUrl": { scope: "service", level: "gestion", input: (id) => ({ serviceId: id, webhookUrl: "http://127.0.0.1:9/guard-table" }) },
    "espace.setWebhookEnabled": { scope: "service", level: "gestion", input: (id) => ({ serviceId: id, enabled: true }) },
    "espace.setSubscription": { scope: "service", level: "gestion", input: (id) => ({ serviceId: id, evenements: null, territoires: null }) },
    "espace.rotateSecret": { scope: "service", level: "gestion", input: (id) => ({ serviceId: id }) },
    "espace.sendTestEvent": { scope: "service", level: "gestion", input: (id) => ({ serviceId: id }) },
    "espace.createKey": { scope: "service", level: "gestion", input: (id) => ({ serviceId: id }) },
    "espace.revokeKey": { scope: "service", level: "gestion", input: (id) => ({ serviceId: id, prefix: "lc_test_absent" }) },
    "espace.searchProjects": { scope: "service", level: "lecture", input: (id) => ({ serviceId: id, query: "" }) },
    "espace.project": { scope: "service", level: "lecture", input: (id) => ({ serviceId: id, projectId: UUID_ZERO }) },
    "espace.deliveries": { scope: "service", level: "lecture", input: (id) => ({ serviceId: id }) },
    "espace.delivery": { scope: "service", level: "lecture", input: (id) => ({ serviceId: id, deliveryId: 1 }) },
    "espace.viewPayload": { scope: "service", level: "lecture", input: (id) => ({ serviceId: id, deliveryId: 1 }) },
    "espace.replayDelivery": { scope: "service", level: "gestion", input: (id) => ({ serviceId: id, deliveryId: 1 }) },
    "espace.retryDeliveryNow": { scope: "service", level: "gestion", input: (id) => ({ serviceId: id, deliveryId: 1 }) },
    "espace.countReplayableFailed": { scope: "service", level: "gestion", input: (id) => ({ serviceId: id }) },
    "espace.replayFailedDeliveries": { scope: "service", level: "gestion", input: (id) => ({ serviceId: id }) },
    "espace.contacts": { scope: "service", level: "lecture", input: (id) => ({ serviceId: id }) },
    "espace.setContacts": { scope: "service", level: "gestion", input: (id) => ({ serviceId: id, ajouter: ["contact.garde@tet.example.fr"] }) },
  };
}

// Procedure → who may call it, and an input valid for it.
function expectations(): Record<string, { access: Access | "agent"; input?: unknown }> {
  const agentEntries = Object.entries(agentExpectations()).map(([path, e]) => [
    path,
    { access: "agent" as const, input: e.scope === "service" ? e.input(serviceId) : e.input },
  ]);
  return {
    ...Object.fromEntries(agentEntries),
    me: { access: "operator" },
    "dashboard.stats": { access: "operator" },
    "dashboard.authFailures": { access: "admin" },
    "services.list": { access: "operator" },
    "services.get": { access: "operator", input: { serviceId } },
    "services.create": { access: "admin", input: { slug: `svc-${Date.now().toString(36)}`, nom: "Service de test" } },
    "services.update": { access: "admin", input: { slug: "tet", nom: "Territoires en Transitions" } },
    "services.setWebhookEnabled": { access: "admin", input: { slug: "tet", enabled: false } },
    "services.createKey": { access: "admin", input: { serviceId } },
    "services.revokeKey": { access: "admin", input: { serviceId, prefix: "lc_test_absent" } },
    "services.rotateSecret": { access: "admin", input: { serviceId } },
    "services.sendTestEvent": { access: "admin", input: { serviceId } },
    "services.agents": { access: "admin", input: { serviceId } },
    "services.addAgent": { access: "admin", input: { service: "tet", email: "ajoute@tet.fr", niveau: "lecture" } },
    "services.removeAgent": { access: "admin", input: { service: "tet", email: "ajoute@tet.fr" } },
    "mappings.list": { access: "operator", input: { serviceId } },
    "mappings.set": { access: "admin", input: { service: "tet", label: "En pause", generique: "IMPACTE" } },
    "mappings.delete": { access: "admin", input: { service: "tet", label: "Libellé absent" } },
    "deliveries.list": { access: "operator", input: {} },
    "deliveries.get": { access: "operator", input: { deliveryId: 1 } },
    "deliveries.viewPayload": { access: "operator", input: { deliveryId: 1 } },
    "deliveries.retryNow": { access: "admin", input: { deliveryId: 1 } },
    "deliveries.replay": { access: "admin", input: { deliveryId: 1 } },
    "deliveries.countReplayable": { access: "admin", input: { serviceId } },
    "deliveries.replayFailed": { access: "admin", input: { serviceId } },
    "projects.search": { access: "operator", input: { query: "" } },
    "projects.get": { access: "operator", input: { projectId: UUID_ZERO } },
    "projects.filterChoices": { access: "operator" },
    "audit.list": { access: "operator", input: {} },
    "operators.list": { access: "admin" },
    "alerts.contacts": { access: "operator", input: { serviceId } },
    "alerts.setContacts": { access: "admin", input: { service: "tet", ajouter: ["contact.technique@tet.example.fr"] } },
    "alerts.mySubscription": { access: "operator" },
    "alerts.setMySubscription": { access: "operator", input: { subscribed: true } },
    "operators.add": { access: "admin", input: { email: "nouvel.operateur@anct.gouv.fr", role: "lecteur" } },
    "operators.setActive": { access: "admin", input: { operatorId: UUID_ZERO, active: false } },
  };
}

function procedurePaths(): string[] {
  return Object.keys((appRouter as unknown as { _def: { procedures: Record<string, unknown> } })._def.procedures).sort();
}

function isMutation(path: string): boolean {
  const procedure = (appRouter as unknown as { _def: { procedures: Record<string, { _def: { type: string } }> } })._def.procedures[path]!;
  return procedure._def.type === "mutation";
}

async function callFull(
  who: { operator?: OperatorIdentity | null; agent?: AgentIdentity | null },
  path: string,
  input: unknown,
  sameOrigin = true,
): Promise<{ code: string; output?: unknown }> {
  const caller = createCaller({ db: database.db, operator: who.operator ?? null, agent: who.agent ?? null, sameOrigin }) as unknown as Record<string, unknown>;
  const fn = path.split(".").reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], caller) as (i: unknown) => Promise<unknown>;
  try {
    return { code: "OK", output: await fn(input) };
  } catch (error) {
    if (error instanceof TRPCError) return { code: error.code };
    throw error;
  }
}

async function call(operator: OperatorIdentity | null, path: string, input: unknown, sameOrigin = true): Promise<string> {
  return (await callFull({ operator }, path, input, sameOrigin)).code;
}

function agent(email: string, grants: AgentGrant[]): AgentIdentity {
  return { userId: `u-${email}`, email, name: null, grants, sessionToken: `t-${email}` };
}

beforeAll(async () => {
  database = await createTestDatabase();
  // Procedures that wake the delivery driver reach the process's database: this one.
  useDatabase(database);
  const [a] = await database.db.insert(operators).values({ email: "admin@anct.gouv.fr", role: "admin" }).returning();
  const [l] = await database.db.insert(operators).values({ email: "lecteur@anct.gouv.fr", role: "lecteur" }).returning();
  admin = { operatorId: a!.id, userId: "u-admin", email: a!.email, name: null, role: "admin", sessionToken: "t-admin" };
  lecteur = { operatorId: l!.id, userId: "u-lecteur", email: l!.email, name: null, role: "lecteur", sessionToken: "t-lecteur" };
  const [tet] = await database.db.select().from(services).where(eq(services.slug, "tet"));
  serviceId = tet!.id;
  const [mec] = await database.db.select().from(services).where(eq(services.slug, "mec"));
  otherServiceId = mec!.id;
  const [lectureGrant] = await database.db.insert(serviceAgents).values({ serviceId, email: "lecture@tet.fr", niveau: "lecture" }).returning();
  const [gestionGrant] = await database.db.insert(serviceAgents).values({ serviceId, email: "gestion@tet.fr", niveau: "gestion" }).returning();
  agentLecture = agent("lecture@tet.fr", [{ grantId: lectureGrant!.id, serviceId, slug: "tet", nom: tet!.nom, niveau: "lecture" }]);
  agentGestion = agent("gestion@tet.fr", [{ grantId: gestionGrant!.id, serviceId, slug: "tet", nom: tet!.nom, niveau: "gestion" }]);
});

afterAll(async () => {
  await database?.destroy();
});

describe("console tRPC router", () => {
  it("has an access expectation for every procedure", () => {
    expect(Object.keys(expectations()).sort()).toEqual(procedurePaths());
  });

  it("refuses every procedure without an operator session", async () => {
    for (const [path, { input }] of Object.entries(expectations())) {
      expect([path, await call(null, path, input)]).toEqual([path, "UNAUTHORIZED"]);
    }
  });

  it("lets a lecteur read but refuses every mutation and admin-only procedure", async () => {
    const auditBefore = (await database.db.select().from(auditLog)).length;
    for (const [path, { access, input }] of Object.entries(expectations())) {
      const code = await call(lecteur, path, input);
      if (access === "admin") expect([path, code]).toEqual([path, "FORBIDDEN"]);
      else expect([path, code]).not.toEqual([path, "FORBIDDEN"]);
    }
    // Nothing was written on the lecteur's behalf but their own alert subscription (issue #11), audited.
    const written = (await database.db.select().from(auditLog).orderBy(auditLog.id)).slice(auditBefore);
    expect(written.map((a) => a.action)).toEqual(["operator.alerts_subscribe"]);
  });

  it("refuses every mutation without the same-origin proof, even to an admin", async () => {
    for (const [path, { access, input }] of Object.entries(expectations())) {
      // The space's mutations are checked without the proof below, with an agent (an admin is refused them anyway).
      if (!isMutation(path) || access === "agent") continue;
      expect([path, await call(admin, path, input, false)]).toEqual([path, "FORBIDDEN"]);
    }
  });

  it("lets an admin call every console procedure (domain errors aside), and no procedure of the agents' space", async () => {
    for (const [path, { access, input }] of Object.entries(expectations())) {
      const code = await call(admin, path, input);
      if (access === "agent") expect([path, code]).toEqual([path, "UNAUTHORIZED"]);
      else expect([path, ["UNAUTHORIZED", "FORBIDDEN", "BAD_REQUEST"].includes(code)]).toEqual([path, false]);
    }
  });
});

describe("agents' space tRPC procedures (issue #12)", () => {
  it("refuses every console procedure to an agent who is not an operator", async () => {
    for (const [path, { access, input }] of Object.entries(expectations())) {
      if (access === "agent") continue;
      expect([path, (await callFull({ agent: agentGestion }, path, input)).code]).toEqual([path, "UNAUTHORIZED"]);
    }
  });

  it("lets an agent call each scoped procedure for their own service at their level, never for another service", async () => {
    const unknownService = UUID_ZERO;
    for (const [path, e] of Object.entries(agentExpectations())) {
      if (e.scope !== "service") continue;
      const own = (await callFull({ agent: agentGestion }, path, e.input(serviceId))).code;
      expect([path, ["UNAUTHORIZED", "FORBIDDEN", "BAD_REQUEST"].includes(own)]).toEqual([path, false]);
      const lecture = (await callFull({ agent: agentLecture }, path, e.input(serviceId))).code;
      if (e.level === "gestion") expect([path, lecture]).toEqual([path, "FORBIDDEN"]);
      else expect([path, lecture]).toEqual([path, own]);
      for (const forged of [otherServiceId, unknownService]) {
        const refused = await callFull({ agent: agentGestion }, path, e.input(forged));
        expect([path, refused.code, refused.output]).toEqual([path, "FORBIDDEN", undefined]);
      }
      // Mutations need the same-origin proof too.
      if (isMutation(path)) expect([path, (await callFull({ agent: agentGestion }, path, e.input(serviceId), false)).code]).toEqual([path, "FORBIDDEN"]);
    }
  });

  it("answers the unscoped procedures from the caller's own grants only", async () => {
    for (const [path, e] of Object.entries(agentExpectations())) {
      if (e.scope !== "own") continue;
      const result = await callFull({ agent: agentLecture }, path, e.input);
      expect([path, result.code]).toEqual([path, "OK"]);
      expect([path, JSON.stringify(result.output).includes(otherServiceId)]).toEqual([path, false]);
    }
  });

  it("espace.health shows the own service's endpoint state, and a forged call for another service gets no data", async () => {
    const caller = createCaller({ db: database.db, operator: null, agent: agentLecture, sameOrigin: true });
    const health = await caller.espace.health({ serviceId });
    expect(health).toMatchObject({ serviceId, slug: "tet" });
    expect(Object.keys(health).sort()).toEqual(["enabled", "endpoint", "nom", "series", "serviceId", "slug"]);
    expect(JSON.stringify(health)).not.toMatch(/whsec_|secret/i);
    await expect(caller.espace.health({ serviceId: otherServiceId })).rejects.toMatchObject({ code: "FORBIDDEN", message: expect.not.stringContaining("mec") });
    const listed = await caller.espace.services();
    expect(listed.services.map((s) => s.slug)).toEqual(["tet"]);
  });

  it("mappings.set refuses a look-alike label with a message naming the existing one (the console form shows it)", async () => {
    const caller = createCaller({ db: database.db, operator: admin, sameOrigin: true });
    const refused = await caller.mappings.set({ service: "tet", label: "en RETARD", generique: "IMPACTE" }).then(
      () => null,
      (error: { code?: string; message?: string }) => error,
    );
    expect(refused?.code).toBe("CONFLICT");
    expect(refused?.message).toContain("« En retard »");
  });

  it("writes the audit entry of an admin mutation with the operator as actor", async () => {
    const caller = createCaller({ db: database.db, operator: admin, sameOrigin: true });
    const created = await caller.services.create({ slug: "audite", nom: "Service audité" });
    expect(created.apiKey).toMatch(/^lc_test_/);
    const entries = await database.db.select().from(auditLog).where(eq(auditLog.targetId, created.service.id));
    expect(entries.map((e) => e.action).sort()).toEqual(["api_key.create", "service.create"]);
    for (const entry of entries) {
      expect(entry.actorOperatorId).toBe(admin.operatorId);
      // The clear key never reaches the audit log.
      expect(JSON.stringify(entry)).not.toContain(created.apiKey);
    }
  });
});

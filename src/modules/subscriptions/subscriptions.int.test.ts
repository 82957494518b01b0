// Subscriptions per endpoint (CONTRACT §8 "Subscriptions", issue #13 part 2): event types and
// territories set by the CLI, decided when a write's event is expanded into its deliveries (a
// subscription change first expands what was written before it: expand-events.ts); a project entering an endpoint's scope is
// sent as `projet.modifie` with its full state, one leaving it gets one last `projet.modifie` with
// `data.horsPerimetre: true`, then nothing; held changes follow the same filter.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { and, asc, eq } from "drizzle-orm";
import { useDatabase } from "@/db";
import { auditLog, deliveries, events, heldChanges, operators, webhookEndpoints } from "@/db/schema";
import type { OperatorIdentity } from "@/server/auth/load-operator-session";
import { appRouter } from "@/server/trpc/app-router";
import { createCallerFactory } from "@/server/trpc/init";
import { getServiceDetail } from "@/modules/console/list-services-detail";
import { runCommand } from "@/cli/commands";
import { enqueueEvents } from "@/modules/outbox/enqueue-event";
import { expandEvents } from "@/modules/outbox/expand-events";
import { createTestDatabase, type TestDatabase } from "@/test/test-database";
import { call, keyFor, lyon, metropoleLyon } from "@/app/api/v1/testing/api-test-kit";
import * as projets from "@/app/api/v1/projets/route";
import * as projet from "@/app/api/v1/projets/[id]/route";
import { territoryKeysOf } from "./territories";

const marseille = { type: "Commune" as const, code: "13055" };
/** Grenoble-Alpes Métropole: in région 84 (Auvergne-Rhône-Alpes), département 38. */
const grenobleMetro = { type: "EPCI" as const, code: "200040715" };

let t: TestDatabase;
let mec: string;
let tetId: string;
let recocoId: string;
let counter = 0;

beforeAll(async () => {
  t = await createTestDatabase();
  useDatabase(t);
  mec = (await keyFor(t.db, "mec")).key;
  tetId = (await keyFor(t.db, "tet", { endpoint: true })).serviceId;
  recocoId = (await keyFor(t.db, "recoco", { endpoint: true })).serviceId;
});
afterAll(async () => {
  await t?.destroy();
});
beforeEach(async () => {
  await runCommand(t.db, "service:update", { slug: "tet", evenements: "tous", territoires: "tous", enabled: "true" });
});

async function create(collectivites: unknown[]): Promise<string> {
  const res = await call(projets.POST, {
    method: "POST",
    path: "/api/v1/projets",
    key: mec,
    body: { externalId: `mec-sub-${++counter}`, nom: `Projet ${counter}`, statut: "Non démarré, intention", collectivites },
  });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

async function patch(id: string, body: Record<string, unknown>) {
  const res = await call(projet.PATCH, { method: "PATCH", path: `/api/v1/projets/${id}`, key: mec, params: { id }, body });
  expect(res.status).toBe(200);
}

/** What a service received (queued) for a project, in order: event type and body data (after the drivers' expansion). */
async function received(serviceId: string, projectId: string) {
  await expandEvents(t.db);
  const rows = await t.db
    .select({ type: deliveries.eventType, body: events.body })
    .from(deliveries)
    .innerJoin(events, eq(events.id, deliveries.eventId))
    .where(and(eq(deliveries.serviceId, serviceId), eq(deliveries.projectId, projectId)))
    .orderBy(asc(deliveries.id));
  return rows.map((r) => ({ type: r.type, data: JSON.parse(r.body!).data as { horsPerimetre?: boolean; projet: { collectivites: unknown[] } } }));
}

describe("territory keys (decoupage-administratif)", () => {
  it("gives a commune its EPCI, département and région, an EPCI the départements and régions of its members", () => {
    expect(territoryKeysOf([lyon])).toEqual(["com:69123", "dep:69", "epci:200046977", "reg:84"]);
    expect(territoryKeysOf([metropoleLyon])).toEqual(["dep:69", "epci:200046977", "reg:84"]);
    expect(territoryKeysOf([grenobleMetro])).toEqual(["dep:38", "epci:200040715", "reg:84"]);
  });
});

describe("service:update --evenements / --territoires", () => {
  it("sets the subscription, shows it in the endpoint object, resets it with tous", async () => {
    const set = await runCommand(t.db, "service:update", { slug: "tet", evenements: "projet.modifie,projet.cree", territoires: "reg:84,dep:69" });
    expect(set.endpoint).toMatchObject({ evenements: ["projet.cree", "projet.modifie"], territoires: ["dep:69", "reg:84"] });
    const onlyTypes = await runCommand(t.db, "service:update", { slug: "tet", territoires: "tous" });
    expect(onlyTypes.endpoint).toMatchObject({ evenements: ["projet.cree", "projet.modifie"], territoires: null });
    const reset = await runCommand(t.db, "service:update", { slug: "tet", evenements: "tous" });
    expect(reset.endpoint).toMatchObject({ evenements: null, territoires: null });
    const audit = await t.db.select().from(auditLog).where(eq(auditLog.action, "webhook_endpoint.subscription"));
    expect(audit.length).toBeGreaterThanOrEqual(3);
  });

  it("refuses unknown event types and territory codes with a clear message, changing nothing", async () => {
    await runCommand(t.db, "service:update", { slug: "tet", territoires: "dep:69" });
    await expect(runCommand(t.db, "service:update", { slug: "tet", territoires: "dep:69,dep:999,com:69123,region:84" })).rejects.toMatchObject({
      code: "validation_failed",
      details: [
        { path: "territoires.1", message: "territoire inconnu : « dep:999 »" },
        { path: "territoires.3", message: expect.stringContaining("territoire mal écrit : « region:84 »") },
      ],
    });
    await expect(runCommand(t.db, "service:update", { slug: "tet", evenements: "projet.supprime" })).rejects.toMatchObject({
      code: "validation_failed",
      details: [{ path: "evenements.0", message: expect.stringContaining("type d'événement inconnu : « projet.supprime »") }],
    });
    const [endpoint] = await t.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.serviceId, tetId));
    expect(endpoint).toMatchObject({ evenements: null, territoires: ["dep:69"] });
  });
});

describe("filtering at expansion, in write order", () => {
  it("filters by event type: no utilisateur.efface for an endpoint subscribed to project events only", async () => {
    await runCommand(t.db, "service:update", { slug: "tet", evenements: "projet.cree,projet.modifie" });
    const [result] = await t.db.transaction((tx) => enqueueEvents(tx, [{ type: "utilisateur.efface", data: { emailHash: "x" } }]));
    await expandEvents(t.db);
    const rows = await t.db.select({ serviceId: deliveries.serviceId }).from(deliveries).where(eq(deliveries.eventId, result!.eventId));
    expect(rows.map((r) => r.serviceId)).toEqual([recocoId]);

    const id = await create([lyon]);
    expect((await received(tetId, id)).map((r) => r.type)).toEqual(["projet.cree"]);
    await runCommand(t.db, "service:update", { slug: "tet", evenements: "projet.modifie" });
    const other = await create([lyon]);
    expect(await received(tetId, other)).toEqual([]);
    expect((await received(recocoId, other)).map((r) => r.type)).toEqual(["projet.cree"]);
  });

  it.each([
    ["com:69123", [lyon], true],
    ["com:69123", [metropoleLyon], false],
    ["epci:200046977", [lyon], true],
    ["epci:200046977", [metropoleLyon], true],
    ["dep:69", [metropoleLyon], true],
    ["dep:69", [grenobleMetro], false],
    ["reg:84", [grenobleMetro], true],
    ["reg:84", [marseille], false],
    ["dep:13,reg:11", [lyon, marseille], true],
  ])("territoires %s, collectivités %j → received: %s", async (territoires, collectivites, expected) => {
    await runCommand(t.db, "service:update", { slug: "tet", territoires });
    const id = await create(collectivites);
    expect((await received(tetId, id)).length).toBe(expected ? 1 : 0);
    expect((await received(recocoId, id)).length).toBe(1);
  });

  it("sends a project entering the scope as projet.modifie with its full state, one leaving it a last horsPerimetre, then nothing", async () => {
    await runCommand(t.db, "service:update", { slug: "tet", territoires: "dep:13" });
    const id = await create([lyon]);
    expect(await received(tetId, id)).toEqual([]);

    await patch(id, { collectivites: [lyon, marseille] });
    const entered = await received(tetId, id);
    expect(entered).toHaveLength(1);
    expect(entered[0]!.type).toBe("projet.modifie");
    expect(entered[0]!.data.horsPerimetre).toBeUndefined();
    expect(entered[0]!.data.projet).toMatchObject({ nom: expect.any(String), collectivites: [lyon, marseille] });

    await patch(id, { collectivites: [lyon] });
    const left = await received(tetId, id);
    expect(left).toHaveLength(2);
    expect(left[1]).toMatchObject({ type: "projet.modifie", data: { horsPerimetre: true, projet: { collectivites: [lyon] } } });

    await patch(id, { nom: "Renommé hors périmètre" });
    expect(await received(tetId, id)).toHaveLength(2);
    // An endpoint without territories gets every change, never a horsPerimetre.
    const all = await received(recocoId, id);
    expect(all.map((r) => r.type)).toEqual(["projet.cree", "projet.modifie", "projet.modifie", "projet.modifie"]);
    expect(all.some((r) => r.data.horsPerimetre)).toBe(false);
  });

  it("holds for a disabled endpoint only the changes its subscription wants", async () => {
    await runCommand(t.db, "service:update", { slug: "tet", territoires: "dep:13" });
    const inScope = await create([marseille]);
    const outOfScope = await create([lyon]);
    await runCommand(t.db, "service:update", { slug: "tet", enabled: "false" });
    await patch(inScope, { nom: "Modifié pendant la désactivation" });
    await patch(outOfScope, { nom: "Modifié aussi" });
    const held = async () => {
      await expandEvents(t.db);
      return (await t.db.select({ projectId: heldChanges.projectId }).from(heldChanges).where(eq(heldChanges.serviceId, tetId))).map((h) => h.projectId);
    };
    expect(await held()).toEqual([inScope]);
    // Entering the scope while disabled is held too; released with the current state.
    await patch(outOfScope, { collectivites: [marseille] });
    // Leaving it while disabled: released as the last event, marked horsPerimetre.
    await patch(inScope, { collectivites: [lyon] });
    expect((await held()).sort()).toEqual([inScope, outOfScope].sort());
    await runCommand(t.db, "service:update", { slug: "tet", enabled: "true" });
    expect(await held()).toEqual([]);
    const leftWhileDisabled = await received(tetId, inScope);
    expect(leftWhileDisabled.at(-1)).toMatchObject({ type: "projet.modifie", data: { horsPerimetre: true, projet: { collectivites: [lyon] } } });
    const enteredWhileDisabled = await received(tetId, outOfScope);
    expect(enteredWhileDisabled).toHaveLength(1);
    expect(enteredWhileDisabled[0]!.data).toMatchObject({ projet: { collectivites: [marseille] } });
    expect(enteredWhileDisabled[0]!.data.horsPerimetre).toBeUndefined();
  });
});

describe("from the console (tRPC services.update, admin only, audited)", () => {
  it("lets an admin set the subscription and refuses a lecteur", async () => {
    const [a] = await t.db.insert(operators).values({ email: "admin.abonnement@anct.gouv.fr", role: "admin" }).returning();
    const [l] = await t.db.insert(operators).values({ email: "lecteur.abonnement@anct.gouv.fr", role: "lecteur" }).returning();
    const admin: OperatorIdentity = { operatorId: a!.id, userId: "u-a", email: a!.email, name: null, role: "admin", sessionToken: "t-a" };
    const lecteur: OperatorIdentity = { operatorId: l!.id, userId: "u-l", email: l!.email, name: null, role: "lecteur", sessionToken: "t-l" };
    const asLecteur = createCallerFactory(appRouter)({ db: t.db, operator: lecteur, sameOrigin: true });
    await expect(asLecteur.services.update({ slug: "tet", territoires: ["dep:13"] })).rejects.toMatchObject({ code: "FORBIDDEN" });
    const asAdmin = createCallerFactory(appRouter)({ db: t.db, operator: admin, sameOrigin: true });
    const out = await asAdmin.services.update({ slug: "tet", evenements: ["projet.modifie"], territoires: ["dep:13"] });
    expect(out.service.endpoint).toMatchObject({ evenements: ["projet.modifie"], territoires: ["dep:13"] });
    expect((await getServiceDetail(t.db, tetId)).endpoint).toMatchObject({ evenements: ["projet.modifie"], territoires: ["dep:13"] });
    const entries = await t.db.select().from(auditLog).where(and(eq(auditLog.action, "webhook_endpoint.subscription"), eq(auditLog.actorOperatorId, admin.operatorId)));
    expect(entries).toHaveLength(1);
  });
});

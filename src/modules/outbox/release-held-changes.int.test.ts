// Held, not dropped (CONTRACT §8, issue #15 item 1): changes made while a receiver's endpoint or its
// service is disabled reach it on re-enable, as the projects' current state, after its older
// pending deliveries and before later traffic; the CLI and the console show the held count.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { and, asc, eq, sql } from "drizzle-orm";
import { useDatabase } from "@/db";
import { rowsOf } from "@/db/client";
import { deliveries, heldChanges, services, webhookEndpoints } from "@/db/schema";
import { cliActor } from "@/modules/audit/write-audit";
import { runCommand } from "@/cli/commands";
import { getServiceDetail, listServices } from "@/modules/console/list-services-detail";
import { setEndpointEnabled } from "@/modules/console/set-endpoint-enabled";
import { deliverBatch } from "@/modules/delivery/deliver-batch";
import { type DeliveryOptions } from "@/modules/delivery/delivery-options";
import { deliveryOptionsFromEnv } from "@/server/delivery-options-from-env";
import { closeDeliveryPools } from "@/modules/delivery/post-webhook";
import { startLoopbackReceiver, type LoopbackReceiver, type Responder } from "@/modules/delivery/testing/loopback-receiver";
import { createTestDatabase, onPostgres, type TestDatabase } from "@/test/test-database";
import { call, keyFor, lyon } from "@/app/api/v1/testing/api-test-kit";
import * as projets from "@/app/api/v1/projets/route";
import * as projet from "@/app/api/v1/projets/[id]/route";
import * as externalId from "@/app/api/v1/projets/[id]/external-id/route";
import * as permissions from "@/app/api/v1/projets/[id]/permissions/route";
import * as effacement from "@/app/api/v1/utilisateurs/effacement/route";
import { enqueueEvents } from "./enqueue-event";
import { announcementEvents } from "@/modules/projects/announce-changes";
import { loadProjects } from "@/modules/projects/store-projects";
import { loadStatusCatalog } from "@/modules/statuses/load-status-catalog";
import { isParked } from "@/modules/webhooks/park-deliveries";
import { sweepHeldChanges } from "./release-held-changes";
import { expandEvents } from "./expand-events";

const PORTS: [number, number] = [3600, 3649];

let t: TestDatabase;
let mec: string;
let tet: string;
let tetServiceId: string;
let receivers: LoopbackReceiver[] = [];
let counter = 0;

const options = (overrides: Partial<DeliveryOptions> = {}) => deliveryOptionsFromEnv({ random: () => 0.5, batchSize: 16, ...overrides });

beforeAll(async () => {
  t = await createTestDatabase();
  useDatabase(t);
  mec = (await keyFor(t.db, "mec")).key;
  ({ key: tet, serviceId: tetServiceId } = await keyFor(t.db, "tet"));
});
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()));
  // The next test's receiver may listen on the same port: no kept-alive socket to the closed one.
  await closeDeliveryPools();
});
afterAll(async () => {
  await closeDeliveryPools();
  await t?.destroy();
});

/** TeT's webhook on a fresh loopback receiver (the same endpoint row, a new URL per test). */
async function tetReceiver(responder?: Responder) {
  const r = await startLoopbackReceiver(responder, PORTS);
  receivers.push(r);
  await runCommand(t.db, "service:update", { slug: "tet", "webhook-url": r.url, enabled: "true" });
  return r;
}

async function createProject(nom: string) {
  const created = await call(projets.POST, {
    method: "POST",
    path: "/api/v1/projets",
    key: mec,
    body: { externalId: `mec-${++counter}`, nom, statut: "Non démarré, intention", collectivites: [lyon] },
  });
  expect(created.status).toBe(201);
  return created.body.id as string;
}

async function patch(id: string, body: Record<string, unknown>, key = mec) {
  const res = await call(projet.PATCH, { method: "PATCH", path: `/api/v1/projets/${id}`, key, params: { id }, body });
  expect(res.status).toBe(200);
  return res.body.version as number;
}

/**
 * Delivers until nothing is left for an enabled receiver but parked rows or retries more than a
 * second away (the compressed schedule of the tests retries within milliseconds).
 */
async function drain(overrides: Partial<DeliveryOptions> = {}) {
  for (let round = 0; round < 200; round++) {
    if ((await deliverBatch(t.db, options(overrides))).claimed > 0) continue;
    const [left] = rowsOf<{ n: number | string }>(
      await t.db.execute(sql`
        select count(*) as n from deliveries d
        join webhook_endpoints e on e.id = d.endpoint_id and e.enabled join services s on s.id = e.service_id and s.enabled
        where d.state in ('pending', 'in_flight') and d.next_attempt_at < now() + interval '1 second'`),
    );
    if (Number(left!.n) === 0) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error("the queue did not drain");
}

const bodies = (r: LoopbackReceiver) => r.requests.map((q) => JSON.parse(q.body) as { id: string; type: string; data: any });
const heldCount = async () => (await runCommand(t.db, "service:update", { slug: "tet", nom: "Territoires en Transitions" })).endpoint as { heldChanges: number; enabled: boolean };

type Mode = "endpoint" | "service" | "410";

describe.each<Mode>(["endpoint", "service", "410"])("held changes while TeT is disabled (%s)", (mode) => {
  it("on re-enable, TeT gets its older pending deliveries, then one projet.modifie with each project's current state, then normal traffic", async () => {
    const r = await tetReceiver();
    const a = await createProject(`Médiathèque ${mode}`);
    const b = await createProject(`Gymnase ${mode}`);
    // TeT links its own id to A: the released state must carry it, and TeT's own status label.
    expect((await call(externalId.PUT, { method: "PUT", path: `/api/v1/projets/${a}/external-id`, key: tet, params: { id: a }, body: { externalId: `tet-${mode}` } })).status).toBe(200);
    await drain();
    expect(bodies(r).map((m) => m.data.projet.id).sort()).toEqual([a, b].sort());

    // Queued before the disable, not yet delivered: these wait and go first.
    const bPending = await patch(b, { description: "avant la désactivation" });
    const aPending = await patch(a, { description: "avant la désactivation" });
    const before = r.requests.length;
    if (mode === "endpoint") await setEndpointEnabled(t.db, "tet", false, cliActor);
    if (mode === "service") await runCommand(t.db, "service:update", { slug: "tet", enabled: "false" });
    if (mode === "410") {
      // The receiver is gone: the first delivery it gets (B's, the older) is refused, which disables
      // the endpoint; B's project is held, A's pending delivery waits.
      r.respond(() => ({ status: 410 }));
      expect(await deliverBatch(t.db, options({ batchSize: 1 }))).toMatchObject({ claimed: 1, disabled: [{ reason: "le récepteur a répondu 410 Gone" }] });
      r.respond(() => ({ status: 200 }));
    }

    // What was queued waits out of the claims' due range until the re-enable.
    const waiting = await t.db
      .select()
      .from(deliveries)
      .where(and(eq(deliveries.serviceId, tetServiceId), eq(deliveries.state, "pending")))
      .orderBy(asc(deliveries.id));
    expect(waiting.map((d) => d.projectId)).toEqual(mode === "410" ? [a] : [b, a]);
    expect(waiting.every((d) => isParked(d.nextAttemptAt))).toBe(true);

    // Two changes to A while disabled (a status change, so that TeT's label is in the state).
    await patch(a, { nom: `Médiathèque ${mode} (v2)` });
    const aLast = await patch(a, { statut: "Etudes opérationnelles en cours" });
    await drain();
    expect(r.requests.length - before).toBe(mode === "410" ? 1 : 0);

    const shown = await heldCount();
    expect(shown).toMatchObject({ enabled: mode === "service", heldChanges: mode === "410" ? 2 : 1 });
    const listed = (await listServices(t.db)).find((s) => s.slug === "tet")!;
    expect(listed.endpoint).toMatchObject({ heldChanges: shown.heldChanges });
    expect((await getServiceDetail(t.db, tetServiceId)).endpoint).toMatchObject({ heldChanges: shown.heldChanges });

    const enabled =
      mode === "endpoint"
        ? (await setEndpointEnabled(t.db, "tet", true, cliActor), (await heldCount()))
        : ((await runCommand(t.db, "service:update", { slug: "tet", enabled: "true" })).endpoint as Record<string, unknown>);
    expect(enabled).toEqual({ url: r.url, enabled: true, disabledReason: null, heldChanges: 0, failingSince: null, lastSuccessAt: expect.any(String), evenements: null, territoires: null });
    await drain();

    const after = bodies(r).slice(before + (mode === "410" ? 1 : 0));
    const ofA = after.filter((m) => m.data.projet.id === a);
    const ofB = after.filter((m) => m.data.projet.id === b);
    // A: its pending delivery first, then its current state once.
    expect(ofA.map((m) => [m.type, m.data.projet.version])).toEqual([
      ["projet.modifie", aPending],
      ["projet.modifie", aLast],
    ]);
    const released = ofA[1]!;
    const asTet = await call(projet.GET, { path: `/api/v1/projets/${a}`, key: tet, params: { id: a } });
    expect(released.data.projet).toEqual(asTet.body);
    expect(released.data.projet).toMatchObject({ externalId: `tet-${mode}`, statut: { generique: "EN_COURS", service: "En cours" } });
    expect(released.data.auteur).toBe("mec");
    expect(released.data.changements).toEqual(["nom", "statut"]);
    // B: pending (endpoint/service) or refused then held (410); either way TeT ends with its state.
    expect(ofB.map((m) => m.data.projet.version)).toEqual([bPending]);
    // Nothing ever goes to its author, and the release went to TeT only.
    const releaseRows = await t.db.select().from(deliveries).where(eq(deliveries.eventId, released.id));
    expect(releaseRows.map((d) => d.serviceId)).toEqual([tetServiceId]);

    // Then normal traffic.
    const next = await patch(a, { description: "après la réactivation" });
    await drain();
    expect(bodies(r).at(-1)!.data.projet).toMatchObject({ id: a, version: next });
    expect(await t.db.select().from(heldChanges)).toEqual([]);
  });
});

describe("held changes: coalescing and their author", () => {
  it("50 changes to one project while disabled hold one row, with the newest version", async () => {
    await tetReceiver();
    const id = await createProject("Piscine");
    await setEndpointEnabled(t.db, "tet", false, cliActor);
    let version = 0;
    for (let i = 0; i < 50; i++) version = await patch(id, { budgetPrevisionnel: 1000 + i });
    await expandEvents(t.db);
    const held = await t.db.select().from(heldChanges);
    expect(held).toEqual([expect.objectContaining({ projectId: id, projectVersion: version, changements: ["budgetPrevisionnel"] })]);
    expect((await heldCount()).heldChanges).toBe(1);
    await setEndpointEnabled(t.db, "tet", true, cliActor);
    await drain();
  });

  it("the author's own changes are never held for it; an erasure event waits, pending, for a disabled receiver", async () => {
    const r = await tetReceiver();
    const id = await createProject("Halle");
    await call(permissions.PUT, { method: "PUT", path: `/api/v1/projets/${id}/permissions`, key: mec, params: { id }, body: { email: "agent.halle@exemple.fr", niveau: "READ" } });
    await drain();
    await call(externalId.PUT, { method: "PUT", path: `/api/v1/projets/${id}/external-id`, key: tet, params: { id }, body: { externalId: "tet-halle" } });
    await setEndpointEnabled(t.db, "tet", false, cliActor);
    await patch(id, { description: "par TeT" }, tet);
    await expandEvents(t.db);
    expect(await t.db.select().from(heldChanges)).toEqual([]);
    const erased = await call(effacement.POST, { method: "POST", path: "/api/v1/utilisateurs/effacement", key: mec, body: { email: "agent.halle@exemple.fr" } });
    expect(erased.body).toEqual({ permissionsSupprimees: 1, projetsModifies: 0 });
    await expandEvents(t.db);
    expect(await t.db.select().from(heldChanges)).toEqual([]);
    const [waiting] = await t.db.select().from(deliveries).where(and(eq(deliveries.serviceId, tetServiceId), eq(deliveries.state, "pending")));
    expect(waiting).toMatchObject({ eventType: "utilisateur.efface" });
    expect(isParked(waiting!.nextAttemptAt)).toBe(true);
    const before = r.requests.length;
    await drain();
    expect(r.requests.length).toBe(before);
    await setEndpointEnabled(t.db, "tet", true, cliActor);
    await drain();
    expect(bodies(r).slice(before).map((m) => [m.type, m.data.projets])).toEqual([["utilisateur.efface", [id]]]);
  });
});

/**
 * A writer of MEC's that a test runs in a transaction of its own: it locks the project, renames it
 * (`nom` of the new version), bumps its version and writes its outbox statement (event and queue
 * row), as a PATCH does; returns the new version.
 */
async function writerFor(id: string, nom: (version: number) => string) {
  const catalog = await loadStatusCatalog(t.db);
  const [mecService] = await t.db.select().from(services).where(eq(services.slug, "mec"));
  return async (tx: Parameters<Parameters<typeof t.db.transaction>[0]>[0]) => {
    const state = (await loadProjects(tx, [id], { forUpdate: true })).get(id)!;
    state.row = { ...state.row, nom: nom(state.row.version + 1), version: state.row.version + 1 };
    await tx.execute(sql`update projects set nom = ${state.row.nom}, version = ${state.row.version} where id = ${id}`);
    await enqueueEvents(tx, announcementEvents(mecService!.id, [{ type: "projet.modifie", state, changes: ["nom"] }], catalog));
    return state.row.version;
  };
}

/** Runs `write` in a transaction kept open once it wrote (`written`), until `commit()`; `result` is its value. */
function heldWriter<T>(write: (tx: Parameters<Parameters<typeof t.db.transaction>[0]>[0]) => Promise<T>) {
  let wrote!: () => void;
  let commit!: () => void;
  const written = new Promise<void>((res) => (wrote = res));
  const mayCommit = new Promise<void>((res) => (commit = res));
  const result = t.db.transaction(async (tx) => {
    const value = await write(tx);
    wrote();
    await mayCommit;
    return value;
  });
  return { written, commit, result };
}

describe("held changes: a writer racing with the re-enable", () => {
  it("a change committed after the release is queued for the re-enabled endpoint; a held row left on an enabled endpoint is delivered by the drivers' sweep", async () => {
    const r = await tetReceiver();
    const id = await createProject("Théâtre");
    await drain();
    await setEndpointEnabled(t.db, "tet", false, cliActor);
    const write = await writerFor(id, () => "Théâtre (course)");
    let version: number;
    if (onPostgres) {
      // Two connections: the writer's statement runs while the endpoint is disabled, and its commit
      // waits until the re-enable, with its release, has committed. Receivers are read when the
      // change is expanded, after its commit (expand-events.ts): it is queued for the endpoint
      // enabled again, nothing is held.
      const writer = heldWriter(write);
      await writer.written;
      await setEndpointEnabled(t.db, "tet", true, cliActor);
      writer.commit();
      version = await writer.result;
      expect(await t.db.select().from(heldChanges).where(eq(heldChanges.projectId, id))).toEqual([]);
      const before = r.requests.length;
      await drain();
      expect(bodies(r).slice(before).map((m) => [m.type, m.data.projet.id, m.data.projet.version])).toEqual([["projet.modifie", id, version]]);
      await setEndpointEnabled(t.db, "tet", false, cliActor);
    }
    // A held row left on an enabled endpoint (enabled without its release: the re-enable paths all
    // release under the expansion lock, this is the sweep's safety net): the change is written and
    // expanded while disabled, then the endpoint enabled without a release.
    version = await t.db.transaction(write);
    await expandEvents(t.db);
    await t.db.update(webhookEndpoints).set({ enabled: true }).where(eq(webhookEndpoints.serviceId, tetServiceId));
    const left = await t.db.select().from(heldChanges).where(eq(heldChanges.projectId, id));
    expect(left).toEqual([expect.objectContaining({ projectVersion: version })]);
    const before = r.requests.length;
    await drain();
    expect(r.requests.length).toBe(before); // nothing queued for it: only the sweep finds it

    expect(await sweepHeldChanges(t.db)).toBe(1);
    await drain();
    expect(bodies(r).slice(before).map((m) => [m.type, m.data.projet.id, m.data.projet.version])).toEqual([["projet.modifie", id, version]]);
    expect(await t.db.select().from(heldChanges)).toEqual([]);
    expect(await sweepHeldChanges(t.db)).toBe(0);
  });
});

describe("held changes: writers committing during the re-enable's release", () => {
  it.skipIf(!onPostgres)("their changes reach the endpoint before the released state, in version order", async () => {
    const r = await tetReceiver();
    const id = await createProject("Conservatoire");
    await drain();
    await setEndpointEnabled(t.db, "tet", false, cliActor);
    const held = await patch(id, { description: "retenu" });
    await expandEvents(t.db);
    const write = await writerFor(id, (version) => `Conservatoire v${version}`);
    const lockWaiters = async () =>
      rowsOf(await t.db.execute(sql`select 1 from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`)).length;
    const until = async (n: number) => {
      while ((await lockWaiters()) < n) await new Promise((res) => setTimeout(res, 5));
    };
    // The first writer holds the project; the second waits for it, then the re-enable's release
    // (after its expansion) waits too: both writes commit after that expansion, before its lock.
    const first = heldWriter(write);
    await first.written;
    const second = t.db.transaction(write);
    await until(1);
    const reenable = setEndpointEnabled(t.db, "tet", true, cliActor);
    await until(2);
    first.commit();
    const [v1, v2] = [await first.result, await second];
    await reenable;
    expect([v1, v2]).toEqual([held + 1, held + 2]);
    const before = r.requests.length;
    await drain();
    const versions = bodies(r).slice(before).filter((m) => m.data.projet.id === id).map((m) => m.data.projet.version as number);
    // Both writes, then the released state (the newest, once more): never an older version last.
    expect(versions).toEqual([v1, v2, v2]);
  });
});

describe("held changes: an erasure event queued by a writer racing with the re-enable", () => {
  it("is made due by the drivers' sweep", async () => {
    const r = await tetReceiver();
    const id = await createProject("Kiosque");
    await call(permissions.PUT, { method: "PUT", path: `/api/v1/projets/${id}/permissions`, key: mec, params: { id }, body: { email: "agent.kiosque@exemple.fr", niveau: "READ" } });
    await drain();
    await setEndpointEnabled(t.db, "tet", false, cliActor);
    await call(effacement.POST, { method: "POST", path: "/api/v1/utilisateurs/effacement", key: mec, body: { email: "agent.kiosque@exemple.fr" } });
    await expandEvents(t.db);
    // Enabled as if the re-enable had committed before the erasure: its delivery is still parked.
    await t.db.update(webhookEndpoints).set({ enabled: true }).where(eq(webhookEndpoints.serviceId, tetServiceId));
    const before = r.requests.length;
    await drain();
    expect(r.requests.length).toBe(before);
    expect(await sweepHeldChanges(t.db)).toBe(1);
    await drain();
    expect(bodies(r).slice(before).map((m) => m.type)).toEqual(["utilisateur.efface"]);
    expect(await sweepHeldChanges(t.db)).toBe(0);
  });
});

describe("service:update on the endpoint (CONTRACT §8)", () => {
  it("--enabled true re-enables an endpoint disabled by a 410", async () => {
    const r = await tetReceiver(() => ({ status: 410 }));
    await createProject("Marché couvert");
    await drain({ batchSize: 1 });
    const disabled = await heldCount();
    expect(disabled).toMatchObject({ enabled: false, heldChanges: 1 });
    const out = await runCommand(t.db, "service:update", { slug: "tet", enabled: "true" });
    expect(out.endpoint).toEqual({ url: r.url, enabled: true, disabledReason: null, heldChanges: 0, failingSince: null, lastSuccessAt: expect.any(String), evenements: null, territoires: null });
    expect(out.service).toMatchObject({ enabled: true, endpoint: out.endpoint });
    r.respond(() => ({ status: 200 }));
    await drain();
  });

  it("a URL change makes the endpoint's waiting deliveries due now", async () => {
    await tetReceiver(() => ({ status: 503 }));
    const id = await createProject("Cinéma");
    // One failed attempt, then a retry an hour away (and the next change waits behind it).
    await deliverBatch(t.db, options({ scheduleMs: [3_600_000] }));
    await patch(id, { description: "en attente" });
    await expandEvents(t.db);
    const [endpoint] = await t.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.serviceId, tetServiceId));
    const waiting = () =>
      t.db.select().from(deliveries).where(and(eq(deliveries.endpointId, endpoint!.id), eq(deliveries.state, "pending"))).orderBy(asc(deliveries.id));
    const rows = await waiting();
    expect(rows).toHaveLength(2);
    expect(rows.every((d) => d.nextAttemptAt.getTime() > Date.now() + 3_000_000)).toBe(true);

    const up = await startLoopbackReceiver(undefined, PORTS);
    receivers.push(up);
    await runCommand(t.db, "service:update", { slug: "tet", "webhook-url": up.url });
    const [now] = rowsOf<{ now: string | Date }>(await t.db.execute(sql`select now() as now`));
    const released = await waiting();
    expect(released).toHaveLength(2);
    expect(released.every((d) => d.nextAttemptAt.getTime() <= new Date(now!.now).getTime())).toBe(true);
    await drain();
    expect(bodies(up).map((m) => m.data.projet.id)).toEqual([id, id]);
  });
});

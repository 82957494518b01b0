// POST /api/v1/utilisateurs/effacement leaves no copy of the person anywhere (issue #15, item 7):
// after a flow that stored a porteur's email, phone and names in projects, events, deliveries,
// attempt excerpts (receivers echoing what they got) and the audit log, every text, varchar and
// jsonb column of every table is scanned for them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { asc, eq, sql } from "drizzle-orm";
import { useDatabase } from "@/db";
import { rowsOf } from "@/db/client";
import { deliveries, services } from "@/db/schema";
import { cliActor } from "@/modules/audit/write-audit";
import { runCommand } from "@/cli/commands";
import { deliverBatch } from "@/modules/delivery/deliver-batch";
import { deliveryOptionsFromEnv } from "@/server/delivery-options-from-env";
import { closeDeliveryPools } from "@/modules/delivery/post-webhook";
import { replayDelivery } from "@/modules/delivery/replay-delivery";
import { startLoopbackReceiver, type LoopbackReceiver } from "@/modules/delivery/testing/loopback-receiver";
import { createTestDatabase, type TestDatabase } from "@/test/test-database";
import { call, keyFor, lyon } from "@/app/api/v1/testing/api-test-kit";
import * as projets from "@/app/api/v1/projets/route";
import * as projet from "@/app/api/v1/projets/[id]/route";
import * as permissions from "@/app/api/v1/projets/[id]/permissions/route";
import * as effacement from "@/app/api/v1/utilisateurs/effacement/route";

const person = { email: "zephyrine.quenouillard@mairie-exemple.fr", nom: "Quenouillard", prenom: "Zephyrine", telephone: "0687654321" };

let t: TestDatabase;
const receivers: LoopbackReceiver[] = [];

beforeAll(async () => {
  t = await createTestDatabase();
  useDatabase(t);
});
afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  await closeDeliveryPools();
  await t?.destroy();
});

/** Every (table, column) of a text, varchar, char or json(b) type holding one of `needles`. */
async function whereFound(needles: string[]): Promise<string[]> {
  const columns = rowsOf<{ table_schema: string; table_name: string; column_name: string }>(
    await t.db.execute(sql`
      select c.table_schema, c.table_name, c.column_name
      from information_schema.columns c
      join information_schema.tables tb on tb.table_schema = c.table_schema and tb.table_name = c.table_name and tb.table_type = 'BASE TABLE'
      where c.table_schema not in ('pg_catalog', 'information_schema')
        and c.data_type in ('text', 'character varying', 'character', 'json', 'jsonb')
      order by 1, 2, 3`),
  );
  expect(columns.length).toBeGreaterThan(20);
  const hits: string[] = [];
  for (const c of columns) {
    const column = sql.raw(`"${c.table_schema}"."${c.table_name}"."${c.column_name}"`);
    const from = sql.raw(`"${c.table_schema}"."${c.table_name}"`);
    for (const needle of needles) {
      const [row] = rowsOf<{ n: number | string }>(
        await t.db.execute(sql`select count(*) as n from ${from} where ${column}::text ilike ${`%${needle}%`}`),
      );
      if (Number(row!.n) > 0) hits.push(`${c.table_name}.${c.column_name} ∋ ${needle}`);
    }
  }
  return hits;
}

describe("POST /api/v1/utilisateurs/effacement", () => {
  it("leaves the erased person's email, phone and names in no column of any table", async () => {
    // Receivers that echo the body they got in their answer: TeT refuses twice (500) then accepts,
    // Recoco accepts at once.
    const echo = (status: number) => (request: { body: string }) => ({ status, body: request.body });
    const tetReceiver = await startLoopbackReceiver((request, index) => echo(index < 2 ? 500 : 200)(request), [3600, 3649]);
    const recocoReceiver = await startLoopbackReceiver(echo(200), [3600, 3649]);
    receivers.push(tetReceiver, recocoReceiver);
    const mec = (await keyFor(t.db, "mec")).key;
    await runCommand(t.db, "service:update", { slug: "tet", "webhook-url": tetReceiver.url });
    await runCommand(t.db, "service:update", { slug: "recoco", "webhook-url": recocoReceiver.url });
    // The person is also TeT's technical contact: TeT's failures and recovery queue mails to them (issue #11).
    await runCommand(t.db, "service:contacts", { slug: "tet", ajouter: person.email });

    const created = await call(projets.POST, {
      method: "POST",
      path: "/api/v1/projets",
      key: mec,
      body: {
        externalId: "mec-porteur",
        nom: "Maison de santé",
        porteur: { ...person, fonction: "Cheffe de projet", codeSiret: "21690123100011" },
        collectivites: [lyon],
      },
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    await call(projet.PATCH, { method: "PATCH", path: `/api/v1/projets/${id}`, key: mec, params: { id }, body: { description: "Deuxième version" } });
    await call(permissions.PUT, { method: "PUT", path: `/api/v1/projets/${id}/permissions`, key: mec, params: { id }, body: { email: person.email, niveau: "WRITE" } });
    const options = deliveryOptionsFromEnv({ random: () => 0.5, batchSize: 16, scheduleMs: [1, 1, 1, 1], alertAfterFailures: 2 });
    for (let round = 0; round < 40; round++) {
      if ((await deliverBatch(t.db, options)).claimed === 0) {
        const [left] = rowsOf<{ n: number | string }>(await t.db.execute(sql`select count(*) as n from deliveries where state in ('pending', 'in_flight')`));
        if (Number(left!.n) === 0) break;
        await new Promise((r) => setTimeout(r, 10));
      }
    }
    // An operator replay too (an audit entry, one more echoed excerpt).
    const [tetService] = await t.db.select().from(services).where(eq(services.slug, "tet"));
    const [first] = await t.db.select().from(deliveries).where(eq(deliveries.serviceId, tetService!.id)).orderBy(asc(deliveries.id)).limit(1);
    expect(first!.state).toBe("delivered");
    await replayDelivery(t.db, { deliveryId: first!.id }, cliActor, deliveryOptionsFromEnv());

    const needles = [person.email, person.telephone, person.nom, person.prenom];
    const before = await whereFound(needles);
    // The flow did store the person where the erasure must reach: the project, the event bodies and
    // the excerpts of the attempts (refusals, successes and the replay).
    for (const place of ["projects.porteur_email", "events.body", "delivery_attempts.response_excerpt"]) {
      expect(before).toContain(`${place} ∋ ${person.email}`);
    }
    expect(before).toContain(`delivery_attempts.response_excerpt ∋ ${person.telephone}`);
    expect(before).toContain(`service_contacts.email ∋ ${person.email}`);
    expect(before).toContain(`alert_mails.recipient ∋ ${person.email}`);

    const erased = await call(effacement.POST, { method: "POST", path: "/api/v1/utilisateurs/effacement", key: mec, body: { email: person.email } });
    expect(erased.body).toEqual({ permissionsSupprimees: 1, projetsModifies: 1 });
    expect(await whereFound(needles)).toEqual([]);
  });
  it("keeps no echoed excerpt of an attempt that was in flight while the erasure committed", async () => {
    const other = { email: "anatole.brindavoine@mairie-exemple.fr", nom: "Brindavoine", telephone: "0611223344" };
    // TeT and Recoco echo the body they got, but only once the erasure has committed.
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const echoLater = async (request: { body: string }) => {
      await gate;
      return { status: 200, body: request.body };
    };
    const tetReceiver = await startLoopbackReceiver(() => ({ status: 200 }), [3600, 3649]);
    const recocoReceiver = await startLoopbackReceiver(() => ({ status: 200 }), [3600, 3649]);
    receivers.push(tetReceiver, recocoReceiver);
    const mec = (await keyFor(t.db, "mec")).key;
    await runCommand(t.db, "service:update", { slug: "tet", "webhook-url": tetReceiver.url });
    await runCommand(t.db, "service:update", { slug: "recoco", "webhook-url": recocoReceiver.url });
    const options = deliveryOptionsFromEnv({ random: () => 0.5, batchSize: 16, scheduleMs: [1, 1, 1, 1] });
    // What the first test left queued goes first; then the receivers echo, once the gate opens.
    while ((await deliverBatch(t.db, options)).claimed > 0);
    tetReceiver.requests.length = 0;
    recocoReceiver.requests.length = 0;
    tetReceiver.respond(echoLater);
    recocoReceiver.respond(echoLater);
    const created = await call(projets.POST, {
      method: "POST",
      path: "/api/v1/projets",
      key: mec,
      body: { externalId: "mec-en-vol", nom: "Halle couverte", porteur: other, collectivites: [lyon] },
    });
    expect(created.status).toBe(201);

    const inFlight = deliverBatch(t.db, options);
    for (let i = 0; i < 500 && tetReceiver.requests.length + recocoReceiver.requests.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    expect(tetReceiver.requests.length + recocoReceiver.requests.length).toBe(2);
    const erased = await call(effacement.POST, { method: "POST", path: "/api/v1/utilisateurs/effacement", key: mec, body: { email: other.email } });
    expect(erased.status).toBe(200);
    open();
    expect((await inFlight).claimed).toBe(2);

    // Both attempts were recorded as delivered, without the excerpt that named the erased person.
    const attempts = rowsOf<{ status_code: number; response_excerpt: string | null }>(
      await t.db.execute(sql`
        select a.status_code, a.response_excerpt from delivery_attempts a join deliveries d on d.id = a.delivery_id
        join events e on e.id = d.event_id where e.project_id = ${created.body.id as string} and e.type = 'projet.cree'`),
    );
    expect(attempts.map((a) => a.status_code)).toEqual([200, 200]);
    expect(await whereFound([other.email, other.telephone, other.nom])).toEqual([]);
  });
});

// The embedded worker sweeps held changes (release-held-changes.ts) on its own: a held row of an
// enabled endpoint, left by a writer that raced with a re-enable, reaches the receiver with no
// other wake-up.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { heldChanges, webhookEndpoints } from "@/db/schema";
import { createTestDatabase, type TestDatabase } from "@/test/test-database";
import { startLoopbackReceiver, type LoopbackReceiver } from "@/modules/delivery/testing/loopback-receiver";
import { changeProject, seedProject, seedService } from "@/modules/delivery/testing/seed-receivers";
import { startEmbeddedWorker, type EmbeddedWorker } from "./start-embedded-worker";

let t: TestDatabase;
let receiver: LoopbackReceiver;
let worker: EmbeddedWorker | null = null;

beforeAll(async () => {
  t = await createTestDatabase();
  receiver = await startLoopbackReceiver(undefined, [3600, 3649]);
});
afterAll(async () => {
  await worker?.stop();
  await receiver?.close();
  await t?.destroy();
});

describe("embedded worker", () => {
  it("releases held changes of an enabled endpoint by its sweep and delivers them", async () => {
    const author = await seedService(t.db, "auteur");
    const target = await seedService(t.db, "cible", receiver.url);
    const projectId = await seedProject(t.db, author.serviceId);
    await t.db.update(webhookEndpoints).set({ enabled: false }).where(eq(webhookEndpoints.id, target.endpointId!));
    await changeProject(t.db, projectId, author.serviceId);
    await t.db.update(webhookEndpoints).set({ enabled: true }).where(eq(webhookEndpoints.id, target.endpointId!));
    expect(await t.db.select().from(heldChanges)).toHaveLength(1);

    worker = await startEmbeddedWorker(t, { pollMs: 100 });
    const deadline = Date.now() + 20_000;
    while (receiver.requests.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(receiver.requests.map((q) => JSON.parse(q.body).data.projet)).toEqual([expect.objectContaining({ id: projectId, version: 2 })]);
    expect(await t.db.select().from(heldChanges)).toEqual([]);
  });
});

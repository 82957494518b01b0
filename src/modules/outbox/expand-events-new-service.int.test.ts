// Receivers are decided when a change is expanded, no longer in its write (issue #17). The update
// paths (enable, disable, subscription, a new webhook URL: update-service.ts, set-endpoint-enabled.ts)
// expand what was written before them first, so that they apply to the changes written after them,
// as when the write's statement read the receivers. A service created with its webhook must follow
// the same rule: a change written before the service existed is not sent to it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { useDatabase } from "@/db";
import { deliveries, eventFanouts } from "@/db/schema";
import { secretKeyring } from "@/env";
import { cliActor } from "@/modules/audit/write-audit";
import { createService } from "@/modules/services/create-service";
import { webhookUrlPolicy } from "@/modules/webhooks/url-policy";
import { createTestDatabase, type TestDatabase } from "@/test/test-database";
import { call, keyFor, lyon } from "@/app/api/v1/testing/api-test-kit";
import * as projets from "@/app/api/v1/projets/route";
import { expandEvents } from "./expand-events";

let t: TestDatabase;
let mec: string;

beforeAll(async () => {
  t = await createTestDatabase();
  useDatabase(t);
  mec = (await keyFor(t.db, "mec")).key;
});
afterAll(async () => {
  await t?.destroy();
});

describe("a service created while changes wait for expansion", () => {
  it("does not receive the changes written before it existed", async () => {
    const res = await call(projets.POST, {
      method: "POST",
      path: "/api/v1/projets",
      key: mec,
      body: { externalId: "mec-before-new-service", nom: "Projet d'avant", statut: "Non démarré, intention", collectivites: [lyon] },
    });
    expect(res.status).toBe(201);
    // The change waits in the queue: no driver ran.
    expect((await t.db.select().from(eventFanouts)).length).toBe(1);

    const created = await createService(
      t.db,
      { slug: "nouveau-service", nom: "Nouveau service", webhookUrl: "http://127.0.0.1:9/nouveau" },
      { keyPrefix: "lc_test_", urlPolicy: webhookUrlPolicy(true), actor: cliActor, keyring: secretKeyring() },
    );
    await expandEvents(t.db, { limit: 10_000 });

    const sent = await t.db.select().from(deliveries).where(eq(deliveries.serviceId, created.service.id));
    expect(sent).toEqual([]);
  });
});

// An erasure takes no lock on a project it does not change (issue #17, found by the convergence
// checker, seed 20261129 on CI): the events that named the person may belong to projects whose
// porteur has changed since. Updating such an event twice in one transaction (its body, then its
// porteur hash) made PostgreSQL check its foreign key to the project again (a row this transaction
// already updated is re-checked), a share lock on that project's row: a re-enable's release or a
// bulk holding that project and waiting for one the erasure had locked made a deadlock.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { useDatabase } from "@/db";
import { rowsOf } from "@/db/client";
import { loadProjects } from "@/modules/projects/store-projects";
import { createTestDatabase, skipWithoutPostgres, type TestDatabase } from "@/test/test-database";
import { call, keyFor, lyon } from "@/app/api/v1/testing/api-test-kit";
import * as projets from "@/app/api/v1/projets/route";
import * as projet from "@/app/api/v1/projets/[id]/route";
import * as effacement from "@/app/api/v1/utilisateurs/effacement/route";

const skip = skipWithoutPostgres("erase-user-locks: two transactions on two connections");

let t: TestDatabase;
let mec: string;

beforeAll(async () => {
  if (skip) return;
  t = await createTestDatabase();
  useDatabase(t);
  mec = (await keyFor(t.db, "mec")).key;
});
afterAll(async () => {
  await t?.destroy();
});

async function createProject(externalId: string, email: string): Promise<string> {
  const created = await call(projets.POST, {
    method: "POST",
    path: "/api/v1/projets",
    key: mec,
    body: { externalId, nom: `Projet ${externalId}`, porteur: { email, nom: "Porteur" }, collectivites: [lyon] },
  });
  expect(created.status).toBe(201);
  return created.body.id as string;
}

/** Whether a session of this database waits for a lock (the erasure, blocked). */
async function someoneWaits(): Promise<boolean> {
  return rowsOf(await t.db.execute(sql`
    select 1 from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`)).length > 0;
}

describe.skipIf(skip)("POST /api/v1/utilisateurs/effacement and concurrent project locks", () => {
  it("does not wait for a project it does not change, so a transaction holding it and waiting for the erased porteur's project makes no deadlock", async () => {
    const erased = "ondine.passerage@mairie-exemple.fr";
    // Q named the person when it was created, then changed porteur: its first event keeps her hash.
    const q = await createProject("mec-q", erased);
    const moved = await call(projet.PATCH, {
      method: "PATCH",
      path: `/api/v1/projets/${q}`,
      key: mec,
      params: { id: q },
      body: { porteur: { email: "autre.porteur@mairie-exemple.fr", nom: "Autre" } },
    });
    expect(moved.status).toBe(200);
    // P's porteur is the person: the erasure locks P and changes it.
    const p = await createProject("mec-p", erased);

    let releaseHolder!: () => void;
    const holderMayGoOn = new Promise<void>((resolve) => (releaseHolder = resolve));
    let holderHasQ!: () => void;
    const qLocked = new Promise<void>((resolve) => (holderHasQ = resolve));
    // A transaction that locks projects one after another, as a release of held changes does by
    // chunks: Q first, then P.
    const holder = t.db.transaction(async (tx) => {
      await loadProjects(tx, [q], { forUpdate: true });
      holderHasQ();
      await holderMayGoOn;
      await loadProjects(tx, [p], { forUpdate: true });
    });
    await qLocked;

    let erasureDone = false;
    const erasure = call(effacement.POST, { method: "POST", path: "/api/v1/utilisateurs/effacement", key: mec, body: { email: erased } })
      .finally(() => (erasureDone = true));
    // The erasure runs until it commits, or until it waits for a lock (on Q, before the fix).
    while (!erasureDone && !(await someoneWaits())) await new Promise((r) => setTimeout(r, 5));
    releaseHolder();

    const [holderResult, erasureResult] = await Promise.allSettled([holder, erasure]);
    expect(holderResult.status).toBe("fulfilled");
    expect(erasureResult.status).toBe("fulfilled");
    const answer = (erasureResult as PromiseFulfilledResult<Awaited<typeof erasure>>).value;
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ projetsModifies: 1 });
    // Nothing in the outbox names her any more, Q's old event included.
    const [left] = rowsOf<{ n: number | string }>(
      await t.db.execute(sql`select count(*) as n from events where body like ${`%${erased}%`} or porteur_email_hash is not null and project_id = ${q} and type = 'projet.cree'`),
    );
    expect(Number(left!.n)).toBe(0);
  });
});

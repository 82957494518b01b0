// CONTRACT §1: request and error logs, and error messages, never contain porteur or user personal
// data. Every log line the API writes during a flow full of personal data is captured and searched.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useDatabase } from "@/db";
import { captureLogs } from "@/server/logger";
import { createTestDatabase, type TestDatabase } from "@/test/test-database";
import { call, keyFor, lyon } from "./testing/api-test-kit";
import * as projets from "./projets/route";
import * as projet from "./projets/[id]/route";
import * as bulk from "./projets/bulk/route";
import * as permissions from "./projets/[id]/permissions/route";
import * as effacement from "./utilisateurs/effacement/route";

const porteur = {
  email: "Claire.Porteuse@mairie-exemple.fr",
  nom: "Porteusenom",
  prenom: "Clairepersonne",
  telephone: "0611223344",
  fonction: "Cheffe de projet",
};
const agent = "Jean.Agent@collectivite-exemple.fr";
const secrets = [porteur.email, porteur.nom, porteur.prenom, porteur.telephone, agent];

let t: TestDatabase;
let mec: string;
let tet: string;
const lines: string[] = [];
let restore: () => void;

beforeAll(async () => {
  t = await createTestDatabase();
  useDatabase(t);
  mec = (await keyFor(t.db, "mec", { endpoint: true })).key;
  tet = (await keyFor(t.db, "tet", { endpoint: true })).key;
  restore = captureLogs((line) => lines.push(line));
});
afterAll(async () => {
  restore();
  await t.destroy();
});

function expectNoPersonalData(text: string) {
  for (const secret of secrets) {
    expect(text.toLowerCase()).not.toContain(secret.toLowerCase());
  }
}

describe("/api/v1 logs and error messages", () => {
  it("carry none of the porteur's or users' personal data, in successes and in errors", async () => {
    const created = await call(projets.POST, {
      method: "POST",
      path: "/api/v1/projets",
      key: mec,
      body: { externalId: "p-1", nom: "Gymnase", statut: "Non démarré, intention", collectivites: [lyon], porteur },
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const answers: unknown[] = [];
    const record = (r: { status: number; body: unknown }) => {
      answers.push(r.body);
      return r;
    };

    record(await call(permissions.PUT, { method: "PUT", path: `/api/v1/projets/${id}/permissions`, key: mec, params: { id }, body: { email: agent, niveau: "READ" } }));
    record(await call(projet.GET, { path: `/api/v1/projets/${id}`, key: tet, user: agent, params: { id } }));
    // Refused: READ does not allow writing; the refusal must not name the person.
    const refused = record(await call(projet.PATCH, { method: "PATCH", path: `/api/v1/projets/${id}`, key: mec, user: agent, params: { id }, body: { nom: "Autre" } }));
    expect(refused.status).toBe(403);
    // Invalid bodies that carry personal data: the validation errors must not echo it.
    const invalid = record(
      await call(projets.POST, {
        method: "POST",
        path: "/api/v1/projets",
        key: mec,
        body: { externalId: "p-2", nom: "X", collectivites: [lyon], porteur: { ...porteur, email: `${porteur.nom} pas un email`, telephone: 12 } },
      }),
    );
    expect(invalid.status).toBe(400);
    const malformed = record(await call(projets.POST, { method: "POST", path: "/api/v1/projets", key: mec, raw: `{"porteur": {"email": "${porteur.email}"` }));
    expect(malformed.status).toBe(400);
    const badBulk = record(
      await call(bulk.POST, {
        method: "POST",
        path: "/api/v1/projets/bulk",
        key: mec,
        body: { projets: [{ externalId: "b-1", nom: "Y", collectivites: [lyon], porteur: { email: porteur.email, inconnu: porteur.prenom } }] },
      }),
    );
    expect(badBulk.status).toBe(400);
    const badUser = record(await call(projet.GET, { path: `/api/v1/projets/${id}`, key: tet, user: `${porteur.prenom} sans arobase`, params: { id } }));
    expect(badUser.status).toBe(400);
    record(await call(effacement.POST, { method: "POST", path: "/api/v1/utilisateurs/effacement", key: mec, body: { email: porteur.email } }));
    record(await call(effacement.POST, { method: "POST", path: "/api/v1/utilisateurs/effacement", key: mec, body: { email: agent } }));

    expect(lines.length).toBeGreaterThan(5);
    expectNoPersonalData(lines.join("\n"));
    for (const answer of answers.slice(2)) expectNoPersonalData(JSON.stringify(answer));
  });
});

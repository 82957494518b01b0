// CONTRACT §1: request and error logs, and error messages, never contain porteur or user personal
// data. Every log line the API writes during a flow full of personal data is captured and searched.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useDatabase } from "@/db";
import { captureLogs } from "@/server/logger";
import { createTestDatabase, type TestDatabase } from "@/test/test-database";
import { call, keyFor, lyon, type Handler } from "./testing/api-test-kit";
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
    // Answers to check: every call below but the first two (the project read shows the porteur).
    const answers: unknown[] = [];
    const expectAnswer = async (handler: Handler, options: Parameters<typeof call>[1], status: number) => {
      const answer = await call(handler, { key: mec, ...options });
      expect(answer.status).toBe(status);
      answers.push(answer.body);
    };

    expect((await call(permissions.PUT, { method: "PUT", path: `/api/v1/projets/${id}/permissions`, key: mec, params: { id }, body: { email: agent, niveau: "READ" } })).status).toBe(200);
    expect((await call(projet.GET, { path: `/api/v1/projets/${id}`, key: tet, user: agent, params: { id } })).status).toBe(200);
    // Refused: READ does not allow writing; the refusal must not name the person.
    await expectAnswer(projet.PATCH, { method: "PATCH", path: `/api/v1/projets/${id}`, user: agent, params: { id }, body: { nom: "Autre" } }, 403);
    // Invalid bodies that carry personal data: the validation errors must not echo it.
    const invalidPorteur = { ...porteur, email: `${porteur.nom} pas un email`, telephone: 12 };
    await expectAnswer(projets.POST, { method: "POST", path: "/api/v1/projets", body: { externalId: "p-2", nom: "X", collectivites: [lyon], porteur: invalidPorteur } }, 400);
    await expectAnswer(projets.POST, { method: "POST", path: "/api/v1/projets", raw: `{"porteur": {"email": "${porteur.email}"` }, 400);
    const badItem = { externalId: "b-1", nom: "Y", collectivites: [lyon], porteur: { email: porteur.email, inconnu: porteur.prenom } };
    await expectAnswer(bulk.POST, { method: "POST", path: "/api/v1/projets/bulk", body: { projets: [badItem] } }, 400);
    await expectAnswer(projet.GET, { path: `/api/v1/projets/${id}`, key: tet, user: `${porteur.prenom} sans arobase`, params: { id } }, 400);
    await expectAnswer(effacement.POST, { method: "POST", path: "/api/v1/utilisateurs/effacement", body: { email: porteur.email } }, 200);
    await expectAnswer(effacement.POST, { method: "POST", path: "/api/v1/utilisateurs/effacement", body: { email: agent } }, 200);

    expect(lines.length).toBeGreaterThan(5);
    expectNoPersonalData(lines.join("\n"));
    expect(answers).toHaveLength(7);
    for (const answer of answers) expectNoPersonalData(JSON.stringify(answer));
  });
});

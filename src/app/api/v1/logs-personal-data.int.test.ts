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
    // pino JSON lines, each with the id of the request that wrote it (issue #16).
    for (const line of lines) expect(JSON.parse(line)).toMatchObject({ level: expect.any(String), msg: expect.any(String), requestId: expect.any(String) });
    expect(answers).toHaveLength(7);
    for (const answer of answers) expectNoPersonalData(JSON.stringify(answer));
  });

  it("tag every line of a request with its X-Request-Id (the caller's or a new one) and return it", async () => {
    lines.length = 0;
    const given = await call(projet.GET, { path: "/api/v1/projets/00000000-0000-4000-8000-000000000000", key: mec, params: { id: "00000000-0000-4000-8000-000000000000" }, headers: { "x-request-id": "req-abc.123" } });
    expect(given.status).toBe(404);
    expect(given.headers.get("x-request-id")).toBe("req-abc.123");
    expect(lines.map((l) => JSON.parse(l).requestId)).toEqual(["req-abc.123"]);
    // A header that is not a short token is not echoed into the logs: a new id replaces it.
    lines.length = 0;
    const smuggled = await call(projet.GET, { path: "/api/v1/projets/00000000-0000-4000-8000-000000000000", key: mec, params: { id: "00000000-0000-4000-8000-000000000000" }, headers: { "x-request-id": porteur.email } });
    const fresh = smuggled.headers.get("x-request-id")!;
    expect(fresh).toMatch(/^[0-9a-f-]{36}$/);
    expect(lines.map((l) => JSON.parse(l).requestId)).toEqual([fresh]);
    expectNoPersonalData(lines.join("\n"));
  });
});

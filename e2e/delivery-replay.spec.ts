// A receiver that fails, a delivery that ends `failed` after the (compressed) retry schedule, then
// a replay from the console once the receiver recovers: same log, new manual attempt, audit entry.
import http from "node:http";
import { expect, test } from "@playwright/test";
import { communs } from "./support/hub-cli";
import { checkAccessibility, loginAsOperator, screenshot } from "./support/console";

const receiverPort = Number(process.env.E2E_RECEIVER_PORT ?? 4320);
let receiver: http.Server;
let receiverStatus = 500;
const received: string[] = [];

test.beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      received.push(String(req.headers["webhook-id"] ?? ""));
      res.statusCode = receiverStatus;
      res.setHeader("content-type", "text/plain");
      res.end(receiverStatus === 200 ? "bien reçu" : "panne du récepteur");
    });
  });
  await new Promise<void>((resolve) => receiver.listen(receiverPort, "127.0.0.1", resolve));
});

test.afterAll(async () => {
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

// The second test continues from the first one's service and key: run them in order, and skip the
// second when the first fails.
test.describe.configure({ mode: "serial" });

let receiverServiceId = "";
let sourceKey = "";

test("une livraison en échec apparaît dans le journal, puis est rejouée après le retour du récepteur", async ({ page, request }) => {
  const target = communs("service:create", "--slug", "recepteur-e2e", "--nom", "Récepteur de test", "--webhook-url", `http://127.0.0.1:${receiverPort}/webhooks`);
  receiverServiceId = (target.service as { id: string }).id;
  const source = communs("service:create", "--slug", "source-e2e", "--nom", "Source de test");
  sourceKey = String(source.apiKey);
  const created = await request.post("/api/v1/projets", {
    headers: { authorization: `Bearer ${String(source.apiKey)}` },
    data: { externalId: "e2e-1", nom: "Rénovation de l'école communale", collectivites: [{ type: "Commune", code: "75056" }] },
  });
  expect(created.status()).toBe(201);
  const { id: projectId } = (await created.json()) as { id: string };

  await loginAsOperator(page, "admin@anct.gouv.fr");
  // Three attempts 200 ms apart, then `failed`.
  await expect(async () => {
    // Only this receiver: other specs leave failing receivers of their own in the same database.
    await page.goto(`/admin/livraisons?projectId=${projectId}&serviceId=${receiverServiceId}&state=failed`);
    await expect(page.getByRole("link", { name: /^n° \d+$/ })).toHaveCount(1, { timeout: 1000 });
  }).toPass({ timeout: 30_000 });
  expect(received.length).toBe(3);
  await screenshot(page, "livraisons-echec");

  await page.getByRole("link", { name: /^n° \d+$/ }).click();
  await expect(page.getByTestId("delivery-state")).toHaveText("En échec");
  await expect(page.getByTestId("attempt-row")).toHaveCount(3);
  await expect(page.getByTestId("attempt-row").first()).toContainText("500");
  await expect(page.getByTestId("attempt-row").first()).toContainText("panne du récepteur");

  receiverStatus = 200;
  await page.getByRole("button", { name: "Rejouer cette livraison" }).click();
  await expect(page.getByText("Nouvelle tentative terminée : livrée.")).toBeVisible();
  await expect(page.getByTestId("delivery-state")).toHaveText("Livrée");
  await expect(page.getByTestId("attempt-row")).toHaveCount(4);
  const last = page.getByTestId("attempt-row").last();
  await expect(last).toContainText("Manuel (rejeu)");
  await expect(last).toContainText("200");
  await expect(last).toContainText("bien reçu");
  // The same webhook-id on every attempt, replay included.
  expect(new Set(received).size).toBe(1);
  await checkAccessibility(page, "livraison");
  await screenshot(page, "livraison");

  await page.goto(`/admin/journal?action=delivery.replay&service=${receiverServiceId}`);
  await expect(page.getByTestId("audit-row")).toHaveCount(1);
  await expect(page.getByTestId("audit-row")).toContainText("admin@anct.gouv.fr");

  await page.goto(`/admin/projets/${projectId}`);
  await expect(page.getByRole("heading", { level: 1, name: "Rénovation de l'école communale" })).toBeVisible();
  await expect(page.getByText("Livrée").first()).toBeVisible();
  await checkAccessibility(page, "projet");
  await screenshot(page, "projet");

  // The dashboard counts it: the receiver has no failed delivery left.
  await page.goto("/admin");
  const row = page.getByRole("row").filter({ hasText: "Récepteur de test" });
  await expect(row).toBeVisible();
  await expect(row).not.toContainText("En échec");
  await checkAccessibility(page, "tableau-de-bord-activite");
  await screenshot(page, "tableau-de-bord");
});

test("rejoue toutes les livraisons en échec d'un filtre, avec la progression, puis renouvelle le secret et envoie un test", async ({ page, request }) => {
  receiverStatus = 500;
  for (const n of [2, 3]) {
    const created = await request.post("/api/v1/projets", {
      headers: { authorization: `Bearer ${sourceKey}` },
      data: { externalId: `e2e-${n}`, nom: `Projet de test n° ${n}`, collectivites: [{ type: "Commune", code: "69123" }] },
    });
    expect(created.status()).toBe(201);
  }
  await loginAsOperator(page, "admin@anct.gouv.fr");
  const failedList = `/admin/livraisons?serviceId=${receiverServiceId}&state=failed`;
  await expect(async () => {
    await page.goto(failedList);
    await expect(page.getByRole("link", { name: /^n° \d+$/ })).toHaveCount(2, { timeout: 1000 });
  }).toPass({ timeout: 30_000 });

  receiverStatus = 200;
  await page.getByRole("button", { name: "Rejouer toutes les livraisons en échec de ce filtre" }).click();
  await expect(page.getByTestId("replay-all-count")).toContainText("2 livraisons vont être renvoyées");
  await page.getByRole("button", { name: "Confirmer le renvoi" }).click();
  await expect(page.getByText("2 livraison(s) rejouée(s).")).toBeVisible({ timeout: 30_000 });
  await page.goto(failedList);
  await expect(page.getByText("Aucune livraison ne correspond à ce filtre.")).toBeVisible();
  await page.goto(`/admin/journal?action=deliveries.replay_failed&service=${receiverServiceId}`);
  await expect(page.getByTestId("audit-row")).toHaveCount(1);
  await expect(page.getByTestId("audit-row")).toContainText("livraisons renvoyées : (absent) → 2");

  await page.goto(`/admin/services/${receiverServiceId}`);
  await page.getByRole("button", { name: "Renouveler le secret" }).click();
  await page.getByTestId("confirm-rotate-secret-confirm").click(); // the modal says what happens first (issue #11)
  await expect(page.getByTestId("rotated-webhook-secret")).toHaveText(/^whsec_/);
  const before = received.length;
  await page.getByRole("button", { name: "Envoyer un événement de test" }).click();
  await expect(page.getByText(/Événement de test msg_\w+ mis en file/)).toBeVisible();
  await expect.poll(() => received.length, { timeout: 15_000 }).toBe(before + 1);
});

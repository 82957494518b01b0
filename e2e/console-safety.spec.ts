// Issue #11 ("Safety", "Truth", "Session"): a failing receiver shows on the dashboard and the
// services list; destructive actions ask first in a DSFR modal; the last admin cannot demote
// themselves; an expired session links back to the same page.
import http from "node:http";
import { expect, test, type Page } from "@playwright/test";
import { communs } from "./support/hub-cli";
import { checkAccessibility, loginAsOperator } from "./support/console";

// Extra server ports of this spec: E2E_SAFETY_RECEIVER_PORT, else one above the app's.
const receiverPort = Number(process.env.E2E_SAFETY_RECEIVER_PORT ?? Number(process.env.E2E_APP_PORT ?? 3310) + 100);
let receiver: http.Server;

test.beforeAll(async () => {
  // `/panne` always fails (500); `/parti` says the receiver is gone for good (410).
  receiver = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      res.statusCode = req.url?.startsWith("/parti") ? 410 : 500;
      res.end("indisponible");
    });
  });
  await new Promise<void>((resolve) => receiver.listen(receiverPort, "127.0.0.1", resolve));
});

test.afterAll(async () => {
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

// Several CLI runs and a loaded machine: more than the default minute per test.
test.describe.configure({ mode: "serial", timeout: 240_000 });

let failingServiceId = "";

/** Opens the confirmation modal of `trigger` and returns the open dialog. */
async function openModal(page: Page, trigger: string | RegExp) {
  await page.getByRole("button", { name: trigger }).first().click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toBeVisible();
  return dialog;
}

test("le tableau de bord montre d'abord les webhooks en échec ou désactivés, et compte les tentatives échouées", async ({ page, request }) => {
  const failing = communs("service:create", "--slug", "panne-e2e", "--nom", "Service en panne", "--webhook-url", `http://127.0.0.1:${receiverPort}/panne`);
  failingServiceId = (failing.service as { id: string }).id;
  communs("service:create", "--slug", "parti-e2e", "--nom", "Service parti", "--webhook-url", `http://127.0.0.1:${receiverPort}/parti`);
  const source = communs("service:create", "--slug", "source-securite-e2e", "--nom", "Source sécurité");
  const created = await request.post("/api/v1/projets", {
    headers: { authorization: `Bearer ${String(source.apiKey)}` },
    data: { externalId: "securite-1", nom: "Maison de santé", collectivites: [{ type: "Commune", code: "69123" }] },
  });
  expect(created.status()).toBe(201);

  await loginAsOperator(page, "admin@anct.gouv.fr");
  const attention = page.getByTestId("attention-list");
  await expect(async () => {
    await page.goto("/admin");
    await expect(attention.getByRole("listitem").filter({ hasText: "Service en panne" })).toContainText("En échec depuis le", { timeout: 1000 });
    await expect(attention.getByRole("listitem").filter({ hasText: "Service parti" })).toContainText("Désactivé automatiquement (410)", { timeout: 1000 });
  }).toPass({ timeout: 30_000 });
  // At least these two (other specs leave failing receivers of their own in the same database).
  await expect(page.getByRole("heading", { name: /^\d+ services demandent votre attention$/ })).toBeVisible();
  // Every attempt failed: the rate says so (it used to read 100 % while retries were pending).
  await expect(page.getByText(/^0 %$/)).toBeVisible();
  await expect(page.getByText(/tentatives acceptées : 0 sur \d+/)).toBeVisible();
  // Services needing attention come first in the health table.
  // (Other specs leave failing receivers of their own: the two of this test are among the first group.)
  const rows = await page.getByTestId("service-health").locator("tbody tr").allTextContents();
  const needsAttention = rows.map((text) => /En échec|Désactivé/.test(text));
  const firstHealthy = needsAttention.indexOf(false);
  const attentionGroup = firstHealthy === -1 ? rows : rows.slice(0, firstHealthy);
  expect(needsAttention.slice(firstHealthy === -1 ? rows.length : firstHealthy)).not.toContain(true);
  expect(attentionGroup.some((text) => text.includes("Service en panne"))).toBe(true);
  expect(attentionGroup.some((text) => text.includes("Service parti"))).toBe(true);
  await checkAccessibility(page, "tableau-de-bord-alertes");

  await page.goto("/admin/services");
  await expect(page.getByRole("row", { name: /Service en panne/ })).toContainText("En échec depuis le");
  await expect(page.getByRole("row", { name: /Service parti/ })).toContainText("Désactivé automatiquement (410)");
  await checkAccessibility(page, "services-etat-webhooks");
});

test("désactiver un webhook, renouveler un secret ou désactiver un service demande confirmation dans une fenêtre", async ({ page }) => {
  await loginAsOperator(page, "admin@anct.gouv.fr");
  await page.goto(`/admin/services/${failingServiceId}`);

  let dialog = await openModal(page, "Désactiver le webhook");
  await expect(dialog).toContainText("Désactiver le webhook ?");
  await expect(dialog).toContainText(/rien n'est perdu/);
  await checkAccessibility(page, "confirmation-desactiver-webhook");
  await dialog.getByRole("button", { name: "Annuler" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId("endpoint-state")).toContainText("En échec depuis le");

  dialog = await openModal(page, "Désactiver le webhook");
  await page.getByTestId("confirm-disable-webhook-confirm").click();
  await expect(page.getByTestId("endpoint-state")).toContainText("par un administrateur");

  dialog = await openModal(page, "Renouveler le secret");
  await expect(dialog).toContainText("24 heures");
  await page.getByTestId("confirm-rotate-secret-confirm").click();
  await expect(page.getByTestId("rotated-webhook-secret")).toHaveText(/^whsec_/);

  dialog = await openModal(page, "Désactiver le service");
  await expect(dialog).toContainText("Sa clé d'API active sera refusée");
  await page.getByTestId("confirm-disable-service-confirm").click();
  await expect(page.getByText("Service désactivé", { exact: true })).toBeVisible();
});

test("le dernier administrateur ne peut pas se rétrograder ; désactiver un opérateur demande confirmation", async ({ page }) => {
  await loginAsOperator(page, "admin@anct.gouv.fr");
  await page.goto("/admin/operateurs");
  // Logged in above: the last-login column shows it.
  await expect(page.getByRole("row", { name: /admin@anct\.gouv\.fr/ })).not.toContainText("jamais");

  await page.getByLabel("Adresse électronique ProConnect").fill("admin@anct.gouv.fr");
  await page.getByLabel("Rôle").selectOption("lecteur");
  await page.getByRole("button", { name: "Enregistrer l'opérateur" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText("Renoncer à vos droits d'administrateur ?");
  await checkAccessibility(page, "confirmation-retrogradation");
  await page.getByTestId("confirm-self-demotion-confirm").click();
  await expect(page.getByText(/dernier administrateur actif/)).toBeVisible();
  await page.reload();
  await expect(page.getByRole("row", { name: /admin@anct\.gouv\.fr/ })).toContainText("Administrateur");

  // An operator of this test's own: the fixture lecteur must stay active for the later specs.
  communs("operator:add", "--email", "partant@anct.gouv.fr", "--role", "lecteur");
  await page.reload();
  const leavingRow = page.getByRole("row", { name: /partant@anct\.gouv\.fr/ });
  await leavingRow.getByRole("button", { name: /Désactiver/ }).click();
  const confirm = page.getByRole("dialog");
  await expect(confirm).toContainText("partant@anct.gouv.fr ne pourra plus se connecter");
  await confirm.getByRole("button", { name: "Désactiver l'opérateur" }).click();
  await expect(leavingRow).toContainText("Désactivé");
  await checkAccessibility(page, "operateurs-derniere-connexion");
});

test("« Session absente ou expirée » propose de se reconnecter et ramène à la même page", async ({ page, context }) => {
  await loginAsOperator(page, "admin@anct.gouv.fr");
  const servicePage = `/admin/services/${failingServiceId}`;
  await page.goto(servicePage);
  await context.clearCookies();
  await page.getByRole("button", { name: "Envoyer un événement de test" }).click();
  await expect(page.getByText("Session absente ou expirée")).toBeVisible();
  await page.getByTestId("relogin-link").click();
  await expect(page).toHaveURL(/\/admin\/connexion\?retour=/);
  await page.getByRole("button", { name: /S’identifier avec ProConnect|S'identifier avec ProConnect/ }).click();
  await page.getByLabel("Adresse électronique professionnelle").fill("admin@anct.gouv.fr");
  await page.getByRole("button", { name: "Se connecter" }).click();
  await expect(page).toHaveURL(new RegExp(`${servicePage}$`));
  await expect(page.getByRole("heading", { level: 1, name: "Service en panne" })).toBeVisible();

  // A page loaded once the session has ended goes to the login, which comes back to that page.
  await context.clearCookies();
  await page.goto(`${servicePage}?vue=retour`);
  await expect(page).toHaveURL(/\/admin\/connexion\?retour=%2Fadmin%2Fservices%2F[^&]+%3Fvue%3Dretour$/);
  await page.getByRole("button", { name: /S’identifier avec ProConnect|S'identifier avec ProConnect/ }).click();
  await page.getByLabel("Adresse électronique professionnelle").fill("admin@anct.gouv.fr");
  await page.getByRole("button", { name: "Se connecter" }).click();
  await expect(page).toHaveURL(new RegExp(`${servicePage}\\?vue=retour$`));
  await expect(page.getByRole("heading", { level: 1, name: "Service en panne" })).toBeVisible();
});

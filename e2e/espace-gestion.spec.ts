// The agents' space with `gestion` (issue #12): an admin grants an agent in the console ("Agents du
// service"), the agent logs in through the ProConnect stand-in, sees only their service, sets their
// webhook URL (loopback only), rotates the secret (after a confirmation), creates and revokes an API
// key, searches their projects; sees a failed delivery to their webhook and replays it once their
// receiver recovers (after a confirmation stating the count), reads its payload, sets a technical
// contact; axe on every page of the space. The admin then finds the agent's actions in the audit
// log, filtered by service, and withdraws the agent's access (after a confirmation).
import http from "node:http";
import { expect, test } from "@playwright/test";
import { checkAccessibility, login, loginAsOperator, screenshot } from "./support/console";

const agentEmail = "gestionnaire@aides-territoires.exemple.fr";
const extraPort = Number(process.env.E2E_EXTRA_PORT ?? 3470);

// Three page loads with axe each on a shared 2-core machine: more than the default minute.
test.describe.configure({ mode: "serial", timeout: 180_000 });

test.describe("espace des services connectés : gestion", () => {
  test("un administrateur donne accès à un agent depuis la console", async ({ page }) => {
    await loginAsOperator(page, "admin@anct.gouv.fr");
    await page.goto("/admin/services");
    await page.getByRole("link", { name: "Aides-territoires" }).click();
    await expect(page.getByRole("heading", { level: 2, name: "Agents du service" })).toBeVisible();
    await page.getByLabel("Adresse électronique ProConnect de l'agent").fill(agentEmail);
    await page.getByLabel("Niveau d'accès").selectOption("gestion");
    await page.getByRole("button", { name: "Enregistrer l'agent" }).click();
    await expect(page.getByTestId("service-agents")).toContainText(agentEmail);
    await expect(page.getByTestId("service-agents")).toContainText("Gestion");
    await checkAccessibility(page, "console-agents-du-service");
  });

  test("l'agent règle son webhook, renouvelle le secret, crée puis révoque une clé", async ({ page }) => {
    await login(page, agentEmail);
    await expect(page).toHaveURL(/\/espace$/);
    await expect(page.getByTestId("espace-service")).toHaveCount(1);
    await expect(page.getByRole("heading", { level: 2, name: "Aides-territoires" })).toBeVisible();
    await expect(page.getByTestId("curl-aides-territoires")).toContainText("Authorization: Bearer $CLE_API");
    await checkAccessibility(page, "espace-gestion-accueil");

    await page.getByRole("link", { name: "Réglages de Aides-territoires" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Réglages de Aides-territoires" })).toBeVisible();
    await page.getByLabel("URL du webhook").fill(`http://127.0.0.1:${extraPort}/webhooks`);
    await page.getByRole("button", { name: "Enregistrer l'URL" }).click();
    await expect(page.getByRole("status").filter({ hasText: /secret|URL du webhook enregistrée/i }).first()).toBeVisible();
    await expect(page.getByRole("button", { name: "Renouveler le secret" })).toBeVisible();

    // Rotating asks first, in the console's DSFR modal.
    await page.getByRole("button", { name: "Renouveler le secret" }).first().click();
    const dialog = page.getByRole("dialog");
    await expect(dialog).toContainText("24 heures");
    await dialog.getByTestId("confirm-rotate-secret-confirm").click();
    await expect(dialog).toBeHidden();
    await expect(page.getByTestId("rotated-webhook-secret")).toHaveText(/^whsec_/);
    // Disabling asks first too; re-enabling does not.
    await page.getByRole("button", { name: "Désactiver le webhook" }).first().click();
    await expect(dialog).toContainText("rien n'est perdu");
    await dialog.getByTestId("confirm-disable-webhook-confirm").click();
    await page.getByRole("button", { name: "Réactiver le webhook" }).click();
    await expect(page.getByRole("button", { name: "Désactiver le webhook" })).toBeVisible();

    await page.getByRole("button", { name: "Créer une clé d'API" }).click();
    const key = (await page.getByTestId("created-api-key").textContent()) ?? "";
    expect(key).toMatch(/^lc_/);
    await checkAccessibility(page, "espace-gestion-reglages");
    await screenshot(page, "espace-reglages");
    // The key works, then is revoked from the space.
    expect((await page.request.get("/api/v1/statuts", { headers: { authorization: `Bearer ${key}` } })).status()).toBe(200);
    const revokeButtons = page.getByRole("button", { name: /Révoquer la clé/ });
    const count = await revokeButtons.count();
    // Revoke the key just created (its row names its prefix).
    const created = page.locator("tr").filter({ has: page.locator("code", { hasText: await keyPrefix(page, key) }) });
    await created.getByRole("button", { name: /Révoquer/ }).click();
    await created.getByRole("button", { name: /Confirmer la révocation/ }).click();
    await expect(created).toContainText("Révoquée");
    await expect(page.getByRole("button", { name: /Révoquer la clé/ })).toHaveCount(count - 1);
    expect((await page.request.get("/api/v1/statuts", { headers: { authorization: `Bearer ${key}` } })).status()).toBe(401);

    await page.goto("/espace");
    await page.getByRole("link", { name: "Projets de Aides-territoires" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Projets de Aides-territoires" })).toBeVisible();
    await checkAccessibility(page, "espace-gestion-projets");

    // The console is not theirs; a forged call for another service gets 403 and no data.
    const forged = await page.request.post("/api/trpc/espace.createKey", {
      headers: { "content-type": "application/json", origin: new URL(page.url()).origin },
      data: { serviceId: "00000000-0000-4000-8000-000000000000" },
    });
    expect(forged.status()).toBe(403);
    expect(JSON.stringify(await forged.json())).not.toContain("lc_");
  });

  test("l'agent voit une livraison en échec, la rejoue après le retour de son récepteur, et règle ses contacts techniques", async ({ page }) => {
    // The agent's receiver, at the URL they set above: down first, then back.
    let status = 500;
    const received: string[] = [];
    const receiver = http.createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        received.push(String(req.headers["webhook-id"] ?? ""));
        res.statusCode = status;
        res.end(status === 200 ? "bien reçu" : "panne du récepteur");
      });
    });
    await new Promise<void>((resolve) => receiver.listen(extraPort, "127.0.0.1", resolve));
    try {
      await login(page, agentEmail);
      // The login's redirects end on /espace: click only once they have.
      await expect(page).toHaveURL(/\/espace$/);
      await page.getByRole("link", { name: "Réglages de Aides-territoires" }).click();
      await expect(page.getByRole("heading", { level: 1, name: "Réglages de Aides-territoires" })).toBeVisible();
      await page.getByRole("button", { name: "Envoyer un événement de test" }).click();
      await expect(page.getByText(/Événement de test msg_\w+ mis en file/)).toBeVisible();

      await page.goto("/espace");
      await page.getByRole("link", { name: "Livraisons à Aides-territoires" }).click();
      await expect(page.getByRole("heading", { level: 1, name: "Livraisons à Aides-territoires" })).toBeVisible();
      await expect(page.getByLabel("Service destinataire")).toHaveCount(0); // always their own service
      const failedList = `${new URL(page.url()).pathname}?eventType=test.ping&state=failed`;
      // Three attempts 200 ms apart (the e2e retry schedule), then `failed`.
      await expect(async () => {
        await page.goto(failedList);
        await expect(page.getByRole("link", { name: /^n° \d+$/ })).toHaveCount(1, { timeout: 1000 });
      }).toPass({ timeout: 30_000 });
      expect(received.length).toBe(3);
      await checkAccessibility(page, "espace-livraisons");

      status = 200;
      await page.getByRole("button", { name: "Rejouer toutes les livraisons en échec de ce filtre" }).click();
      await expect(page.getByTestId("replay-all-count")).toContainText("1 livraison va être renvoyée");
      await page.getByTestId("espace-replay-failed-confirm").click();
      await expect(page.getByText("1 livraison(s) remise(s) en file")).toBeVisible();
      await expect(async () => {
        await page.goto(failedList);
        await expect(page.getByText("Aucune livraison ne correspond à ce filtre.")).toBeVisible({ timeout: 1000 });
      }).toPass({ timeout: 30_000 });
      // The same webhook-id on every attempt, replay included.
      expect(new Set(received).size).toBe(1);

      await page.goto(failedList.replace("state=failed", "state=delivered"));
      await page.getByRole("link", { name: /^n° \d+$/ }).click();
      await expect(page.getByTestId("delivery-state")).toHaveText("Livrée");
      await expect(page.getByTestId("attempt-row")).toHaveCount(4);
      await expect(page.getByTestId("attempt-row").last()).toContainText("bien reçu");
      await page.getByRole("button", { name: "Afficher le contenu envoyé" }).click();
      await expect(page.getByTestId("payload-header-webhook-id")).toContainText(received[0]!);
      await expect(page.getByTestId("payload-body")).toContainText("test.ping");
      await checkAccessibility(page, "espace-livraison");
      await screenshot(page, "espace-livraison");

      // The integration's health charts the service's own deliveries of the last 14 days.
      await page.goto("/espace");
      await expect(page.getByText("Livraisons à ce service sur 14 jours")).toBeVisible();
      await page.getByText("Voir les chiffres par jour").click();
      const today = page.getByRole("table", { name: "Livraisons par jour" }).locator("tbody tr").last();
      await expect(today.locator("td").nth(1)).not.toHaveText("0");
      await checkAccessibility(page, "espace-sante");

      await page.getByRole("link", { name: "Contacts techniques de Aides-territoires" }).click();
      await expect(page.getByRole("heading", { level: 1, name: "Contacts techniques de Aides-territoires" })).toBeVisible();
      await page.getByLabel("Ajouter un contact technique").fill("astreinte@aides-territoires.exemple.fr");
      await page.getByRole("button", { name: "Ajouter le contact" }).click();
      await expect(page.getByTestId("espace-contacts")).toContainText("astreinte@aides-territoires.exemple.fr");
      await checkAccessibility(page, "espace-contacts");
    } finally {
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
    }
  });

  test("l'administrateur retrouve les actions de l'agent dans le journal, filtré par service", async ({ page }) => {
    await loginAsOperator(page, "admin@anct.gouv.fr");
    await page.goto("/admin/journal");
    // The journal names services and actions in French (issue #11).
    await page.getByLabel("Service concerné").selectOption({ label: "Aides-territoires" });
    await page.getByRole("button", { name: "Filtrer" }).click();
    await expect(page.getByTestId("audit-row").filter({ hasText: "Rotation du secret de webhook" }).first()).toContainText("Agent de service");
    await expect(page.getByTestId("audit-row").filter({ hasText: "Révocation d'une clé d'API" }).first()).toBeVisible();
    await expect(page.getByTestId("audit-row").filter({ hasText: "Renvoi des livraisons en échec" }).first()).toContainText("Agent de service");
    await expect(page.getByTestId("audit-row").filter({ hasText: "Modification des contacts techniques" }).first()).toContainText("Agent de service");
    await expect(page.locator("main")).not.toContainText(agentEmail);

    // Withdrawing the agent's access asks first, naming the agent.
    await page.goto("/admin/services");
    await page.getByRole("link", { name: "Aides-territoires" }).click();
    await page.getByRole("button", { name: `Retirer l'accès de ${agentEmail}` }).click();
    const dialog = page.getByRole("dialog");
    await expect(dialog).toContainText(agentEmail);
    await dialog.getByRole("button", { name: "Retirer l'accès" }).click();
    await expect(page.getByTestId("service-agents")).not.toContainText(agentEmail);
  });
});

/** The visible prefix of a key, as the keys table shows it. */
async function keyPrefix(page: import("@playwright/test").Page, key: string): Promise<string> {
  const codes = await page.getByTestId("espace-keys").locator("code").allTextContents();
  const match = codes.find((c) => key.startsWith(c));
  expect(match, "la clé créée figure dans le tableau par son préfixe").toBeTruthy();
  return match!;
}

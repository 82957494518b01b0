import { expect, test } from "@playwright/test";
import { checkAccessibility, loginAsOperator, screenshot } from "./support/console";

test.describe("console administrateur", () => {
  test.beforeEach(async ({ page }) => {
    await loginAsOperator(page, "admin@anct.gouv.fr");
  });

  test("crée un service et sa clé d'API, affichée une seule fois, puis la révoque", async ({ page }) => {
    await page.goto("/admin/services");
    await page.getByLabel("Identifiant (slug)").fill("carto-projets");
    await page.getByLabel("Nom", { exact: true }).fill("Carto des projets");
    await page.getByRole("button", { name: "Créer le service" }).click();
    const key = await page.getByTestId("created-api-key").textContent();
    expect(key).toMatch(/^lc_test_/);
    await screenshot(page, "services");
    await page.getByRole("link", { name: "Carto des projets" }).first().click();
    await expect(page.getByRole("heading", { level: 1, name: "Carto des projets" })).toBeVisible();
    // Shown once: the service page lists the prefix, never the key.
    await expect(page.getByText(key!)).toHaveCount(0);
    expect(await page.content()).not.toContain(key!);

    await page.getByRole("button", { name: "Créer une clé d'API" }).click();
    const second = await page.getByTestId("created-api-key").textContent();
    expect(second).toMatch(/^lc_test_/);
    expect(second).not.toBe(key);
    await page.reload();
    expect(await page.content()).not.toContain(second!);
    await expect(page.getByText("Active", { exact: true })).toHaveCount(2);
    await page.getByRole("button", { name: /^Révoquer/ }).first().click();
    await page.getByRole("button", { name: /^Confirmer la révocation/ }).click();
    await expect(page.getByText("Révoquée", { exact: true })).toHaveCount(1);
    // The newest key was revoked: it fails on the next call, the first one still works.
    const withKey = (k: string) => page.request.get("/api/v1/statuts", { headers: { authorization: `Bearer ${k}` } });
    expect((await withKey(second!)).status()).toBe(401);
    expect((await withKey(key!)).status()).toBe(200);
    await checkAccessibility(page, "service");
    await screenshot(page, "service");

    await page.goto("/admin/journal");
    await expect(page.getByRole("cell", { name: "Révocation d'une clé d'API" }).first()).toBeVisible();
  });

  test("modifie une correspondance de statut et choisit un libellé par défaut", async ({ page }) => {
    await page.goto("/admin/services");
    await page.getByRole("link", { name: "Aides-territoires" }).first().click();
    await page.getByRole("link", { name: "Correspondances de statuts" }).click();
    await expect(page.getByText("Libellé par défaut manquant")).toBeVisible();
    await expect(page.getByText(/FAISABILITE/).first()).toBeVisible();
    await checkAccessibility(page, "correspondances");
    await screenshot(page, "correspondances");

    await page.getByLabel("Libellé propre au service").fill("Étude d'opportunité");
    await page.getByLabel("Statut générique", { exact: true }).selectOption("FAISABILITE");
    await page.getByText("Libellé par défaut pour ce statut générique").click();
    await page.getByRole("button", { name: "Enregistrer la correspondance" }).click();
    await expect(page.getByText("Correspondance « Étude d'opportunité » → FAISABILITE enregistrée.")).toBeVisible();
    const row = page.getByRole("row").filter({ hasText: "FAISABILITE" });
    await expect(row).toContainText("Étude d'opportunité");
    await expect(row).toContainText("Par défaut");

    await page.goto("/admin/journal");
    await expect(page.getByRole("cell", { name: "Correspondance de statut enregistrée" }).first()).toBeVisible();
  });

  test("chaque écran respecte l'accessibilité (axe : aucune violation grave)", async ({ page }) => {
    test.setTimeout(180_000);
    const screens: [string, string, string][] = [
      ["/admin", "Tableau de bord", "tableau-de-bord"],
      ["/admin/services", "Services connectés", "services-liste"],
      ["/admin/livraisons", "Livraisons", "livraisons"],
      ["/admin/projets", "Projets", "projets"],
      ["/admin/journal", "Journal d'audit", "journal"],
      ["/admin/operateurs", "Opérateurs", "operateurs"],
    ];
    for (const [url, title, name] of screens) {
      await page.goto(url);
      await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();
      await checkAccessibility(page, name);
      await screenshot(page, name);
    }
  });
});

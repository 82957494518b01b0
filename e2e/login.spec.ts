import { expect, test } from "@playwright/test";
import { checkAccessibility, login, loginAsOperator, screenshot } from "./support/console";

test.describe("connexion ProConnect à /admin", () => {
  test("la console exige une session", async ({ page }) => {
    await page.goto("/admin/livraisons");
    // The login will come back to the page asked for (issue #11).
    await expect(page).toHaveURL(/\/admin\/connexion\?retour=%2Fadmin%2Flivraisons$/);
    await expect(page.getByRole("heading", { level: 1, name: "Console des opérateurs" })).toBeVisible();
    await checkAccessibility(page, "connexion");
    await screenshot(page, "connexion");
  });

  test("un administrateur se connecte puis se déconnecte (ProConnect compris)", async ({ page, context }) => {
    await loginAsOperator(page, "admin@anct.gouv.fr");
    await expect(page).toHaveURL(/\/admin$/);
    await expect(page.getByRole("heading", { level: 1, name: "Tableau de bord" })).toBeVisible();

    const session = (await context.cookies()).find((c) => c.name === "next-auth.session-token");
    expect(session).toBeDefined();
    expect(session!.httpOnly).toBe(true);
    expect(session!.sameSite).toBe("Lax");
    // 30 minutes of inactivity at most.
    expect(session!.expires * 1000 - Date.now()).toBeLessThanOrEqual(30 * 60 * 1000 + 5000);

    await page.getByRole("button", { name: "Se déconnecter" }).click();
    await expect(page).toHaveURL(/\/admin\/deconnexion\?/);
    await expect(page.getByText("Vous êtes déconnecté")).toBeVisible();
    expect((await context.cookies()).find((c) => c.name === "next-auth.session-token")).toBeUndefined();

    await page.goto("/admin");
    await expect(page).toHaveURL(/\/admin\/connexion$/);
    // The ProConnect session ended too: the next login asks again.
    await page.getByRole("button", { name: /S’identifier avec ProConnect|S'identifier avec ProConnect/ }).click();
    await expect(page.getByLabel("Adresse électronique professionnelle")).toBeVisible();
  });

  test("un agent qui n'est pas opérateur est refusé, sans session", async ({ page, context }) => {
    await login(page, "agent@exemple.gouv.fr");
    await expect(page).toHaveURL(/\/admin\/acces-refuse/);
    await expect(page.getByText("vous n'êtes pas enregistré comme opérateur")).toBeVisible();
    expect((await context.cookies()).find((c) => c.name === "next-auth.session-token")).toBeUndefined();
    await checkAccessibility(page, "acces-refuse");
    await screenshot(page, "acces-refuse");
    await page.goto("/admin");
    await expect(page).toHaveURL(/\/admin\/connexion$/);
  });

  test("un niveau d'authentification non accepté est refusé", async ({ page, context }) => {
    await login(page, "admin@anct.gouv.fr", { acr: "eidas0" });
    await expect(page).toHaveURL(/\/admin\/acces-refuse\?motif=niveau_insuffisant/);
    expect((await context.cookies()).find((c) => c.name === "next-auth.session-token")).toBeUndefined();
  });
});

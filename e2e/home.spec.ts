import { expect, test } from "@playwright/test";
import { checkAccessibility, screenshot } from "./support/console";

test.describe("page d'accueil /", () => {
  test("s'affiche avec le DSFR : en-tête, police Marianne, JS du DSFR démarré", async ({ page }) => {
    const failures: string[] = [];
    page.on("response", (r) => {
      if (r.status() >= 400) failures.push(`${r.status()} ${r.url()}`);
    });
    await page.goto("/");
    await expect(page.getByRole("banner")).toContainText("Les Communs");
    await expect(page.getByRole("heading", { level: 1, name: "Les Communs" })).toBeVisible();
    await expect(page.locator("html")).toHaveAttribute("data-fr-js", "true");
    await page.evaluate(() => document.fonts.ready);
    expect(await page.evaluate(() => document.fonts.check('16px "Marianne"'))).toBe(true);
    expect(await page.evaluate(() => getComputedStyle(document.body).fontFamily)).toContain("Marianne");
    expect(failures).toEqual([]);
    await checkAccessibility(page, "accueil");
    await screenshot(page, "accueil");
  });
});

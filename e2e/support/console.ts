import { expect, type Page } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import fs from "node:fs";
import path from "node:path";

/** Logs in through the ProConnect stand-in's form. */
export async function login(page: Page, email: string, options: { acr?: string } = {}) {
  await page.goto("/admin/connexion");
  await page.getByRole("button", { name: /S’identifier avec ProConnect|S'identifier avec ProConnect/ }).click();
  await expect(page.getByRole("heading", { name: "ProConnect — simulateur local" })).toBeVisible();
  await page.getByLabel("Adresse électronique professionnelle").fill(email);
  if (options.acr) await page.getByLabel("Niveau d'authentification (acr)").selectOption(options.acr);
  await page.getByRole("button", { name: "Se connecter" }).click();
}

export async function loginAsOperator(page: Page, email: string) {
  await login(page, email);
  await expect(page.getByTestId("operator-identity")).toContainText(email);
}

/** WCAG 2.0, 2.1 and 2.2 levels A and AA, plus axe's best practices (issue #11: WCAG 2.2 AA on every screen). */
export const axeTags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice"];

type AxeFinding = { page: string; id: string; impact: string | null | undefined; nodes: number; help: string };

/** Runs axe on the current page: no serious or critical violation; every finding is kept for the report. */
export async function checkAccessibility(page: Page, name: string) {
  // The DSFR's script completes the ARIA of its components (the header's menu modal) once started:
  // analysing before that reports what the user never sees (seen once: aria-prohibited-attr on
  // #header-menu-modal-fr-header). A page without the DSFR's script is still analysed after 5 s.
  await page.waitForFunction(() => document.documentElement.getAttribute("data-fr-js") === "true", null, { timeout: 5000 }).catch(() => {});
  const results = await new AxeBuilder({ page }).withTags(axeTags).analyze();
  const findings: AxeFinding[] = results.violations.map((v) => ({ page: name, id: v.id, impact: v.impact, nodes: v.nodes.length, help: v.help }));
  const dir = path.join("test-results", "axe");
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, `${name}.json`), JSON.stringify(findings, null, 2));
  const blocking = results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(" ")).slice(0, 5) }));
  expect(blocking, `violations graves sur ${name}`).toEqual([]);
}

export async function screenshot(page: Page, name: string) {
  await page.screenshot({ path: path.join("docs", "screenshots", `${name}.png`), fullPage: true });
}

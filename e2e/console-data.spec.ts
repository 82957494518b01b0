// The console's data screens (issue #11): projects (linked services, French statuses, search without
// accents, filters, full detail), status mappings (delete with a move, look-alike warning, visible
// change of default) and the audit log (French actions, named targets, readable changes, filters,
// 1280 px). axe on each screen.
import { expect, test, type Page } from "@playwright/test";
import { communs } from "./support/hub-cli";
import { checkAccessibility, loginAsOperator, screenshot } from "./support/console";

// Pages render slowly on a shared machine (first compile of each route): generous per-test time.
test.describe.configure({ mode: "serial", timeout: 180_000 });

const suffix = Date.now().toString(36);
const projectName = `Réhabilitation des ÉCOLES ${suffix}`;
let projectId = "";

async function tetMappingsPage(page: Page) {
  await page.goto("/admin/services");
  await page.getByRole("link", { name: "Territoires en Transitions" }).first().click();
  await page.getByRole("link", { name: "Correspondances de statuts" }).click();
  await expect(page.getByRole("heading", { level: 1, name: /Correspondances de statuts/ })).toBeVisible();
}

test.beforeAll(async ({ request }) => {
  const { apiKey } = communs("key:create", "--service", "tet");
  const created = await request.post("/api/v1/projets", {
    headers: { authorization: `Bearer ${String(apiKey)}` },
    data: {
      externalId: `data-${suffix}`,
      nom: projectName,
      statut: "En pause",
      description: "Toitures et chauffage des groupes scolaires",
      budgetPrevisionnel: 250000,
      dateDebutPrevisionnelle: "2027-03-15",
      collectivites: [{ type: "Commune", code: "69123" }],
    },
  });
  expect(created.status()).toBe(201);
  projectId = ((await created.json()) as { id: string }).id;
});

test.beforeEach(async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await loginAsOperator(page, "admin@anct.gouv.fr");
});

test("projets : recherche sans accents, services liés, statut en clair, filtres et fiche complète", async ({ page }) => {
  await page.goto("/admin/projets");
  await page.getByLabel("Nom ou identifiant").fill(`ecoles ${suffix}`);
  await page.getByRole("button", { name: "Rechercher" }).click();
  const row = page.getByRole("row").filter({ hasText: projectName });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText("Territoires en Transitions");
  await expect(row).toContainText("Impacté (en retard, en pause, bloqué)");
  await expect(row).not.toContainText("IMPACTE");
  await checkAccessibility(page, "projets-recherche");
  await screenshot(page, "projets-recherche");

  await page.getByLabel("Service lié").selectOption({ label: "Territoires en Transitions" });
  await page.getByLabel("Statut").selectOption({ label: "Impacté (en retard, en pause, bloqué)" });
  await page.getByLabel("Collectivité").fill("69123");
  await page.getByRole("button", { name: "Rechercher" }).click();
  await expect(page.getByRole("row").filter({ hasText: projectName })).toHaveCount(1);
  await page.getByLabel("Collectivité").fill("75056");
  await page.getByRole("button", { name: "Rechercher" }).click();
  await expect(page.getByText("Aucun projet trouvé.")).toBeVisible();
  await page.getByLabel("Collectivité").fill("Lyon");
  await page.getByRole("button", { name: "Rechercher" }).click();
  await expect(page.getByRole("heading", { name: "Recherche invalide" })).toBeVisible();
  await expect(page.getByText(/Collectivité : code INSEE de commune/)).toBeVisible();
  await checkAccessibility(page, "projets-filtre-invalide");

  await page.goto(`/admin/projets/${projectId}`);
  await expect(page.getByRole("heading", { level: 1, name: projectName })).toBeVisible();
  await expect(page.getByText("Toitures et chauffage des groupes scolaires")).toBeVisible();
  await expect(page.getByText("250 000 €")).toBeVisible();
  await expect(page.getByText("15 mars 2027")).toBeVisible();
  await expect(page.getByText(/Commune Lyon \(69123\) — département : Rhône \(69\) — Métropole de Lyon/)).toBeVisible();
  await expect(page.getByText("Création — version 1", { exact: false })).toBeVisible();
  await checkAccessibility(page, "projet-fiche");
  await screenshot(page, "projet-fiche");
});

test("correspondances : suppression refusée sans déplacement, libellé voisin signalé, défaut changé visiblement", async ({ page }) => {
  await tetMappingsPage(page);
  // A used label offers only "move and delete", to a label of the same generic status.
  await expect(page.getByRole("button", { name: "Supprimer « En pause »", exact: true })).toHaveCount(0);
  const enPause = page.getByRole("listitem").filter({ has: page.getByRole("button", { name: "Déplacer et supprimer « En pause »" }) });
  await enPause.getByLabel(/^Déplacer (son projet|ses projets) vers/).selectOption("Bloqué");
  await page.getByRole("button", { name: "Déplacer et supprimer « En pause »" }).click();
  await expect(page.getByRole("button", { name: "Déplacer et supprimer « En pause »" })).toHaveCount(0);
  await expect(page.getByRole("row").filter({ hasText: "IMPACTE" })).not.toContainText("En pause");

  await page.getByLabel("Libellé propre au service").fill("BLOQUE");
  await expect(page.getByText("Ce libellé ne diffère du libellé existant « Bloqué » que par la casse ou les accents")).toBeVisible();
  await expect(page.getByRole("button", { name: "Enregistrer la correspondance" })).toBeDisabled();
  await checkAccessibility(page, "correspondances-suppression");

  await page.getByRole("button", { name: "Choisir par défaut : Bloqué (à la place de En retard)" }).click();
  await expect(page.getByRole("heading", { name: "Libellé par défaut changé" })).toBeVisible();
  await expect(page.getByText("« En retard » n'est plus le libellé par défaut de « Impacté (en retard, en pause, bloqué) » : c'est désormais « Bloqué ».")).toBeVisible();
  await checkAccessibility(page, "correspondances-defaut");
  await screenshot(page, "correspondances-defaut");

  await page.goto(`/admin/projets/${projectId}`);
  await expect(page.getByRole("row").filter({ hasText: "Territoires en Transitions" })).toContainText("Bloqué");
});

test("journal : actions en français, cibles nommées, modifications lisibles, filtres, 1280 px", async ({ page }) => {
  await page.goto("/admin/journal");
  await page.getByLabel("Action").selectOption({ label: "Suppression d'un libellé de statut" });
  await page.getByLabel("Service concerné").selectOption({ label: "Territoires en Transitions" });
  await page.getByRole("button", { name: "Filtrer" }).click();
  const row = page.getByTestId("audit-row");
  await expect(row).toHaveCount(1);
  await expect(row).toContainText("Suppression d'un libellé de statut");
  await expect(row).toContainText("Service : Territoires en Transitions");
  await expect(row).toContainText("projets déplacés vers : (absent) → Bloqué");
  await expect(row).toContainText("libellé : En pause → (absent)");
  // Nothing off-screen at 1280 px: the table is no wider than its container, the last column in view.
  const widths = await page.locator(".fr-table table").evaluate((t) => ({ table: t.scrollWidth, box: t.parentElement!.clientWidth, right: t.querySelector("th:last-child")!.getBoundingClientRect().right }));
  expect(widths.table).toBeLessThanOrEqual(widths.box + 1);
  expect(widths.right).toBeLessThanOrEqual(1280);
  await checkAccessibility(page, "journal-filtre");
  await screenshot(page, "journal-filtre");

  await page.getByLabel("Du", { exact: true }).fill("2026-03-02");
  await page.getByLabel("Au (inclus)").fill("2026-03-01");
  await page.getByRole("button", { name: "Filtrer" }).click();
  await expect(page.getByRole("heading", { name: "Filtres invalides" })).toBeVisible();
  await expect(page.getByText("Au : la date de fin précède la date de début").first()).toBeVisible();
  await checkAccessibility(page, "journal-filtre-invalide");

  await page.goto("/admin/journal?action=status_mapping.set");
  await expect(page.getByTestId("audit-row").first()).toContainText("ancien libellé par défaut : (absent) → En retard");
});

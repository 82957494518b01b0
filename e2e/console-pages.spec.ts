// Issue #11, "Forms", "Buttons and copy" and "Pages": errors on their fields, reset after success,
// copy buttons, visible labels, DSFR 404, skip links, legal pages, display settings, and axe with
// the WCAG 2.2 AA tags on every screen at 1280 and 375 px.
import { expect, test, type Page } from "@playwright/test";
import { communs } from "./support/hub-cli";
import { checkAccessibility, loginAsOperator, screenshot } from "./support/console";

// Nothing listens there (a port of this spec's range): deliveries to it fail, which is what the
// delivery screens need to show.
const deadReceiverPort = Number(process.env.E2E_EXTRA_PORT ?? 3461);

// Generous: each test logs in through the stand-in and runs axe several times.
test.describe.configure({ timeout: 180_000 });

let receiverServiceId = "";
let projectId = "";

test.beforeAll(async ({ request }) => {
  // A worker restarted after a failure runs this again on the same database: fresh slugs each time.
  const run = Date.now().toString(36);
  const receiver = communs("service:create", "--slug", `pages-recepteur-${run}`, "--nom", "Récepteur des pages", "--webhook-url", `http://127.0.0.1:${deadReceiverPort}/webhooks`);
  receiverServiceId = (receiver.service as { id: string }).id;
  const source = communs("service:create", "--slug", `pages-source-${run}`, "--nom", "Source des pages");
  const created = await request.post("/api/v1/projets", {
    headers: { authorization: `Bearer ${String(source.apiKey)}` },
    data: { externalId: `pages-${run}`, nom: "Réhabilitation de la médiathèque", collectivites: [{ type: "Commune", code: "69123" }] },
  });
  expect(created.status()).toBe(201);
  projectId = ((await created.json()) as { id: string }).id;
});

test.describe("formulaires de la console", () => {
  test.use({ permissions: ["clipboard-read", "clipboard-write"] });

  test("les erreurs sont sur leurs champs, en français et une seule fois ; le formulaire se vide après succès ; la clé se copie", async ({ page }) => {
    await loginAsOperator(page, "admin@anct.gouv.fr");
    await page.goto("/admin/services");
    const slug = page.getByLabel("Identifiant (slug)");
    const nom = page.getByLabel("Nom", { exact: true });
    const url = page.getByLabel("URL du webhook (facultatif)");
    await slug.fill("Mauvais Slug");
    await url.fill("pas-une-url");
    await page.getByRole("button", { name: "Créer le service" }).click();

    await expect(slug).toHaveAttribute("aria-invalid", "true");
    await expect(slug).toBeFocused();
    await expect(nom).toHaveAttribute("aria-invalid", "true");
    await expect(url).toHaveAttribute("aria-invalid", "true");
    // Each reason once, on its field (linked by aria-describedby), never under the field's code.
    await expect(page.getByText("Minuscules, chiffres et tirets uniquement (ex. « mon-service »).")).toHaveCount(1);
    await expect(page.getByText("Obligatoire.")).toHaveCount(1);
    await expect(slug).toHaveAccessibleDescription(/Minuscules, chiffres et tirets uniquement/);
    await expect(page.getByText(/slug :|nom :|webhookUrl :/)).toHaveCount(0);
    await expect(page.locator(".fr-input-group--error")).toHaveCount(3);
    await checkAccessibility(page, "formulaire-erreurs");
    await screenshot(page, "formulaire-erreurs");

    await slug.fill(`pages-formulaire-${Date.now().toString(36)}`);
    await nom.fill("Formulaire des pages");
    await url.fill(`http://127.0.0.1:${deadReceiverPort}/formulaire`);
    await page.getByRole("button", { name: "Créer le service" }).click();
    await expect(page.locator(".fr-alert--success")).toContainText("Service Formulaire des pages créé.");
    // Reset: a second click cannot send the same slug again.
    await expect(slug).toHaveValue("");
    await expect(nom).toHaveValue("");
    await expect(url).toHaveValue("");
    await expect(page.locator(".fr-input-group--error")).toHaveCount(0);
    // A key is feminine, a secret masculine.
    await expect(page.getByText("Copiez-la maintenant : elle ne sera plus jamais affichée.")).toHaveCount(1);
    await expect(page.getByText("Copiez-le maintenant : il ne sera plus jamais affiché.")).toHaveCount(1);

    const key = (await page.getByTestId("created-api-key").textContent())!;
    const copyKey = page.getByRole("button", { name: "Copier la clé d'API" });
    await copyKey.click();
    await expect(page.getByRole("button", { name: "Copié", exact: true })).toBeVisible();
    // The copy button's own live region (the alert around the key is a status region too).
    await expect(page.locator("span[role=status]", { hasText: "Copie effectuée : la clé d'API est dans le presse-papiers." })).toHaveCount(1);
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key);
    await page.getByRole("button", { name: "Copier le secret de signature" }).click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(await page.getByTestId("created-webhook-secret").textContent());
  });

  test("les boutons du webhook montrent leur libellé en entier", async ({ page }) => {
    await loginAsOperator(page, "admin@anct.gouv.fr");
    await page.goto(`/admin/services/${receiverServiceId}`);
    for (const name of ["Renouveler le secret", "Envoyer un événement de test"]) {
      const button = page.getByRole("button", { name });
      await expect(button).toBeVisible();
      // Icon-only buttons clip their label: its text must fit in the button (polled: widths settle
      // once the DSFR's fonts have loaded).
      await expect.poll(() => button.evaluate((el) => el.scrollWidth <= el.clientWidth + 1 && el.getBoundingClientRect().width > 120), { message: name }).toBe(true);
    }
    await page.getByRole("button", { name: "Renouveler le secret" }).click();
    // A rotation is confirmed first (issue #11, safety).
    await page.getByTestId("confirm-rotate-secret-confirm").click();
    await expect(page.getByText("Copiez-le maintenant : il ne sera plus jamais affiché.")).toBeVisible();
    await expect(page.getByRole("button", { name: "Copier le secret de signature" })).toBeVisible();
  });
});

test.describe("pages du site", () => {
  test("une adresse inconnue donne la page 404 du DSFR, en français", async ({ page }) => {
    const response = await page.goto("/cette-page-n-existe-pas");
    expect(response?.status()).toBe(404);
    await expect(page.getByRole("heading", { level: 1, name: "Page non trouvée" })).toBeVisible();
    await expect(page.getByText("Erreur 404")).toBeVisible();
    await expect(page.getByRole("link", { name: "Page d'accueil" })).toBeVisible();
    const font = await page.getByRole("heading", { level: 1 }).evaluate((el) => getComputedStyle(el).fontFamily);
    expect(font).toContain("Marianne");
    await checkAccessibility(page, "page-introuvable");
    await screenshot(page, "page-introuvable");
  });

  test("les liens d'évitement mènent au contenu, au menu de la console et au pied de page", async ({ page }) => {
    await page.goto("/");
    await page.keyboard.press("Tab");
    await expect(page.getByRole("link", { name: "Contenu" })).toBeFocused();
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(/#contenu$/);
    await expect(page.locator("main#contenu")).toBeFocused();

    await loginAsOperator(page, "admin@anct.gouv.fr");
    await page.goto("/admin/livraisons");
    const skipLinks = page.getByRole("navigation", { name: /Accès rapide/ });
    await expect(skipLinks.getByRole("link")).toHaveText(["Contenu", "Menu de la console", "Pied de page"]);
    await expect(page.locator("#menu-console")).toHaveCount(1);
    await expect(page.locator("footer#pied-de-page")).toHaveCount(1);
  });

  test("le pied de page mène à la déclaration d'accessibilité, aux mentions légales et aux données personnelles", async ({ page }) => {
    await page.goto("/");
    await page.getByRole("link", { name: "Accessibilité : non conforme" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Déclaration d'accessibilité" })).toBeVisible();
    await expect(page.getByTestId("accessibility-status")).toContainText("non conforme");
    await expect(page.getByText(/faites le \d+ \w+ 20\d\d/)).toBeVisible();
    await checkAccessibility(page, "accessibilite");
    await screenshot(page, "accessibilite");

    await page.getByRole("contentinfo").getByRole("link", { name: "Mentions légales" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Mentions légales" })).toBeVisible();
    await checkAccessibility(page, "mentions-legales");

    await page.getByRole("contentinfo").getByRole("link", { name: "Données personnelles" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Données personnelles" })).toBeVisible();
    // True to the running hub: its retention setting (default 30 days), hashed permission emails, erasure.
    await expect(page.getByText("conservées 30 jours après la livraison", { exact: false })).toBeVisible();
    await expect(page.getByText("jamais en clair")).toBeVisible();
    await expect(page.getByRole("heading", { name: "Effacement" })).toBeVisible();
    await checkAccessibility(page, "donnees-personnelles");
    await screenshot(page, "donnees-personnelles");
  });

  test("les paramètres d'affichage passent le site en thème sombre, gardé d'une page à l'autre", async ({ page }) => {
    await loginAsOperator(page, "admin@anct.gouv.fr");
    await page.goto("/admin");
    await page.getByRole("banner").getByRole("button", { name: "Paramètres d'affichage" }).click();
    const dialog = page.getByRole("dialog", { name: "Paramètres d'affichage" });
    await expect(dialog).toBeVisible();
    await dialog.getByText("Thème sombre").click();
    await expect(page.locator("html")).toHaveAttribute("data-fr-theme", "dark");
    await dialog.getByRole("button", { name: "Fermer" }).click();
    await page.goto("/admin/services");
    await expect(page.locator("html")).toHaveAttribute("data-fr-theme", "dark");
    await checkAccessibility(page, "services-sombre");
    await screenshot(page, "theme-sombre");
  });
});

/** Every screen of the site and the console, with what proves it rendered. */
function screens(): { url: string; name: string; heading: string | RegExp }[] {
  return [
    { url: "/", name: "accueil", heading: "Les Communs" },
    { url: "/integration", name: "integration", heading: /intégration/i },
    { url: "/accessibilite", name: "accessibilite", heading: "Déclaration d'accessibilité" },
    { url: "/mentions-legales", name: "mentions-legales", heading: "Mentions légales" },
    { url: "/donnees-personnelles", name: "donnees-personnelles", heading: "Données personnelles" },
    { url: "/page-inconnue", name: "page-introuvable", heading: "Page non trouvée" },
    { url: "/admin", name: "tableau-de-bord", heading: "Tableau de bord" },
    { url: "/admin/services", name: "services-liste", heading: "Services connectés" },
    { url: `/admin/services/${receiverServiceId}`, name: "service", heading: "Récepteur des pages" },
    { url: `/admin/services/${receiverServiceId}/correspondances`, name: "correspondances", heading: /Correspondances/ },
    { url: "/admin/livraisons", name: "livraisons", heading: "Livraisons" },
    { url: `/admin/projets`, name: "projets", heading: "Projets" },
    { url: `/admin/projets/${projectId}`, name: "projet", heading: "Réhabilitation de la médiathèque" },
    { url: "/admin/journal", name: "journal", heading: "Journal d'audit" },
    { url: "/admin/operateurs", name: "operateurs", heading: "Opérateurs" },
  ];
}

async function checkEveryScreen(page: Page, suffix: string) {
  for (const screen of screens()) {
    await page.goto(screen.url);
    await expect(page.getByRole("heading", { level: 1, name: screen.heading }).first()).toBeVisible();
    await checkAccessibility(page, `${screen.name}${suffix}`);
  }
  // A delivery's own page: the first one of the list (the dead receiver's).
  await page.goto("/admin/livraisons");
  await page.getByRole("link", { name: /^n° \d+$/ }).first().click();
  await expect(page.getByRole("heading", { level: 1, name: /Livraison/ })).toBeVisible();
  await checkAccessibility(page, `livraison${suffix}`);
}

test.describe("accessibilité de chaque écran (axe, WCAG 2.2 AA)", () => {
  test("à 1280 pixels", async ({ page }) => {
    test.setTimeout(600_000);
    await loginAsOperator(page, "admin@anct.gouv.fr");
    await checkEveryScreen(page, "");
  });

  test("à 375 pixels, et l'état des livraisons et des clés reste à l'écran", async ({ page }) => {
    test.setTimeout(600_000);
    await page.setViewportSize({ width: 375, height: 800 });
    await loginAsOperator(page, "admin@anct.gouv.fr");
    await checkEveryScreen(page, "-375");

    await page.goto("/admin/livraisons");
    const state = page.locator("tbody tr").first().locator(".fr-badge").first();
    // Scroll the page down to the row, never the table sideways: the state must be on screen as is.
    await expectOnScreenAfterScrolling(state);
    await screenshot(page, "livraisons-375");
    await page.goto(`/admin/services/${receiverServiceId}`);
    const keyState = page.getByRole("table", { name: "Clés d'API du service" }).locator("tbody tr").first().locator(".fr-badge");
    await expectOnScreenAfterScrolling(keyState);
    const box = (await keyState.boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(375);
  });
});

/**
 * Scrolls the window vertically to `target` (its scrollable ancestors keep their horizontal
 * position), then expects it wholly on screen. Scrolls again until then: the page's scripts may
 * reset the scroll while they start.
 */
async function expectOnScreenAfterScrolling(target: import("@playwright/test").Locator) {
  await expect(async () => {
    await target.evaluate((el) => window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - 120));
    await expect(target).toBeInViewport({ ratio: 1, timeout: 1000 });
  }).toPass({ timeout: 15_000 });
}

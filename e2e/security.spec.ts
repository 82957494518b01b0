// Findings of the penetration test (issue #14) that need a browser and the ProConnect stand-in.
import { expect, test } from "@playwright/test";
import { login, loginAsOperator } from "./support/console";

const sessionCookie = "next-auth.session-token";

test.describe("sécurité de la console (ticket 14)", () => {
  test("une connexion ouvre une nouvelle session, rattachée à l'opérateur de l'adresse transmise", async ({ page, context, browser }) => {
    await loginAsOperator(page, "admin@anct.gouv.fr");
    const planted = (await context.cookies()).find((c) => c.name === sessionCookie)!;
    expect(planted).toBeDefined();

    // Another browser where the admin's session cookie was planted: the lecteur logs in there.
    const other = await browser.newContext();
    await other.addCookies([planted]);
    const otherPage = await other.newPage();
    // The sign-in page sends a signed-in operator to /admin: the login starts from the refusal page.
    await otherPage.goto("/admin/acces-refuse?motif=mfa_requise");
    await otherPage.getByRole("button", { name: "Se reconnecter avec la double authentification" }).click();
    await otherPage.getByLabel("Adresse électronique professionnelle").fill("lecteur@anct.gouv.fr");
    await otherPage.getByRole("button", { name: "Se connecter" }).click();
    await expect(otherPage.getByTestId("operator-identity")).toContainText("lecteur@anct.gouv.fr");
    await expect(otherPage.getByTestId("operator-identity")).not.toContainText("admin@anct.gouv.fr");
    const fresh = (await other.cookies()).find((c) => c.name === sessionCookie)!;
    expect(fresh.value).not.toBe(planted.value);
    await other.close();

    // The planted session ended with that login.
    await page.goto("/admin");
    await expect(page).toHaveURL(/\/admin\/connexion$/);
  });

  test("un administrateur doit se connecter avec la double authentification", async ({ page }) => {
    await login(page, "admin@anct.gouv.fr", { acr: "eidas1" });
    await expect(page).toHaveURL(/\/admin\/acces-refuse\?motif=mfa_requise/);
    await expect(page.getByText("doivent se connecter avec une double authentification")).toBeVisible();
    await page.getByRole("button", { name: "Se reconnecter avec la double authentification" }).click();
    // ProConnect (here the stand-in) then offers only the multi-factor levels.
    const levels = page.getByLabel("Niveau d'authentification (acr)");
    await expect(levels).toBeVisible();
    const offered = await levels.locator("option").evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value));
    expect(offered).not.toContain("eidas1");
    expect(offered).toContain("eidas1-mfa");
    await page.getByLabel("Adresse électronique professionnelle").fill("admin@anct.gouv.fr");
    await page.getByRole("button", { name: "Se connecter" }).click();
    await expect(page.getByTestId("operator-identity")).toContainText("admin@anct.gouv.fr");
  });

  test("les filtres invalides des pages donnent un message, jamais une erreur serveur", async ({ page }) => {
    await loginAsOperator(page, "admin@anct.gouv.fr");
    const deliveries = await page.goto("/admin/livraisons?since=0000-01-01");
    expect(deliveries!.status()).toBe(200);
    await expect(page.getByText("Filtre invalide")).toBeVisible();
    const projects = await page.goto("/admin/projets?q=%00");
    expect(projects!.status()).toBe(200);
    await expect(page.getByText("Recherche invalide")).toBeVisible();
    const journal = await page.goto("/admin/journal?action=%00&cursor=1e400");
    expect(journal!.status()).toBe(200);
  });

  test("CSP : un nonce neuf par réponse, porté par chaque script de la page, et aucun script bloqué (ticket 16)", async ({ request, page }) => {
    const nonces: string[] = [];
    for (const path of ["/", "/admin/connexion", "/api/docs", "/admin/connexion"]) {
      const response = await request.get(path);
      const csp = response.headers()["content-security-policy"] ?? "";
      const nonce = /'nonce-([A-Za-z0-9+/=]+)'/.exec(csp)?.[1];
      expect(nonce, `nonce dans la CSP de ${path}`).toBeTruthy();
      expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
      const html = await response.text();
      const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
      expect(scripts.length, `scripts de ${path}`).toBeGreaterThan(0);
      for (const tag of scripts) expect(tag, `script de ${path}`).toContain(`nonce="${nonce}"`);
      nonces.push(nonce!);
    }
    expect(new Set(nonces).size).toBe(nonces.length);
    // The API's JSON gets the static policy: nothing may run.
    expect((await request.get("/api/health")).headers()["content-security-policy"]).toContain("default-src 'none'");

    // In the browser: the DSFR starts (its inline bootstrap ran) and no script is refused.
    const refused: string[] = [];
    page.on("console", (message) => {
      if (/Content Security Policy/i.test(message.text())) refused.push(message.text());
    });
    // The console's dashboard, where login lands, runs the most scripts (tRPC client, DSFR).
    await loginAsOperator(page, "admin@anct.gouv.fr");
    await expect(page.locator("html")).toHaveAttribute("data-fr-js", "true");
    expect(refused).toEqual([]);
  });

  test("en-têtes de sécurité et point Inngest non configuré", async ({ request }) => {
    const home = await request.get("/admin/connexion");
    const csp = home.headers()["content-security-policy"] ?? "";
    for (const directive of ["default-src 'self'", "script-src", "form-action 'self'", "frame-ancestors 'none'", "object-src 'none'"]) expect(csp).toContain(directive);
    expect(home.headers()["permissions-policy"]).toContain("camera=()");
    const inngest = await request.get("/api/inngest");
    expect(inngest.status()).toBe(404);
    expect((await inngest.json()).error.code).toBe("not_found");
  });
});

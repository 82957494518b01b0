import { expect, test } from "@playwright/test";
import { loginAsOperator } from "./support/console";

test.describe("rôle lecteur", () => {
  test("voit les écrans sans bouton d'action et le serveur refuse ses mutations", async ({ page }) => {
    await loginAsOperator(page, "lecteur@anct.gouv.fr");
    await page.goto("/admin/services");
    await expect(page.getByRole("heading", { level: 1, name: "Services connectés" })).toBeVisible();
    await expect(page.getByRole("button", { name: "Créer le service" })).toHaveCount(0);
    await page.getByRole("link", { name: "Territoires en Transitions" }).first().click();
    await expect(page.getByRole("heading", { level: 2, name: "Clés d'API" })).toBeVisible();
    await expect(page.getByRole("button")).not.toContainText(["Créer une clé d'API"]);
    await expect(page.getByRole("button", { name: /Créer une clé|Révoquer|Renouveler le secret|Envoyer un événement/ })).toHaveCount(0);
    await page.getByRole("link", { name: "Correspondances de statuts" }).click();
    await expect(page.getByRole("button", { name: "Enregistrer la correspondance" })).toHaveCount(0);
    await page.goto("/admin/operateurs");
    await expect(page.getByText("La gestion des opérateurs est réservée aux administrateurs.")).toBeVisible();
    await expect(page.getByRole("link", { name: "Opérateurs" })).toHaveCount(0);

    // A forged call from the lecteur's own browser session, same origin and JSON: refused by the server.
    const forged = await page.request.post("/api/trpc/services.create", {
      data: { slug: "pirate", nom: "Service pirate" },
      headers: { origin: new URL(page.url()).origin },
    });
    expect(forged.status()).toBe(403);
    expect(JSON.stringify(await forged.json())).toContain("FORBIDDEN");
    const list = await page.request.get("/api/trpc/services.list");
    expect(list.status()).toBe(200);
    expect(JSON.stringify(await list.json())).not.toContain("pirate");
  });

  test("une mutation venue d'un autre site est refusée même pour un administrateur", async ({ page }) => {
    await loginAsOperator(page, "admin@anct.gouv.fr");
    const forged = await page.request.post("/api/trpc/services.create", {
      data: { slug: "depuis-ailleurs", nom: "Depuis ailleurs" },
      headers: { origin: "https://ailleurs.example" },
    });
    expect(forged.status()).toBe(403);
  });
});

// The connected-service agents' space (issue #12): an agent granted `tet` by the command line logs in
// through the ProConnect stand-in, lands on /espace and sees only their service; a forged call for
// another service is refused by the server with no data.
import { expect, test } from "@playwright/test";
import { checkAccessibility, login, screenshot } from "./support/console";
import { communs } from "./support/hub-cli";

const agentEmail = "referente@tet.exemple.fr";

test.describe("espace des services connectés", () => {
  test.beforeAll(() => {
    const granted = communs("agent:add", "--service", "tet", "--email", agentEmail, "--niveau", "lecture");
    expect(granted.agent).toMatchObject({ service: "tet", email: agentEmail, niveau: "lecture" });
  });

  test("un agent de service se connecte et ne voit que son service", async ({ page }) => {
    await login(page, agentEmail);
    await expect(page).toHaveURL(/\/espace$/);
    await expect(page.getByRole("heading", { level: 1, name: "Espace des services connectés" })).toBeVisible();
    await expect(page.getByTestId("agent-identity")).toContainText(agentEmail);
    await expect(page.getByTestId("espace-service")).toHaveCount(1);
    await expect(page.getByRole("heading", { level: 2, name: "Territoires en Transitions" })).toBeVisible();
    await expect(page.getByText("Recoco")).toHaveCount(0);
    await checkAccessibility(page, "espace");
    await screenshot(page, "espace");

    // The operators' console is not theirs: back to their space.
    await page.goto("/admin/livraisons");
    await expect(page).toHaveURL(/\/espace$/);

    // A forged call from the agent's own session for another service: 403, no data.
    const mine = await page.request.get("/api/trpc/espace.services");
    expect(mine.status()).toBe(200);
    const body = JSON.stringify(await mine.json());
    expect(body).toContain('"slug":"tet"');
    const operatorsOnly = await page.request.get("/api/trpc/services.list");
    expect(operatorsOnly.status()).toBe(401);
    const services = communs("service:update", "--slug", "recoco", "--nom", "Recoco") as { id?: string; service?: { id: string } };
    const otherId = services.service?.id ?? services.id;
    expect(otherId).toBeTruthy();
    const forged = await page.request.get(`/api/trpc/espace.health?input=${encodeURIComponent(JSON.stringify({ serviceId: otherId }))}`);
    expect(forged.status()).toBe(403);
    expect(JSON.stringify(await forged.json())).not.toContain("recoco");
  });
});

// The deliveries console of issue #11 in a real browser: the next attempt of a delivery waiting for
// its retry, filters that accept the short id the list shows and refuse a reversed range, the
// payload view (as the receiver got it, signature masked, audited), "Réessayer maintenant", the
// replay-all confirmation with its count and the refresh of the list, and the CSV export.
import fs from "node:fs";
import http from "node:http";
import { expect, test } from "@playwright/test";
import { communs } from "./support/hub-cli";
import { checkAccessibility, loginAsOperator } from "./support/console";

const receiverPort = Number(process.env.E2E_CONSOLE_RECEIVER_PORT ?? 3441);
type Mode = "retry-later" | "fail" | "ok";
let mode: Mode = "retry-later";
const received: { headers: http.IncomingHttpHeaders; body: string }[] = [];
let receiver: http.Server;

test.beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      // 503 with Retry-After: the delivery waits ten minutes for its next attempt.
      if (mode === "retry-later") res.writeHead(503, { "retry-after": "600" });
      else res.writeHead(mode === "ok" ? 200 : 500);
      res.end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(receiverPort, "127.0.0.1", resolve));
});

test.afterAll(async () => {
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

// Serial, and generous: the CLI and the server share a loaded machine with other runs.
test.describe.configure({ mode: "serial", timeout: 240_000 });

let serviceId = "";
let sourceKey = "";
let projectId = "";

test("une livraison en attente de nouvelle tentative : heure affichée, filtres, contenu envoyé, réessai immédiat", async ({ page, request }) => {
  const target = communs("service:create", "--slug", "recepteur-console", "--nom", "Récepteur console", "--webhook-url", `http://127.0.0.1:${receiverPort}/webhooks`);
  serviceId = (target.service as { id: string }).id;
  sourceKey = String(communs("service:create", "--slug", "source-console", "--nom", "Source console").apiKey);
  const created = await request.post("/api/v1/projets", {
    headers: { authorization: `Bearer ${sourceKey}` },
    data: { externalId: "console-1", nom: "Réfection du gymnase", collectivites: [{ type: "Commune", code: "75056" }] },
  });
  expect(created.status()).toBe(201);
  projectId = ((await created.json()) as { id: string }).id;
  await expect.poll(() => received.length, { timeout: 15_000 }).toBe(1);

  await loginAsOperator(page, "admin@anct.gouv.fr");
  // The short id the list shows, in capitals, with its ellipsis: accepted.
  await page.goto(`/admin/livraisons?projectId=${encodeURIComponent(`${projectId.slice(0, 8).toUpperCase()}…`)}`);
  const row = page.getByRole("row").filter({ hasText: "recepteur-console" });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText(`${projectId.slice(0, 8)}…`);
  await expect(row.getByTestId("next-attempt")).toHaveText(/^prochaine tentative : \d{2}\/\d{2}\/\d{4} \d{2}:\d{2}:\d{2}$/);
  await checkAccessibility(page, "livraisons-filtre-court");

  // A reversed range and an impossible date are refused on their fields.
  await page.goto("/admin/livraisons");
  await page.getByLabel("Créées depuis le").fill("2026-03-10");
  await page.getByLabel("Jusqu'au").fill("2026-03-01");
  await page.getByRole("button", { name: "Filtrer" }).click();
  await expect(page.getByText("la date de début doit précéder la date de fin (« Jusqu'au »)")).toBeVisible();
  await expect(page.getByText("Aucune livraison ne correspond à ce filtre.")).toHaveCount(0);
  await checkAccessibility(page, "livraisons-filtre-invalide");

  // The payload as the receiver got it, signature masked.
  await page.goto(`/admin/livraisons?projectId=${projectId}`);
  // Other specs' services receive the project too: the row of this spec's receiver.
  const detail = await page.getByRole("row").filter({ hasText: "recepteur-console" }).getByRole("link", { name: /^n° \d+$/ }).getAttribute("href");
  await page.goto(detail!);
  await page.getByRole("button", { name: "Afficher le contenu envoyé" }).click();
  const got = received[0]!;
  await expect(page.getByTestId("payload-header-webhook-id")).toContainText(String(got.headers["webhook-id"]));
  await expect(page.getByTestId("payload-header-webhook-timestamp")).toContainText(String(got.headers["webhook-timestamp"]));
  await expect(page.getByTestId("payload-header-webhook-signature")).toContainText("v1,••••••••");
  await expect(page.getByTestId("payload-header-webhook-signature")).not.toContainText(String(got.headers["webhook-signature"]).slice(3, 20));
  expect(await page.getByTestId("payload-body").textContent()).toBe(got.body);
  await checkAccessibility(page, "livraison-contenu");

  // Retry now: the receiver is back, the delivery is sent at once instead of in ten minutes.
  mode = "ok";
  await page.getByRole("button", { name: "Réessayer maintenant" }).click();
  // The confirmation, or already the delivered state: the click refreshes the page, and a worker
  // quicker than that refresh has sent the delivery (the page then shows it delivered, without the
  // button and its confirmation).
  await expect(page.getByText("La livraison est due maintenant").or(page.getByTestId("delivery-state").filter({ hasText: "Livrée" }))).toBeVisible();
  await expect.poll(() => received.length, { timeout: 15_000 }).toBe(2);
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId("delivery-state")).toHaveText("Livrée", { timeout: 1000 });
  }).toPass({ timeout: 15_000 });
  await expect(page.getByRole("button", { name: "Réessayer maintenant" })).toHaveCount(0);

  for (const action of ["delivery.payload_view", "delivery.retry_now"]) {
    await page.goto(`/admin/journal?action=${action}`);
    await expect(page.getByTestId("audit-row")).toHaveCount(1);
    await expect(page.getByTestId("audit-row")).toContainText("admin@anct.gouv.fr");
  }
});

test("rejouer tous les échecs : confirmation avec le nombre, liste actualisée, puis export CSV", async ({ page, request }) => {
  mode = "fail";
  for (const n of [2, 3]) {
    const created = await request.post("/api/v1/projets", {
      headers: { authorization: `Bearer ${sourceKey}` },
      data: { externalId: `console-${n}`, nom: `=Projet ${n}; "test"`, collectivites: [{ type: "Commune", code: "69123" }] },
    });
    expect(created.status()).toBe(201);
  }
  await loginAsOperator(page, "admin@anct.gouv.fr");
  const failedList = `/admin/livraisons?serviceId=${serviceId}&state=failed`;
  await expect(async () => {
    await page.goto(failedList);
    await expect(page.getByRole("link", { name: /^n° \d+$/ })).toHaveCount(2, { timeout: 1000 });
  }).toPass({ timeout: 30_000 });

  mode = "ok";
  await page.getByRole("button", { name: "Rejouer toutes les livraisons en échec de ce filtre" }).click();
  const dialog = page.getByRole("dialog", { name: "Rejouer toutes les livraisons en échec ?" });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByTestId("replay-all-count")).toContainText("2 livraisons vont être renvoyées");
  await checkAccessibility(page, "livraisons-rejouer-tout");
  await dialog.getByRole("button", { name: "Confirmer le renvoi" }).click();
  await expect(page.getByText("2 livraison(s) rejouée(s).")).toBeVisible({ timeout: 30_000 });
  // The list refreshed itself: no reload, no navigation.
  await expect(page.getByText("Aucune livraison ne correspond à ce filtre.")).toBeVisible({ timeout: 15_000 });

  await page.goto(`/admin/livraisons?serviceId=${serviceId}`);
  const downloading = page.waitForEvent("download");
  await page.getByRole("link", { name: "Exporter ces livraisons (CSV)" }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^livraisons-\d{4}-\d{2}-\d{2}\.csv$/);
  const csv = fs.readFileSync((await download.path())!, "utf8");
  expect(csv.startsWith("\uFEFFN°;")).toBe(true);
  const lines = csv.slice(1).trim().split("\r\n");
  expect(lines).toHaveLength(4);
  expect(lines.slice(1).every((l) => l.includes(";recepteur-console;") && l.includes(";Livrée;"))).toBe(true);

  await page.goto("/admin/journal?action=deliveries.export");
  await expect(page.getByTestId("audit-row")).toHaveCount(1);
  await page.goto("/admin/projets?q=Projet");
  const projectsDownload = page.waitForEvent("download");
  await page.getByRole("link", { name: "Exporter ces projets (CSV)" }).click();
  const projectsCsv = fs.readFileSync((await (await projectsDownload).path())!, "utf8");
  expect(projectsCsv).toContain(`"'=Projet 2; ""test"""`);
});

test("une date impossible et un identifiant de projet mal formé sont refusés sur leur champ", async ({ page }) => {
  await loginAsOperator(page, "admin@anct.gouv.fr");
  await page.goto("/admin/livraisons?until=2026-02-31&projectId=abc");
  await expect(page.getByText("date invalide : une date du calendrier est attendue (AAAA-MM-JJ), entre 1900 et 9999")).toBeVisible();
  await expect(page.getByText("identifiant de projet attendu : l'identifiant complet ou ses 8 premiers caractères, tel qu'affiché dans la liste")).toBeVisible();
  await checkAccessibility(page, "livraisons-date-impossible");
});

// Alerts by email (issue #11): an operator sets a technical contact on a service's page and
// subscribes to the alerts; the service's receiver (on loopback) fails; the alert arrives, in
// French with a link to the console, in MailDev (the mail catcher started by the Playwright config).
import http from "node:http";
import { expect, test } from "@playwright/test";
import { communs } from "./support/hub-cli";
import { checkAccessibility, loginAsOperator, screenshot } from "./support/console";

const receiverPort = Number(process.env.E2E_ALERTS_RECEIVER_PORT ?? 4321);
const mailUrl = process.env.E2E_MAILDEV_URL!;
const contact = "contact.technique@alertes-e2e.example.fr";
let receiver: http.Server;

type CaughtMail = { subject: string; to: { address: string }[]; text: string; html: string };

test.beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      res.statusCode = 500;
      res.end("panne du récepteur");
    });
  });
  await new Promise<void>((resolve) => receiver.listen(receiverPort, "127.0.0.1", resolve));
});
test.afterAll(async () => {
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

test("un contact technique réglé dans la console reçoit l'alerte quand le récepteur échoue", async ({ page, request }) => {
  const target = communs("service:create", "--slug", "alertes-e2e", "--nom", "Alertes e2e", "--webhook-url", `http://127.0.0.1:${receiverPort}/webhooks`);
  const serviceId = (target.service as { id: string }).id;
  const source = communs("service:create", "--slug", "source-alertes-e2e", "--nom", "Source des alertes");

  await loginAsOperator(page, "admin@anct.gouv.fr");
  await page.goto(`/admin/services/${serviceId}`);
  await expect(page.getByRole("heading", { name: "Contacts techniques" })).toBeVisible();
  await page.getByLabel("Ajouter un contact technique").fill("pas-une-adresse");
  await page.getByRole("button", { name: "Ajouter le contact" }).click();
  // The server refuses it, in French, on the field itself (useFormErrors), which gets the focus.
  await expect(page.getByLabel("Ajouter un contact technique")).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByLabel("Ajouter un contact technique")).toBeFocused();
  await page.getByLabel("Ajouter un contact technique").fill(` ${contact.toUpperCase()} `);
  await page.getByRole("button", { name: "Ajouter le contact" }).click();
  await expect(page.getByText("Contact technique ajouté.")).toBeVisible();
  await expect(page.getByRole("listitem").filter({ hasText: contact })).toBeVisible();
  await expect(page.getByLabel("Ajouter un contact technique")).toHaveValue("");
  await checkAccessibility(page, "service-contacts");
  await screenshot(page, "service-contacts");

  await page.goto("/admin/alertes");
  await page.getByText("Recevoir les alertes par courriel").first().click();
  await expect(page.getByText("Vous recevrez les alertes par courriel.")).toBeVisible();
  await checkAccessibility(page, "alertes");
  await screenshot(page, "alertes");

  await page.goto("/admin/journal?action=service.contacts");
  await expect(page.getByTestId("audit-row")).toHaveCount(1);
  await expect(page.getByTestId("audit-row")).not.toContainText(contact);

  const created = await request.post("/api/v1/projets", {
    headers: { authorization: `Bearer ${String(source.apiKey)}` },
    data: { externalId: "alertes-e2e-1", nom: "Maison France services", collectivites: [{ type: "Commune", code: "75056" }] },
  });
  expect(created.status()).toBe(201);

  // Three attempts 200 ms apart fail; the second crosses ALERT_AFTER_FAILURES=2.
  let mails: CaughtMail[] = [];
  await expect(async () => {
    mails = ((await (await request.get(`${mailUrl}/email`)).json()) as CaughtMail[]).filter((m) => m.subject.includes("Alertes e2e"));
    expect(mails.map((m) => m.to[0]!.address).sort()).toEqual(["admin@anct.gouv.fr", contact]);
  }).toPass({ timeout: 30_000 });
  for (const mail of mails) {
    expect(mail.subject).toBe("[Les Communs] Webhook en échec : Alertes e2e");
    expect(mail.text).toContain(`/admin/services/${serviceId}`);
    expect(mail.text).toContain("Adresse du webhook : http://127.0.0.1:");
  }
  // One mail per state change: the third failure sends nothing more.
  await page.waitForTimeout(1500);
  const again = ((await (await request.get(`${mailUrl}/email`)).json()) as CaughtMail[]).filter((m) => m.subject.includes("Alertes e2e"));
  expect(again).toHaveLength(2);
});

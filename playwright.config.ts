// E2E against the production build (`npm run build` first; NEXT_DIST_DIR chooses the build folder)
// and the local ProConnect stand-in, in Debian's Chromium. Each run gets a fresh DATA_DIR, so runs
// are independent; workers inherit it through the environment set here.
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { defineConfig } from "@playwright/test";

const appPort = Number(process.env.E2E_APP_PORT ?? 3310);
const standinPort = Number(process.env.E2E_STANDIN_PORT ?? 4310);
process.env.E2E_DATA_DIR ??= mkdtempSync(path.join(os.tmpdir(), "lc-console-e2e-"));
const dataDir = process.env.E2E_DATA_DIR;
const appUrl = `http://localhost:${appPort}`;
// MailDev catches the alert mails (issue #11); the specs read them through its REST API.
const mailSmtpPort = Number(process.env.E2E_MAILDEV_SMTP_PORT ?? appPort + 110);
const mailWebPort = Number(process.env.E2E_MAILDEV_WEB_PORT ?? appPort + 111);
process.env.E2E_MAILDEV_URL ??= `http://127.0.0.1:${mailWebPort}`;

/** Settings shared by the server and the command line used by the tests (CONTRACT §7). */
export const e2eEnv = {
  PORT: String(appPort),
  DATA_DIR: dataDir,
  NEXTAUTH_URL: appUrl,
  NEXTAUTH_SECRET: "e2e-nextauth-secret-0123456789abcdef0123",
  EMAIL_HASH_SECRET: "e2e-email-hash-secret-0123456789abcdef01",
  SECRETS_ENCRYPTION_KEY: "ZTJlLXNlY3JldHMtZW5jcnlwdGlvbi1rZXktMDAwMDE=",
  PROCONNECT_ISSUER: `http://localhost:${standinPort}/api/v2`,
  PROCONNECT_CLIENT_ID: "les-communs-local",
  PROCONNECT_CLIENT_SECRET: "les-communs-local-secret-not-for-production",
  WEBHOOK_ALLOW_PRIVATE_URLS: "true",
  WEBHOOK_RETRY_SCHEDULE: "200,200",
  WEBHOOK_TIMEOUT_MS: "3000",
  LOG_LEVEL: "warn",
  // Test keys are told apart from production ones (the production build defaults to lc_live_).
  API_KEY_PREFIX: "lc_test_",
  SMTP_HOST: "127.0.0.1",
  SMTP_PORT: String(mailSmtpPort),
  ALERT_AFTER_FAILURES: "2",
};
for (const [key, value] of Object.entries(e2eEnv)) process.env[`E2E_${key}`] ??= value;

export default defineConfig({
  testDir: "e2e",
  globalSetup: "./e2e/global-setup.ts",
  // One server and one database: tests run one after the other.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: process.env.CI ? [["list"], ["html", { open: "never" }]] : "list",
  use: {
    baseURL: appUrl,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    locale: "fr-FR",
    timezoneId: "Europe/Paris",
    viewport: { width: 1280, height: 900 },
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    },
    headless: true,
  },
  webServer: [
    {
      command: `node node_modules/maildev/bin/maildev --smtp ${mailSmtpPort} --web ${mailWebPort} --ip 127.0.0.1 --silent`,
      url: `http://127.0.0.1:${mailWebPort}/email`,
      timeout: 60_000,
      reuseExistingServer: false,
      stdout: "ignore",
      stderr: "pipe",
    },
    {
      command: `node node_modules/tsx/dist/cli.mjs src/server/proconnect-standin/main.ts --port ${standinPort} --app-url ${appUrl} --keys-file ${path.join(dataDir, "standin-jwks.json")}`,
      url: `http://localhost:${standinPort}/api/v2/.well-known/openid-configuration`,
      timeout: 60_000,
      reuseExistingServer: false,
      stdout: "ignore",
      stderr: "pipe",
    },
    {
      // Not `npx next start` (its child would survive on the port) and bound to loopback only.
      command: `node node_modules/next/dist/bin/next start -H 127.0.0.1 -p ${appPort}`,
      url: `http://127.0.0.1:${appPort}/api/health`,
      timeout: 120_000,
      reuseExistingServer: false,
      env: e2eEnv,
      stdout: "ignore",
      stderr: "pipe",
    },
  ],
});

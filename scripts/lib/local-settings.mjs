// The settings `npm run hub` keeps in .env.local, as a pure function of the file's text, so that it
// can be tested without starting anything (scripts/lib/local-settings.test.mjs).
import { randomBytes } from "node:crypto";

/** KEY=value lines of a dotenv text (no interpolation: the file is ours). */
export function parseDotenv(text) {
  const entries = {};
  for (const line of text.split("\n")) {
    const match = /^\s*([A-Z0-9_]+)\s*=\s*(.*)\s*$/.exec(line);
    if (match) entries[match[1]] = match[2];
  }
  return entries;
}

// Values that follow the ports of this run (issue #11, "Local login"): an issuer or an address
// written by an earlier run on other ports would point the login at a stand-in that is not there.
const standinIssuer = /^http:\/\/localhost:\d+\/api\/v2$/;
const localAppUrl = /^http:\/\/localhost:\d+$/;

/**
 * Returns the new text of .env.local and the keys it wrote or rewrote. Takes the current text ("" when
 * the file does not exist), the ports of this run (`standinPort`, `appUrl`) and the settings given
 * on the command line (`given`, which win and are never written). Secrets are generated once and
 * kept; PROCONNECT_ISSUER and NEXTAUTH_URL follow the ports when they are the stand-in's or
 * localhost's (a real ProConnect issuer written by hand is kept).
 */
export function updateLocalSettings(text, { standinPort, appUrl, given = {} }) {
  const existing = parseDotenv(text);
  const derived = {
    PROCONNECT_ISSUER: { value: `http://localhost:${standinPort}/api/v2`, follows: standinIssuer },
    NEXTAUTH_URL: { value: appUrl, follows: localAppUrl },
  };
  const wanted = {
    EMAIL_HASH_SECRET: () => randomBytes(32).toString("base64url"),
    NEXTAUTH_SECRET: () => randomBytes(32).toString("base64url"),
    // Encrypts webhook signing secrets at rest (issue #16); losing it loses every webhook secret.
    SECRETS_ENCRYPTION_KEY: () => randomBytes(32).toString("base64"),
    NEXTAUTH_URL: () => appUrl,
    PROCONNECT_ISSUER: () => derived.PROCONNECT_ISSUER.value,
    PROCONNECT_CLIENT_ID: () => "les-communs-local",
    PROCONNECT_CLIENT_SECRET: () => randomBytes(24).toString("base64url"),
    // Local only: the hub's defaults are production-safe (public HTTPS webhooks, lc_live_ keys).
    WEBHOOK_ALLOW_PRIVATE_URLS: () => "true",
    API_KEY_PREFIX: () => "lc_test_",
  };
  const changed = [];
  let lines = text.split("\n");
  for (const [key, { value, follows }] of Object.entries(derived)) {
    const current = existing[key];
    if (given[key] !== undefined || current === undefined || current === value || !follows.test(current)) continue;
    lines = lines.map((line) => (new RegExp(`^\\s*${key}\\s*=`).test(line) ? `${key}=${value}` : line));
    changed.push(key);
  }
  const missing = Object.keys(wanted).filter((k) => existing[k] === undefined);
  let out = lines.join("\n");
  if (missing.length > 0) {
    const header = text === "" ? "# Written by `npm run hub` for local use on this machine only: never reuse these values in production.\n" : "";
    if (out !== "" && !out.endsWith("\n")) out += "\n";
    out += `${header}${missing.map((k) => `${k}=${wanted[k]()}`).join("\n")}\n`;
    changed.push(...missing);
  }
  return { text: out, changed };
}

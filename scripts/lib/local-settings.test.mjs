// `npm run hub`'s .env.local: secrets generated once, issuer and address following the ports
// (issue #11, "Local login": a changed PROCONNECT_STANDIN_PORT used to break login).
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseDotenv, updateLocalSettings } from "./local-settings.mjs";

describe("updateLocalSettings", () => {
  test("writes every setting on the first run, with lc_test_ keys and the stand-in's issuer", () => {
    const { text, changed } = updateLocalSettings("", { standinPort: 4000, appUrl: "http://localhost:3000" });
    const env = parseDotenv(text);
    assert.equal(env.PROCONNECT_ISSUER, "http://localhost:4000/api/v2");
    assert.equal(env.NEXTAUTH_URL, "http://localhost:3000");
    assert.equal(env.API_KEY_PREFIX, "lc_test_");
    assert.ok(env.PROCONNECT_CLIENT_SECRET.length >= 24);
    // The key that encrypts webhook secrets at rest: 32 random bytes (issue #16).
    assert.equal(Buffer.from(env.SECRETS_ENCRYPTION_KEY, "base64").length, 32);
    assert.equal(changed.length, 9);
    assert.match(text, /^# Written by `npm run hub`/);
  });

  test("follows a new stand-in port and app port, and keeps the secrets", () => {
    const first = updateLocalSettings("", { standinPort: 4000, appUrl: "http://localhost:3000" }).text;
    const { text, changed } = updateLocalSettings(first, { standinPort: 4100, appUrl: "http://localhost:3100" });
    const before = parseDotenv(first);
    const after = parseDotenv(text);
    assert.equal(after.PROCONNECT_ISSUER, "http://localhost:4100/api/v2");
    assert.equal(after.NEXTAUTH_URL, "http://localhost:3100");
    assert.equal(after.PROCONNECT_CLIENT_SECRET, before.PROCONNECT_CLIENT_SECRET);
    assert.equal(after.NEXTAUTH_SECRET, before.NEXTAUTH_SECRET);
    assert.deepEqual(changed.sort(), ["NEXTAUTH_URL", "PROCONNECT_ISSUER"]);
    assert.equal(text.split("\n").filter((l) => l.startsWith("PROCONNECT_ISSUER=")).length, 1);
  });

  test("changes nothing when the ports are the same, nor a real issuer, nor what the command line gives", () => {
    const first = updateLocalSettings("", { standinPort: 4000, appUrl: "http://localhost:3000" }).text;
    assert.deepEqual(updateLocalSettings(first, { standinPort: 4000, appUrl: "http://localhost:3000" }), { text: first, changed: [] });
    const real = first.replace("http://localhost:4000/api/v2", "https://fca.integ01.dev-agentconnect.fr/api/v2");
    assert.equal(parseDotenv(updateLocalSettings(real, { standinPort: 4100, appUrl: "http://localhost:3000" }).text).PROCONNECT_ISSUER, "https://fca.integ01.dev-agentconnect.fr/api/v2");
    const given = updateLocalSettings(first, { standinPort: 4100, appUrl: "http://localhost:3000", given: { PROCONNECT_ISSUER: "http://localhost:4100/api/v2" } });
    assert.deepEqual(given.changed, []);
  });

  test("keeps an API_KEY_PREFIX set by hand", () => {
    const { text } = updateLocalSettings("API_KEY_PREFIX=lc_dev_\n", { standinPort: 4000, appUrl: "http://localhost:3000" });
    assert.equal(parseDotenv(text).API_KEY_PREFIX, "lc_dev_");
  });
});

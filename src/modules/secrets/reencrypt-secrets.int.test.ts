// Secrets at rest (issue #16) on a real database: the stored column holds no usable secret, the
// single delivery function signs with the decrypted secret (verified by a loopback receiver with
// standardwebhooks), plaintext values from before encryption are encrypted at start, and
// `secrets:reencrypt` moves every value to a new key — idempotent, audited, counted.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { auditLog, services, webhookEndpoints } from "@/db/schema";
import { secretKeyring } from "@/env";
import { createTestDatabase, type TestDatabase } from "@/test/test-database";
import { runCommand } from "@/cli/commands";
import { cliActor } from "@/modules/audit/write-audit";
import { AppError } from "@/modules/errors/app-error";
import { createService } from "@/modules/services/create-service";
import { rotateWebhookSecret } from "@/modules/webhooks/rotate-webhook-secret";
import { webhookUrlPolicy } from "@/modules/webhooks/url-policy";
import { attemptDelivery } from "@/modules/delivery/attempt-delivery";
import { closeDeliveryPools } from "@/modules/delivery/post-webhook";
import { startLoopbackReceiver, type LoopbackReceiver } from "@/modules/delivery/testing/loopback-receiver";
import { generateWebhookSecret } from "@/modules/webhooks/generate-webhook-secret";
import { buildSecretKeyring, type SecretKeyring } from "./secret-keyring";
import { reencryptSecrets } from "./reencrypt-secrets";

let t: TestDatabase;
let receiver: LoopbackReceiver;
// The settings' key (vitest.config.ts), as the hub holds it.
const current = secretKeyring();
const newKey = randomBytes(32).toString("base64");
const currentKeyText = current.current.key.toString("hex");

beforeAll(async () => {
  t = await createTestDatabase();
  receiver = await startLoopbackReceiver(() => ({ status: 204 }), [3480, 3489]);
});
afterAll(async () => {
  await receiver.close();
  await closeDeliveryPools();
  await t.destroy();
});

let counter = 0;
async function newService(keyring: SecretKeyring = current) {
  counter++;
  const result = await createService(
    t.db,
    { slug: `secret-${counter}`, nom: `Service secret ${counter}`, webhookUrl: receiver.url },
    { keyPrefix: "lc_test_", urlPolicy: webhookUrlPolicy(true), actor: cliActor, keyring },
  );
  const [row] = await t.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.serviceId, result.service.id));
  return { serviceId: result.service.id, secret: result.webhookSecret!, row: row! };
}

/** Sends one signed body to the receiver through the single delivery function and verifies it with `secret`. */
async function deliverAndVerify(endpointId: string, keyring: SecretKeyring, secrets: string[]) {
  const [row] = await t.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, endpointId));
  const eventId = `msg_${randomBytes(8).toString("hex")}`;
  const body = JSON.stringify({ id: eventId, type: "test.ping" });
  const outcome = await attemptDelivery(
    { eventId, url: row!.url, body, secret: row!.secret, previousSecret: row!.previousSecret, previousSecretExpiresAt: row!.previousSecretExpiresAt },
    { urlPolicy: webhookUrlPolicy(true), timeoutMs: 2000, keyring },
  );
  expect(outcome).toMatchObject({ statusCode: 204, errorClass: null });
  const request = receiver.requests.at(-1)!;
  expect(request.headers["webhook-id"]).toBe(eventId);
  for (const secret of secrets) expect(() => new Webhook(secret).verify(request.body, request.headers as Record<string, string>)).not.toThrow();
  return request;
}

describe("webhook secrets at rest", () => {
  it("stores the secret encrypted: a dump of the column gives no usable secret", async () => {
    const { secret, row } = await newService();
    expect(secret).toMatch(/^whsec_/);
    // Read as a dump would: the raw column, not through the schema.
    const raw = (await t.db.execute(sql`select secret from webhook_endpoints where id = ${row.id}`)) as unknown as { rows?: { secret: string }[] } & { secret: string }[];
    const stored = (raw.rows ?? raw)[0]!.secret;
    expect(stored).toMatch(/^v1:[0-9a-f]{8}:[\w-]+:[\w-]+:[\w-]+$/);
    expect(stored).not.toContain("whsec_");
    expect(stored).not.toContain(secret.slice(6));
    expect(stored).not.toContain(Buffer.from(secret.slice(6), "base64").toString("hex"));
    // Whatever one makes of the stored text, it does not sign like the hub.
    const request = await deliverAndVerify(row.id, current, [secret]);
    for (const candidate of [stored, ...stored.split(":").map((p) => `whsec_${Buffer.from(p, "base64url").toString("base64")}`)]) {
      let verified = false;
      try {
        new Webhook(candidate).verify(request.body, request.headers as Record<string, string>);
        verified = true;
      } catch {
        // expected
      }
      expect(verified).toBe(false);
    }
    // The audit log of the creation holds no secret either.
    const audit = await t.db.select().from(auditLog).where(eq(auditLog.targetId, row.serviceId));
    expect(JSON.stringify(audit)).not.toContain("whsec_");
    expect(JSON.stringify(audit)).not.toContain(stored);
  });

  it("signs with the current and the previous secret, both encrypted, during a rotation overlap", async () => {
    const { serviceId, secret, row } = await newService();
    const { secret: rotated } = await rotateWebhookSecret(t.db, serviceId, cliActor, current);
    const [after] = await t.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, row.id));
    expect(after!.secret).toMatch(/^v1:/);
    expect(after!.previousSecret).toBe(row.secret);
    await deliverAndVerify(row.id, current, [rotated, secret]);
  });

  it("fails the attempt with a clear cause, sending nothing, when the key is unknown", async () => {
    const { row } = await newService();
    const before = receiver.requests.length;
    const outcome = await attemptDelivery(
      { eventId: "msg_x", url: row.url, body: "{}", secret: row.secret, previousSecret: null, previousSecretExpiresAt: null },
      { urlPolicy: webhookUrlPolicy(true), timeoutMs: 2000, keyring: buildSecretKeyring(newKey) },
    );
    expect(outcome).toMatchObject({ statusCode: null, errorClass: "secret" });
    expect(outcome.errorMessage).toMatch(/clé inconnue/);
    expect(receiver.requests.length).toBe(before);
  });
});

describe("reencryptSecrets", () => {
  it("encrypts plaintext values written before encryption (the server's start), which kept signing meanwhile", async () => {
    const { serviceId, row } = await newService();
    const legacy = generateWebhookSecret();
    const legacyPrevious = generateWebhookSecret();
    await t.db
      .update(webhookEndpoints)
      .set({ secret: legacy, previousSecret: legacyPrevious, previousSecretExpiresAt: new Date(Date.now() + 3_600_000) })
      .where(eq(webhookEndpoints.id, row.id));
    await deliverAndVerify(row.id, current, [legacy, legacyPrevious]);

    const report = await reencryptSecrets(t.db, current, { type: "system", label: "démarrage" }, { onlyPlaintext: true });
    expect(report.fromPlaintext).toBe(2);
    expect(report.reencrypted).toBe(2);
    const [after] = await t.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, row.id));
    expect(after!.secret).toMatch(new RegExp(`^v1:${current.current.kid}:`));
    expect(after!.previousSecret).toMatch(new RegExp(`^v1:${current.current.kid}:`));
    await deliverAndVerify(row.id, current, [legacy, legacyPrevious]);
    const [entry] = await t.db.select().from(auditLog).where(eq(auditLog.action, "secrets.reencrypt"));
    expect(entry).toMatchObject({ actorType: "system" });
    expect(JSON.stringify(entry)).not.toContain("whsec_");
    expect(serviceId).toBeTruthy();

    // Nothing left in plaintext: a second start changes nothing and writes no audit entry.
    const again = await reencryptSecrets(t.db, current, { type: "system" }, { onlyPlaintext: true });
    expect(again.reencrypted).toBe(0);
    expect(await t.db.select().from(auditLog).where(eq(auditLog.action, "secrets.reencrypt"))).toHaveLength(1);
  });

  it("moves every secret to a new key with `secrets:reencrypt`; the former key can then be dropped", async () => {
    const { serviceId, secret, row } = await newService();
    const { secret: rotated } = await rotateWebhookSecret(t.db, serviceId, cliActor, current);
    const rotatedRing = buildSecretKeyring(newKey, [currentKeyText]);
    const endpoints = (await t.db.select({ n: sql<number>`count(*)::int` }).from(webhookEndpoints))[0]!.n;
    const values = (await t.db.select({ n: sql<number>`count(*)::int` }).from(webhookEndpoints).where(sql`previous_secret is not null`))[0]!.n + endpoints;

    // Before the move, the new keyring decrypts through its previous key.
    await deliverAndVerify(row.id, rotatedRing, [rotated, secret]);
    const report = await reencryptSecrets(t.db, rotatedRing, cliActor);
    expect(report).toEqual({ endpoints, reencrypted: values, fromPlaintext: 0, alreadyCurrent: 0, kid: rotatedRing.current.kid });
    const stored = await t.db.select({ secret: webhookEndpoints.secret, previous: webhookEndpoints.previousSecret }).from(webhookEndpoints);
    for (const s of stored) {
      expect(s.secret.split(":")[1]).toBe(rotatedRing.current.kid);
      if (s.previous) expect(s.previous.split(":")[1]).toBe(rotatedRing.current.kid);
    }
    // Idempotent: a second run finds everything current.
    expect(await reencryptSecrets(t.db, rotatedRing, cliActor)).toMatchObject({ reencrypted: 0, alreadyCurrent: values });
    // Without the former key, signing still works.
    await deliverAndVerify(row.id, buildSecretKeyring(newKey), [rotated, secret]);
    const entries = await t.db.select().from(auditLog).where(eq(auditLog.action, "secrets.reencrypt"));
    expect(entries.at(-1)).toMatchObject({ actorType: "cli", after: report });
  });

  it("refuses, writing nothing, when a value's key is missing from the keyring", async () => {
    const lost = buildSecretKeyring(randomBytes(32).toString("hex"));
    const before = await t.db.select({ id: webhookEndpoints.id, secret: webhookEndpoints.secret }).from(webhookEndpoints);
    const error = await reencryptSecrets(t.db, lost, cliActor).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe("unavailable");
    expect((error as AppError).message).toMatch(/clé inconnue .*SECRETS_ENCRYPTION_PREVIOUS_KEYS/);
    expect(await t.db.select({ id: webhookEndpoints.id, secret: webhookEndpoints.secret }).from(webhookEndpoints)).toEqual(before);
  });

  it("is the command line's `secrets:reencrypt`: it encrypts under the settings' key, audited as the CLI, reporting counts", async () => {
    // The values moved to the test's own key above are removed: the settings' keyring cannot read them.
    await t.db.delete(services).where(sql`slug like 'secret-%'`);
    const { row } = await newService();
    // A value the command must move: in plaintext, as before encryption (the settings hold no other key).
    const legacy = generateWebhookSecret();
    await t.db.update(webhookEndpoints).set({ secret: legacy }).where(eq(webhookEndpoints.id, row.id));
    const audited = (await t.db.select().from(auditLog).where(eq(auditLog.action, "secrets.reencrypt"))).length;

    const result = await runCommand(t.db, "secrets:reencrypt", {});
    expect(result).toEqual({ endpoints: 1, reencrypted: 1, fromPlaintext: 1, alreadyCurrent: 0, kid: current.current.kid });
    const [after] = await t.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, row.id));
    expect(after!.secret).toMatch(new RegExp(`^v1:${current.current.kid}:`));
    await deliverAndVerify(row.id, current, [legacy]);
    const entries = await t.db.select().from(auditLog).where(eq(auditLog.action, "secrets.reencrypt"));
    expect(entries).toHaveLength(audited + 1);
    expect(entries.at(-1)).toMatchObject({ actorType: "cli", after: result });
    // Run again, it finds everything current.
    expect(await runCommand(t.db, "secrets:reencrypt", {})).toEqual({ endpoints: 1, reencrypted: 0, fromPlaintext: 0, alreadyCurrent: 1, kid: current.current.kid });
  });
});

// Security defaults never follow NODE_ENV (CONTRACT §7, issue #15 item 10): the CLI and the
// separate worker run without it, and must be as guarded as the production server.
import { afterEach, describe, expect, it, vi } from "vitest";

afterEach(() => {
  vi.unstubAllEnvs();
  vi.resetModules();
});

describe("settings (src/env.ts)", () => {
  it.each(["production", "development", "test", undefined])(
    "with NODE_ENV=%s and nothing set: no private webhook URL, HTTPS only, lc_live_ keys",
    async (nodeEnv) => {
      vi.stubEnv("NODE_ENV", nodeEnv);
      vi.stubEnv("WEBHOOK_ALLOW_PRIVATE_URLS", undefined);
      vi.stubEnv("API_KEY_PREFIX", undefined);
      vi.resetModules();
      const { env } = await import("./env");
      const { webhookUrlPolicy } = await import("./modules/webhooks/url-policy");
      expect(env.WEBHOOK_ALLOW_PRIVATE_URLS).toBe(false);
      expect(env.API_KEY_PREFIX).toBe("lc_live_");
      expect(webhookUrlPolicy(env.WEBHOOK_ALLOW_PRIVATE_URLS)).toEqual({ allowPrivate: false, requireHttps: true });
    },
    // The first case loads env.ts and its dependencies cold: seconds on a loaded CI machine.
    20_000,
  );

  it("local tools opt in explicitly", async () => {
    vi.stubEnv("NODE_ENV", "production");
    vi.stubEnv("WEBHOOK_ALLOW_PRIVATE_URLS", "true");
    vi.stubEnv("API_KEY_PREFIX", "lc_test_");
    vi.resetModules();
    const { env } = await import("./env");
    const { webhookUrlPolicy } = await import("./modules/webhooks/url-policy");
    expect(env.API_KEY_PREFIX).toBe("lc_test_");
    expect(webhookUrlPolicy(env.WEBHOOK_ALLOW_PRIVATE_URLS)).toEqual({ allowPrivate: true, requireHttps: false });
  });

  it("refuses to start without a valid SECRETS_ENCRYPTION_KEY, naming it (issue #16)", async () => {
    vi.stubEnv("SECRETS_ENCRYPTION_KEY", undefined);
    vi.resetModules();
    await expect(import("./env")).rejects.toThrow(/SECRETS_ENCRYPTION_KEY/);
    vi.stubEnv("SECRETS_ENCRYPTION_KEY", "un-mot-de-passe");
    vi.resetModules();
    await expect(import("./env")).rejects.toThrow(/SECRETS_ENCRYPTION_KEY: doit être une clé de 32 octets/);
    vi.stubEnv("SECRETS_ENCRYPTION_KEY", "a".repeat(64));
    vi.stubEnv("SECRETS_ENCRYPTION_PREVIOUS_KEYS", `${"b".repeat(64)}, court`);
    vi.resetModules();
    await expect(import("./env")).rejects.toThrow(/SECRETS_ENCRYPTION_PREVIOUS_KEYS/);
  });
});

// SSRF refusals are decided before any connection: only loopback and reserved names or literals here.
import { describe, expect, it } from "vitest";
import { checkWebhookUrl, isGlobalAddress } from "./check-webhook-url";

const production = { allowPrivate: false, requireHttps: true };

describe("checkWebhookUrl", () => {
  it.each([
    "https://localhost/hook",
    "https://127.0.0.1/hook",
    "https://[::1]/hook",
    "https://10.0.0.1/hook",
    "https://192.168.1.10/hook",
    "https://169.254.169.254/latest/meta-data",
    "https://[::ffff:10.0.0.1]/hook",
    "https://[::ffff:127.0.0.1]/hook",
    "https://[fe80::1]/hook",
    "https://[fc00::1]/hook",
    "https://0.0.0.0/hook",
    "https://100.64.0.1/hook",
  ])("refuses %s in production", async (url) => {
    await expect(checkWebhookUrl(url, production)).rejects.toMatchObject({ code: "validation_failed" });
  });

  it("refuses plain http and credentials in production", async () => {
    await expect(checkWebhookUrl("http://8.8.8.8/hook", production)).rejects.toThrow(/HTTPS/);
    await expect(checkWebhookUrl("https://user:pw@8.8.8.8/hook", production)).rejects.toThrow(/identifiants/);
    await expect(checkWebhookUrl("ftp://8.8.8.8/hook", production)).rejects.toThrow(/http/);
  });

  it("allows loopback when private URLs are allowed (development and tests)", async () => {
    const vetted = await checkWebhookUrl("http://127.0.0.1:3200/hook", { allowPrivate: true, requireHttps: false });
    expect(vetted.addresses).toEqual([{ address: "127.0.0.1", family: 4 }]);
  });

  it("judges embedded IPv4 addresses (mapped, 6to4, NAT64) by the address they carry", () => {
    expect(isGlobalAddress("8.8.8.8")).toBe(true);
    expect(isGlobalAddress("2001:4860:4860::8888")).toBe(true);
    expect(isGlobalAddress("::ffff:8.8.8.8")).toBe(true);
    expect(isGlobalAddress("::ffff:192.168.0.1")).toBe(false);
    expect(isGlobalAddress("2002:0a00:0001::1")).toBe(false); // 6to4 of 10.0.0.1
    expect(isGlobalAddress("64:ff9b::7f00:1")).toBe(false); // NAT64 of 127.0.0.1
  });
});

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

  it.each([
    ["::ffff:127.0.0.1", "IPv4-mapped, dotted"],
    ["::ffff:7f00:1", "IPv4-mapped, hex"],
    ["0:0:0:0:0:ffff:a00:1", "IPv4-mapped, long hex (10.0.0.1)"],
    ["::ffff:0:a9fe:a9fe", "IPv4-translated (169.254.169.254)"],
    ["::127.0.0.1", "IPv4-compatible, dotted"],
    ["::a00:1", "IPv4-compatible, hex (10.0.0.1)"],
    ["64:ff9b::10.0.0.1", "NAT64 well-known prefix, dotted"],
    ["64:ff9b::c0a8:101", "NAT64 well-known prefix, hex (192.168.1.1)"],
    ["64:ff9b:1::808:808", "NAT64 local-use prefix (RFC 8215), even around a public address"],
    ["2002:7f00:1::", "6to4 of 127.0.0.1"],
    ["2002:a9fe:a9fe::1", "6to4 of 169.254.169.254"],
    ["2001:0:4136:e378:8000:63bf:f5ff:fffe", "Teredo whose client is 10.0.0.1 (stored inverted)"],
    ["2001:0:a00:1:8000:63bf:f7f7:f7f7", "Teredo whose server is 10.0.0.1"],
    ["2a00:1450:4007:80b::5efe:10.0.0.1", "ISATAP under a global prefix, carrying 10.0.0.1"],
    ["2a00:1450:4007:80b:200:5efe:7f00:1", "ISATAP (universal bit) carrying 127.0.0.1"],
    ["fe80::5efe:8.8.8.8", "ISATAP under the link-local prefix"],
  ])("refuses %s (%s) in production, before any connection", async (address) => {
    expect(isGlobalAddress(address)).toBe(false);
    await expect(checkWebhookUrl(`https://[${address}]/hook`, production)).rejects.toMatchObject({ code: "validation_failed" });
  });

  it("accepts the same forms when what they carry is public", () => {
    for (const address of [
      "::ffff:8.8.8.8",
      "::ffff:808:808",
      "::8.8.8.8",
      "64:ff9b::8.8.8.8",
      "2002:808:808::1",
      "2001:0:4136:e378:8000:63bf:f7f7:f7f7", // client 8.8.8.8 inverted, server 65.54.227.120
      "2a00:1450:4007:80b::5efe:8.8.8.8",
    ]) {
      expect(isGlobalAddress(address), address).toBe(true);
    }
    expect(isGlobalAddress("::")).toBe(false);
    expect(isGlobalAddress("::1")).toBe(false);
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

import { lookup } from "node:dns/promises";
import ipaddr from "ipaddr.js";
import { AppError } from "@/modules/errors/app-error";

export type UrlPolicy = {
  /** Allow loopback, private and link-local targets (development and tests only). */
  allowPrivate: boolean;
  /** Refuse plain http (production). */
  requireHttps: boolean;
};

export type VettedTarget = { url: URL; addresses: { address: string; family: 4 | 6 }[] };

/** True for addresses routable on the public internet only (ipaddr.js calls that range "unicast"). */
export function isGlobalAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  let parsed = ipaddr.parse(address);
  // ::ffff:10.0.0.1 and friends are judged by the IPv4 address they carry.
  if (parsed.kind() === "ipv6" && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  }
  if (parsed.kind() === "ipv6") {
    const v6 = parsed as ipaddr.IPv6;
    const range = v6.range();
    // 6to4 and NAT64 prefixes embed an IPv4 address: judge that one too.
    if (range === "6to4") return isGlobalAddress(ipaddr.fromByteArray(v6.toByteArray().slice(2, 6)).toString());
    if (range === "rfc6052" || range === "rfc6145")
      return isGlobalAddress(ipaddr.fromByteArray(v6.toByteArray().slice(12, 16)).toString());
    return range === "unicast";
  }
  return parsed.range() === "unicast";
}

/**
 * Resolves the URL's host and refuses targets that are not global addresses (unless allowed), so
 * that a connected service cannot make the hub call into its own network. The caller connects to
 * one of the returned addresses (pinned), not to a fresh resolution, against DNS rebinding.
 */
export async function checkWebhookUrl(raw: string, policy: UrlPolicy): Promise<VettedTarget> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new AppError("validation_failed", "L'URL du webhook est invalide.", [{ path: "webhookUrl", message: "URL invalide" }]);
  }
  const refuse = (message: string) =>
    new AppError("validation_failed", `URL de webhook refusée : ${message}.`, [{ path: "webhookUrl", message }]);
  if (url.protocol !== "https:" && url.protocol !== "http:") throw refuse("seuls http et https sont acceptés");
  if (policy.requireHttps && url.protocol !== "https:") throw refuse("HTTPS est obligatoire");
  if (url.username || url.password) throw refuse("les identifiants dans l'URL ne sont pas acceptés");

  const host = url.hostname.replace(/^\[|\]$/g, "");
  let addresses: { address: string; family: number }[];
  if (ipaddr.isValid(host)) {
    addresses = [{ address: host, family: host.includes(":") ? 6 : 4 }];
  } else {
    try {
      addresses = await lookup(host, { all: true, verbatim: true });
    } catch {
      throw refuse(`le nom « ${host} » ne se résout pas`);
    }
  }
  if (addresses.length === 0) throw refuse(`le nom « ${host} » ne se résout pas`);
  if (!policy.allowPrivate) {
    const blocked = addresses.find((a) => !isGlobalAddress(a.address));
    if (blocked) throw refuse(`l'adresse ${blocked.address} n'est pas une adresse publique`);
  }
  return { url, addresses: addresses.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 })) };
}

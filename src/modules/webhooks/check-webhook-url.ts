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

/**
 * True for addresses routable on the public internet only (ipaddr.js calls that range "unicast").
 * An IPv6 address that carries an IPv4 address is judged by that IPv4 address, whatever its
 * notation (issue #15 item 10): IPv4-mapped `::ffff:a.b.c.d` (and `::ffff:7f00:1`), IPv4-translated
 * `::ffff:0:a.b.c.d`, IPv4-compatible `::a.b.c.d`, NAT64 `64:ff9b::/96`, 6to4 `2002::/16`, Teredo
 * `2001::/32` (its server, and its client stored inverted) and ISATAP interface ids (`…:5efe:a.b.c.d`,
 * the IPv6 prefix being judged too). The local-use NAT64 prefix `64:ff9b:1::/48` (RFC 8215) is
 * never global. Takes an IP literal; false for anything else.
 */
export function isGlobalAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  const parsed = ipaddr.parse(address);
  if (parsed.kind() === "ipv4") return parsed.range() === "unicast";
  const v6 = parsed as ipaddr.IPv6;
  const b = v6.toByteArray();
  const zeros = (from: number, to: number) => b.slice(from, to).every((x) => x === 0);
  const ipv4At = (from: number, xor = 0) => isGlobalAddress(ipaddr.fromByteArray(b.slice(from, from + 4).map((x) => x ^ xor)).toString());
  // ::ffff:a.b.c.d (mapped) and ::ffff:0:a.b.c.d (translated).
  if (zeros(0, 10) && b[10] === 0xff && b[11] === 0xff) return ipv4At(12);
  if (zeros(0, 8) && b[8] === 0xff && b[9] === 0xff && zeros(10, 12)) return ipv4At(12);
  // ::a.b.c.d (IPv4-compatible); :: and ::1 are not.
  if (zeros(0, 12)) return !zeros(12, 15) && ipv4At(12);
  // NAT64: the well-known prefix carries the address in its last 32 bits; the local-use prefix is local.
  if (b[0] === 0x00 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b) {
    if (b[4] === 0x00 && b[5] === 0x01) return false;
    return zeros(4, 12) && ipv4At(12);
  }
  // 6to4: 2002:AABB:CCDD::/48.
  if (b[0] === 0x20 && b[1] === 0x02) return ipv4At(2);
  // Teredo: 2001:0000:<server>:<flags>:<port>:<client XOR ffffffff>.
  if (b[0] === 0x20 && b[1] === 0x01 && b[2] === 0x00 && b[3] === 0x00) return ipv4At(4) && ipv4At(12, 0xff);
  // ISATAP interface identifier: ::0:5efe:a.b.c.d or ::200:5efe:a.b.c.d under any /64 prefix.
  if ((b[8] === 0x00 || b[8] === 0x02) && b[9] === 0x00 && b[10] === 0x5e && b[11] === 0xfe) {
    if (!ipv4At(12)) return false;
  }
  return v6.range() === "unicast";
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

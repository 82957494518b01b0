// Who is on the other end of a request. Next.js route handlers do not see the TCP peer, and Next.js
// only fills `X-Forwarded-For` when the client did not send one, so that header alone can be forged
// by anyone. The hub therefore stamps every incoming request with its socket's peer address in a
// header of its own (overwriting whatever a client sent), and reads `X-Forwarded-For` only when that
// peer is a proxy the operator configured as trusted (TRUSTED_PROXIES). Issue #14, findings 4 and 7.
import http from "node:http";
import ipaddr from "ipaddr.js";
import { processSingleton } from "@/server/process-state";

/** The header the hub writes with the TCP peer address of each request; a client's value is replaced. */
export const PEER_ADDRESS_HEADER = "x-les-communs-peer";

/**
 * Makes every Node.js HTTP server of this process stamp incoming requests with their peer address
 * (PEER_ADDRESS_HEADER). Idempotent; called at boot, before the first request is served.
 */
export function installPeerAddressHeader(): void {
  processSingleton("peer-address-header", () => {
    patchServerEmit();
    return true;
  });
}

function patchServerEmit(): void {
  const emit = http.Server.prototype.emit;
  http.Server.prototype.emit = function (this: http.Server, event: string | symbol, ...args: unknown[]) {
    if (event === "request") {
      const request = args[0] as http.IncomingMessage;
      request.headers[PEER_ADDRESS_HEADER] = request.socket?.remoteAddress ?? "";
    }
    return Reflect.apply(emit, this, [event, ...args]) as boolean;
  } as typeof emit;
}

function parse(address: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  try {
    const parsed = ipaddr.parse(address.trim());
    return parsed.kind() === "ipv6" && (parsed as ipaddr.IPv6).isIPv4MappedAddress() ? (parsed as ipaddr.IPv6).toIPv4Address() : parsed;
  } catch {
    return null;
  }
}

/** Parses TRUSTED_PROXIES entries (addresses or CIDR ranges); throws on an invalid one. */
export function parseTrustedProxies(list: readonly string[]): Array<[ipaddr.IPv4 | ipaddr.IPv6, number]> {
  return list.map((entry) => {
    if (entry.includes("/")) return ipaddr.parseCIDR(entry);
    const address = ipaddr.parse(entry);
    return [address, address.kind() === "ipv4" ? 32 : 128];
  });
}

function isTrusted(address: ipaddr.IPv4 | ipaddr.IPv6, trusted: Array<[ipaddr.IPv4 | ipaddr.IPv6, number]>): boolean {
  return trusted.some(([range, bits]) => range.kind() === address.kind() && address.match([range, bits] as never));
}

/** True for 127.0.0.0/8, ::1 and their IPv4-mapped forms. */
export function isLoopback(address: string): boolean {
  const parsed = parse(address);
  return parsed !== null && parsed.range() === "loopback";
}

/**
 * The client's address: the TCP peer, or, when the peer is a trusted proxy, the rightmost
 * `X-Forwarded-For` entry that is not itself a trusted proxy (entries to its left are the client's
 * own claims). Returns null when the peer is unknown (the request did not come through a server
 * that ran installPeerAddressHeader).
 */
export function clientAddress(request: Request, trustedProxies: readonly string[]): string | null {
  const peer = request.headers.get(PEER_ADDRESS_HEADER);
  const peerAddress = peer ? parse(peer) : null;
  if (!peerAddress) return null;
  const trusted = parseTrustedProxies(trustedProxies);
  if (!isTrusted(peerAddress, trusted)) return peerAddress.toString();
  const forwarded = (request.headers.get("x-forwarded-for") ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  for (let i = forwarded.length - 1; i >= 0; i--) {
    const hop = parse(forwarded[i]!);
    if (!hop) return peerAddress.toString();
    if (!isTrusted(hop, trusted)) return hop.toString();
  }
  return peerAddress.toString();
}

/**
 * True when the request comes from this machine and was not relayed for someone else: the TCP peer
 * is a loopback address and every `X-Forwarded-For` entry (Next.js copies the peer there when no
 * proxy set it) is loopback too. A reverse proxy on the same host relaying a remote client fails.
 */
export function isLoopbackRequest(request: Request): boolean {
  const peer = request.headers.get(PEER_ADDRESS_HEADER);
  if (!peer || !isLoopback(peer)) return false;
  const forwarded = (request.headers.get("x-forwarded-for") ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  return forwarded.every(isLoopback);
}

// Throttle of failed API-key authentications per client address (issue #14, finding 4): a token
// bucket per address that only failures drain. While it is empty, the address gets 429 before its
// key is even looked at, so guessing keys costs a minute per API_AUTH_FAILURES_PER_MINUTE attempts.
// Also keeps, per address, the failures of the last hour by minute for the console (bursts).
import ipaddr from "ipaddr.js";
import { env } from "@/env";
import { processSingleton } from "@/server/process-state";

export type AuthFailureThrottle = {
  /** Seconds to wait when `address` has no failure left, else null. */
  blocked: (address: string, now?: number) => number | null;
  /** Counts one failure of `address` (with the key prefix presented, if it had the key's shape). */
  recordFailure: (address: string, keyPrefix: string | null, now?: number) => void;
  /** Failures of the last `windowMs`, by address, most first (for the console). */
  recentBursts: (windowMs?: number, now?: number) => AuthFailureBurst[];
};

export type AuthFailureBurst = { address: string; failures: number; lastAt: Date; keyPrefixes: string[]; throttled: boolean };

/** Most addresses tracked at once; the oldest are forgotten beyond (an IPv6 attacker can rotate). */
const MAX_TRACKED = 10_000;
const HOUR_MS = 3_600_000;

/** IPv6 clients are counted per /64 (one subscriber's network), IPv4 per address. */
export function throttleKey(address: string): string {
  try {
    const parsed = ipaddr.process(address);
    if (parsed.kind() === "ipv6") {
      const parts = (parsed as ipaddr.IPv6).parts.slice(0, 4).map((p) => p.toString(16));
      return `${parts.join(":")}::/64`;
    }
    return parsed.toString();
  } catch {
    return address;
  }
}

export function createAuthFailureThrottle(perMinute: number): AuthFailureThrottle {
  type Entry = { tokens: number; at: number; failures: number[]; prefixes: Set<string>; throttledUntil: number };
  const entries = new Map<string, Entry>();
  const perMs = perMinute / 60_000;
  const refill = (entry: Entry, now: number) => {
    entry.tokens = Math.min(perMinute, entry.tokens + Math.max(0, now - entry.at) * perMs);
    entry.at = now;
  };
  return {
    blocked(address, now = Date.now()) {
      const entry = entries.get(throttleKey(address));
      if (!entry) return null;
      refill(entry, now);
      if (entry.tokens >= 1) return null;
      entry.throttledUntil = now + (1 - entry.tokens) / perMs;
      return Math.max(1, Math.ceil((1 - entry.tokens) / perMs / 1000));
    },
    recordFailure(address, keyPrefix, now = Date.now()) {
      const key = throttleKey(address);
      let entry = entries.get(key);
      if (!entry) {
        if (entries.size >= MAX_TRACKED) entries.delete(entries.keys().next().value!);
        entry = { tokens: perMinute, at: now, failures: [], prefixes: new Set(), throttledUntil: 0 };
      } else entries.delete(key); // re-inserted last: the map stays in least-recent-first order
      entries.set(key, entry);
      refill(entry, now);
      entry.tokens = Math.max(0, entry.tokens - 1);
      entry.failures.push(now);
      if (entry.failures.length > 10_000 || entry.failures[0]! < now - HOUR_MS) entry.failures = entry.failures.filter((t) => t >= now - HOUR_MS);
      if (keyPrefix && entry.prefixes.size < 20) entry.prefixes.add(keyPrefix);
    },
    recentBursts(windowMs = HOUR_MS, now = Date.now()) {
      const bursts: AuthFailureBurst[] = [];
      for (const [address, entry] of entries) {
        const failures = entry.failures.filter((t) => t >= now - windowMs);
        if (failures.length === 0) continue;
        bursts.push({ address, failures: failures.length, lastAt: new Date(failures[failures.length - 1]!), keyPrefixes: [...entry.prefixes], throttled: entry.throttledUntil > now - windowMs });
      }
      return bursts.sort((a, b) => b.failures - a.failures);
    },
  };
}

// One throttle per process, shared by every route bundle and by the console (which shows bursts).

/** The process's throttle of failed API-key authentications (API_AUTH_FAILURES_PER_MINUTE). */
export function sharedAuthFailureThrottle(): AuthFailureThrottle {
  return processSingleton("auth-failure-throttle", () => createAuthFailureThrottle(env.API_AUTH_FAILURES_PER_MINUTE));
}

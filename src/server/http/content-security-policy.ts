// The console's and pages' Content-Security-Policy (issue #14 finding 8, issue #16): scripts run only
// when they carry this response's nonce (Next.js's own scripts and DSFR's inline bootstrap get it
// from the request's policy, `src/proxy.ts`), plus what those scripts load ('strict-dynamic').
// Styles stay 'unsafe-inline': DSFR and React set style attributes, which nonces do not cover, and
// a style cannot run code. No framing, no plugins, no <base> hijack, forms post to the hub only (the
// ProConnect login starts with a fetch and a redirect, not a form posted to the issuer).
import { randomBytes } from "node:crypto";

/** A fresh nonce for one response: 16 random bytes, base64 (CSP's nonce-source alphabet). */
export function newCspNonce(): string {
  return randomBytes(16).toString("base64");
}

/**
 * The policy of one HTML response. `allowEval` only for `next dev` (React's development build
 * evaluates code); never in a production build.
 */
export function buildContentSecurityPolicy(nonce: string, options: { allowEval?: boolean } = {}): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${options.allowEval ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'",
  ].join("; ");
}


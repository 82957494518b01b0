// One HTTP attempt: POST through a keep-alive undici pool per (origin, vetted address), with a
// timeout up to the status line, no redirect following (a 3xx is a failed attempt) and at most
// 2 KiB of the response kept. Failures are returned as data with an error class, never thrown.
import type { LookupFunction } from "node:net";
import type { Readable } from "node:stream";
import { Pool } from "undici";
import type { VettedTarget } from "@/modules/webhooks/check-webhook-url";

export const EXCERPT_BYTES = 2048;
/** Longest wait for the response excerpt once the status line is in (bounded by the attempt timeout too). */
export const EXCERPT_WAIT_MS = 1000;

export type HttpOutcome = {
  statusCode: number | null;
  excerpt: string | null;
  retryAfter: string | null;
  errorClass: string | null;
  errorMessage: string | null;
  durationMs: number;
};

const pools = new Map<string, Pool>();

function poolFor(target: VettedTarget, timeoutMs: number): Pool {
  const pinned = target.addresses[0]!;
  const key = `${target.url.origin}|${pinned.address}|${timeoutMs}`;
  let pool = pools.get(key);
  if (!pool) {
    // Connect to the address that passed the SSRF check, whatever the name resolves to now
    // (DNS rebinding); TLS still verifies the certificate against the URL's host name.
    const lookup: LookupFunction = (_hostname, options, callback) => {
      if (options.all) (callback as (e: null, a: { address: string; family: number }[]) => void)(null, [pinned]);
      else callback(null, pinned.address, pinned.family);
    };
    pool = new Pool(target.url.origin, {
      // More than a worker sends to one endpoint at once (its per-endpoint cap plus one batch), so
      // that a request does not spend its timeout queued here.
      connections: 128,
      pipelining: 1,
      keepAliveTimeout: 10_000,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      connect: { lookup, timeout: timeoutMs },
    });
    pools.set(key, pool);
  }
  return pool;
}

/** Closes every pool (worker shutdown, end of tests). */
export async function closeDeliveryPools(): Promise<void> {
  const all = [...pools.values()];
  pools.clear();
  await Promise.allSettled(all.map((p) => p.close()));
}

function excerptOf(chunks: Buffer[]): string | null {
  if (chunks.length === 0) return null;
  const bytes = Buffer.concat(chunks).subarray(0, EXCERPT_BYTES);
  // PostgreSQL text refuses NUL; a cut inside a multi-byte character must not push past 2 KiB.
  let text = new TextDecoder("utf-8", { fatal: false }).decode(bytes).replace(/\u0000/g, "");
  while (Buffer.byteLength(text) > EXCERPT_BYTES) text = text.slice(0, -1);
  return text;
}

export function classifyError(error: unknown, timedOut: boolean): { errorClass: string; errorMessage: string } {
  const e = error as { code?: string; name?: string; message?: string };
  const code = e?.code ?? "";
  const message = `${code ? `${code}: ` : ""}${e?.message ?? String(error)}`.slice(0, 500);
  if (timedOut || code === "UND_ERR_HEADERS_TIMEOUT" || code === "UND_ERR_BODY_TIMEOUT" || code === "UND_ERR_CONNECT_TIMEOUT" || code === "ETIMEDOUT")
    return { errorClass: "timeout", errorMessage: message };
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return { errorClass: "dns", errorMessage: message };
  if (/^(ERR_TLS|ERR_SSL|CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED)/.test(code)) return { errorClass: "tls", errorMessage: message };
  if (["ECONNREFUSED", "ECONNRESET", "EHOSTUNREACH", "ENETUNREACH", "EPIPE", "UND_ERR_SOCKET", "UND_ERR_CLOSED"].includes(code))
    return { errorClass: "connect", errorMessage: message };
  return { errorClass: "network", errorMessage: message };
}

/**
 * Reads at most 2 KiB of a response body within `waitMs`, best effort: an error or the bound ends
 * the reading and keeps what arrived. A body not read to its end is destroyed, which closes its
 * socket: the keep-alive pool never reuses a connection with a response still in progress.
 */
async function readExcerpt(body: Readable, waitMs: number): Promise<string | null> {
  // A destroyed body emits "error" (undici's RequestAbortedError) even after the reading stopped.
  body.on("error", () => {});
  const chunks: Buffer[] = [];
  let kept = 0;
  let complete = false;
  const timer = setTimeout(() => body.destroy(), waitMs);
  try {
    for await (const chunk of body) {
      chunks.push(chunk as Buffer);
      kept += (chunk as Buffer).length;
      if (kept >= EXCERPT_BYTES) break;
    }
    complete = kept < EXCERPT_BYTES;
  } catch {
    // Cut, reset or too slow: the excerpt is what arrived.
  } finally {
    clearTimeout(timer);
    if (!complete) body.destroy();
  }
  return excerptOf(chunks);
}

/**
 * POSTs one signed webhook body to a vetted target.
 * Takes the target (pinned address), every header to send (build-webhook-request.ts), the body and the timeout in ms,
 * which bounds everything up to the response's status line. Returns the HTTP outcome (status code,
 * ≤ 2 KiB excerpt, Retry-After, error class, duration in ms); never throws. A 2xx is a success
 * whatever happens to the body afterwards (CONTRACT §8, issue #15 item 3).
 */
export async function postWebhook(
  target: VettedTarget,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
): Promise<HttpOutcome> {
  const started = performance.now();
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  try {
    const response = await poolFor(target, timeoutMs).request({
      path: `${target.url.pathname}${target.url.search}`,
      method: "POST",
      // Exactly the headers given (build-webhook-request.ts): the console's payload view shows them.
      headers,
      body,
      signal: controller.signal,
    });
    // The status line decides the attempt (CONTRACT §8: a 2xx is delivered as soon as it is read).
    // The body only feeds the excerpt: a body cut short or slower than the timeout changes nothing.
    clearTimeout(timer);
    const excerpt = await readExcerpt(response.body, Math.min(EXCERPT_WAIT_MS, timeoutMs));
    const retryAfter = response.headers["retry-after"];
    return {
      statusCode: response.statusCode,
      excerpt,
      retryAfter: Array.isArray(retryAfter) ? (retryAfter[0] ?? null) : (retryAfter ?? null),
      errorClass: response.statusCode >= 200 && response.statusCode < 300 ? null : "http",
      errorMessage: null,
      durationMs: Math.round(performance.now() - started),
    };
  } catch (error) {
    return { statusCode: null, excerpt: null, retryAfter: null, ...classifyError(error, timedOut), durationMs: Math.round(performance.now() - started) };
  } finally {
    clearTimeout(timer);
  }
}

// Pure retry arithmetic: the Standard Webhooks schedule with ±20 % jitter and the receiver's
// Retry-After, which may only lengthen a wait (a receiver cannot make the hub retry faster).

export const JITTER = 0.2;

export function withJitter(ms: number, random: () => number): number {
  return Math.max(0, Math.round(ms * (1 - JITTER + 2 * JITTER * random())));
}

/** Retry-After is either delay-seconds or an HTTP date; returns ms from `now`, or null when unusable. */
export function parseRetryAfter(value: string | null | undefined, now: Date = new Date()): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return null;
  return Math.max(0, date - now.getTime());
}

/**
 * Wait before the next automatic attempt, or null when the cycle is exhausted. `step` counts the
 * automatic attempts of this cycle including the one that just failed (1 for the first).
 */
export function nextRetryDelay(input: {
  step: number;
  scheduleMs: number[];
  statusCode: number | null;
  retryAfterMs: number | null;
  maxRetryAfterMs: number;
  random: () => number;
}): number | null {
  if (input.step > input.scheduleMs.length) return null;
  const base = withJitter(input.scheduleMs[input.step - 1]!, input.random);
  if ((input.statusCode === 429 || input.statusCode === 503) && input.retryAfterMs !== null) {
    return Math.max(base, Math.min(input.retryAfterMs, input.maxRetryAfterMs));
  }
  return base;
}

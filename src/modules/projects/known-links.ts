// The (service, externalId) keys this process has seen linked, so that a POST /projets naming one
// of them looks its link up first instead of trying the optimistic creation (upsert-projets.ts,
// issue #17), which would fail on the unique index and be run again. A link is never removed nor
// moved to another project: a key seen once stays linked, and the set needs no invalidation. A key
// missing from it (another web instance linked it, it was forgotten, or the process restarted)
// costs one failed creation statement the first time, and is remembered then.

/**
 * Keys kept at most (service id and externalId: ~150 bytes each in V8, ~3 MB), the oldest
 * forgotten first. A service re-pushing more keys than this pays the failed statement again for the
 * forgotten ones, never a wrong answer.
 */
export const KNOWN_LINKS_MAX = 20_000;

const known = new Set<string>();

const keyOf = (serviceId: string, externalId: string) => `${serviceId}\u0000${externalId}`;

/** Whether any of `externalIds` is known to be linked for `serviceId`. */
export function knowsAnyLink(serviceId: string, externalIds: string[]): boolean {
  return externalIds.some((externalId) => known.has(keyOf(serviceId, externalId)));
}

/** Remembers that these keys are linked (found linked, or created by a committed write). */
export function rememberLinks(serviceId: string, externalIds: Iterable<string>): void {
  for (const externalId of externalIds) {
    const key = keyOf(serviceId, externalId);
    // Re-inserted at the end: the set's insertion order is then the order of last use.
    known.delete(key);
    known.add(key);
  }
  for (const oldest of known) {
    if (known.size <= KNOWN_LINKS_MAX) break;
    known.delete(oldest);
  }
}

// A random source for `ulid` drawn from the operating system's CSPRNG in blocks (issue #17). ulid
// asks its PRNG for one fraction per character: its default source makes one `getRandomValues`
// call of one byte for each (16 per new millisecond), 2.2 % of the hub's thread under ingest in
// the profile (docs/BENCHMARKS.md, "Ingest: JavaScript per request").
import { randomFillSync } from "node:crypto";

/** Bytes drawn at once: 4 KiB serve 256 ids that each start a new millisecond. */
const BLOCK_BYTES = 4096;

/**
 * A PRNG in ulid's shape: returns a fraction in [0, 1) with 8 random bits (a multiple of ulid's
 * 32 symbols, so every symbol stays equally likely), from a block refilled by `randomFillSync`
 * when used up. The bytes are the same CSPRNG's as `getRandomValues`, only fetched in blocks.
 */
export function bufferedRandom(blockBytes = BLOCK_BYTES): () => number {
  const block = new Uint8Array(blockBytes);
  let next = blockBytes;
  return () => {
    if (next === blockBytes) {
      randomFillSync(block);
      next = 0;
    }
    return block[next++]! / 256;
  };
}

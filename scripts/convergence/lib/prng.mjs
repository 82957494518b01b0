// A small seeded PRNG (mulberry32) and the draws the checker needs. One stream per actor, derived
// from the run's seed, so that `--seed=N` replays every actor's sequence of draws (the interleaving
// of concurrent actors still depends on timing).

/** Returns a function giving floats in [0, 1), deterministic for a given 32-bit seed. */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A random stream with helpers; `derive(n)` gives an independent stream for sub-task `n`. */
export function createRandom(seed) {
  const next = mulberry32(seed);
  const random = {
    seed,
    float: next,
    /** Integer in [min, max]. */
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (p) => next() < p,
    pick: (list) => list[Math.floor(next() * list.length)],
    /** Key of `weights` ({name: weight ≥ 0}) drawn in proportion to its weight. */
    weighted(weights) {
      const entries = Object.entries(weights).filter(([, w]) => w > 0);
      const total = entries.reduce((s, [, w]) => s + w, 0);
      let x = next() * total;
      for (const [name, w] of entries) {
        x -= w;
        if (x < 0) return name;
      }
      return entries.at(-1)[0];
    },
    derive: (n) => createRandom((Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) + Math.imul(n + 1, 0xc2b2ae35)) >>> 0),
  };
  return random;
}

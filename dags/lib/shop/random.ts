/** A small seeded PRNG (mulberry32): the demo's data depends only on the day and the scale. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function seedOf(...parts: Array<string | number>): number {
  let h = 2166136261;
  for (const ch of parts.join('|')) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  return h >>> 0;
}

export function pick<T>(rand: () => number, xs: readonly T[]): T {
  return xs[Math.floor(rand() * xs.length)];
}

/** Whole days from 2026-01-01 to `ds` (negative before it). */
export function dayIndex(ds: string): number {
  return Math.round((Date.parse(`${ds}T00:00:00Z`) - Date.parse('2026-01-01T00:00:00Z')) / 86_400_000);
}

/**
 * mulberry32: the one small seeded PRNG of the test suites. Property loops
 * that must run the same way on Node and inside XS (fast-check is
 * Node-only), reproducible kill moments in crash tests, seeded benchmark
 * books. Same seed, same sequence, on every runtime.
 */
export class Prng {
  private s: number;

  constructor(seed: number) {
    this.s = seed >>> 0;
  }

  /** Uniform 32-bit unsigned integer. */
  u32(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.u32() / 4294967296;
  }

  /** Integer in [0, n), as u32 mod n. */
  below(n: number): number {
    return this.u32() % n;
  }

  /** Integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
}

/** A function giving uniform numbers in [0, 1) from `seed`. */
export function uniform(seed: number): () => number {
  const p = new Prng(seed);
  return () => p.next();
}

/**
 * Scalar multiplication strategies for secp256k1 that fit a small XS heap.
 *
 * noble's `Point.multiply` routes any multiple of the base point G through a
 * 4 224-point precomputed table built on first use (tens of kilobytes of
 * BigInts; more than an ESP32's default XS heap). These functions never call
 * `multiply`: they only choose a sequence of noble's complete, audited
 * `add` / `double` / `negate`, with tables of at most 16 points per base
 * that are built per call (or once per `CombTable`) and owned by the caller.
 * No module-level state: on the device preloaded modules are frozen.
 */
import { Point } from '@noble/secp256k1';
import { HALF_BITS, endo, splitScalar } from './glv';

const ZERO = (): Point => Point.ZERO;

/** `p` or `−p`; both are computed so the work does not depend on `neg`. */
function pick(neg: boolean, p: Point): Point {
  const n = p.negate();
  return neg ? n : p;
}

/**
 * k·G for a secret scalar 1 ≤ k < n (signing nonces, key derivation).
 *
 * GLV splits k into two 128-bit halves (k·G = k1·G + k2·φ(G)), then a fixed
 * 4-bit window: 32 rounds of 4 doublings and exactly two additions, where a
 * zero digit adds the identity (noble's addition is complete, so that is a
 * real addition, not a skipped one). The sequence of point operations is thus
 * the same for every k (128 doublings, 64 additions, 14 for the table);
 * BigInt arithmetic in JS is not constant-time, so this shapes leakage the
 * way noble does, it does not remove it.
 */
export function mulBase(k: bigint): Point {
  const { k1, k2 } = splitScalar(k);
  const neg1 = k1 < 0n;
  const neg2 = k2 < 0n;
  const a1 = neg1 ? -k1 : k1;
  const a2 = neg2 ? -k2 : k2;
  // t[j] = j·G for j = 0..15; e[j] = φ(t[j]) = j·φ(G), one field product each.
  const g = Point.BASE;
  const t: Point[] = [ZERO(), g];
  for (let j = 2; j < 16; j++) t.push(t[j - 1]!.add(g));
  const e = t.map(endo);
  let r = ZERO();
  for (let w = HALF_BITS / 4 - 1; w >= 0; w--) {
    r = r.double().double().double().double();
    const shift = BigInt(w * 4);
    r = r.add(pick(neg1, t[Number((a1 >> shift) & 15n)]!));
    r = r.add(pick(neg2, e[Number((a2 >> shift) & 15n)]!));
  }
  return r;
}

/**
 * Width-w non-adjacent form of k ≥ 0, least significant digit first: digits
 * are 0 or odd in (−2^(w−1), 2^(w−1)), and any w consecutive digits hold at
 * most one non-zero, so about 1/(w+1) of the doublings are followed by an
 * addition.
 */
export function wnaf(k: bigint, w: number): number[] {
  const out: number[] = [];
  const full = 1 << w;
  const mask = BigInt(full - 1);
  while (k > 0n) {
    let d = 0;
    if (k & 1n) {
      d = Number(k & mask);
      if (d >= full >> 1) d -= full;
      k -= BigInt(d);
    }
    out.push(d);
    k >>= 1n;
  }
  return out;
}

/** [P, 3P, 5P, …, (2m−1)P]: the odd multiples a width-w NAF digit can name. */
function oddMultiples(p: Point, m: number): Point[] {
  const two = p.double();
  const out = [p];
  for (let i = 1; i < m; i++) out.push(out[i - 1]!.add(two));
  return out;
}

const W = 5; // digits in ±{1, 3, …, 15}: 8-point tables
const TABLE = 1 << (W - 2);

/**
 * u1·G + u2·Q for public scalars 0 ≤ u1, u2 < n (signature verification:
 * variable time is fine, nothing here is secret).
 *
 * Shamir's trick with GLV: u1·G + u2·Q = a1·G + a2·φ(G) + b1·Q + b2·φ(Q)
 * with four 128-bit scalars, so the four products share one chain of 128
 * doublings, and each scalar in width-5 NAF adds about 128/6 times. About
 * 128 doublings + 86 additions + 16 for the tables, against roughly 256 +
 * 128 for a plain double-and-add of u2·Q alone.
 */
export function mulDoubleBase(u1: bigint, u2: bigint, q: Point): Point {
  const gs = splitScalar(u1);
  const qs = splitScalar(u2);
  const tg = oddMultiples(Point.BASE, TABLE);
  const tq = oddMultiples(q, TABLE);
  const terms: Array<{ digits: number[]; table: Point[]; neg: boolean }> = [
    { digits: wnaf(gs.k1 < 0n ? -gs.k1 : gs.k1, W), table: tg, neg: gs.k1 < 0n },
    { digits: wnaf(gs.k2 < 0n ? -gs.k2 : gs.k2, W), table: tg.map(endo), neg: gs.k2 < 0n },
    { digits: wnaf(qs.k1 < 0n ? -qs.k1 : qs.k1, W), table: tq, neg: qs.k1 < 0n },
    { digits: wnaf(qs.k2 < 0n ? -qs.k2 : qs.k2, W), table: tq.map(endo), neg: qs.k2 < 0n },
  ];
  let top = 0;
  for (const t of terms) top = Math.max(top, t.digits.length);
  let r = ZERO();
  for (let i = top - 1; i >= 0; i--) {
    r = r.double();
    for (const t of terms) {
      const d = t.digits[i] ?? 0;
      if (d === 0) continue;
      const p = t.table[(d < 0 ? -d : d) >> 1]!;
      // A negative digit, or a negative half-scalar, subtracts: −P is free.
      r = r.add(d < 0 !== t.neg ? p.negate() : p);
    }
  }
  return r;
}

/**
 * A comb table for one fixed point B (Lim–Lee comb, 4 teeth 64 bits apart):
 * entry j = Σ bit_i(j)·2^(64·i)·B for j = 0..15. With it, k·B needs only 64
 * doublings and at most 64 additions, and two combs (G and a fixed public
 * key) share the 64 doublings. Building costs 192 doublings + 11 additions,
 * once; the table is 16 affine points held by its owner.
 */
export class CombTable {
  readonly points: readonly Point[];

  constructor(base: Point) {
    const teeth = [base];
    for (let i = 1; i < 4; i++) {
      let p = teeth[i - 1]!;
      for (let j = 0; j < 64; j++) p = p.double();
      teeth.push(p);
    }
    const t: Point[] = [ZERO()];
    for (let i = 0; i < 4; i++) {
      const size = t.length; // 2^i entries built from the lower teeth
      t.push(teeth[i]!);
      for (let j = 1; j < size; j++) t.push(t[j]!.add(teeth[i]!));
    }
    // Store entries with Z = 1 (one inversion each, 16 in all): a third
    // less BigInt memory held, and cheaper products inside every add.
    this.points = t.map((p) => Point.fromAffine(p.toAffine()));
  }
}

// The comb column c of k: bits c, c+64, c+128, c+192 as a 4-bit index. `bits`
// is k in binary, 256 characters, most significant first.
function column(bits: string, c: number): number {
  return (bits.charCodeAt(255 - c) & 1) | ((bits.charCodeAt(191 - c) & 1) << 1) | ((bits.charCodeAt(127 - c) & 1) << 2) | ((bits.charCodeAt(63 - c) & 1) << 3);
}

const binary256 = (k: bigint): string => k.toString(2).padStart(256, '0');

/** u1·A + u2·B with comb tables for A and B (public scalars 0 ≤ u < n; variable time). */
export function mulDoubleComb(u1: bigint, a: CombTable, u2: bigint, b: CombTable): Point {
  const s1 = binary256(u1);
  const s2 = binary256(u2);
  let r = ZERO();
  for (let c = 63; c >= 0; c--) {
    r = r.double();
    const i1 = column(s1, c);
    if (i1 !== 0) r = r.add(a.points[i1]!);
    const i2 = column(s2, c);
    if (i2 !== 0) r = r.add(b.points[i2]!);
  }
  return r;
}

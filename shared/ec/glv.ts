/**
 * The secp256k1 endomorphism (GLV, Gallant–Lambert–Vanstone 2001), used only
 * to choose *which* additions and doublings to do: every point operation is
 * still noble's audited `Point.add` / `Point.double`.
 *
 * secp256k1 has p ≡ 1 (mod 3), so the field has a non-trivial cube root of
 * unity β, and the group a matching cube root of unity λ (mod n) with
 *
 *     λ·(x, y) = (β·x, y)          for every point (x, y),
 *
 * i.e. multiplying by the 256-bit scalar λ costs one field multiplication.
 * Any scalar k splits as k ≡ k1 + k2·λ (mod n) with |k1|, |k2| < 2^128, so
 * k·P = k1·P + k2·φ(P) needs 128 doublings instead of 256: that halving is
 * where the speed comes from.
 *
 * Constants: β, λ and the short lattice basis (a1, b1), (a2, b2) of
 * { (x, y) : x + y·λ ≡ 0 mod n } are the published secp256k1 values (SEC 2
 * does not list them; libsecp256k1 and the GLV paper's §4 method derive them).
 * `test/node/sign-ec.test.ts` re-derives the facts they must satisfy
 * (β³ ≡ 1, λ³ ≡ 1, a + b·λ ≡ 0, a1·b2 − a2·b1 = n, λ·G = (β·Gx, Gy)), so a
 * typo cannot pass silently.
 */
import { Point, etc } from '@noble/secp256k1';

/** Group order n. */
export const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
/** Field prime p. */
export const P = 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2fn;
/** Cube root of unity in F_p: φ(x, y) = (β·x, y). */
export const BETA = 0x7ae96a2b657c07106e64479eac3434e99cf0497512f58995c1396c28719501een;
/** Cube root of unity mod n with λ·P = φ(P). */
export const LAMBDA = 0x5363ad4cc05c30e0a5261c028812645a122e22ea20816678df02967c1b23bd72n;
const A1 = 0x3086d221a7d46bcde86c90e49284eb15n;
const B1 = -0xe4437ed6010e88286f547fa90abfe4c3n;
const A2 = 0x114ca50f7a8e2f3f657c1108d9d44cfd8n;
const B2 = A1;
/** Half-scalars are below 2^128; anything larger means a broken constant. */
export const HALF_BITS = 128;
const HALF_LIMIT = 1n << 128n;

/** k = k1 + k2·λ (mod n), both halves as signed integers with |ki| < 2^128. */
export interface SplitScalar {
  k1: bigint;
  k2: bigint;
}

// Division rounded to the nearest integer, for a non-negative numerator.
const divRound = (a: bigint, b: bigint): bigint => (a + b / 2n) / b;

/**
 * Split 0 ≤ k < n. Babai rounding in the basis above: c1 = round(b2·k/n),
 * c2 = round(−b1·k/n); then (k1, k2) = (k, 0) − c1·(a1, b1) − c2·(a2, b2)
 * is a lattice translate of (k, 0), so k1 + k2·λ ≡ k, and it is short
 * because the basis is.
 */
export function splitScalar(k: bigint): SplitScalar {
  const c1 = divRound(B2 * k, N);
  const c2 = divRound(-B1 * k, N);
  const k1 = k - c1 * A1 - c2 * A2;
  const k2 = -c1 * B1 - c2 * B2;
  // Proven bound for these constants; a failure here is a bug, never input.
  if (k1 >= HALF_LIMIT || -k1 >= HALF_LIMIT || k2 >= HALF_LIMIT || -k2 >= HALF_LIMIT) throw new Error('GLV split out of range');
  return { k1, k2 };
}

/**
 * φ(P) = λ·P for a projective point: x = X/Z, so scaling X by β scales x by
 * β and leaves y (and the point at infinity, Z = 0) as they were.
 */
export function endo(p: Point): Point {
  return new Point(etc.mod(p.X * BETA, P), p.Y, p.Z);
}

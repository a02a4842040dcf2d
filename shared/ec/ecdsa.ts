/**
 * ECDSA over secp256k1 on pre-hashed 32-byte digests (SEC 1 §4.1.3–4.1.4),
 * with RFC 6979 deterministic nonces, low-S and the 64-byte compact format
 * r‖s: byte for byte what noble's `sign(digest, sk, { prehash: false,
 * lowS: true })` produces, but using the small-table scalar multiplications
 * of `./mul` instead of noble's 4 224-point table for G.
 */
import { Point, etc } from '@noble/secp256k1';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { CombTable, mulBase, mulDoubleBase, mulDoubleComb } from './mul';
import { N } from './glv';

const HALF_N = N >> 1n;

// Digest → integer. bits2int (RFC 6979 §2.3.2) of a 256-bit string for a
// 256-bit n is the plain big-endian value: no truncation shift is needed.
function digestInt(digest: Uint8Array): bigint {
  if (digest.length !== 32) throw new Error('digest must be 32 bytes');
  return etc.bytesToNumberBE(digest);
}

const to32 = (x: bigint): Uint8Array => etc.numberToBytesBE(x);

/** Compressed public key (33 bytes) of the secret scalar 1 ≤ d < n. */
export function publicKeyBytes(d: bigint): Uint8Array {
  // toBytes re-checks the point is on the curve and not the identity.
  return mulBase(d).toBytes(true);
}

/**
 * The RFC 6979 §3.2 nonce stream (HMAC-DRBG with HMAC-SHA-256, qlen = hlen =
 * 256, so one HMAC output is one candidate). `accept` returns a result for a
 * usable candidate k or undefined to draw the next one.
 */
function rfc6979<T>(d: bigint, h1: bigint, accept: (k: bigint) => T | undefined): T {
  // Step d's input: int2octets(x) ‖ bits2octets(h1), where bits2octets
  // reduces h1 mod n first (it may lie in [n, 2^256)).
  const seed = new Uint8Array(64);
  seed.set(to32(d), 0);
  seed.set(to32(etc.mod(h1, N)), 32);
  const mac = (key: Uint8Array, ...parts: Uint8Array[]) => hmac(sha256, key, etc.concatBytes(...parts));
  let v: Uint8Array = new Uint8Array(32).fill(1); // step b
  let k: Uint8Array = new Uint8Array(32); // step c
  k = mac(k, v, Uint8Array.of(0), seed); // step d
  v = mac(k, v); // step e
  k = mac(k, v, Uint8Array.of(1), seed); // step f
  v = mac(k, v); // step g
  // Step h: candidates until one gives a valid signature. A miss has
  // probability about 2^-128; 1 000 rounds is a guard against a broken HMAC.
  for (let round = 0; round < 1000; round++) {
    v = mac(k, v);
    const t = etc.bytesToNumberBE(v); // bits2int(T), again no shift for 256 bits
    if (t >= 1n && t < N) {
      const out = accept(t);
      if (out !== undefined) return out;
    }
    k = mac(k, v, Uint8Array.of(0));
    v = mac(k, v);
  }
  throw new Error('rfc6979: no valid nonce');
}

/**
 * Sign a 32-byte digest with the secret scalar 1 ≤ d < n. Returns r‖s (64
 * bytes) with s ≤ n/2: (r, s) and (r, n − s) both verify, so only the low
 * one is ever produced, making signatures non-malleable and unique.
 */
export function signDigest(digest: Uint8Array, d: bigint): Uint8Array {
  if (d < 1n || d >= N) throw new Error('secret scalar out of range');
  const h = digestInt(digest);
  const z = etc.mod(h, N);
  return rfc6979(d, h, (k) => {
    const r = etc.mod(mulBase(k).toAffine().x, N); // r = (k·G).x mod n
    if (r === 0n) return undefined; // SEC 1 4.1.3 step 1.3: try the next k
    let s = etc.mod(etc.invert(k, N) * (z + r * d), N); // s = k⁻¹(z + r·d)
    if (s === 0n) return undefined; // step 1.6 (s = 0 has no inverse in verify)
    if (s > HALF_N) s = N - s; // low-S
    const out = new Uint8Array(64);
    out.set(to32(r), 0);
    out.set(to32(s), 32);
    return out;
  });
}

/** How u1·G + u2·Q is computed: per call (GLV + wNAF) or with a key's comb tables. */
type DoubleMul = (u1: bigint, u2: bigint) => Point;

function verifyWith(sig: Uint8Array, digest: Uint8Array, mul: DoubleMul): boolean {
  if (sig.length !== 64) return false;
  const r = etc.bytesToNumberBE(sig.subarray(0, 32));
  const s = etc.bytesToNumberBE(sig.subarray(32, 64));
  // SEC 1 4.1.4 step 1: r, s in [1, n−1]. r = 0 or s = 0 would let
  // u1·G + u2·Q collapse to a forger-chosen value.
  if (r < 1n || r >= N || s < 1n || s >= N) return false;
  // Only the low-S twin is valid (see signDigest).
  if (s > HALF_N) return false;
  const z = etc.mod(digestInt(digest), N);
  const w = etc.invert(s, N);
  const rPoint = mul(etc.mod(z * w, N), etc.mod(r * w, N));
  // Step 5: R = ∞ is a rejection, not x = 0 (toAffine would map it to (0, 0)).
  if (rPoint.is0()) return false;
  // Step 6–8: x(R) is in F_p and p > n, so reduce it mod n before comparing.
  return etc.mod(rPoint.toAffine().x, N) === r;
}

/**
 * Check a 64-byte r‖s signature of a 32-byte digest against the public
 * point `q` (already validated on the curve, e.g. by `Point.fromBytes`).
 */
export function verifyDigest(sig: Uint8Array, digest: Uint8Array, q: Point): boolean {
  if (q.is0()) return false;
  return verifyWith(sig, digest, (u1, u2) => mulDoubleBase(u1, u2, q));
}

/**
 * A verifier for one fixed public key: comb tables for G and for the key
 * (32 points, built once) make each check about 64 doublings + ~120
 * additions instead of ~230 operations. Build one per long-lived key (the
 * device's hub key), not per message.
 */
export class KeyVerifier {
  readonly #g: CombTable;
  readonly #q: CombTable;

  /** `base` may be shared between verifiers: it only depends on G. */
  constructor(q: Point, base: CombTable = new CombTable(Point.BASE)) {
    if (q.is0()) throw new Error('public key is the point at infinity');
    this.#g = base;
    this.#q = new CombTable(q);
  }

  verifyDigest(sig: Uint8Array, digest: Uint8Array): boolean {
    return verifyWith(sig, digest, (u1, u2) => mulDoubleComb(u1, this.#g, u2, this.#q));
  }
}

/**
 * secp256k1 signatures shared by hub and firmware (@noble/secp256k1 on the
 * engine's native BigInt; XS has no native secp256k1).
 *
 * What is signed is never raw JSON text but a domain-separated digest:
 *
 *     digest = SHA-256( "swarmgrid/v1/" + domain  ||  0x00  ||  canonicalBytes(body) )
 *
 * The domain (e.g. "contract", "offer", "meter-report", "block") keeps a
 * signature made for one kind of message from being replayed as another.
 * Signatures are RFC 6979 deterministic (same key and message give the same
 * bytes on every runtime), low-S (no malleable twin) and 64-byte compact,
 * carried as lowercase hex. Public keys are 33-byte compressed points in hex.
 *
 * The curve arithmetic is noble's (`Point`), but ECDSA itself lives in
 * `./ec/ecdsa`: noble's sign/verify/getPublicKey multiply G through a
 * 4 224-point table that does not fit an ESP32's XS heap, so scalar
 * multiplication there uses tables of ≤ 16 points (see `./ec/mul`). Use a
 * {@link Verifier} for a key checked again and again (the hub's key on a
 * device): it keeps 32 points and verifies faster.
 */
import * as secp from '@noble/secp256k1';
import { sha256 } from '@noble/hashes/sha2.js';
import { canonicalBytes } from './canonical';
import { concatBytes, fromHex, toHex, utf8Encode } from './bytes';
import { fail } from './errors';
import { KeyVerifier, publicKeyBytes, signDigest, verifyDigest } from './ec/ecdsa';

const DOMAIN_PREFIX = 'swarmgrid/v1/';
const DOMAIN = /^[a-z][a-z0-9-]{0,31}$/;

/** The 32-byte digest that is signed for `body` under `domain`. */
export function messageDigest(domain: string, body: unknown): Uint8Array {
  if (!DOMAIN.test(domain)) fail('E_CANON_KEY', `signing domain ${JSON.stringify(domain)} is not [a-z][a-z0-9-]*`);
  return sha256(concatBytes(utf8Encode(DOMAIN_PREFIX + domain), new Uint8Array([0]), canonicalBytes(body)));
}

function secretBytes(secretKeyHex: string): Uint8Array {
  const sk = fromHex(secretKeyHex);
  if (sk.length !== 32 || !secp.utils.isValidSecretKey(sk)) fail('E_KEY', 'secret key must be 32 bytes in [1, n-1]');
  return sk;
}

const secretScalar = (secretKeyHex: string): bigint => secp.etc.bytesToNumberBE(secretBytes(secretKeyHex));

// Parse and validate once: Point.fromBytes lifts x to a curve point (so an
// off-curve or non-residue x is refused) and never yields infinity.
function publicPoint(publicKeyHex: string): secp.Point {
  let pk: Uint8Array;
  try {
    pk = fromHex(publicKeyHex);
  } catch {
    return fail('E_KEY', 'public key is not hex');
  }
  if (pk.length !== 33 || (pk[0] !== 2 && pk[0] !== 3)) fail('E_KEY', 'public key must be a 33-byte compressed secp256k1 point');
  try {
    return secp.Point.fromBytes(pk);
  } catch {
    return fail('E_KEY', 'public key must be a 33-byte compressed secp256k1 point');
  }
}

/** Compressed public key (hex) of a secret key (hex). */
export function publicKeyOf(secretKeyHex: string): string {
  return toHex(publicKeyBytes(secretScalar(secretKeyHex)));
}

/** True when `publicKeyHex` is a valid compressed secp256k1 point. */
export function isPublicKey(publicKeyHex: string): boolean {
  try {
    publicPoint(publicKeyHex);
    return true;
  } catch {
    return false;
  }
}

/**
 * A new secret key (hex) from 48 bytes of caller-supplied entropy, reduced
 * mod n as FIPS 186-5 A.2.1 recommends. The caller owns randomness: Node
 * passes crypto.randomBytes, the device its hardware RNG.
 */
export function secretKeyFromEntropy(entropy48: Uint8Array): string {
  if (entropy48.length < 48) fail('E_KEY', 'need at least 48 bytes of entropy');
  const n = secp.Point.CURVE().n;
  let x = 0n;
  for (let i = 0; i < entropy48.length; i++) x = (x << 8n) | BigInt(entropy48[i]!);
  const k = (x % (n - 1n)) + 1n;
  let hex = k.toString(16);
  while (hex.length < 64) hex = '0' + hex;
  return hex;
}

/** Sign `body` under `domain` with `secretKeyHex`; returns 64-byte compact signature as hex. */
export function sign(domain: string, body: unknown, secretKeyHex: string): string {
  const digest = messageDigest(domain, body);
  return toHex(signDigest(digest, secretScalar(secretKeyHex)));
}

// Hex → 64 bytes, or undefined: a malformed signature is simply not valid.
function signatureBytes(signatureHex: string): Uint8Array | undefined {
  let sig: Uint8Array;
  try {
    sig = fromHex(signatureHex);
  } catch {
    return undefined;
  }
  return sig.length === 64 ? sig : undefined;
}

/** True when `signatureHex` is a valid low-S signature of `body` under `domain` by `publicKeyHex`. */
export function verify(domain: string, body: unknown, signatureHex: string, publicKeyHex: string): boolean {
  const sig = signatureBytes(signatureHex);
  if (!sig) return false;
  const q = publicPoint(publicKeyHex);
  return verifyDigest(sig, messageDigest(domain, body), q);
}

const SIG_HEX = /^[0-9a-f]{128}$/;

/** Like {@link verify} but throws E_SIG_FORMAT / E_SIG_INVALID with a reason. */
export function assertSigned(domain: string, body: unknown, signatureHex: string, publicKeyHex: string): void {
  if (typeof signatureHex !== 'string' || !SIG_HEX.test(signatureHex)) fail('E_SIG_FORMAT', 'signature must be 128 lowercase hex characters');
  if (!verify(domain, body, signatureHex, publicKeyHex)) fail('E_SIG_INVALID', `signature does not verify for domain ${domain}`);
}

/**
 * Verifies signatures by one fixed public key, faster than {@link verify}:
 * it keeps comb tables for G and the key (32 points, about 200 point
 * operations to build, once). Same answers as `verify` with that key.
 * Throws E_KEY at construction for an invalid key.
 */
export class Verifier {
  /** The key this verifier checks against (compressed, hex). */
  readonly publicKey: string;
  readonly #key: KeyVerifier;

  constructor(publicKeyHex: string) {
    this.#key = new KeyVerifier(publicPoint(publicKeyHex));
    this.publicKey = publicKeyHex;
  }

  /** Same as {@link verify}(domain, body, signatureHex, this.publicKey). */
  verify(domain: string, body: unknown, signatureHex: string): boolean {
    const sig = signatureBytes(signatureHex);
    if (!sig) return false;
    return this.#key.verifyDigest(sig, messageDigest(domain, body));
  }

  /** Same as {@link assertSigned} with this key. */
  assertSigned(domain: string, body: unknown, signatureHex: string): void {
    if (typeof signatureHex !== 'string' || !SIG_HEX.test(signatureHex)) fail('E_SIG_FORMAT', 'signature must be 128 lowercase hex characters');
    if (!this.verify(domain, body, signatureHex)) fail('E_SIG_INVALID', `signature does not verify for domain ${domain}`);
  }
}

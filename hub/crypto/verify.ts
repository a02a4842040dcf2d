/**
 * Fast signature verification on Node, backed by OpenSSL (node:crypto).
 *
 * `shared/sign.verify` runs noble's pure-JS secp256k1 (~2.5 ms a check on
 * Node); OpenSSL does the same check in ~0.3 ms. This module verifies the
 * exact same statement as `shared/sign.verify`:
 *
 *     ECDSA-verify( SHA-256("swarmgrid/v1/" + domain || 0x00 || canonical(body)), sig, key )
 *
 * with three rules OpenSSL does not enforce on its own, so both verifiers
 * accept exactly the same signatures:
 *  - the signature is 128 lowercase hex characters (r ‖ s, 32 bytes each);
 *  - 1 ≤ r < n and 1 ≤ s ≤ n/2 (low-S): OpenSSL accepts the high-S twin
 *    (r, n − s) of every valid signature, which would make signatures
 *    malleable and tx hashes unstable, so we refuse it before OpenSSL runs;
 *  - the public key is a 33-byte compressed point on the curve (else E_KEY,
 *    as shared/sign does).
 * OpenSSL takes the signature as IEEE-P1363 (r ‖ s) directly, so no DER
 * conversion is needed; `compactToDer` is kept for tools and tests.
 * Public keys become KeyObjects once and are cached per verifier instance.
 */
import { createPublicKey, verify as opensslVerify, type KeyObject } from 'node:crypto';
import { canonicalText } from '../../shared/canonical';
import { fail } from '../../shared/errors';

// SPKI DER prefix for id-ecPublicKey on secp256k1 with a 33-byte compressed point.
const SPKI_PREFIX = Buffer.from('3036301006072a8648ce3d020106052b8104000a032200', 'hex');
const DOMAIN = /^[a-z][a-z0-9-]{0,31}$/;
const SIG_HEX = /^[0-9a-f]{128}$/;
const PUB_HEX = /^0[23][0-9a-fA-F]{64}$/;
// The order n of the secp256k1 group and floor(n/2), as 64 lowercase hex
// digits: fixed-width lowercase hex compares like the numbers it spells.
const N_HEX = 'fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141';
const HALF_N_HEX = '7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0';
const ZERO_HEX = '0'.repeat(64);

/** Options of {@link OpenSslVerifier}. */
export interface VerifierOptions {
  /** Public keys kept as KeyObjects (least recently added dropped first). Default 4096. */
  maxCachedKeys?: number;
}

/** True when the compact signature hex has 1 ≤ r < n and 1 ≤ s ≤ n/2. */
export function isLowSCompact(signatureHex: string): boolean {
  if (typeof signatureHex !== 'string' || !SIG_HEX.test(signatureHex)) return false;
  const r = signatureHex.slice(0, 64);
  const s = signatureHex.slice(64);
  return r !== ZERO_HEX && r < N_HEX && s !== ZERO_HEX && s <= HALF_N_HEX;
}

/** DER encoding (SEQUENCE of two INTEGERs) of a 64-byte compact signature in hex. */
export function compactToDer(signatureHex: string): Buffer {
  if (!SIG_HEX.test(signatureHex)) fail('E_SIG_FORMAT', 'signature must be 128 lowercase hex characters');
  const integer = (hex: string): Buffer => {
    let b = Buffer.from(hex, 'hex');
    while (b.length > 1 && b[0] === 0 && b[1]! < 0x80) b = b.subarray(1);
    if (b[0]! >= 0x80) b = Buffer.concat([Buffer.from([0]), b]);
    return Buffer.concat([Buffer.from([0x02, b.length]), b]);
  };
  const body = Buffer.concat([integer(signatureHex.slice(0, 64)), integer(signatureHex.slice(64))]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}

/**
 * A verifier holding its own KeyObject cache (state on the instance, none
 * at module level). `verify` has the same contract as shared/sign.verify:
 * false for a bad signature, E_KEY thrown for a malformed public key.
 */
export class OpenSslVerifier {
  private readonly keys = new Map<string, KeyObject>();
  private readonly prefixes = new Map<string, Buffer>();
  private readonly maxKeys: number;

  constructor(options: VerifierOptions = {}) {
    this.maxKeys = options.maxCachedKeys ?? 4096;
  }

  /** True when `signatureHex` is a valid low-S signature of `body` under `domain` by `publicKeyHex`. */
  verify(domain: string, body: unknown, signatureHex: string, publicKeyHex: string): boolean {
    // Same order as shared/sign.verify: a malformed signature is just "false",
    // a malformed key is an error.
    if (!isLowSCompact(signatureHex)) return false;
    const key = this.key(publicKeyHex);
    const pre = this.preimage(domain, body);
    return opensslVerify('sha256', pre, { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(signatureHex, 'hex'));
  }

  /**
   * Like {@link verify}, but OpenSSL runs on libuv's thread pool, so many
   * checks proceed in parallel on a multi-core router. Same answers.
   */
  verifyAsync(domain: string, body: unknown, signatureHex: string, publicKeyHex: string): Promise<boolean> {
    if (!isLowSCompact(signatureHex)) return Promise.resolve(false);
    const key = this.key(publicKeyHex);
    const pre = this.preimage(domain, body);
    return new Promise((resolve, reject) => {
      opensslVerify('sha256', pre, { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(signatureHex, 'hex'), (err, ok) => {
        if (err) reject(err);
        else resolve(ok);
      });
    });
  }

  /** The signed preimage "swarmgrid/v1/" + domain ‖ 0x00 ‖ canonical(body); OpenSSL hashes it. */
  preimage(domain: string, body: unknown): Buffer {
    let prefix = this.prefixes.get(domain);
    if (!prefix) {
      if (!DOMAIN.test(domain)) fail('E_CANON_KEY', `signing domain ${JSON.stringify(domain)} is not [a-z][a-z0-9-]*`);
      prefix = Buffer.from(`swarmgrid/v1/${domain}\0`, 'utf8');
      this.prefixes.set(domain, prefix);
    }
    // canonicalText refuses lone surrogates (E_UTF8), so Node's UTF-8 encoder
    // gives the same bytes as shared/bytes.utf8Encode here.
    const text = canonicalText(body);
    const out = Buffer.allocUnsafe(prefix.length + Buffer.byteLength(text, 'utf8'));
    prefix.copy(out, 0);
    out.write(text, prefix.length, 'utf8');
    return out;
  }

  /** The cached KeyObject of a compressed public key (hex); E_KEY when it is not a curve point. */
  key(publicKeyHex: string): KeyObject {
    const hit = this.keys.get(publicKeyHex);
    if (hit) return hit;
    if (typeof publicKeyHex !== 'string' || !PUB_HEX.test(publicKeyHex)) fail('E_KEY', 'public key must be a 33-byte compressed secp256k1 point');
    let key: KeyObject;
    try {
      key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, Buffer.from(publicKeyHex, 'hex')]), format: 'der', type: 'spki' });
    } catch {
      return fail('E_KEY', 'public key must be a 33-byte compressed secp256k1 point');
    }
    if (this.keys.size >= this.maxKeys) this.keys.delete(this.keys.keys().next().value!);
    this.keys.set(publicKeyHex, key);
    return key;
  }
}

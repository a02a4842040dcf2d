// The ECDSA in shared/ec against noble's own sign/verify/multiply (which use
// the big G table, fine on Node): same bytes, same verdicts, on random keys
// and messages, tampered and high-S signatures, and invalid keys.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import * as secp from '@noble/secp256k1';
import { sha256 } from '@noble/hashes/sha2.js';
import { hmac } from '@noble/hashes/hmac.js';
import { BETA, LAMBDA, N, P, splitScalar } from '../../shared/ec/glv';
import { CombTable, mulBase, mulDoubleBase, mulDoubleComb, wnaf } from '../../shared/ec/mul';
import { KeyVerifier, publicKeyBytes, signDigest, verifyDigest } from '../../shared/ec/ecdsa';
import { toHex } from '../../shared/bytes';
import { Verifier, publicKeyOf, sign, verify } from '../../shared/sign';

// noble's reference sign/verify need hashes; set them here, in the test only.
secp.hashes.sha256 = sha256;
secp.hashes.hmacSha256 = (key: Uint8Array, msg: Uint8Array) => hmac(sha256, key, msg);

const G = secp.Point.BASE;
const scalar = fc.bigInt({ min: 1n, max: N - 1n });
const bytes32 = fc.uint8Array({ minLength: 32, maxLength: 32 });
const mod = (a: bigint, m: bigint) => ((a % m) + m) % m;
const pow = (b: bigint, e: bigint, m: bigint) => {
  let r = 1n;
  for (b %= m; e > 0n; e >>= 1n, b = (b * b) % m) if (e & 1n) r = (r * b) % m;
  return r;
};
const skBytes = (d: bigint) => secp.etc.numberToBytesBE(d);
const highS = (sig: Uint8Array) => {
  const s = secp.etc.bytesToNumberBE(sig.subarray(32));
  const out = sig.slice();
  out.set(secp.etc.numberToBytesBE(N - s), 32);
  return out;
};

const glv = suite('GLV constants and split');

glv('β and λ are cube roots of unity and λ·G = (β·Gx, Gy)', () => {
  assert.is(pow(BETA, 3n, P), 1n);
  assert.is(pow(LAMBDA, 3n, N), 1n);
  const lg = G.multiply(LAMBDA).toAffine();
  assert.is(lg.x, mod(BETA * G.toAffine().x, P));
  assert.is(lg.y, G.toAffine().y);
});

glv('k1 + k2·λ ≡ k with both halves below 2^128, edge scalars included', () => {
  const check = (k: bigint) => {
    const { k1, k2 } = splitScalar(k);
    assert.is(mod(k1 + k2 * LAMBDA, N), k);
    assert.ok(k1 < 1n << 128n && -k1 < 1n << 128n && k2 < 1n << 128n && -k2 < 1n << 128n);
  };
  for (const k of [0n, 1n, 2n, LAMBDA, N - LAMBDA, N >> 1n, (N >> 1n) + 1n, N - 2n, N - 1n, 1n << 128n, (1n << 255n) % N]) check(k);
  fc.assert(fc.property(scalar, (k) => check(k)), { numRuns: 2000 });
});

glv('wNAF digits rebuild the scalar and are odd, small and sparse', () => {
  fc.assert(
    fc.property(fc.bigInt({ min: 0n, max: (1n << 129n) - 1n }), (k) => {
      const d = wnaf(k, 5);
      assert.is(d.reduceRight((acc, x) => acc * 2n + BigInt(x), 0n), k);
      d.forEach((x, i) => {
        if (x === 0) return;
        assert.ok(x % 2 !== 0 && Math.abs(x) < 16);
        for (let j = i + 1; j < Math.min(i + 5, d.length); j++) assert.is(d[j], 0);
      });
    }),
    { numRuns: 500 },
  );
});

const mul = suite('scalar multiplication equals noble');

mul('mulBase(k) = k·G', () => {
  for (const k of [1n, 2n, 15n, 16n, LAMBDA, N - 1n, N >> 1n]) assert.ok(mulBase(k).equals(G.multiply(k)), String(k));
  fc.assert(fc.property(scalar, (k) => mulBase(k).equals(G.multiply(k))), { numRuns: 200 });
});

mul('mulDoubleBase and the comb give u1·G + u2·Q, including u1 = 0 and results at infinity', () => {
  fc.assert(
    fc.property(scalar, fc.bigInt({ min: 0n, max: N - 1n }), scalar, (d, u1, u2) => {
      const q = G.multiply(d);
      const want = u1 === 0n ? q.multiply(u2) : G.multiply(u1).add(q.multiply(u2));
      assert.ok(mulDoubleBase(u1, u2, q).equals(want));
      assert.ok(mulDoubleComb(u1, new CombTable(G), u2, new CombTable(q)).equals(want));
    }),
    { numRuns: 100 },
  );
  // u1·G + u2·Q = ∞ when Q = G and u2 = n − u1.
  assert.ok(mulDoubleBase(5n, N - 5n, G).is0());
  assert.ok(mulDoubleComb(5n, new CombTable(G), N - 5n, new CombTable(G)).is0());
});

const ecdsa = suite('ECDSA equals noble');

ecdsa('sign gives noble\'s RFC 6979 low-S bytes and public keys match', () => {
  fc.assert(
    fc.property(scalar, bytes32, (d, digest) => {
      const ours = signDigest(digest, d);
      assert.is(toHex(ours), toHex(secp.sign(digest, skBytes(d), { prehash: false, lowS: true })));
      assert.is(toHex(publicKeyBytes(d)), toHex(secp.getPublicKey(skBytes(d), true)));
    }),
    { numRuns: 300 },
  );
});

ecdsa('digests at or above n sign like noble (bits2octets reduces mod n)', () => {
  const d = 0x1234n;
  for (const h of [N, N + 1n, (1n << 256n) - 1n, 0n]) {
    const digest = secp.etc.numberToBytesBE(h);
    assert.is(toHex(signDigest(digest, d)), toHex(secp.sign(digest, skBytes(d), { prehash: false, lowS: true })));
  }
});

ecdsa('verify agrees with noble on valid, tampered, high-S and foreign-key signatures', () => {
  fc.assert(
    fc.property(scalar, scalar, bytes32, fc.nat(511), (d, other, digest, bit) => {
      const pk = secp.getPublicKey(skBytes(d), true);
      const q = secp.Point.fromBytes(pk);
      const kv = new KeyVerifier(q);
      const sig = signDigest(digest, d);
      const flipped = sig.slice();
      flipped[bit >> 3]! ^= 1 << (bit & 7);
      const foreign = secp.sign(digest, skBytes(other), { prehash: false, lowS: true });
      for (const [s, expect] of [
        [sig, true],
        [flipped, undefined],
        [highS(sig), false],
        [foreign, d === other],
      ] as const) {
        const theirs = secp.verify(s, digest, pk, { prehash: false, lowS: true });
        if (expect !== undefined) assert.is(theirs, expect);
        assert.is(verifyDigest(s, digest, q), theirs);
        assert.is(kv.verifyDigest(s, digest), theirs);
      }
    }),
    { numRuns: 150 },
  );
});

ecdsa('r or s of 0 or ≥ n are refused', () => {
  const d = 7n;
  const digest = sha256(new Uint8Array([1, 2, 3]));
  const q = secp.Point.fromBytes(publicKeyBytes(d));
  const sig = signDigest(digest, d);
  const with_ = (r: bigint | null, s: bigint | null) => {
    const out = sig.slice();
    if (r !== null) out.set(secp.etc.numberToBytesBE(r), 0);
    if (s !== null) out.set(secp.etc.numberToBytesBE(s), 32);
    return out;
  };
  for (const bad of [with_(0n, null), with_(null, 0n), with_(N, null), with_(null, N), with_(N + 1n, null), with_(null, (1n << 256n) - 1n)]) {
    assert.not.ok(verifyDigest(bad, digest, q));
    assert.not.ok(new KeyVerifier(q).verifyDigest(bad, digest));
  }
  assert.not.ok(verifyDigest(sig.subarray(0, 63), digest, q));
});

const api = suite('shared/sign on random keys');

api('sign/verify/publicKeyOf agree with noble; the Verifier agrees with verify; off-curve keys are E_KEY', () => {
  fc.assert(
    fc.property(scalar, fc.jsonValue({ maxDepth: 2 }), (d, n) => {
      const skHex = toHex(skBytes(d));
      const pkHex = publicKeyOf(skHex);
      const body = { n: JSON.stringify(n) };
      const sig = sign('test', body, skHex);
      assert.ok(verify('test', body, sig, pkHex));
      const v = new Verifier(pkHex);
      assert.ok(v.verify('test', body, sig));
      assert.not.ok(v.verify('other', body, sig));
      assert.not.ok(v.verify('test', body, sig.slice(0, 64) + toHex(highS(Uint8Array.from(Buffer.from(sig, 'hex'))).subarray(32))));
    }),
    { numRuns: 50 },
  );
  // x = 5 has no y on the curve (5³ + 7 = 132 is not a square mod p).
  const offCurve = '02' + '00'.repeat(31) + '05';
  assert.not.ok(secp.utils.isValidPublicKey(Buffer.from(offCurve, 'hex'), true));
  assert.throws(() => new Verifier(offCurve), (e: Error & { code?: string }) => e.code === 'E_KEY');
  assert.throws(() => verify('test', {}, '00'.repeat(64), offCurve), (e: Error & { code?: string }) => e.code === 'E_KEY');
  // Uncompressed keys are not part of the format.
  assert.throws(() => new Verifier(toHex(G.toBytes(false))), (e: Error & { code?: string }) => e.code === 'E_KEY');
});

glv.run();
mul.run();
ecdsa.run();
api.run();

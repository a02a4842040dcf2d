// The small-table ECDSA on both engines: scalar multiplication against a
// plain double-and-add built from noble's add/double, the fixed-key Verifier
// against verify, and the signing vectors through the Verifier. Random
// inputs come from a seeded PRNG (fast-check is Node-only).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Point, etc } from '@noble/secp256k1';
import vectors from '../../vectors/signing.json';
import { LAMBDA, N, splitScalar } from '../../../shared/ec/glv';
import { CombTable, mulBase, mulDoubleBase, mulDoubleComb } from '../../../shared/ec/mul';
import { KeyVerifier, publicKeyBytes, signDigest, verifyDigest } from '../../../shared/ec/ecdsa';
import { Verifier, publicKeyOf, sign, verify } from '../../../shared/sign';
import { fromHex, toHex } from '../../../shared/bytes';

// xorshift32: deterministic inputs, the same on Node and XS.
function prng(seed: number) {
  let x = seed >>> 0 || 1;
  const next = () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
  return {
    bytes(n: number): Uint8Array {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = next() & 255;
      return out;
    },
    scalar(): bigint {
      const k = etc.bytesToNumberBE(this.bytes(32)) % N;
      return k === 0n ? 1n : k;
    },
  };
}

// Reference: right-to-left double-and-add with noble's add/double only.
function slowMul(p: Point, k: bigint): Point {
  let r = Point.ZERO;
  for (let d = p; k > 0n; k >>= 1n, d = d.double()) if (k & 1n) r = r.add(d);
  return r;
}

const mul = suite('scalar multiplication');

mul('GLV halves recombine to the scalar', () => {
  const rnd = prng(7);
  for (let i = 0; i < 50; i++) {
    const k = rnd.scalar();
    const { k1, k2 } = splitScalar(k);
    assert.is(etc.mod(k1 + k2 * LAMBDA, N), k);
  }
});

mul('mulBase(k) equals double-and-add k·G', () => {
  const rnd = prng(11);
  for (const k of [1n, 2n, 16n, N - 1n, rnd.scalar(), rnd.scalar()]) assert.ok(mulBase(k).equals(slowMul(Point.BASE, k)), String(k));
});

mul('u1·G + u2·Q is the same by GLV-wNAF, by comb and by double-and-add', () => {
  const rnd = prng(13);
  const g = new CombTable(Point.BASE);
  for (let i = 0; i < 3; i++) {
    const q = mulBase(rnd.scalar());
    const u1 = rnd.scalar();
    const u2 = rnd.scalar();
    const want = slowMul(Point.BASE, u1).add(slowMul(q, u2));
    assert.ok(mulDoubleBase(u1, u2, q).equals(want));
    assert.ok(mulDoubleComb(u1, g, u2, new CombTable(q)).equals(want));
  }
});

const ecdsa = suite('ECDSA on digests');

ecdsa('a signature verifies, its high-S twin and a flipped bit do not', () => {
  const rnd = prng(17);
  for (let i = 0; i < 4; i++) {
    const d = rnd.scalar();
    const digest = rnd.bytes(32);
    const q = Point.fromBytes(publicKeyBytes(d));
    const kv = new KeyVerifier(q);
    const sig = signDigest(digest, d);
    const s = etc.bytesToNumberBE(sig.subarray(32));
    assert.ok(s <= N >> 1n, 'low-S');
    assert.ok(verifyDigest(sig, digest, q));
    assert.ok(kv.verifyDigest(sig, digest));
    const twin = sig.slice();
    twin.set(etc.numberToBytesBE(N - s), 32);
    assert.not.ok(verifyDigest(twin, digest, q));
    assert.not.ok(kv.verifyDigest(twin, digest));
    const flipped = sig.slice();
    flipped[i * 9]! ^= 4;
    assert.not.ok(verifyDigest(flipped, digest, q));
    assert.not.ok(kv.verifyDigest(flipped, digest));
  }
});

ecdsa('r = 0, s = 0, r = n and the point at infinity are refused', () => {
  const digest = new Uint8Array(32).fill(9);
  const q = Point.fromBytes(publicKeyBytes(3n));
  const sig = signDigest(digest, 3n);
  const zeroR = sig.slice();
  zeroR.fill(0, 0, 32);
  const zeroS = sig.slice();
  zeroS.fill(0, 32, 64);
  const nR = sig.slice();
  nR.set(etc.numberToBytesBE(N), 0);
  for (const bad of [zeroR, zeroS, nR]) assert.not.ok(verifyDigest(bad, digest, q));
  assert.not.ok(verifyDigest(sig, digest, Point.ZERO));
  assert.throws(() => new KeyVerifier(Point.ZERO));
});

const api = suite('Verifier');

for (const v of vectors.vectors) {
  api(`${v.name}: a fixed-key Verifier accepts the vector and refuses another domain`, () => {
    const verifier = new Verifier(v.publicKey);
    assert.ok(verifier.verify(v.domain, v.body, v.signature));
    assert.not.ok(verifier.verify(v.domain === 'offer' ? 'contract' : 'offer', v.body, v.signature));
    assert.not.ok(verifier.verify(v.domain, v.body, 'zz'));
  });
}

api('Verifier and verify agree on random keys and messages', () => {
  const rnd = prng(23);
  for (let i = 0; i < 3; i++) {
    const sk = toHex(etc.numberToBytesBE(rnd.scalar()));
    const pk = publicKeyOf(sk);
    const verifier = new Verifier(pk);
    const body = { i, nonce: toHex(rnd.bytes(8)) };
    const sig = sign('test', body, sk);
    assert.ok(verify('test', body, sig, pk));
    assert.ok(verifier.verify('test', body, sig));
    const bad = sig.slice(0, 126) + (sig.slice(126) === '00' ? '01' : '00');
    assert.is(verifier.verify('test', body, bad), verify('test', body, bad, pk));
    assert.not.ok(verifier.verify('test', { ...body, i: i + 1 }, sig));
  }
});

api('assertSigned on a Verifier names the failure', () => {
  const v = vectors.vectors[0]!;
  const verifier = new Verifier(v.publicKey);
  const code = (fn: () => void) => {
    try {
      fn();
      return 'none';
    } catch (e) {
      return (e as { code?: string }).code;
    }
  };
  assert.is(code(() => verifier.assertSigned(v.domain, v.body, v.signature)), 'none');
  assert.is(code(() => verifier.assertSigned(v.domain, v.body, 'xyz')), 'E_SIG_FORMAT');
  assert.is(code(() => verifier.assertSigned('fault', v.body, v.signature)), 'E_SIG_INVALID');
  assert.is(code(() => new Verifier('02' + '00'.repeat(32))), 'E_KEY');
  assert.is(toHex(fromHex(verifier.publicKey)), v.publicKey);
});

mul.run();
ecdsa.run();
api.run();

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { createPublicKey, verify as opensslVerify } from 'node:crypto';
import { OpenSslVerifier, compactToDer, isLowSCompact } from '../../../hub/crypto/verify';
import { publicKeyOf, secretKeyFromEntropy, sign, verify } from '../../../shared/sign';
import { SwarmError } from '../../../shared/errors';
import vectors from '../../vectors/signing.json';

const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const hex64 = (x: bigint) => x.toString(16).padStart(64, '0');
const highSTwin = (sig: string) => sig.slice(0, 64) + hex64(N - BigInt('0x' + sig.slice(64)));

// Canonical-able JSON bodies: integers, strings (no lone surrogates), booleans, null, nesting.
const key = fc.stringMatching(/^[A-Za-z0-9_]{1,8}$/);
const leaf = fc.oneof(fc.integer(), fc.string({ unit: 'grapheme' }), fc.boolean(), fc.constant(null), fc.maxSafeInteger());
const body = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('value'), { maxLength: 4 }), fc.dictionary(key, tie('value'), { maxKeys: 4 })),
  root: fc.dictionary(key, tie('value'), { maxKeys: 6 }),
})).root;
const entropy = fc.uint8Array({ minLength: 48, maxLength: 48 });
const domain = fc.constantFrom('offer', 'request', 'contract', 'meter-report', 'block', 'settlement');

const agree = suite('OpenSslVerifier agrees with shared/sign.verify');

agree('on every signing vector', () => {
  const v = new OpenSslVerifier();
  for (const x of vectors.vectors) {
    assert.ok(v.verify(x.domain, x.body, x.signature, x.publicKey), x.name);
    assert.not.ok(v.verify(x.domain === 'offer' ? 'request' : 'offer', x.body, x.signature, x.publicKey));
  }
});

agree('on random bodies and keys: valid, tampered body, other key, flipped bit, high-S twin', () => {
  const v = new OpenSslVerifier();
  fc.assert(
    fc.property(domain, body, entropy, entropy, fc.nat(127), (d, b, e1, e2, bit) => {
      const sk = secretKeyFromEntropy(e1);
      const pk = publicKeyOf(sk);
      const other = publicKeyOf(secretKeyFromEntropy(e2));
      const sig = sign(d, b, sk);
      const flipped = sig.slice(0, bit) + ((parseInt(sig[bit]!, 16) ^ 1).toString(16)) + sig.slice(bit + 1);
      const tampered = { ...b, zz_extra: 1 };
      const cases: Array<[unknown, string, string]> = [
        [b, sig, pk],
        [tampered, sig, pk],
        [b, sig, other],
        [b, flipped, pk],
        [b, highSTwin(sig), pk],
      ];
      for (const [bb, s, k] of cases) assert.is(v.verify(d, bb, s, k), verify(d, bb, s, k));
      assert.ok(v.verify(d, b, sig, pk));
      assert.not.ok(v.verify(d, b, highSTwin(sig), pk));
    }),
    { numRuns: 60 },
  );
});

agree('on malformed signatures: wrong length, uppercase, non-hex, r or s zero', () => {
  const v = new OpenSslVerifier();
  const x = vectors.vectors[0]!;
  const bad = [x.signature.slice(2), x.signature + '00', 'zz' + x.signature.slice(2), '0'.repeat(64) + x.signature.slice(64), x.signature.slice(0, 64) + '0'.repeat(64)];
  for (const s of bad) {
    assert.not.ok(v.verify(x.domain, x.body, s, x.publicKey), s);
    assert.is(verify(x.domain, x.body, s, x.publicKey), false);
  }
  assert.not.ok(v.verify(x.domain, x.body, x.signature.toUpperCase(), x.publicKey));
});

agree('an off-curve or malformed public key is E_KEY, as in shared/sign', () => {
  const v = new OpenSslVerifier();
  const x = vectors.vectors[0]!;
  for (const k of ['02' + '0'.repeat(64), '04' + x.publicKey.slice(2), x.publicKey.slice(2), 'nothex']) {
    let code = '';
    try {
      v.verify(x.domain, x.body, x.signature, k);
    } catch (e) {
      code = (e as SwarmError).code;
    }
    assert.is(code, 'E_KEY', k);
    assert.throws(() => verify(x.domain, x.body, x.signature, k), (e: SwarmError) => e.code === 'E_KEY');
  }
});

agree('verifyAsync gives the same answers on the thread pool', async () => {
  const v = new OpenSslVerifier();
  const x = vectors.vectors[0]!;
  assert.is(await v.verifyAsync(x.domain, x.body, x.signature, x.publicKey), true);
  assert.is(await v.verifyAsync(x.domain, { ...x.body, n: 1 }, x.signature, x.publicKey), false);
  assert.is(await v.verifyAsync(x.domain, x.body, highSTwin(x.signature), x.publicKey), false);
});

agree.run();

const low = suite('low-S and DER helpers');

low('the low-S bound is n/2 inclusive; r must be in [1, n-1]', () => {
  const half = N >> 1n;
  const r = hex64(5n);
  assert.ok(isLowSCompact(r + hex64(half)));
  assert.not.ok(isLowSCompact(r + hex64(half + 1n)));
  assert.not.ok(isLowSCompact(r + hex64(0n)));
  assert.ok(isLowSCompact(hex64(N - 1n) + hex64(1n)));
  assert.not.ok(isLowSCompact(hex64(N) + hex64(1n)));
});

low('compactToDer gives a DER signature OpenSSL accepts (and strips/pads integers minimally)', () => {
  for (const x of vectors.vectors) {
    const key = createPublicKey({ key: Buffer.from('3036301006072a8648ce3d020106052b8104000a032200' + x.publicKey, 'hex'), format: 'der', type: 'spki' });
    const pre = new OpenSslVerifier().preimage(x.domain, x.body);
    assert.ok(opensslVerify('sha256', pre, key, compactToDer(x.signature)), x.name);
  }
  assert.is(compactToDer(hex64(1n) + hex64(0x80n)).toString('hex'), '3007020101020200' + '80');
});

low('keys are cached per verifier, bounded', () => {
  const v = new OpenSslVerifier({ maxCachedKeys: 2 });
  const x = vectors.vectors[0]!;
  assert.is(v.key(x.publicKey), v.key(x.publicKey));
  v.key(vectors.vectors[1]!.publicKey);
  v.key(publicKeyOf(secretKeyFromEntropy(new Uint8Array(48).fill(3))));
  assert.ok(v.verify(x.domain, x.body, x.signature, x.publicKey));
});

low.run();

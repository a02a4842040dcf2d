import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import vectors from '../vectors/signing.json';
import { canonicalText } from '../../shared/canonical';
import { assertSigned, isPublicKey, messageDigest, publicKeyOf, secretKeyFromEntropy, sign, verify } from '../../shared/sign';
import { toHex } from '../../shared/bytes';
import { SwarmError } from '../../shared/errors';

const signing = suite('signing vectors');

for (const v of vectors.vectors) {
  signing(`${v.name}: same canonical bytes, digest, public key and signature`, () => {
    assert.is(canonicalText(v.body), v.canonical);
    assert.is(toHex(messageDigest(v.domain, v.body)), v.digest);
    assert.is(publicKeyOf(v.secretKey), v.publicKey);
    assert.is(sign(v.domain, v.body, v.secretKey), v.signature);
    assert.ok(verify(v.domain, v.body, v.signature, v.publicKey));
  });
}

const tamper = suite('tampering');
const v0 = vectors.vectors[0]!;

tamper('a changed field no longer verifies', () => {
  const body = { ...v0.body, energyMWh: (v0.body as { energyMWh: number }).energyMWh + 1 };
  assert.not.ok(verify(v0.domain, body, v0.signature, v0.publicKey));
});

tamper('a signature is bound to its domain', () => {
  assert.not.ok(verify('offer', v0.body, v0.signature, v0.publicKey));
});

tamper('another key does not verify', () => {
  const other = vectors.vectors[1]!.publicKey;
  assert.not.ok(verify(v0.domain, v0.body, v0.signature, other));
});

tamper('a flipped signature bit does not verify', () => {
  const last = parseInt(v0.signature.slice(-2), 16) ^ 1;
  const sig = v0.signature.slice(0, -2) + (last < 16 ? '0' : '') + last.toString(16);
  assert.not.ok(verify(v0.domain, v0.body, sig, v0.publicKey));
});

tamper('the high-S twin of a valid signature is refused (no malleability)', () => {
  const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
  const s = BigInt('0x' + v0.signature.slice(64));
  let hi = (n - s).toString(16);
  while (hi.length < 64) hi = '0' + hi;
  assert.not.ok(verify(v0.domain, v0.body, v0.signature.slice(0, 64) + hi, v0.publicKey));
});

tamper('assertSigned names the failure with a stable code', () => {
  const code = (fn: () => void) => {
    try {
      fn();
      return 'none';
    } catch (e) {
      return (e as SwarmError).code;
    }
  };
  assert.is(code(() => assertSigned(v0.domain, v0.body, v0.signature, v0.publicKey)), 'none');
  assert.is(code(() => assertSigned(v0.domain, v0.body, 'xyz', v0.publicKey)), 'E_SIG_FORMAT');
  assert.is(code(() => assertSigned('fault', v0.body, v0.signature, v0.publicKey)), 'E_SIG_INVALID');
  assert.is(code(() => assertSigned(v0.domain, v0.body, v0.signature, '02' + '00'.repeat(32))), 'E_KEY');
});

const keys = suite('keys');

keys('entropy maps to a valid secret key whose public key is a point', () => {
  const entropy = new Uint8Array(48);
  for (let i = 0; i < 48; i++) entropy[i] = (i * 37 + 11) & 255;
  const sk = secretKeyFromEntropy(entropy);
  assert.is(sk.length, 64);
  assert.ok(isPublicKey(publicKeyOf(sk)));
  assert.not.ok(isPublicKey('04' + '11'.repeat(32)));
  const all = secretKeyFromEntropy(new Uint8Array(48).fill(255));
  assert.ok(isPublicKey(publicKeyOf(all)));
});

signing.run();
tamper.run();
keys.run();

// Independent check of the signing vectors: Node's UTF-8 and SHA-256 give the
// same digest, and OpenSSL (node:crypto) verifies every noble signature.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash, createPublicKey, verify as osslVerify } from 'node:crypto';
import vectors from '../vectors/signing.json';

// SPKI DER prefix for an id-ecPublicKey on secp256k1 with a 33-byte compressed point.
const SPKI_PREFIX = '3036301006072a8648ce3d020106052b8104000a032200';

function der(sigHex: string): Buffer {
  const part = (hex: string) => {
    let b = Buffer.from(hex, 'hex');
    while (b.length > 1 && b[0] === 0 && b[1]! < 0x80) b = b.subarray(1);
    if (b[0]! >= 0x80) b = Buffer.concat([Buffer.from([0]), b]);
    return Buffer.concat([Buffer.from([0x02, b.length]), b]);
  };
  const body = Buffer.concat([part(sigHex.slice(0, 64)), part(sigHex.slice(64))]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}

for (const v of vectors.vectors) {
  test(`OpenSSL verifies "${v.name}"`, () => {
    const key = createPublicKey({ key: Buffer.from(SPKI_PREFIX + v.publicKey, 'hex'), format: 'der', type: 'spki' });
    // The signed digest is SHA-256 over "swarmgrid/v1/<domain>" 0x00 <canonical UTF-8>:
    // rebuild that preimage with Node's own UTF-8 and let OpenSSL hash it.
    const preimage = Buffer.concat([Buffer.from(`swarmgrid/v1/${v.domain}`), Buffer.from([0]), Buffer.from(v.canonical, 'utf8')]);
    assert.is(createHash('sha256').update(preimage).digest('hex'), v.digest);
    assert.ok(osslVerify('sha256', preimage, key, der(v.signature)), 'OpenSSL rejected the signature');
    const tampered = Buffer.from(preimage);
    tampered[tampered.length - 2] = tampered[tampered.length - 2]! ^ 1;
    assert.not.ok(osslVerify('sha256', tampered, key, der(v.signature)));
  });
}

test.run();

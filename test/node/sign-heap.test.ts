// Heap use of signing inside the real XS engine. Slot counts are
// deterministic (unlike time), so they can be bounded: the device's default
// XS heap has 4 928 slots in all, and noble's first G multiplication would
// keep a 4 224-point table alive for good.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleForXs } from '../../testbed/xs/bundle';
import { startXs, type XsMachine } from '../../testbed/xs/engine';
import vectors from '../vectors/signing.json';

const root = fileURLToPath(new URL('../..', import.meta.url));
const v = vectors.vectors[0]!;

async function machine(): Promise<XsMachine> {
  const code = await bundleForXs({
    resolveDir: root,
    contents: `
      import { Verifier, sign, verify } from ${JSON.stringify(join(root, 'shared/sign'))};
      import * as secp from '@noble/secp256k1';
      const v = ${JSON.stringify(v)};
      let verifier;
      const sig = () => Uint8Array.from(v.signature.match(/../g), (h) => parseInt(h, 16));
      const digest = () => Uint8Array.from(v.digest.match(/../g), (h) => parseInt(h, 16));
      const pk = () => Uint8Array.from(v.publicKey.match(/../g), (h) => parseInt(h, 16));
      const ops = {
        nothing: () => true,
        verify: () => verify(v.domain, v.body, v.signature, v.publicKey),
        sign: () => sign(v.domain, v.body, v.secretKey) === v.signature,
        verifier: () => { verifier = new Verifier(v.publicKey); return true; },
        fixed: () => verifier.verify(v.domain, v.body, v.signature),
        drop: () => { verifier = undefined; return true; },
        noble: () => secp.verify(sig(), digest(), pk(), { prehash: false }),
      };
      globalThis.handleCommand = (bytes) => {
        const ok = ops[String.fromCharCode(...new Uint8Array(bytes))]();
        if (typeof globalThis.gc === 'function') globalThis.gc();
        return new TextEncoder().encode(String(ok)).buffer;
      };`,
  });
  const xs = await startXs({ name: 'sign-heap' });
  await xs.evaluate(code);
  return xs;
}

const dec = new TextDecoder();

async function heapAfter(xs: XsMachine, op: string, times = 1): Promise<number> {
  let heap = 0;
  for (let i = 0; i < times; i++) {
    const r = await xs.command(op);
    assert.is(dec.decode(r.reply), 'true', `${op} answered`);
    heap = r.meter.heapCount;
  }
  return heap;
}

test('verify and sign keep no table: the heap grows by under 1 000 slots over 20 verifies and 5 signs', async () => {
  const xs = await machine();
  try {
    const before = await heapAfter(xs, 'nothing');
    const first = await heapAfter(xs, 'verify');
    assert.ok(first - before < 1000, `first verify grew the heap by ${first - before} slots`);
    const after20 = await heapAfter(xs, 'verify', 20);
    assert.ok(after20 - before < 1000, `20 verifies grew the heap by ${after20 - before} slots`);
    const afterSign = await heapAfter(xs, 'sign', 5);
    assert.ok(afterSign - before < 1000, `signing grew the heap by ${afterSign - before} slots`);
  } finally {
    await xs.close();
  }
});

test('a fixed-key Verifier holds under 300 slots and gives them back when dropped', async () => {
  const xs = await machine();
  try {
    const before = await heapAfter(xs, 'nothing');
    const built = await heapAfter(xs, 'verifier');
    assert.ok(built - before < 300, `the Verifier holds ${built - before} slots`);
    const used = await heapAfter(xs, 'fixed', 20);
    assert.ok(used - built < 100, `20 checks grew the heap by ${used - built} slots`);
    const dropped = await heapAfter(xs, 'drop');
    assert.ok(dropped - before < 50, `${dropped - before} slots left after dropping the Verifier`);
  } finally {
    await xs.close();
  }
});

test("noble's own verify would keep its G table: more slots than the device's whole heap", async () => {
  const xs = await machine();
  try {
    const before = await heapAfter(xs, 'nothing');
    const after = await heapAfter(xs, 'noble');
    assert.ok(after - before > 4928, `noble's verify grew the heap by only ${after - before} slots`);
  } finally {
    await xs.close();
  }
});

test.run();

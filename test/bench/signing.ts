/**
 * Signature cost on Node (wall time) and inside XS (deterministic compute
 * meter, live heap slots, and wall time on host XS). Target: one check
 * ≤ 10 ms on host XS, and no table big enough to matter on an ESP32 heap
 * (default creation: 4 928 slots in a 78 848-byte chunk).
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleForXs } from '../../testbed/xs/bundle';
import { startXs, type XsMachine } from '../../testbed/xs/engine';
import { Verifier, sign, verify } from '../../shared/sign';
import vectors from '../vectors/signing.json';

const root = fileURLToPath(new URL('../..', import.meta.url));
const v = vectors.vectors[0]!;

/**
 * An XS script answering 'verify', 'sign', 'verifier' (build the fixed-key
 * Verifier), 'fixed' (verify with it), 'drop' (forget the Verifier),
 * 'noble' (noble's own verify, the path used before) and 'gc' (no-op);
 * each collects garbage before the heap is read.
 */
async function signingScript(): Promise<string> {
  return bundleForXs({
    resolveDir: root,
    contents: `
      import { Verifier, sign, verify } from ${JSON.stringify(join(root, 'shared/sign'))};
      import * as secp from '@noble/secp256k1';
      const hex = (h) => Uint8Array.from(h.match(/../g), (b) => parseInt(b, 16));
      const v = ${JSON.stringify(v)};
      let verifier;
      globalThis.handleCommand = (bytes) => {
        const op = String.fromCharCode(...new Uint8Array(bytes));
        let ok = true;
        if (op === 'verify') ok = verify(v.domain, v.body, v.signature, v.publicKey);
        else if (op === 'sign') ok = sign(v.domain, v.body, v.secretKey) === v.signature;
        else if (op === 'verifier') verifier = new Verifier(v.publicKey);
        else if (op === 'fixed') ok = verifier.verify(v.domain, v.body, v.signature);
        else if (op === 'drop') verifier = undefined;
        else if (op === 'noble') ok = secp.verify(hex(v.signature), hex(v.digest), hex(v.publicKey), { prehash: false });
        if (typeof globalThis.gc === 'function') globalThis.gc();
        return new TextEncoder().encode(String(ok)).buffer;
      };`,
  });
}

/** Run `op` k times; mean compute and wall ms, and the heap slots after the last. */
async function measure(xs: XsMachine, op: string, k: number): Promise<{ compute: number; ms: number; heap: number }> {
  let compute = 0;
  let heap = 0;
  const t = performance.now();
  for (let i = 0; i < k; i++) {
    const r = await xs.command(op);
    if (new TextDecoder().decode(r.reply) !== 'true') throw new Error(`${op} gave ${new TextDecoder().decode(r.reply)}`);
    compute += r.meter.compute;
    heap = r.meter.heapCount;
  }
  return { compute: Math.round(compute / k), ms: (performance.now() - t) / k, heap };
}

export async function run(): Promise<void> {
  const n = 200;
  let t = performance.now();
  for (let i = 0; i < n; i++) verify(v.domain, v.body, v.signature, v.publicKey);
  const nodeVerify = (performance.now() - t) / n;
  t = performance.now();
  for (let i = 0; i < n; i++) sign(v.domain, { ...v.body, n: i }, v.secretKey);
  const nodeSign = (performance.now() - t) / n;
  t = performance.now();
  const nodeVerifier = new Verifier(v.publicKey);
  const nodeBuild = performance.now() - t;
  t = performance.now();
  for (let i = 0; i < n; i++) nodeVerifier.verify(v.domain, v.body, v.signature);
  const nodeFixed = (performance.now() - t) / n;
  console.log(`node: verify ${nodeVerify.toFixed(3)} ms, fixed-key Verifier ${nodeFixed.toFixed(3)} ms (built in ${nodeBuild.toFixed(1)} ms), sign ${nodeSign.toFixed(3)} ms (mean of ${n})`);

  const xs = await startXs({ name: 'bench-signing' });
  try {
    const loaded = await xs.evaluate(await signingScript());
    const before = (await xs.command('gc')).meter.heapCount;
    const first = await measure(xs, 'verify', 1);
    const k = 20;
    const steady = await measure(xs, 'verify', k);
    const signing = await measure(xs, 'sign', k);
    const build = await measure(xs, 'verifier', 1);
    const fixed = await measure(xs, 'fixed', k);
    const dropped = await measure(xs, 'drop', 1);
    const noble = await measure(xs, 'noble', 1);
    const nobleSteady = await measure(xs, 'noble', k);
    console.log(`xs:   heap ${before} slots after load (script ${loaded.meter.compute} compute)`);
    console.log(`xs:   first verify ${first.compute} compute, ${first.ms.toFixed(2)} ms wall; heap after ${first.heap} slots (${first.heap - before >= 0 ? '+' : ''}${first.heap - before})`);
    console.log(`xs:   verify ${steady.compute} compute, ${steady.ms.toFixed(2)} ms wall (target ≤ 10 ms); heap after ${k} more: ${steady.heap} slots`);
    console.log(`xs:   sign ${signing.compute} compute, ${signing.ms.toFixed(2)} ms wall; heap ${signing.heap} slots`);
    console.log(`xs:   Verifier build ${build.compute} compute, ${build.ms.toFixed(2)} ms wall; holds ${build.heap - signing.heap} slots`);
    console.log(`xs:   Verifier.verify ${fixed.compute} compute, ${fixed.ms.toFixed(2)} ms wall; heap ${fixed.heap} slots; after dropping it ${dropped.heap}`);
    console.log(`xs:   (before: noble's verify) first ${noble.compute} compute, heap +${noble.heap - dropped.heap} slots kept; then ${nobleSteady.compute} compute, ${nobleSteady.ms.toFixed(2)} ms wall`);
  } finally {
    await xs.close();
  }
}

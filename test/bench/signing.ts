/**
 * Signature cost on Node (wall time) and inside XS (deterministic compute
 * meter and wall time on host XS). Target: one check ≤ 10 ms on host XS.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleForXs } from '../../testbed/xs/bundle';
import { startXs } from '../../testbed/xs/engine';
import { sign, verify } from '../../shared/sign';
import vectors from '../vectors/signing.json';

const root = fileURLToPath(new URL('../..', import.meta.url));

export async function run(): Promise<void> {
  const v = vectors.vectors[0]!;
  const n = 200;
  let t = performance.now();
  for (let i = 0; i < n; i++) verify(v.domain, v.body, v.signature, v.publicKey);
  const nodeVerify = (performance.now() - t) / n;
  t = performance.now();
  for (let i = 0; i < n; i++) sign(v.domain, { ...v.body, n: i }, v.secretKey);
  const nodeSign = (performance.now() - t) / n;
  console.log(`node: verify ${nodeVerify.toFixed(3)} ms, sign ${nodeSign.toFixed(3)} ms (mean of ${n})`);

  const code = await bundleForXs({
    resolveDir: root,
    contents: `
      import { sign, verify } from ${JSON.stringify(join(root, 'shared/sign'))};
      const v = ${JSON.stringify(v)};
      globalThis.handleCommand = (bytes) => {
        const op = String.fromCharCode(...new Uint8Array(bytes));
        let ok = true;
        if (op === 'verify') ok = verify(v.domain, v.body, v.signature, v.publicKey);
        else sign(v.domain, v.body, v.secretKey);
        return new TextEncoder().encode(String(ok)).buffer;
      };`,
  });
  const xs = await startXs({ name: 'bench-signing' });
  try {
    await xs.evaluate(code);
    const first = await xs.command('verify');
    const k = 20;
    let compute = 0;
    t = performance.now();
    for (let i = 0; i < k; i++) compute += (await xs.command('verify')).meter.compute;
    const xsVerifyMs = (performance.now() - t) / k;
    t = performance.now();
    let signCompute = 0;
    for (let i = 0; i < k; i++) signCompute += (await xs.command('sign')).meter.compute;
    const xsSignMs = (performance.now() - t) / k;
    console.log(`xs:   first verify ${first.meter.compute} compute (builds precomputes)`);
    console.log(`xs:   verify ${Math.round(compute / k)} compute, ${xsVerifyMs.toFixed(2)} ms wall (target ≤ 10 ms); sign ${Math.round(signCompute / k)} compute, ${xsSignMs.toFixed(2)} ms wall`);
  } finally {
    await xs.close();
  }
}

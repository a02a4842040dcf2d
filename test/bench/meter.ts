/**
 * Meter node cost inside XS (deterministic compute meter and live heap
 * slots): one sample through MeterNode (diode check, contract bookkeeping,
 * integration), the heap before and after 100 000 samples (should be flat:
 * no allocation per sample survives), and one signed report (sign + queue
 * record + checkpoint). Node wall time for comparison.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleForXs } from '../../testbed/xs/bundle';
import { startXs } from '../../testbed/xs/engine';
import { MeterNode } from '../../firmware/meter/node';
import { MemoryStore } from '../../firmware/meter/record';

const root = fileURLToPath(new URL('../..', import.meta.url));
const SK = '7363b76f87ad7b310a122a326a074fbe01829f5a2ea3b80e85a9782f28d771c5';

export async function run(): Promise<void> {
  // Node: wall time per sample and per report
  const node = new MeterNode({ meterId: 'm-bench', nodeId: 'house-bench', secretKeyHex: SK, store: new MemoryStore(), reportEveryMs: 60_000 });
  node.setMode('prosumer');
  const n = 100_000;
  let t = performance.now();
  for (let i = 0; i < n; i++) node.sample({ atMs: i * 1000, busMV: 12_000 + (i % 7), currentMA: 4_000 + (i % 13) });
  const nodeSampleUs = ((performance.now() - t) * 1000) / n;
  t = performance.now();
  const k = 50;
  for (let i = 1; i <= k; i++) node.tick(n * 1000 + i * 60_000);
  const nodeReportMs = (performance.now() - t) / k;
  console.log(`node: sample ${nodeSampleUs.toFixed(2)} µs, report (sign + 2 store writes) ${nodeReportMs.toFixed(2)} ms (mean)`);

  const code = await bundleForXs({
    resolveDir: root,
    contents: `
      import { MeterNode } from ${JSON.stringify(join(root, 'firmware/meter/node'))};
      import { MemoryStore } from ${JSON.stringify(join(root, 'firmware/meter/record'))};
      let node;
      let t = 0;
      let i = 0;
      const s = { atMs: 0, busMV: 0, currentMA: 0 };
      globalThis.handleCommand = (bytes) => {
        const [op, arg] = String.fromCharCode(...new Uint8Array(bytes)).split(':');
        if (op === 'init') {
          node = new MeterNode({ meterId: 'm-bench', nodeId: 'house-bench', secretKeyHex: ${JSON.stringify(SK)}, store: new MemoryStore(), reportEveryMs: 60000 });
          node.setMode('prosumer');
          node.tick(0);
        } else if (op === 'samples') {
          const count = Number(arg);
          for (let j = 0; j < count; j++) {
            i++;
            t += 1000;
            s.atMs = t; s.busMV = 12000 + (i % 7); s.currentMA = 4000 + (i % 13);
            node.sample(s);
          }
        } else if (op === 'report') {
          t += 60000;
          node.tick(t);
          node.drain();
        } else if (op === 'gc') {
          gc();
        }
        return new TextEncoder().encode(String(node ? node.status().seq : 0)).buffer;
      };`,
  });
  const xs = await startXs({ name: 'bench-meter' });
  try {
    await xs.evaluate(code);
    await xs.command('init');
    await xs.command('samples:1000'); // warm up
    await xs.command('report');
    const one = (await xs.command('samples:1')).meter.compute;
    const thousand = (await xs.command('samples:1000')).meter.compute;
    await xs.command('gc').catch(() => undefined);
    const heapBefore = (await xs.command('samples:0')).meter.heapCount;
    let compute = 0;
    for (let b = 0; b < 100; b++) compute += (await xs.command('samples:1000')).meter.compute;
    await xs.command('gc').catch(() => undefined);
    const heapAfter = (await xs.command('samples:0')).meter.heapCount;
    const reports: number[] = [];
    for (let r = 0; r < 10; r++) reports.push((await xs.command('report')).meter.compute);
    const perReport = Math.round(reports.reduce((a, b) => a + b, 0) / reports.length);
    console.log(`xs:   sample ${Math.round(thousand / 1000)} compute (single call ${one}); 100 000 samples ${compute} compute`);
    console.log(`xs:   heap ${heapBefore} slots before, ${heapAfter} after 100 000 samples (${heapAfter - heapBefore >= 0 ? '+' : ''}${heapAfter - heapBefore})`);
    console.log(`xs:   report (sign + queue record + checkpoint) ${perReport} compute (min ${Math.min(...reports)}, max ${Math.max(...reports)})`);
  } finally {
    await xs.close();
  }
}

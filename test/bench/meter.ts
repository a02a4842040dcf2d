/**
 * Meter node cost inside XS (deterministic compute meter and live heap
 * slots): one sample through MeterNode (diode check, contract bookkeeping,
 * integration), the heap before and after 100 000 samples (should be flat:
 * no allocation per sample survives), and one signed report (sign + queue
 * record + checkpoint). Then the contract schedule: one sample with a
 * window open, and the heap before and after 100 cycles of two back-to-back
 * windows received at once (200 final reports, acked; the schedule and the
 * closed-id ring are bounded, so the heap must stay flat). Node wall time
 * for comparison.
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
      let cnode;
      let ct = 0;
      let k = 0;
      const cs = { atMs: 0, busMV: 12000, currentMA: -2000 };
      const csample = (count) => {
        for (let j = 0; j < count; j++) {
          ct += 1000;
          cs.atMs = ct;
          cnode.sample(cs);
          cnode.tick(ct);
        }
        for (const o of cnode.drain().publish) cnode.ack(o.seq);
      };
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
        } else if (op === 'cinit') {
          cnode = new MeterNode({ meterId: 'm-bench', nodeId: 'house-bench', secretKeyHex: ${JSON.stringify(SK)}, store: new MemoryStore(), reportEveryMs: 600000 });
          cnode.connected(true, 0);
          cnode.tick(0);
          cnode.beginContract({ id: 'c-open', beginMs: 0, endMs: 2000000000 }, 0);
          csample(10);
        } else if (op === 'csamples') {
          csample(Number(arg));
        } else if (op === 'cycles') {
          // close the long window, then per cycle: two back-to-back 300 s windows received at once, 700 s of samples
          cnode.endContract(ct);
          csample(1);
          for (let c = 0; c < Number(arg); c++) {
            k++;
            cnode.beginContract({ id: 'c-' + k + 'a', beginMs: ct + 60000, endMs: ct + 360000 }, ct);
            cnode.beginContract({ id: 'c-' + k + 'b', beginMs: ct + 360000, endMs: ct + 660000 }, ct);
            csample(700);
          }
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

    await xs.command('cinit');
    await xs.command('csamples:1000'); // warm up
    const open = (await xs.command('csamples:1000')).meter.compute;
    await xs.command('cycles:10'); // warm up: the closed ring fills (16 ids)
    await xs.command('gc').catch(() => undefined);
    const cBefore = (await xs.command('csamples:0')).meter.heapCount;
    let cCompute = 0;
    for (let b = 0; b < 10; b++) cCompute += (await xs.command('cycles:10')).meter.compute;
    await xs.command('gc').catch(() => undefined);
    const cAfter = (await xs.command('csamples:0')).meter.heapCount;
    console.log(`xs:   sample + tick with a window open ${Math.round(open / 1000)} compute`);
    console.log(`xs:   heap ${cBefore} slots before, ${cAfter} after 100 cycles of 2 back-to-back windows (200 finals, 70 000 samples) (${cAfter - cBefore >= 0 ? '+' : ''}${cAfter - cBefore}); ${Math.round(cCompute / 100)} compute per cycle`);
  } finally {
    await xs.close();
  }
}

/**
 * VE.Direct parser cost. Inside XS (deterministic meters): compute per block
 * (parse + typed record update) and live heap slots before/after 10 000
 * blocks with a gc() at the end of each crank — flat means no leak and no
 * per-block allocation that survives. A control run that builds an object
 * per block shows the meter does see allocations. On Node: blocks/s.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleForXs } from '../../testbed/xs/bundle';
import { startXs } from '../../testbed/xs/engine';
import { VeDirectParser } from '../../firmware/vedirect/parser';
import { VictronRecord } from '../../firmware/vedirect/record';
import { MpptEmulator } from '../../testbed/victron/mppt';
import { BmvEmulator } from '../../testbed/victron/bmv';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Four MPPT blocks with different values, a BMV pair and a HEX frame: one "round" of 7 blocks. */
function round(): Uint8Array {
  const parts: Uint8Array[] = [];
  for (let k = 0; k < 4; k++) parts.push(new MpptEmulator({ batteryVoltageMV: 12_800 + 10 * k, batteryCurrentMA: 1_000 * k, panelPowerW: 20 + k }).textBlock());
  const bmv = new BmvEmulator({ socPermille: 900 });
  parts.push(...bmv.textBlocks());
  parts.push(new MpptEmulator().asyncUpdates()[0]!);
  parts.push(new MpptEmulator({ batteryVoltageMV: 13_000 }).textBlock());
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
const BLOCKS_PER_ROUND = 7;

export async function run(): Promise<void> {
  const bytes = round();

  // Node throughput.
  for (const withRecord of [false, true]) {
    const record = new VictronRecord();
    const p = new VeDirectParser(withRecord ? { block: (b) => void record.apply(b) } : {});
    const rounds = 20_000;
    const t = performance.now();
    for (let i = 0; i < rounds; i++) p.push(bytes);
    const s = (performance.now() - t) / 1000;
    const blocks = p.counters.blocks;
    console.log(`node: ${Math.round(blocks / s).toLocaleString('en')} blocks/s ${withRecord ? 'parse + VictronRecord' : 'parse only'} (${blocks} blocks, ${((bytes.length * rounds) / s / 1e6).toFixed(1)} MB/s)`);
  }

  const code = await bundleForXs({
    resolveDir: root,
    contents: `
      import { VeDirectParser } from ${JSON.stringify(join(root, 'firmware/vedirect/parser'))};
      import { VictronRecord } from ${JSON.stringify(join(root, 'firmware/vedirect/record'))};
      const bytes = new Uint8Array(${JSON.stringify(Array.from(bytes))});
      const record = new VictronRecord();
      let mode = 'record';
      let kept = null;
      const parser = new VeDirectParser({ block: (b) => {
        if (mode === 'parse') return;
        record.apply(b);
        if (mode === 'control') kept = b.toObject();
      } });
      const enc = new TextEncoder();
      globalThis.handleCommand = (buffer) => {
        // "<mode> <rounds> <gc at start|end>"
        const [m, n, when] = String.fromCharCode(...new Uint8Array(buffer)).split(' ');
        mode = m;
        if (when === 'start') gc();
        for (let i = 0; i < Number(n); i++) parser.push(bytes);
        if (when === 'end') gc();
        return enc.encode(String(parser.counters.blocks)).buffer;
      };`,
  });
  const xs = await startXs({ name: 'bench-vedirect' });
  try {
    await xs.evaluate(code);
    await xs.command('record 10 end'); // warm up: record strings, maps, shapes
    const rounds = Math.ceil(10_000 / BLOCKS_PER_ROUND);
    const blocks = rounds * BLOCKS_PER_ROUND;
    const parse = await xs.command(`parse ${rounds} end`);
    const before = await xs.command('record 1 end');
    const big = await xs.command(`record ${rounds} end`);
    const after = await xs.command('record 1 end');
    console.log(`xs:   ${Math.round(parse.meter.compute / blocks)} compute per block parse only, ${Math.round(big.meter.compute / blocks)} parse + VictronRecord (${Math.round(bytes.length / BLOCKS_PER_ROUND)} bytes per block)`);
    console.log(`xs:   heap slots after gc: ${before.meter.heapCount} before, ${after.meter.heapCount} after ${blocks} blocks (Δ ${after.meter.heapCount - before.meter.heapCount}: no leak)`);
    // Garbage made during a crank (gc at its start, none at its end): 14 blocks vs none.
    const idle = await xs.command('record 0 start');
    const two = await xs.command('record 2 start');
    const ctl = await xs.command('control 2 start');
    console.log(`xs:   slots allocated by ${2 * BLOCKS_PER_ROUND} blocks: ${two.meter.heapCount - idle.meter.heapCount} (parse + VictronRecord), ${ctl.meter.heapCount - idle.meter.heapCount} (control: toObject() per block)`);
  } finally {
    await xs.close();
  }
}

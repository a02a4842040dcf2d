/**
 * Coupling node cores inside XS: deterministic compute for one control step
 * (SOC sample + HEMTS decision + interlock tick, both strategies), heap
 * after many steps, and the interlock property-test throughput on XS with
 * 10^6 random sequences.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleForXs } from '../../testbed/xs/bundle';
import { startXs } from '../../testbed/xs/engine';
import scenario from '../vectors/coupling/paper-two-house.json';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dec = new TextDecoder();

export async function run(): Promise<void> {
  const house = scenario.households[0]!;
  const appliances = house.loads.map((l) => ({
    name: l.name,
    kind: l.kind,
    powerMW: l.powerW * 1000,
    number: l.number,
    windows: l.windows,
  }));
  const pv = house.pv.hourlyWh.map((x) => Math.round(x * 1000));
  const p = (f: string) => JSON.stringify(join(root, f));
  const code = await bundleForXs({
    resolveDir: root,
    contents: `
      import { Interlock } from ${p('firmware/coupling/interlock')};
      import { SocEstimator, DEFAULT_SOC_CONFIG } from ${p('firmware/coupling/soc')};
      import { decide, INITIAL_STATE } from ${p('firmware/coupling/hemts')};
      import { DEFAULT_SETTINGS, validateSettings } from ${p('firmware/coupling/settings')};
      import { runInterlockProperty } from ${p('test/portable/coupling/interlock-property')};
      const DAY0 = 1767225600000;
      const base = { ...DEFAULT_SETTINGS, appliances: ${JSON.stringify(appliances)}, pvProfileMWh: ${JSON.stringify(pv)} };
      const settings = { paper: validateSettings({ ...base, strategy: 'paper' }), forecast: validateSettings({ ...base, strategy: 'forecast' }) };
      const il = new Interlock({ write() {} }, 0);
      const soc = new SocEstimator(DEFAULT_SOC_CONFIG, 660);
      let state = INITIAL_STATE;
      let t = 10 * 3600000;
      function step(strategy, full) {
        if (full) state = { ...state, nextEvalMs: 0 };
        t += 1000;
        const s = soc.sample({ atMs: DAY0 + t, voltageMV: 12800, currentMA: 2500 });
        const r = decide(settings[strategy], state, { node: 'supplier', nowMs: DAY0 + t, dayStartMs: DAY0, socPermille: s, pvForecastMWh: settings[strategy].pvProfileMWh, activeRole: null });
        state = r.state;
        il.tick(DAY0 + t, { rl1: il.state.rl1, rl2: il.state.rl2 });
      }
      globalThis.handleCommand = (bytes) => {
        const [op, a, b] = String.fromCharCode(...new Uint8Array(bytes)).split(':');
        let out = '';
        if (op === 'step') { const n = Number(b); for (let i = 0; i < n; i++) step(a, false); out = String(n); }
        else if (op === 'full') { step(a, true); out = '1'; }
        else if (op === 'prop') { const r = runInterlockProperty(Number(a), Number(b), 12); out = JSON.stringify(r); }
        return new TextEncoder().encode(out).buffer;
      };`,
  });
  const xs = await startXs({ name: 'bench-coupling' });
  try {
    await xs.evaluate(code);
    for (const strategy of ['paper', 'forecast']) {
      await xs.command(`step:${strategy}:10`); // warm up
      let full = 0;
      for (let i = 0; i < 10; i++) full += (await xs.command(`full:${strategy}`)).meter.compute;
      const n = 3600;
      const t0 = performance.now();
      const many = await xs.command(`step:${strategy}:${n}`);
      const ms = performance.now() - t0;
      console.log(
        `xs:   ${strategy}: full evaluation step (SOC sample + HEMTS forecast/decide + interlock tick) ${Math.round(full / 10)} compute; 1 s control steps over an hour (evaluation every 60 s) ${Math.round(many.meter.compute / n)} compute mean, ${((ms / n) * 1000).toFixed(0)} µs wall on host XS; heap ${many.meter.heapCount} slots after ${n} steps`,
      );
    }
    const chunk = 100_000;
    let sequences = 0;
    let steps = 0;
    let compute = 0;
    let violations = 0;
    const t0 = performance.now();
    for (let i = 0; i < 10; i++) {
      const r = await xs.command(`prop:${0x1000 + i}:${chunk}`);
      const res = JSON.parse(dec.decode(r.reply)) as { sequences: number; steps: number; violation: string };
      sequences += res.sequences;
      steps += res.steps;
      compute += r.meter.compute;
      if (res.violation) violations++;
    }
    const s = (performance.now() - t0) / 1000;
    console.log(
      `xs:   interlock property: ${sequences.toLocaleString('en')} sequences (${steps.toLocaleString('en')} operations) in ${s.toFixed(1)} s wall = ${Math.round(sequences / s).toLocaleString('en')} sequences/s; ${Math.round(compute / sequences)} compute per sequence; violations ${violations}`,
    );
  } finally {
    await xs.close();
  }
}

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import v from '../../vectors/meter/integrator.json';
import { addUnits, diffMWh, EnergyIntegrator, subtractCount, UNITS_PER_MWH, type EnergyCount, type Sample } from '../../../firmware/meter/integrator';
import { SwarmError } from '../../../shared/errors';
import { Prng } from '../prng';

function code(fn: () => unknown): string {
  try {
    fn();
    return 'none';
  } catch (e) {
    return e instanceof SwarmError ? e.code : 'not-swarm';
  }
}

function feed(samples: readonly Sample[], integ = new EnergyIntegrator()): EnergyIntegrator {
  for (const s of samples) integ.push(s);
  return integ;
}

const vec = suite('integrator vectors');

for (const st of v.streams) {
  vec(`${st.name}: totals, gaps and clock jumps as computed independently`, () => {
    const i = feed(st.samples);
    assert.equal(i.exportCount(), st.expected.export);
    assert.equal(i.importCount(), st.expected.import_);
    assert.is(i.gaps, st.expected.gaps);
    assert.is(i.clockJumps, st.expected.clockJumps);
  });
}

const exact = suite('integrator exactness');

exact('constant 60 W export for one hour at 1 Hz is exactly 60 000 mWh', () => {
  const i = new EnergyIntegrator();
  for (let k = 0; k <= 3600; k++) i.push({ atMs: 1_700_000_000_000 + k * 1000, busMV: 12000, currentMA: 5000 });
  assert.equal(i.exportCount(), { mWh: 60000, rem: 0 });
  assert.equal(i.importCount(), { mWh: 0, rem: 0 });
});

exact('constant power P over T gives P·T exactly, remainder included (seeded)', () => {
  const r = new Prng(11);
  for (let n = 0; n < 40; n++) {
    const busMV = r.int(0, 100_000);
    const currentMA = r.int(-200_000, 200_000);
    const step = r.int(1, 2000);
    const steps = r.int(1, 300);
    const i = new EnergyIntegrator();
    for (let k = 0; k <= steps; k++) i.push({ atMs: k * step, busMV, currentMA });
    const p = busMV * currentMA; // µW
    const halfUnits = 2 * Math.abs(p) * step * steps; // exact below 2^53 for these ranges
    const want = { mWh: Math.floor(halfUnits / UNITS_PER_MWH), rem: halfUnits % UNITS_PER_MWH };
    const zero = { mWh: 0, rem: 0 };
    assert.equal(i.exportCount(), p > 0 ? want : zero);
    assert.equal(i.importCount(), p < 0 ? want : zero);
  }
});

exact('a segment that changes sign splits by endpoint and keeps the net trapezoid', () => {
  const i = feed([
    { atMs: 0, busMV: 12000, currentMA: 1000 }, // +12 W
    { atMs: 1000, busMV: 12000, currentMA: -3000 }, // −36 W
  ]);
  // export 12 W·0.5 s = 6 J = 1.6667 mWh; import 36 W·0.5 s = 18 J = 5 mWh
  assert.equal(i.exportCount(), { mWh: 1, rem: 2 * 6_000_000_000 - UNITS_PER_MWH });
  assert.equal(i.importCount(), { mWh: 5, rem: 0 });
});

exact('counter helpers carry and subtract exactly', () => {
  const c: EnergyCount = { mWh: 0, rem: UNITS_PER_MWH - 1 };
  addUnits(c, 2);
  assert.equal(c, { mWh: 1, rem: 1 });
  addUnits(c, 3 * UNITS_PER_MWH);
  assert.equal(c, { mWh: 4, rem: 1 });
  assert.is(diffMWh({ mWh: 10, rem: 0 }, { mWh: 3, rem: 1 }), 6);
  assert.is(diffMWh({ mWh: 10, rem: 5 }, { mWh: 3, rem: 1 }), 7);
  assert.equal(subtractCount({ mWh: 10, rem: 0 }, { mWh: 3, rem: 1 }), { mWh: 6, rem: UNITS_PER_MWH - 1 });
});

const split = suite('integrator split invariance');

split('resuming from a saved state at any point gives the same totals (seeded)', () => {
  const r = new Prng(5);
  const samples: Sample[] = [];
  let t = 0;
  for (let k = 0; k < 300; k++) {
    t += r.pick([1, 500, 1000, 2000, 2001, 0, -5]);
    samples.push({ atMs: t, busMV: r.int(0, 20000), currentMA: r.int(-10000, 10000) });
  }
  const whole = feed(samples);
  for (let cut = 0; cut <= samples.length; cut += 7) {
    const a = feed(samples.slice(0, cut));
    const b = feed(samples.slice(cut), new EnergyIntegrator({}, a.state()));
    assert.equal(b.state(), whole.state(), `cut at ${cut}`);
  }
});

split('two meters on the halves sum to the whole at full precision', () => {
  const r = new Prng(9);
  const samples: Sample[] = [];
  for (let k = 0; k < 200; k++) samples.push({ atMs: k * 1000, busMV: r.int(11000, 14000), currentMA: r.int(-5000, 5000) });
  const whole = feed(samples);
  for (const cut of [1, 50, 123, 199]) {
    const a = feed(samples.slice(0, cut + 1));
    const b = feed(samples.slice(cut)); // the cut sample starts the second half
    const sum = (x: EnergyCount, y: EnergyCount) => {
      const c = { mWh: x.mWh, rem: x.rem };
      addUnits(c, y.rem);
      c.mWh += y.mWh;
      return c;
    };
    assert.equal(sum(a.exportCount(), b.exportCount()), whole.exportCount());
    assert.equal(sum(a.importCount(), b.importCount()), whole.importCount());
  }
});

const guard = suite('integrator gaps, clock jumps and bad samples');

guard('a gap or a clock jump is counted and never integrated', () => {
  const i = feed([
    { atMs: 0, busMV: 12000, currentMA: 5000 },
    { atMs: 2001, busMV: 12000, currentMA: 5000 }, // gap
    { atMs: 2000, busMV: 12000, currentMA: 5000 }, // backwards
    { atMs: 2000, busMV: 12000, currentMA: 5000 }, // Δt = 0
    { atMs: 2000 + 3_600_001, busMV: 12000, currentMA: 5000 }, // jump
  ]);
  assert.is(i.gaps, 1);
  assert.is(i.clockJumps, 3);
  assert.equal(i.exportCount(), { mWh: 0, rem: 0 });
});

guard('the gap bound is configurable and checked', () => {
  const i = new EnergyIntegrator({ maxGapMs: 10_000 });
  i.push({ atMs: 0, busMV: 10000, currentMA: 1000 });
  assert.is(i.push({ atMs: 9000, busMV: 10000, currentMA: 1000 }), 'integrated');
  assert.is(code(() => new EnergyIntegrator({ maxGapMs: 0 })), 'E_METER_CONFIG');
  assert.is(code(() => new EnergyIntegrator({ maxGapMs: 60_001 })), 'E_METER_CONFIG');
  assert.is(code(() => new EnergyIntegrator({ maxGapMs: 5000, maxJumpMs: 4000 })), 'E_METER_CONFIG');
});

guard('non-integer or out-of-range samples are E_METER_SAMPLE', () => {
  const i = new EnergyIntegrator();
  assert.is(code(() => i.push({ atMs: 0.5, busMV: 1, currentMA: 1 })), 'E_METER_SAMPLE');
  assert.is(code(() => i.push({ atMs: 0, busMV: -1, currentMA: 1 })), 'E_METER_SAMPLE');
  assert.is(code(() => i.push({ atMs: 0, busMV: 100_001, currentMA: 1 })), 'E_METER_SAMPLE');
  assert.is(code(() => i.push({ atMs: 0, busMV: 1, currentMA: 200_001 })), 'E_METER_SAMPLE');
  assert.is(code(() => i.push({ atMs: 0, busMV: 1, currentMA: Number.NaN })), 'E_METER_SAMPLE');
  assert.is(i.lastAtMs, null);
});

guard('export and import never decrease (seeded)', () => {
  const r = new Prng(3);
  const i = new EnergyIntegrator();
  let t = 0;
  let e = i.exportCount();
  let m = i.importCount();
  for (let k = 0; k < 2000; k++) {
    t += r.int(-100, 3000);
    i.push({ atMs: t, busMV: r.int(0, 100_000), currentMA: r.int(-200_000, 200_000) });
    const e2 = i.exportCount();
    const m2 = i.importCount();
    assert.ok(e2.mWh > e.mWh || (e2.mWh === e.mWh && e2.rem >= e.rem));
    assert.ok(m2.mWh > m.mWh || (m2.mWh === m.mWh && m2.rem >= m.rem));
    assert.ok(e2.rem >= 0 && e2.rem < UNITS_PER_MWH && m2.rem >= 0 && m2.rem < UNITS_PER_MWH);
    e = e2;
    m = m2;
  }
});

vec.run();
exact.run();
split.run();
guard.run();

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Battery, openCircuitVoltage } from '../../../testbed/models/battery';
import { DcBus, splitProportional } from '../../../testbed/models/bus';
import { SimClock } from '../../../testbed/models/clock';
import { CouplingDevice } from '../../../testbed/models/coupling';
import { LoadModule } from '../../../testbed/models/loads';
import { ViSensor } from '../../../testbed/models/meter';
import { Mppt } from '../../../testbed/models/mppt';
import { PvEmulator } from '../../../testbed/models/pv';
import { Rng } from '../../../testbed/models/rng';
import { MS_PER_HOUR, UJ_PER_WH, whToUJ } from '../../../testbed/models/units';
import { paper } from './helpers';

const supplierPv = paper().households[0]!.pv!;

const pv = suite('PV emulator');

pv('the curve integrates to each hour\'s energy exactly (to the µJ)', () => {
  const e = new PvEmulator(supplierPv.hourlyWh, supplierPv.peakW);
  for (let h = 0; h < 24; h++) {
    let sum = 0;
    for (let k = 0; k < 3600; k++) sum += e.energyUJ(h * MS_PER_HOUR + k * 1000, 1000);
    assert.is(sum, whToUJ(supplierPv.hourlyWh.slice(0, h + 1).reduce((a, b) => a + b, 0)) - whToUJ(supplierPv.hourlyWh.slice(0, h).reduce((a, b) => a + b, 0)), `hour ${h}`);
  }
});

pv('power is never negative, zero at night, and continuous at hour edges', () => {
  const e = new PvEmulator(supplierPv.hourlyWh, supplierPv.peakW);
  for (let t = 0; t < 24; t += 1 / 120) assert.ok(e.clearPowerW(t) >= 0);
  assert.is(e.clearPowerW(3), 0);
  assert.is(e.clearPowerW(21.5), 0);
  for (let h = 7; h < 18; h++) assert.ok(Math.abs(e.clearPowerW(h - 1e-9) - e.clearPowerW(h)) < 1e-6, `edge ${h}`);
});

pv('clouds keep the day\'s energy, depend only on the seed, and dent the curve', () => {
  const clear = new PvEmulator(supplierPv.hourlyWh, supplierPv.peakW);
  const a = new PvEmulator(supplierPv.hourlyWh, supplierPv.peakW, { clouds: { seed: 7 } });
  const b = new PvEmulator(supplierPv.hourlyWh, supplierPv.peakW, { clouds: { seed: 7 } });
  const c = new PvEmulator(supplierPv.hourlyWh, supplierPv.peakW, { clouds: { seed: 8 } });
  assert.ok(Math.abs(a.dailyWh() - clear.dailyWh()) < 1e-6);
  let same = true;
  let differs = false;
  let maxDev = 0;
  for (let k = 0; k < 1440; k++) {
    const ea = a.energyUJ(k * 60_000, 60_000);
    same &&= ea === b.energyUJ(k * 60_000, 60_000);
    differs ||= ea !== c.energyUJ(k * 60_000, 60_000);
    maxDev = Math.max(maxDev, Math.abs(ea - clear.energyUJ(k * 60_000, 60_000)));
  }
  assert.ok(same, 'same seed, same curve');
  assert.ok(differs, 'another seed, another curve');
  assert.ok(maxDev > 0.05 * UJ_PER_WH / 60, 'clouds change minute energies');
});

pv('step() reads the injected clock', () => {
  const clock = new SimClock(0, 12 * MS_PER_HOUR);
  const e = new PvEmulator(supplierPv.hourlyWh, supplierPv.peakW, { clock });
  assert.is(e.step(MS_PER_HOUR), whToUJ(supplierPv.hourlyWh[12]!));
});

const bat = suite('battery');

bat('open-circuit voltage rises with SOC for both chemistries', () => {
  for (const chem of ['lead-acid', 'lifepo4'] as const) {
    let prev = 0;
    for (let s = 0; s <= 1.0001; s += 0.05) {
      const v = openCircuitVoltage(chem, 12, s);
      assert.ok(v > prev, `${chem} at ${s}`);
      prev = v;
    }
  }
  assert.ok(Math.abs(openCircuitVoltage('lead-acid', 12, 1) - 12.7) < 1e-9);
  assert.ok(Math.abs(openCircuitVoltage('lead-acid', 24, 0.5) - 24.2) < 1e-9);
});

bat('capacity is V·Ah, and SOC moves by ΔE / E_tbat (eqs. 1–2) with the efficiencies', () => {
  const b = new Battery({ voltage: 12, capacityAh: 40, initialSoc: 0.5, minSoc: 0.2 }, { charge: 1, discharge: 0.8 });
  assert.is(b.capacityUJ, 480 * UJ_PER_WH);
  const d = b.discharge(whToUJ(8));
  assert.is(d.deliveredUJ, whToUJ(8));
  assert.is(d.lossUJ, whToUJ(2));
  assert.ok(Math.abs(b.soc - (0.5 - 10 / 480)) < 1e-12);
  b.charge(whToUJ(10));
  assert.ok(Math.abs(b.soc - (0.5 - 10 / 480 + 10 / 480)) < 1e-12);
});

bat('stops at the low-voltage cut-off (minSoc) and at full', () => {
  const b = new Battery({ voltage: 12, capacityAh: 10, initialSoc: 0.25, minSoc: 0.2 }, { charge: 0.9, discharge: 0.8 });
  const d = b.discharge(whToUJ(100));
  assert.is(b.energyUJ, b.minUJ);
  assert.ok(b.atCutoff);
  assert.is(d.deliveredUJ, Math.floor(6 * UJ_PER_WH * 0.8));
  assert.is(b.discharge(1000).deliveredUJ, 0);
  const c = b.charge(whToUJ(1000));
  assert.ok(b.full);
  assert.is(b.energyUJ, b.capacityUJ);
  assert.ok(c.acceptedUJ - c.lossUJ === b.capacityUJ - b.minUJ);
});

bat('terminal voltage sags when discharging and rises when charging', () => {
  const b = new Battery({ voltage: 12, capacityAh: 40, initialSoc: 0.6, minSoc: 0.2 }, { charge: 1, discharge: 0.8 });
  const rest = b.voltageMV();
  b.setTerminal(-50_000 * 1000, 1000); // 50 W out for 1 s
  const sag = b.voltageMV();
  assert.ok(sag < rest);
  assert.ok(b.currentMA() < -3500 && b.currentMA() > -4500);
  b.setTerminal(50_000 * 1000, 1000);
  assert.ok(b.voltageMV() > rest);
});

const mppt = suite('MPPT');

mppt('serves loads from PV first, charges with the rest, and curtails when full', () => {
  const b = new Battery({ voltage: 12, capacityAh: 40, initialSoc: 1, minSoc: 0.2 }, { charge: 1, discharge: 0.8 });
  const m = new Mppt({ efficiency: 0.81 });
  const f = m.dispatch(100_000_000, 30_000_000, 0, b, 1000);
  assert.is(f.usefulUJ, 81_000_000);
  assert.is(f.directUJ, 30_000_000);
  assert.is(f.chargeUJ, 0);
  assert.is(f.curtailedUJ, 51_000_000);
});

mppt('respects the charge current limit', () => {
  const b = new Battery({ voltage: 12, capacityAh: 40, initialSoc: 0.5, minSoc: 0.2 }, { charge: 1, discharge: 0.8 });
  const m = new Mppt({ efficiency: 1, chargeLimitMA: 1000 });
  const f = m.dispatch(100_000_000, 0, 0, b, 1000); // 100 W for 1 s, limit ≈ 12 W
  assert.ok(f.chargeUJ > 11_000_000 && f.chargeUJ < 13_000_000);
  assert.is(f.curtailedUJ, 100_000_000 - f.chargeUJ);
});

mppt('leaves load unserved only below the cut-off', () => {
  const b = new Battery({ voltage: 12, capacityAh: 1, initialSoc: 0.21, minSoc: 0.2 }, { charge: 1, discharge: 0.8 });
  const m = new Mppt({ efficiency: 0.81 });
  const f = m.dispatch(0, whToUJ(1), 0, b, MS_PER_HOUR);
  assert.is(f.dischargeUJ, Math.floor(0.12 * UJ_PER_WH * 0.8));
  assert.is(f.loadUnservedUJ, whToUJ(1) - f.dischargeUJ);
});

const loads = suite('load module');

loads('integrates window edges inside a step to the millisecond', () => {
  const m = new LoadModule([{ name: 'lamp', kind: 'primary', powerW: 3, number: 2, windows: [[60, 61]] }]);
  assert.is(m.demand(60 * 60_000 - 500, 1000).primaryUJ, 6000 * 500);
  assert.is(m.demand(61 * 60_000 - 250, 1000).primaryUJ, 6000 * 250);
  assert.is(m.demand(0, 86_400_000).primaryUJ, 6000 * 60_000);
  assert.is(m.demand(0, 86_400_000).secondaryUJ, 0);
});

loads('wraps a step across midnight', () => {
  const m = new LoadModule([{ name: 'lamp', kind: 'secondary', powerW: 4, number: 1, windows: [[0, 10], [1430, 1440]] }]);
  assert.is(m.demand(86_400_000 - 1000, 2000).secondaryUJ, 4000 * 2000);
});

const coupling = suite('coupling device');

coupling('contacts follow the coils after the settle delay', () => {
  const c = new CouplingDevice({ settleMs: 20 });
  c.set('rl1', true);
  c.step(10);
  assert.is(c.contacts().rl1, false);
  c.step(10);
  assert.is(c.contacts().rl1, true);
  c.set('rl1', false);
  c.step(5);
  assert.is(c.contacts().rl1, true);
  c.step(15);
  assert.is(c.contacts().rl1, false);
});

coupling('a stuck contact ignores its coil, and both-closed time is counted', () => {
  const c = new CouplingDevice();
  c.injectStuck('rl2', 'closed');
  c.command(true, false);
  c.step(1000);
  assert.equal(c.contacts(), { rl1: true, rl2: true });
  assert.is(c.bothClosedMs, 1000);
  c.injectStuck('rl2', null);
  c.step(1000);
  assert.equal(c.contacts(), { rl1: true, rl2: false });
});

const bus = suite('DC bus and meter');

bus('delivers min(demand, link·supply), splits by capacity and demand, and loses the rest', () => {
  const b = new DcBus(0.8);
  const r = b.resolve([{ capacityUJ: 1000, voltageMV: 12_600 }, { capacityUJ: 3000, voltageMV: 12_400 }], [500, 0, 1500]);
  assert.is(r.receivedUJ.reduce((a, x) => a + x, 0), 2000);
  assert.is(r.sentUJ.reduce((a, x) => a + x, 0), 2500);
  assert.equal(r.sentUJ, [625, 1875]);
  assert.equal(r.receivedUJ, [500, 0, 1500]);
  assert.is(r.lossUJ, 500);
  assert.is(r.sourceVoltageMV, 12_200);
  assert.is(r.sinkVoltageMV, 9760);
});

bus('an overloaded bus browns out: nothing delivered, dead at the sinks and the sources', () => {
  const b = new DcBus(0.8);
  const short = b.resolve([{ capacityUJ: 1000, voltageMV: 12_600 }], [5000]);
  assert.equal(short.receivedUJ, [0]);
  assert.equal(short.sentUJ, [0]);
  assert.is(short.lossUJ, 0);
  assert.is(short.sinkVoltageMV, 0);
  assert.is(short.sourceVoltageMV, 0);
  // Exactly enough after the link loss still delivers.
  const just = b.resolve([{ capacityUJ: 1000, voltageMV: 12_600 }], [800]);
  assert.equal(just.receivedUJ, [800]);
  assert.equal(just.sentUJ, [1000]);
  assert.is(b.receivedUJ, 800);
});

bus('splitProportional conserves the total', () => {
  const rng = new Rng(1);
  for (let k = 0; k < 200; k++) {
    const w = Array.from({ length: rng.int(1, 6) }, () => rng.int(0, 1000));
    const total = Math.min(rng.int(0, 5000), w.reduce((a, b) => a + b, 0));
    const out = splitProportional(total, w);
    assert.is(out.reduce((a, b) => a + b, 0), w.some((x) => x > 0) ? total : 0);
    out.forEach((x, i) => assert.ok(x <= w[i]!));
  }
});

bus('the V·I sensor adds seeded noise (same seed, same readings)', () => {
  const a = new ViSensor({ seed: 3, voltageSigmaMV: 20, currentSigmaMA: 10 });
  const b = new ViSensor({ seed: 3, voltageSigmaMV: 20, currentSigmaMA: 10 });
  const clean = new ViSensor();
  for (const s of [a, b, clean]) s.setTrue(12_000, 2000);
  const ra = [a.read(), a.read()];
  assert.equal(ra, [b.read(), b.read()]);
  assert.ok(ra[0]!.voltageMV !== 12_000 || ra[0]!.currentMA !== 2000);
  assert.equal(clean.read(), { voltageMV: 12_000, currentMA: 2000 });
});

for (const s of [pv, bat, mppt, loads, coupling, bus]) s.run();

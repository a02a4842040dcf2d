import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { computeMetrics, countCycles, hourlySoc } from '../../../testbed/metrics/metrics';
import { simulateHourly } from '../../../testbed/metrics/hourly';
import type { VillageLog } from '../../../testbed/metrics/log';
import { expected, near, paper } from './helpers';

const sc = paper();
const computed = expected(sc).computed;

const cycles = suite('cycle counting (model.cycles)');

for (const mode of ['standalone', 'hemts'] as const) {
  for (const id of ['supplier', 'requester']) {
    const h = computed[mode].households[id];
    cycles(`${mode} ${id}: the expected socHourly gives runs ${h.runs.join(' ')} and ${h.cycles} cycle(s)`, () => {
      const r = countCycles(h.socHourly);
      assert.equal(r.runs, h.runs);
      assert.is(r.cycles, h.cycles);
    });
  }
}

cycles('flat hours do not break a run; runs under one SOC point are dropped and neighbours merge', () => {
  assert.equal(countCycles([0.5, 0.45, 0.45, 0.4, 0.45, 0.5]), { cycles: 1, runs: ['D10.0', 'C10.0'] });
  assert.equal(countCycles([0.5, 0.45, 0.455, 0.4, 0.5]), { cycles: 1, runs: ['D10.5', 'C10.0'] });
  assert.equal(countCycles([0.5, 0.6, 0.7]), { cycles: 0, runs: ['C20.0'] });
});

cycles('hourlySoc picks hour boundaries out of a finer log', () => {
  const soc = Array.from({ length: 49 }, (_, i) => i / 48);
  assert.equal(hourlySoc(soc, 30).length, 25);
  assert.is(hourlySoc(soc, 30)[24], 1);
});

const kpis = suite('KPIs');

kpis('the hourly reference model reproduces expected.computed.standalone', () => {
  const m = computeMetrics(simulateHourly(sc));
  for (const id of ['supplier', 'requester']) {
    const e = computed.standalone.households[id];
    const h = m.households[id]!;
    assert.ok(near(h.wastedPvWh, e.wastedPvWh, 0.01), `${id} wasted`);
    assert.ok(near(h.endSoc!, e.endSoc, 0.0001), `${id} endSoc`);
    assert.is(h.firstFullHour, e.firstFullAt);
    assert.is(h.cycles, e.cycles);
    assert.equal(h.runs, e.runs);
    assert.is(h.unservedWh, 0);
  }
  assert.ok(near(m.community.pvWh, 527, 1e-9));
  assert.ok(near(m.community.demandWh, 613, 1e-9));
});

kpis('Eshp (eq. 7), Ereqp (eq. 8) and units from the hemts exchange figures', () => {
  // The reference exchange: supplier sent 31.75 + 12.79 Wh at 13–14 h, requester received 0.8 × that.
  const sent = new Array<number>(24).fill(0);
  const received = new Array<number>(24).fill(0);
  sent[13] = 31.7475;
  sent[14] = 44.54 - 31.7475;
  for (let t = 0; t < 24; t++) received[t] = sent[t]! * 0.8;
  const log: VillageLog = simulateHourly(sc, { sentWh: { supplier: sent }, receivedWh: { requester: received } });
  const m = computeMetrics(log);
  const e = computed.hemts.households;
  assert.ok(near(m.households.supplier!.Eshp, e.supplier.Eshp, 0.0005));
  assert.ok(near(m.households.requester!.Ereqp, e.requester.Ereqp, 0.0005));
  assert.ok(near(m.community.Eshp, computed.hemts.community.Eshp, 0.0005));
  assert.ok(near(m.community.Ereqp, computed.hemts.community.Ereqp, 0.0005));
  assert.ok(near(m.households.supplier!.unitsEarned, e.supplier.incomeUnits, 0.0001));
  assert.ok(near(m.households.requester!.unitsPaid, e.requester.costUnits, 0.0001));
  assert.equal(m.households.supplier!.exchangeHours, [13, 14]);
  assert.is(m.households.supplier!.firstFullHour, e.supplier.firstFullAt);
  assert.ok(near(m.households.supplier!.wastedPvWh, e.supplier.wastedPvWh, 0.02));
  assert.ok(near(m.households.requester!.endSoc!, e.requester.endSoc, 0.0002));
  assert.is(m.households.requester!.cycles, 1);
});

for (const s of [cycles, kpis]) s.run();

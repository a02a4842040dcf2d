import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import v from '../../vectors/coupling/soc.json';
import { batteryEnergyMWh, DEFAULT_SOC_CONFIG, SocEstimator } from '../../../firmware/coupling/soc';
import { SwarmError } from '../../../shared/errors';

const vec = suite('SOC: eq. 1-2 vectors');

vec('eq. 1: E_tbat = V_bat · Ah (12 V · 40 Ah = 480 Wh)', () => {
  assert.is(batteryEnergyMWh(12_000, 40_000), 480_000);
});

for (const c of v.cases) {
  vec(c.name, () => {
    const soc = new SocEstimator(c.config, c.initialPermille);
    assert.is(soc.capacityMWh, c.capacityMWh);
    for (let i = 0; i <= c.steps; i++) soc.sample({ atMs: i * c.stepMs, voltageMV: c.voltageMV, currentMA: c.currentMA });
    assert.is(soc.storedEnergyMWh, c.storedMWh);
    assert.is(soc.estimatePermille, c.socPermille);
    assert.is(soc.socPermille, c.socPermille);
  });
}

const bmv = suite('SOC: reconciliation with the BMV-700');

bmv('a fresh BMV SOC is authoritative; the estimate converges by bounded steps', () => {
  const soc = new SocEstimator({ ...DEFAULT_SOC_CONFIG, maxCorrectionPermille: 2 }, 500);
  soc.sample({ atMs: 0, voltageMV: 12_000, currentMA: 0 });
  soc.bmv(600, 500);
  assert.is(soc.sample({ atMs: 1000, voltageMV: 12_000, currentMA: 0 }), 600);
  assert.is(soc.estimatePermille, 502);
  for (let i = 2; i <= 100; i++) {
    soc.bmv(600, i * 1000);
    soc.sample({ atMs: i * 1000, voltageMV: 12_000, currentMA: 0 });
  }
  assert.is(soc.estimatePermille, 600);
});

bmv('a stale BMV SOC falls back to the local estimate', () => {
  const soc = new SocEstimator({ ...DEFAULT_SOC_CONFIG, bmvFreshMs: 5000, maxCorrectionPermille: 0 }, 400);
  soc.bmv(900, 0);
  assert.is(soc.sample({ atMs: 1000, voltageMV: 12_000, currentMA: 0 }), 900);
  assert.is(soc.sample({ atMs: 6001, voltageMV: 12_000, currentMA: 0 }), 400);
  assert.is(soc.bmvFresh, false);
});

bmv('time running backwards is a gap, not negative energy', () => {
  const soc = new SocEstimator(DEFAULT_SOC_CONFIG, 500);
  soc.sample({ atMs: 5000, voltageMV: 12_000, currentMA: 10_000 });
  soc.sample({ atMs: 4000, voltageMV: 12_000, currentMA: 10_000 });
  assert.is(soc.storedEnergyMWh, 240_000);
  assert.is(soc.gaps, 1);
});

bmv('bad configurations are refused with E_SOC_CONFIG', () => {
  const code = (fn: () => unknown) => {
    try {
      fn();
      return 'none';
    } catch (e) {
      return (e as SwarmError).code;
    }
  };
  assert.is(code(() => new SocEstimator({ ...DEFAULT_SOC_CONFIG, capacityMAh: 0 }, 500)), 'E_SOC_CONFIG');
  assert.is(code(() => new SocEstimator({ ...DEFAULT_SOC_CONFIG, dischargeEfficiencyPermille: 1001 }, 500)), 'E_SOC_CONFIG');
  assert.is(code(() => new SocEstimator(DEFAULT_SOC_CONFIG, 1001)), 'E_SOC_CONFIG');
  assert.is(code(() => new SocEstimator(DEFAULT_SOC_CONFIG, 0.5)), 'E_SOC_CONFIG');
});

vec.run();
bmv.run();

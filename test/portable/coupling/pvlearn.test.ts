import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { PvProfileLearner } from '../../../firmware/coupling/pvlearn';

const H = 3_600_000;
const t = suite('PV profile learner');

t('integrates panel power per clock hour and learns the first day as the profile', () => {
  const l = new PvProfileLearner(null);
  for (let s = 0; s <= 2 * 3600; s++) l.sample(10 * H + s * 1000, 0, s <= 3600 ? 30_000 : 45_000); // 30 W then 45 W (power over the interval ending at the sample)
  assert.is(l.todayMWh, 75_000);
  const p = l.sample(24 * H + 1000, 24 * H, 0);
  assert.ok(p);
  assert.is(p![10], 30_000);
  assert.is(p![11], 45_000);
  assert.is(l.todayMWh, 0);
});

t('later days are blended with the configured weight', () => {
  const l = new PvProfileLearner(new Array(24).fill(10_000), 300);
  for (let s = 0; s <= 3600; s++) l.sample(12 * H + s * 1000, 0, 20_000);
  const p = l.rollover();
  assert.is(p[12], 13_000);
  assert.is(p[11], 7_000);
});

t('gaps longer than the bound are not integrated', () => {
  const l = new PvProfileLearner(null, 300, 10_000);
  l.sample(12 * H, 0, 50_000);
  l.sample(12 * H + 60_000, 0, 50_000);
  assert.is(l.todayMWh, 0);
});

t.run();

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as f from '../../../hub/web/src/format';
import { mergeBlocks } from '../../../hub/web/src/store';
import { runOf } from '../../../hub/web/src/views/energy';

const T = '\u202f';
const M = '\u2212';

const fmt = suite('dashboard format');

fmt('energy picks mWh, Wh, kWh with about three significant figures', () => {
  assert.is(f.energyMWh(0), '0 Wh');
  assert.is(f.energyMWh(850), '850 mWh');
  assert.is(f.energyMWh(35_630), '35.6 Wh');
  assert.is(f.energyMWh(5_940), '5.94 Wh');
  assert.is(f.energyMWh(20_000), '20 Wh');
  assert.is(f.energyMWh(1_250_000), '1.25 kWh');
  assert.is(f.energyMWh(-44_540), `${M}44.5 Wh`);
  assert.is(f.energyWh(1.86), '1.86 Wh');
});

fmt('power in W and kW, signs kept', () => {
  assert.is(f.powerMW(0), '0 W');
  assert.is(f.powerMW(41_200), '41.2 W');
  assert.is(f.powerMW(8_300), '8.3 W');
  assert.is(f.powerMW(-17_800), `${M}17.8 W`);
  assert.is(f.powerMW(1_500_000), '1.5 kW');
});

fmt('SOC, voltage, current, percentages', () => {
  assert.is(f.socPermille(872), '87.2 %');
  assert.is(f.socPermille(1000), '100.0 %');
  assert.is(f.voltageMV(13_210), '13.21 V');
  assert.is(f.currentMA(-820), `${M}0.82 A`);
  assert.is(f.percent(0.16), '16.0 %');
});

fmt('money in units from milli-units, singular for one', () => {
  assert.is(f.moneyMilli(100_000), '100 units');
  assert.is(f.moneyMilli(99_964), '99.964 units');
  assert.is(f.moneyMilli(39), '0.039 units');
  assert.is(f.moneyMilli(1000), '1 unit');
  assert.is(f.moneyMilli(0), '0 units');
  assert.is(f.moneyMilli(-125), `${M}0.125 units`);
  assert.is(f.price(2), '2 units/kWh');
  assert.is(f.price(1), '1 unit/kWh');
});

fmt('thousands grouped with a thin space from five digits, no locale', () => {
  assert.is(f.fixed(1234), '1234');
  assert.is(f.fixed(12345), `12${T}345`);
  assert.is(f.fixed(1234567.891, 2), `1${T}234${T}567.89`);
  assert.is(f.fixed(-0.001, 1), '0.0');
  assert.is(f.fixed(Number.NaN), '–');
});

fmt('durations and countdowns', () => {
  assert.is(f.duration(45_000), '45 s');
  assert.is(f.duration(125_000), '2 min 05 s');
  assert.is(f.duration(46 * 60_000), '46 min');
  assert.is(f.duration(99 * 60_000), '1 h 39 min');
  assert.is(f.duration(-5), '0 s');
  assert.is(f.countdown(10_000, 20_000, 0), 'starts in 10 s');
  assert.is(f.countdown(10_000, 20_000, 15_000), 'ends in 5 s');
  assert.is(f.countdown(10_000, 20_000, 80_000), 'ended 1 min 00 s ago');
});

fmt('clock times and windows in local time, next day named', () => {
  const at = (h: number, m: number, d = 17) => new Date(2024, 4, d, h, m, 0).getTime();
  assert.is(f.clock(at(9, 5)), '09:05');
  assert.is(f.clock(at(9, 5) + 7000, true), '09:05:07');
  assert.is(f.isoDay(at(9, 5)), '2024-05-17');
  assert.is(f.timeWindow(at(13, 0), at(15, 0), at(12, 0)), '13:00–15:00');
  assert.is(f.timeWindow(at(23, 0), at(1, 0, 18), at(12, 0)), '23:00–01:00 next day');
  assert.is(f.timeWindow(at(13, 0), at(15, 0), at(12, 0, 16)), '2024-05-17 13:00–15:00');
});

fmt('modes and hashes', () => {
  assert.is(f.modeName('A'), 'Autonomous');
  assert.is(f.modeName('P'), 'Prosumer');
  assert.is(f.modeName('C'), 'Consumer');
  assert.is(f.modeName(null), 'unknown');
  assert.is(f.shortHex('ab'.repeat(32)), 'ababab…abab');
  assert.is(f.shortHex('abcd'), 'abcd');
});

fmt.run();

const blocks = suite('dashboard store helpers');

const block = (height: number, txs?: boolean) => ({ height, hash: `h${height}`, prev: '', timeMs: height, txCount: 1, stateHash: '', sigValid: true, ...(txs ? { txs: [] } : {}) });

blocks('mergeBlocks unions by height, newest first, keeping loaded transactions', () => {
  const merged = mergeBlocks([block(3, true), block(2)], [block(4), block(3), block(1)]);
  assert.equal(merged.map((b) => b.height), [4, 3, 2, 1]);
  assert.ok(merged[1]!.txs, 'block 3 keeps its txs when a live row without them arrives');
});

blocks('an energy run is read with or without a households wrapper', () => {
  const e = { hours: [], kpi: { Eshp: 0, Ereqp: 0, cycles: 0, wastedPvWh: 0 } };
  assert.equal(Object.keys(runOf({ households: { a: e } })!), ['a']);
  assert.equal(Object.keys(runOf({ a: e, b: e })!), ['a', 'b']);
  assert.is(runOf({ a: 1 }), null);
  assert.is(runOf(undefined), null);
});

blocks.run();

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { GridProfile } from '../../../hub/market/grid';
import type { Trade, TradeCircuit } from '../../../hub/market/types';

let seq = 0;
const tr = (beginMs: number, endMs: number, maxPowerMW: number, circuit: TradeCircuit = { kind: 'bus' }): Trade => {
  seq++;
  return { id: `t-${seq}`, seq, buyOrderId: 'b', sellOrderId: 's', buyer: 'x', seller: 'y', energyMWh: 1, priceUnitsPerKWh: 1, beginMs, endMs, maxPowerMW, circuit, reservedMilliUnits: 0, atMs: 0 };
};

const at = (g: GridProfile, ms: number) => {
  const k = g.segment(ms);
  return k < 0 ? [0, 0] : [g.load[k], g.count[k]];
};

const grid = suite('grid profile');

grid('adds overlapping trades into a step function of load and count', () => {
  const g = GridProfile.of([tr(10, 30, 5), tr(20, 40, 7)]);
  assert.equal(g.times, [10, 20, 30, 40]);
  assert.equal([at(g, 0), at(g, 10), at(g, 25), at(g, 30), at(g, 40)], [[0, 0], [5, 1], [12, 2], [7, 1], [0, 0]]);
});

grid('removing a trade restores the load it added', () => {
  const a = tr(10, 30, 5);
  const g = GridProfile.of([a, tr(20, 40, 7)]);
  g.remove(a);
  assert.equal([at(g, 15), at(g, 25), at(g, 35)], [[0, 0], [7, 1], [7, 1]]);
});

grid('pruning keeps the step that holds now and drops past circuit trades', () => {
  const first = tr(0, 10, 1, { kind: 'star', index: 1 });
  const later = tr(20, 30, 1, { kind: 'star', index: 1 });
  const g = GridProfile.of([later, first], 2);
  assert.equal(g.circuit(1).map((t) => t.beginMs), [0, 20]);
  g.prune(25);
  assert.equal(g.times, [20, 30]);
  assert.equal(at(g, 25), [1, 1]);
  assert.equal(g.circuit(1).map((t) => t.beginMs), [20]);
  assert.equal(g.circuit(0), []);
});

grid.run();

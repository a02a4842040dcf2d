import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { planTrade, type PlanRequest } from '../../../hub/market/constraints';
import { GridProfile } from '../../../hub/market/grid';
import type { Trade, TradeCircuit } from '../../../hub/market/types';
import { H } from './helpers';

let seq = 0;
const tr = (beginMs: number, endMs: number, maxPowerMW = 10_000, circuit: TradeCircuit = { kind: 'bus' }): Trade => {
  seq++;
  return {
    id: `t-${seq}`, seq, buyOrderId: 'b', sellOrderId: 's', buyer: 'x', seller: 'y', energyMWh: 1, priceUnitsPerKWh: 1,
    beginMs, endMs, maxPowerMW, circuit, reservedMilliUnits: 0, atMs: 0,
  };
};

const req = ({ gridBusy = [], ...over }: Partial<PlanRequest> & { gridBusy?: Trade[] }): PlanRequest => {
  const grid = over.grid ?? { kind: 'bus', busLimitMW: 1_000_000 };
  return {
    fromMs: 0, toMs: 4 * H, energyMWh: 100_000, powerMW: 50_000, nodeBusy: [], grid, slotMs: 1, minTradeMWh: 1, minPowerMW: 1,
    view: GridProfile.of(gridBusy, grid.kind === 'star' ? grid.circuits : 0), ...over,
  };
};

const window = suite('planTrade: window');

window('starts at the overlap start and lasts energy / power', () => {
  assert.equal(planTrade(req({ fromMs: H })), { beginMs: H, endMs: 3 * H, energyMWh: 100_000, maxPowerMW: 50_000, circuit: { kind: 'bus' } });
});

window('a duration that is not whole milliseconds rounds up', () => {
  const p = planTrade(req({ energyMWh: 1, powerMW: 7 }))!;
  assert.is(p.endMs - p.beginMs, Math.ceil(3_600_000 / 7));
});

window('an overlap too short for the energy carries what fits at full power', () => {
  assert.equal(planTrade(req({ toMs: H })), { beginMs: 0, endMs: H, energyMWh: 50_000, maxPowerMW: 50_000, circuit: { kind: 'bus' } });
});

window('nothing when the overlap is empty or cannot carry the minimum trade', () => {
  assert.is(planTrade(req({ fromMs: H, toMs: H })), null);
  assert.is(planTrade(req({ toMs: 71 })), null); // 50 000 mW × 71 ms = 0.986 mWh
  assert.is(planTrade(req({ toMs: 72 }))?.energyMWh, 1); // exactly 1 mWh
  assert.is(planTrade(req({ minTradeMWh: 60_000, toMs: H })), null);
});

window('on a slot grid the window starts and ends on slot boundaries', () => {
  const M = 60_000;
  // Overlap from 00:00:30: first boundary 00:01; 1 000 mWh at 50 W = 72 s -> 2 slots.
  assert.equal(planTrade(req({ slotMs: M, fromMs: 30_000, energyMWh: 1_000 })), { beginMs: M, endMs: 3 * M, energyMWh: 1_000, maxPowerMW: 50_000, circuit: { kind: 'bus' } });
  // Overlap ends at 00:02:59: the last whole slot ends at 00:02, one slot carries 833 mWh.
  assert.equal(planTrade(req({ slotMs: M, fromMs: M, toMs: 179_000, energyMWh: 5_000 })), { beginMs: M, endMs: 2 * M, energyMWh: 833, maxPowerMW: 50_000, circuit: { kind: 'bus' } });
  // No whole slot inside the overlap: nothing.
  assert.is(planTrade(req({ slotMs: M, fromMs: 1, toMs: M + 59_999 })), null);
});

window('a bus headroom below the minimum power is not used', () => {
  const busy = [tr(0, H, 99_500)];
  const p = planTrade(req({ grid: { kind: 'bus', busLimitMW: 100_000 }, minPowerMW: 1_000, gridBusy: busy }))!;
  assert.equal([p.beginMs, p.maxPowerMW], [H, 50_000]);
  assert.is(planTrade(req({ grid: { kind: 'bus', busLimitMW: 100_000 }, minPowerMW: 500, gridBusy: busy }))?.maxPowerMW, 500);
});

const nodes = suite('planTrade: one contract per node');

nodes('waits for a node\'s contract to end (earliest common start)', () => {
  const p = planTrade(req({ nodeBusy: [tr(0, 2 * H)] }))!;
  assert.equal([p.beginMs, p.endMs, p.energyMWh], [2 * H, 4 * H, 100_000]);
});

nodes('ends where a node\'s next contract begins', () => {
  const p = planTrade(req({ nodeBusy: [tr(H, 2 * H)] }))!;
  assert.equal([p.beginMs, p.endMs, p.energyMWh], [0, H, 50_000]);
});

nodes('skips a gap too small for the minimum trade', () => {
  const p = planTrade(req({ minTradeMWh: 60_000, nodeBusy: [tr(H, 2 * H)] }))!;
  assert.equal([p.beginMs, p.endMs, p.energyMWh], [2 * H, 4 * H, 100_000]);
});

nodes('finds no window when the nodes are busy throughout', () => {
  assert.is(planTrade(req({ nodeBusy: [tr(0, 2 * H), tr(2 * H, 5 * H)] })), null);
});

const bus = suite('planTrade: bus limit');

bus('power is capped by the bus headroom at the start', () => {
  const p = planTrade(req({ grid: { kind: 'bus', busLimitMW: 100_000 }, gridBusy: [tr(0, 4 * H, 70_000)] }))!;
  assert.equal([p.beginMs, p.endMs, p.energyMWh, p.maxPowerMW], [0, 12_000_000, 100_000, 30_000]);
});

bus('the window ends where the bus load would exceed the limit', () => {
  const p = planTrade(req({ energyMWh: 150_000, grid: { kind: 'bus', busLimitMW: 100_000 }, gridBusy: [tr(2 * H, 3 * H, 80_000)] }))!;
  assert.equal([p.beginMs, p.endMs, p.energyMWh, p.maxPowerMW], [0, 2 * H, 100_000, 50_000]);
});

bus('a full bus delays the start until load drops', () => {
  const p = planTrade(req({ grid: { kind: 'bus', busLimitMW: 100_000 }, gridBusy: [tr(0, H, 60_000), tr(0, H, 40_000)] }))!;
  assert.equal([p.beginMs, p.endMs, p.maxPowerMW], [H, 3 * H, 50_000]);
});

const star = suite('planTrade: star circuits');
const grid = { kind: 'star' as const, circuits: 2, circuitLimitMW: 1_000_000 };

star('takes the free circuit that stays free longest', () => {
  const p = planTrade(req({ grid, gridBusy: [tr(0, 2 * H, 1, { kind: 'star', index: 0 }), tr(3 * H, 4 * H, 1, { kind: 'star', index: 1 })] }))!;
  assert.equal([p.beginMs, p.endMs, p.circuit], [0, 2 * H, { kind: 'star', index: 1 }]);
});

star('lowest index on a tie', () => {
  assert.equal(planTrade(req({ grid }))!.circuit, { kind: 'star', index: 0 });
});

star('waits when every circuit is taken', () => {
  const busy = [tr(0, H, 1, { kind: 'star', index: 0 }), tr(0, 2 * H, 1, { kind: 'star', index: 1 })];
  const p = planTrade(req({ grid, gridBusy: busy }))!;
  assert.equal([p.beginMs, p.endMs, p.circuit], [H, 3 * H, { kind: 'star', index: 0 }]);
});

const concurrent = suite('planTrade: bus maxConcurrent');
const one = { kind: 'bus' as const, busLimitMW: 1_000_000, maxConcurrent: 1 };

concurrent('with one contract allowed, a window waits until the running contract ends', () => {
  const p = planTrade(req({ grid: one, gridBusy: [tr(0, H, 1_000)] }))!;
  assert.equal([p.beginMs, p.endMs, p.maxPowerMW], [H, 3 * H, 50_000]);
});

concurrent('a window is cut where the next contract would make one too many', () => {
  // Free in [0, H) only: 50 W for 1 h = 50 Wh of the 100 asked.
  assert.equal(planTrade(req({ grid: one, gridBusy: [tr(H, 2 * H, 1_000)] })), { beginMs: 0, endMs: H, energyMWh: 50_000, maxPowerMW: 50_000, circuit: { kind: 'bus' } });
});

concurrent('maxConcurrent 2 lets a second contract run beside one but not beside two', () => {
  const two = { ...one, maxConcurrent: 2 };
  assert.is(planTrade(req({ grid: two, gridBusy: [tr(0, H, 1_000)] }))?.beginMs, 0);
  assert.is(planTrade(req({ grid: two, gridBusy: [tr(0, H, 1_000), tr(0, 2 * H, 1_000)] }))?.beginMs, H);
});

concurrent('without maxConcurrent any number of contracts may overlap (power permitting)', () => {
  const busy = [tr(0, 4 * H, 1_000), tr(0, 4 * H, 1_000), tr(0, 4 * H, 1_000)];
  assert.is(planTrade(req({ gridBusy: busy }))?.beginMs, 0);
});

concurrent('nothing when the bus is never free of contracts in the overlap', () => {
  assert.is(planTrade(req({ grid: one, gridBusy: [tr(0, 4 * H, 1_000)] })), null);
});

window.run();
nodes.run();
bus.run();
star.run();
concurrent.run();

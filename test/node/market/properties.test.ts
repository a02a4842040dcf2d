import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { loadAt, MS_PER_HOUR } from '../../../hub/market/constraints';
import type { OrderSpec, Outcome, Trade } from '../../../hub/market/types';
import { NODES, drive, replay, scenarioArb, type Scenario, type Village } from './driver';

const RUNS = Number(process.env.MARKET_PROPERTY_RUNS ?? 250);
const props = suite('market properties (fast-check)');

/** A trade's effective interval: settlement frees the rest of its window. */
function live(v: Village, t: Trade): [number, number] {
  const s = v.settledAt.get(t.id);
  return [t.beginMs, s === undefined ? t.endMs : Math.max(t.beginMs, Math.min(t.endMs, s))];
}

function submitted(v: Village): Map<string, OrderSpec> {
  const m = new Map<string, OrderSpec>();
  v.log.forEach((e, i) => {
    const out = v.outputs[v.log.slice(0, i).filter((x) => 'input' in x).length];
    if ('input' in e && e.input.kind === 'submit' && out && !('error' in out)) m.set(e.input.order.id, e.input.order);
  });
  return m;
}

props('the book is never crossed after an input: no resting pair that crosses can still trade', () => {
  fc.assert(
    fc.property(scenarioArb, (s: Scenario) => {
      drive(s, (v) => {
        const buys = v.engine.orders('buy');
        const sells = v.engine.orders('sell');
        for (const b of buys) {
          for (const o of sells) {
            if (b.priceUnitsPerKWh < o.priceUnitsPerKWh) break;
            const p = v.engine.canTrade(b.id, o.id);
            if (p) throw new Error(`crossed: ${b.id} ${o.id} could trade ${JSON.stringify(p)}`);
            // Independent of the engine's planner: a pair with an idle grid
            // and idle nodes over its whole overlap, money for at least 1 mWh
            // and time for it at full power would obviously trade.
            if (b.node === o.node) continue;
            const lo = Math.ceil(Math.max(b.fromMs, o.fromMs, v.engine.nowMs) / s.slotMs) * s.slotMs;
            const hi = Math.floor(Math.min(b.toMs, o.toMs) / s.slotMs) * s.slotMs;
            if (lo >= hi) continue;
            const busy = v.trades.some((t) => { const w = live(v, t); return w[0] < hi && w[1] > lo; });
            if (busy) continue;
            const price = b.arrival < o.arrival ? b.priceUnitsPerKWh : o.priceUnitsPerKWh;
            const avail = (v.balances.get(b.node) ?? 0) - v.engine.reservedMilliUnits(b.node) + (s.payment === 'postpaid' ? s.creditLimitMilliUnits : 0);
            if (Math.ceil((s.minTradeMWh * price) / 1000) > avail) continue;
            if (Math.min(b.remainingMWh, o.remainingMWh) < s.minTradeMWh) continue;
            const cap = s.grid.kind === 'bus' ? s.grid.busLimitMW : s.grid.circuitLimitMW;
            const power = Math.min(b.maxPowerMW, o.maxPowerMW, cap);
            if (power < s.minPowerMW || Math.floor((power * (hi - lo)) / MS_PER_HOUR) < s.minTradeMWh) continue;
            throw new Error(`crossed: ${b.id} ${o.id} rest although they obviously could trade`);
          }
        }
      });
    }),
    { numRuns: RUNS },
  );
});

props('filled + remaining is conserved for every order; trades respect both orders', () => {
  fc.assert(
    fc.property(scenarioArb, (s: Scenario) => {
      const v = drive(s);
      const orders = submitted(v);
      const filled = new Map<string, number>();
      for (const t of v.trades) {
        const b = orders.get(t.buyOrderId)!;
        const o = orders.get(t.sellOrderId)!;
        filled.set(b.id, (filled.get(b.id) ?? 0) + t.energyMWh);
        filled.set(o.id, (filled.get(o.id) ?? 0) + t.energyMWh);
        assert.ok(t.energyMWh > 0);
        assert.ok(t.priceUnitsPerKWh >= o.priceUnitsPerKWh && t.priceUnitsPerKWh <= b.priceUnitsPerKWh, 'price between the limits');
        assert.ok(t.beginMs >= Math.max(b.fromMs, o.fromMs) && t.endMs <= Math.min(b.toMs, o.toMs) && t.beginMs < t.endMs, 'inside both windows');
        assert.ok(t.beginMs >= t.atMs, 'never starts in the past');
        assert.ok(t.maxPowerMW <= Math.min(b.maxPowerMW, o.maxPowerMW), 'power within both nodes');
        assert.ok(t.energyMWh * MS_PER_HOUR <= t.maxPowerMW * (t.endMs - t.beginMs), 'window long enough for the energy');
        assert.is.not(t.buyer, t.seller);
      }
      const removed = new Map<string, string>();
      for (const out of v.outputs) {
        if ('error' in out) continue;
        for (const r of (out as Outcome).removed) {
          assert.not.ok(removed.has(r.orderId), 'an order leaves the book once');
          removed.set(r.orderId, r.reason);
        }
      }
      for (const o of orders.values()) {
        const f = filled.get(o.id) ?? 0;
        const resting = v.engine.order(o.id);
        if (resting) assert.is(f + resting.remainingMWh, o.energyMWh);
        else if (removed.get(o.id) === 'filled') assert.is(f, o.energyMWh);
        else assert.ok(f < o.energyMWh, `${o.id} ${removed.get(o.id)} with ${f}`);
      }
    }),
    { numRuns: RUNS },
  );
});

props('no node is ever in two overlapping trades; the bus limit and circuits hold', () => {
  fc.assert(
    fc.property(scenarioArb, (s: Scenario) => {
      const v = drive(s);
      const lives = v.trades.map((t) => ({ t, w: live(v, t) })).filter((x) => x.w[0] < x.w[1]);
      for (let i = 0; i < lives.length; i++) {
        for (let j = i + 1; j < lives.length; j++) {
          const a = lives[i]!;
          const b = lives[j]!;
          if (a.w[0] >= b.w[1] || b.w[0] >= a.w[1]) continue;
          const shared = [a.t.buyer, a.t.seller].filter((n) => n === b.t.buyer || n === b.t.seller);
          assert.equal(shared, [], `${a.t.id} and ${b.t.id} overlap and share a node`);
          if (s.grid.kind === 'star') assert.not.equal(a.t.circuit, b.t.circuit, `${a.t.id} and ${b.t.id} share a circuit`);
        }
      }
      if (s.grid.kind === 'bus') {
        const clipped = lives.map(({ t, w }) => ({ ...t, beginMs: w[0], endMs: w[1] }));
        for (const t of clipped) assert.ok(loadAt(clipped, t.beginMs) <= s.grid.busLimitMW, `bus over its limit at ${t.beginMs}`);
      } else {
        for (const t of v.trades) assert.ok(t.circuit.kind === 'star' && t.circuit.index < s.grid.circuits && t.maxPowerMW <= s.grid.circuitLimitMW);
      }
    }),
    { numRuns: RUNS },
  );
});

/** Scenarios on a bus that allows 1–3 concurrent contracts. */
const cappedBusArb = fc
  .tuple(scenarioArb, fc.integer({ min: 1, max: 3 }), fc.integer({ min: 20_000, max: 250_000 }))
  .map(([s, maxConcurrent, busLimitMW]): Scenario => ({ ...s, grid: { kind: 'bus', busLimitMW, maxConcurrent } }));

props('on a bus with maxConcurrent no more than that many trades overlap, and the book stays uncrossed', () => {
  fc.assert(
    fc.property(cappedBusArb, (s: Scenario) => {
      const cap = s.grid.kind === 'bus' ? s.grid.maxConcurrent! : 0;
      drive(s, (v) => {
        // Live windows (settlement frees the rest of a window): count those holding at each begin.
        const lives = v.trades.map((t) => live(v, t)).filter((w) => w[0] < w[1]);
        for (const [b] of lives) {
          const n = lives.filter((w) => w[0] <= b && b < w[1]).length;
          assert.ok(n <= cap, `${n} trades run at ${b}, cap ${cap}`);
        }
        for (const b of v.engine.orders('buy')) {
          for (const o of v.engine.orders('sell')) {
            if (b.priceUnitsPerKWh < o.priceUnitsPerKWh) break;
            assert.is(v.engine.canTrade(b.id, o.id), null, `crossed: ${b.id} ${o.id}`);
          }
        }
      });
    }),
    { numRuns: RUNS },
  );
});

props('a pre-paid buyer never commits more than its balance; post-paid stays within credit', () => {
  fc.assert(
    fc.property(scenarioArb, (s: Scenario) => {
      drive(s, (v) => {
        const floor = s.payment === 'prepaid' ? 0 : -s.creditLimitMilliUnits;
        for (const n of NODES) {
          // Independent of the engine's counter: the cost of the node's open purchases.
          let owed = 0;
          for (const t of v.trades) if (t.buyer === n && !v.settledAt.has(t.id)) owed += Math.ceil((t.energyMWh * t.priceUnitsPerKWh) / 1000);
          assert.is(v.engine.reservedMilliUnits(n), owed);
          const balance = v.balances.get(n) ?? 0;
          assert.ok(balance - owed >= floor, `${n} owes ${owed} with ${balance}`);
        }
      });
    }),
    { numRuns: RUNS },
  );
});

props('an offer never exceeds its node\'s declaration', () => {
  fc.assert(
    fc.property(scenarioArb, (s: Scenario) => {
      drive(s, (v) => {
        NODES.forEach((n, i) => {
          let open = 0;
          for (const o of v.engine.orders('sell')) if (o.node === n) open += o.remainingMWh;
          for (const t of v.engine.openTrades()) if (t.seller === n) open += t.energyMWh;
          assert.ok(open <= s.exportMWh[i]!, `${n}: ${open} > ${s.exportMWh[i]}`);
        });
      });
    }),
    { numRuns: RUNS },
  );
});

props('replaying the log (through JSON) gives identical outputs and state', () => {
  fc.assert(
    fc.property(scenarioArb, (s: Scenario) => {
      const v = drive(s);
      const initial: Record<string, number> = {};
      NODES.forEach((n, i) => (initial[n] = s.balances[i]!));
      const log = JSON.parse(JSON.stringify(v.log)) as typeof v.log;
      const again = replay(v.rules, initial, log);
      assert.equal(again.outputs, v.outputs);
      assert.equal(again.engine.snapshot(), v.engine.snapshot());
    }),
    { numRuns: RUNS },
  );
});

props.run();

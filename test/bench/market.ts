/**
 * Matching engine throughput on a realistic village day: 1 000 households,
 * mixed delivery windows, a shared bus, trades settled after their window.
 * Prints submits per second, trades per second, submit latency percentiles
 * and the cost of a full-book tick sweep. Seeded: the same book every run.
 */
import { MatchingEngine } from '../../hub/market/engine';
import type { MarketRules, OrderSpec } from '../../hub/market/types';
import { uniform as prng } from '../portable/prng';

const H = 3_600_000;
const MIN = 60_000;
const T0 = 1_717_200_000_000;
const NODES = 1000;


function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

interface DayFigures {
  submits: number;
  trades: number;
  submitMs: number[];
  tickMs: number[];
  settleMs: number[];
  restingAtEnd: number;
  openTradesMax: number;
  wallMs: number;
}

export function day(rules: MarketRules, seed: number, endHour = 22): DayFigures {
  const rnd = prng(seed);
  const pick = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const balances = new Float64Array(NODES).fill(5_000);
  const e = new MatchingEngine({ rules, accounts: (n) => ({ balanceMilliUnits: balances[Number(n.slice(1))]! }) });
  const name = (i: number) => `h${i}`;
  const seller = (i: number) => i % 5 < 2; // 40 % of houses have surplus PV
  for (let i = 0; i < NODES; i++) e.apply({ kind: 'declare', atMs: T0, declaration: { node: name(i), exportMWh: seller(i) ? 400_000 : 0, maxPowerMW: 150_000 } });

  const f: DayFigures = { submits: 0, trades: 0, submitMs: [], tickMs: [], settleMs: [], restingAtEnd: 0, openTradesMax: 0, wallMs: 0 };
  let ids = 0;
  const wall = performance.now();
  // 06:00 to 22:00 in one-minute steps; ~5 orders per house per day.
  for (let now = T0 + 6 * H; now < T0 + endHour * H; now += MIN) {
    const perMinute = pick(3, 7);
    for (let k = 0; k < perMinute; k++) {
      const i = pick(0, NODES - 1);
      const sell = seller(i) && now < T0 + 17 * H && rnd() < 0.8;
      const fromMs = now + pick(0, 8) * 15 * MIN;
      const o: OrderSpec = {
        id: `${name(i)}-${++ids}`,
        node: name(i),
        side: sell ? 'sell' : 'buy',
        energyMWh: pick(20, 300) * 1000,
        priceUnitsPerKWh: sell ? pick(1, 4) : pick(2, 5),
        fromMs,
        toMs: fromMs + pick(2, 16) * 15 * MIN,
        maxPowerMW: pick(20, 150) * 1000,
      };
      const t = performance.now();
      try {
        const out = e.apply({ kind: 'submit', atMs: now, order: o });
        f.trades += out.trades.length;
      } catch {
        // over-declared offers are refused: part of a real day
      }
      f.submitMs.push(performance.now() - t);
      f.submits++;
    }
    if ((now - T0) % (5 * MIN) === 0) {
      // Settle what has ended: the ledger pays the reservation, the buyer
      // earns a little elsewhere (funds), then a tick expires old orders.
      for (const tr of e.openTrades()) {
        if (tr.endMs > now) continue;
        const b = Number(tr.buyer.slice(1));
        balances[b] = balances[b]! - tr.reservedMilliUnits + 2_000;
        let t = performance.now();
        f.trades += e.apply({ kind: 'settled', atMs: now, tradeId: tr.id }).trades.length;
        f.settleMs.push(performance.now() - t);
        t = performance.now();
        f.trades += e.apply({ kind: 'funds', atMs: now, node: tr.buyer }).trades.length;
        f.settleMs.push(performance.now() - t);
      }
      const t = performance.now();
      e.apply({ kind: 'tick', atMs: now });
      f.tickMs.push(performance.now() - t);
    }
    f.openTradesMax = Math.max(f.openTradesMax, e.openTrades().length);
  }
  f.wallMs = performance.now() - wall;
  f.restingAtEnd = e.orders('buy').length + e.orders('sell').length;
  return f;
}

export function report(label: string, f: DayFigures): void {
  const s = [...f.submitMs].sort((a, b) => a - b);
  const t = [...f.tickMs].sort((a, b) => a - b);
  const st = [...f.settleMs].sort((a, b) => a - b);
  const submitTotal = f.submitMs.reduce((a, b) => a + b, 0);
  console.log(
    `${label}: ${f.submits} submits, ${f.trades} trades; ${Math.round(f.submits / (submitTotal / 1000))} submits/s, ` +
      `${Math.round(f.trades / (f.wallMs / 1000))} trades/s over the day (${f.wallMs.toFixed(0)} ms wall)`,
  );
  console.log(
    `${' '.repeat(label.length)}  submit latency p50 ${percentile(s, 50).toFixed(3)} ms, p99 ${percentile(s, 99).toFixed(3)} ms, max ${s[s.length - 1]!.toFixed(3)} ms; ` +
      `settled/funds re-match p50 ${percentile(st, 50).toFixed(3)} ms, p99 ${percentile(st, 99).toFixed(3)} ms; tick p99 ${percentile(t, 99).toFixed(3)} ms`,
  );
  console.log(`${' '.repeat(label.length)}  book at the end ${f.restingAtEnd} orders, peak open trades ${f.openTradesMax}`
  );
}

export async function run(): Promise<void> {
  const base = { minPriceUnitsPerKWh: 1, maxPriceUnitsPerKWh: 10, payment: 'prepaid' as const, creditLimitMilliUnits: 0 };
  day({ ...base, grid: { kind: 'bus', busLimitMW: 25_000_000 } }, 7, 9); // warm-up (JIT)
  report('bus 25 kW, 1000 houses', day({ ...base, grid: { kind: 'bus', busLimitMW: 25_000_000 } }, 1));
  report('star 64 circuits      ', day({ ...base, grid: { kind: 'star', circuits: 64, circuitLimitMW: 200_000 } }, 1));
}

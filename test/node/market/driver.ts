/**
 * A scripted village for the property suites: commands become a log of
 * engine inputs and ledger events (credits, settlement payments), and the
 * same log can be replayed into a fresh engine.
 */
import fc from 'fast-check';
import { MatchingEngine } from '../../../hub/market/engine';
import type { GridRules, MarketInput, MarketRules, Outcome, Trade } from '../../../hub/market/types';
import { SwarmError } from '../../../shared/errors';

export const Q = 900_000; // a quarter hour
export const NODES = ['n0', 'n1', 'n2', 'n3', 'n4', 'n5'];

export type Command =
  | { t: 'submit'; node: number; side: 'sell' | 'buy'; energyMWh: number; price: number; from: number; len: number; powerMW: number; dt: number }
  | { t: 'cancel'; pick: number; dt: number }
  | { t: 'tick'; dt: number }
  | { t: 'settle'; pick: number; dt: number }
  | { t: 'credit'; node: number; milliUnits: number };

export interface Scenario {
  grid: GridRules;
  payment: 'prepaid' | 'postpaid';
  creditLimitMilliUnits: number;
  slotMs: number;
  minTradeMWh: number;
  minPowerMW: number;
  balances: number[];
  exportMWh: number[];
  commands: Command[];
}

/** One log entry: an engine input, or a balance change on the ledger. */
export type LogEntry = { input: MarketInput } | { credit: { node: string; milliUnits: number } };

export const commandArb: fc.Arbitrary<Command> = fc.oneof(
  { weight: 6, arbitrary: fc.record({
    t: fc.constant('submit' as const), node: fc.nat(NODES.length - 1), side: fc.constantFrom('sell' as const, 'buy' as const),
    energyMWh: fc.oneof(fc.integer({ min: 1, max: 2_000 }), fc.integer({ min: 1, max: 120_000 })), price: fc.integer({ min: 1, max: 8 }),
    from: fc.nat(16), len: fc.integer({ min: 1, max: 10 }), powerMW: fc.integer({ min: 5_000, max: 100_000 }), dt: fc.nat(2),
  }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('cancel' as const), pick: fc.nat(), dt: fc.nat(1) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('tick' as const), dt: fc.nat(4) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('settle' as const), pick: fc.nat(), dt: fc.nat(2) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('credit' as const), node: fc.nat(NODES.length - 1), milliUnits: fc.integer({ min: 1, max: 1_000 }) }) },
);

export const scenarioArb: fc.Arbitrary<Scenario> = fc.record({
  grid: fc.oneof(
    fc.record({ kind: fc.constant('bus' as const), busLimitMW: fc.integer({ min: 20_000, max: 250_000 }) }),
    fc.record({ kind: fc.constant('star' as const), circuits: fc.integer({ min: 1, max: 3 }), circuitLimitMW: fc.integer({ min: 20_000, max: 120_000 }) }),
  ),
  payment: fc.constantFrom('prepaid' as const, 'postpaid' as const),
  creditLimitMilliUnits: fc.nat(500),
  slotMs: fc.constantFrom(1, 60_000, 900_000),
  minTradeMWh: fc.constantFrom(1, 1_000),
  minPowerMW: fc.constantFrom(1, 1_000, 20_000),
  balances: fc.array(fc.nat(2_000), { minLength: NODES.length, maxLength: NODES.length }),
  exportMWh: fc.array(fc.integer({ min: 0, max: 300_000 }), { minLength: NODES.length, maxLength: NODES.length }),
  commands: fc.array(commandArb, { minLength: 1, maxLength: 60, size: 'max' }),
});

export function rulesOf(s: Scenario): MarketRules {
  return {
    minPriceUnitsPerKWh: 1, maxPriceUnitsPerKWh: 8, grid: s.grid, payment: s.payment, creditLimitMilliUnits: s.creditLimitMilliUnits,
    slotMs: s.slotMs, minTradeMWh: s.minTradeMWh, minPowerMW: s.minPowerMW,
  };
}

/** A village: the engine plus the ledger's balances it reads. */
export class Village {
  readonly engine: MatchingEngine;
  readonly balances = new Map<string, number>();
  readonly log: LogEntry[] = [];
  readonly outputs: Array<Outcome | { error: string }> = [];
  readonly trades: Trade[] = [];
  /** When each trade was settled (absent: open). */
  readonly settledAt = new Map<string, number>();

  constructor(readonly rules: MarketRules, balances: Record<string, number>) {
    for (const [n, b] of Object.entries(balances)) this.balances.set(n, b);
    this.engine = new MatchingEngine({ rules, accounts: (node) => ({ balanceMilliUnits: this.balances.get(node) ?? 0 }) });
  }

  step(entry: LogEntry): Outcome | { error: string } | undefined {
    this.log.push(entry);
    if ('credit' in entry) {
      const { node, milliUnits } = entry.credit;
      this.balances.set(node, (this.balances.get(node) ?? 0) + milliUnits);
      return undefined;
    }
    let out: Outcome | { error: string };
    try {
      out = this.engine.apply(entry.input);
      this.trades.push(...out.trades);
      if (entry.input.kind === 'settled') this.settledAt.set(entry.input.tradeId, out.nowMs);
    } catch (e) {
      if (!(e instanceof SwarmError)) throw e;
      out = { error: e.code };
    }
    this.outputs.push(out);
    return out;
  }
}

/** Turn a scenario into a village, driving it command by command; `check` runs after each step. */
export function drive(s: Scenario, check: (v: Village) => void = () => undefined): Village {
  const initial: Record<string, number> = {};
  NODES.forEach((n, i) => (initial[n] = s.balances[i]!));
  const v = new Village(rulesOf(s), initial);
  let now = 0;
  let ids = 0;
  NODES.forEach((n, i) => v.step({ input: { kind: 'declare', atMs: 0, declaration: { node: n, exportMWh: s.exportMWh[i]!, maxPowerMW: 100_000 } } }));
  for (const c of s.commands) {
    if (c.t !== 'credit') now += c.dt * Q;
    if (c.t === 'submit') {
      const node = NODES[c.node]!;
      ids++;
      // Windows start around now (some already under way); sellers ask a
      // little less than buyers bid, so most pairs cross.
      const fromMs = now + (c.from - 3) * Q;
      const price = c.side === 'sell' ? 1 + (c.price % 5) : 3 + (c.price % 6);
      v.step({ input: { kind: 'submit', atMs: now, order: {
        id: `${node}-${c.side === 'sell' ? 'o' : 'r'}-${ids}`, node, side: c.side, energyMWh: c.energyMWh, priceUnitsPerKWh: price,
        fromMs, toMs: fromMs + c.len * Q, maxPowerMW: c.powerMW,
      } } });
    } else if (c.t === 'cancel') {
      const book = [...v.engine.orders('sell'), ...v.engine.orders('buy')].sort((a, b) => a.arrival - b.arrival);
      if (book.length === 0) continue;
      const o = book[c.pick % book.length]!;
      v.step({ input: { kind: 'cancel', atMs: now, node: o.node, orderId: o.id } });
    } else if (c.t === 'tick') {
      v.step({ input: { kind: 'tick', atMs: now } });
    } else if (c.t === 'settle') {
      const open = v.engine.openTrades();
      if (open.length === 0) continue;
      const t = open[c.pick % open.length]!;
      // The ledger pays what was reserved (full delivery) just before the market hears of it.
      v.step({ credit: { node: t.buyer, milliUnits: -t.reservedMilliUnits } });
      v.step({ input: { kind: 'settled', atMs: now, tradeId: t.id } });
    } else {
      // The hub tells the market after a balance changes.
      v.step({ credit: { node: NODES[c.node]!, milliUnits: c.milliUnits } });
      v.step({ input: { kind: 'funds', atMs: now, node: NODES[c.node]! } });
    }
    check(v);
  }
  return v;
}

/** Replay a log into a fresh engine with the same starting balances. */
export function replay(rules: MarketRules, initial: Record<string, number>, log: LogEntry[]): Village {
  const v = new Village(rules, initial);
  for (const entry of log) v.step(entry);
  return v;
}

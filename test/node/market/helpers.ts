/** Builders shared by the market suites. */
import { MatchingEngine } from '../../../hub/market/engine';
import type { MarketInput, MarketRules, OrderSpec, Outcome } from '../../../hub/market/types';
import { SwarmError } from '../../../shared/errors';

export const H = 3_600_000;

export function rules(over: Partial<MarketRules> = {}): MarketRules {
  return {
    minPriceUnitsPerKWh: 1,
    maxPriceUnitsPerKWh: 20,
    grid: { kind: 'bus', busLimitMW: 1_000_000 },
    payment: 'prepaid',
    creditLimitMilliUnits: 0,
    ...over,
  };
}

/** An engine whose balances live in a plain object the test can change. */
export function engine(over: Partial<MarketRules> = {}, balances: Record<string, number> = {}, fallbackBalance = 1_000_000_000) {
  const e = new MatchingEngine({
    rules: rules(over),
    accounts: (node) => ({ balanceMilliUnits: balances[node] ?? fallbackBalance }),
  });
  return { e, balances };
}

let n = 0;
export function order(side: 'sell' | 'buy', node: string, over: Partial<OrderSpec> = {}): OrderSpec {
  n++;
  return { id: `${node}-${side === 'sell' ? 'o' : 'r'}-${n}`, node, side, energyMWh: 100_000, priceUnitsPerKWh: 2, fromMs: 0, toMs: 4 * H, maxPowerMW: 100_000, ...over };
}

export const declare = (node: string, exportMWh = 10_000_000, maxPowerMW = 1_000_000, atMs = 0): MarketInput => ({
  kind: 'declare',
  atMs,
  declaration: { node, exportMWh, maxPowerMW },
});

export const submit = (o: OrderSpec, atMs = 0): MarketInput => ({ kind: 'submit', atMs, order: o });

/** The stable code an input is rejected with, or 'ok'. */
export function codeOf(fn: () => unknown): string {
  try {
    fn();
    return 'ok';
  } catch (e) {
    if (e instanceof SwarmError) return e.code;
    throw e;
  }
}

/** Apply, turning a rejection into { error: code } (logs keep rejected inputs too). */
export function applyLogged(e: MatchingEngine, input: MarketInput): Outcome | { error: string } {
  try {
    return e.apply(input);
  } catch (err) {
    if (err instanceof SwarmError) return { error: err.code };
    throw err;
  }
}

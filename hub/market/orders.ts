/**
 * Validation at the engine's edge: rules once, every order and input as it
 * arrives. Inside the engine values are trusted.
 */
import { fail } from '../../shared/errors';
import type { MarketInput, MarketRules, OrderSpec, Side } from './types';

/** Node ids as in the protocol. */
export const NODE_ID = /^[a-z0-9][a-z0-9-]{0,31}$/;
/** Order ids: node-chosen, e.g. "<node>-o-17". */
export const ORDER_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;
/** Largest order: 1 MWh (10^9 mWh) keeps energy·3 600 000 below 2^53. */
export const MAX_ORDER_MWH = 1_000_000_000;
/** Largest power: 1 MW (10^9 mW) — far above any village, keeps products safe. */
export const MAX_POWER_MW = 1_000_000_000;
/** Highest price band bound: energy·price stays below 2^53. */
export const MAX_PRICE = 1_000_000;
export const DEFAULT_MAX_WINDOW_MS = 7 * 24 * 3_600_000;

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);

/** Rules with defaults filled in; throws E_MARKET_RULES. */
export function checkRules(rules: MarketRules): Required<MarketRules> {
  const bad = (why: string): never => fail('E_MARKET_RULES', why);
  if (!isInt(rules.minPriceUnitsPerKWh) || rules.minPriceUnitsPerKWh < 0) bad('minPriceUnitsPerKWh must be an integer ≥ 0');
  if (!isInt(rules.maxPriceUnitsPerKWh) || rules.maxPriceUnitsPerKWh < rules.minPriceUnitsPerKWh || rules.maxPriceUnitsPerKWh > MAX_PRICE) {
    bad(`maxPriceUnitsPerKWh must be an integer in [minPriceUnitsPerKWh, ${MAX_PRICE}]`);
  }
  const g = rules.grid;
  if (g.kind === 'bus') {
    if (!isInt(g.busLimitMW) || g.busLimitMW <= 0 || g.busLimitMW > MAX_POWER_MW) bad('grid.busLimitMW must be a positive integer');
    if (g.maxConcurrent !== undefined && (!isInt(g.maxConcurrent) || g.maxConcurrent < 1 || g.maxConcurrent > 1024)) {
      bad('grid.maxConcurrent must be an integer in 1..1024 (or absent: unlimited)');
    }
  } else if (g.kind === 'star') {
    if (!isInt(g.circuits) || g.circuits <= 0 || g.circuits > 1024) bad('grid.circuits must be an integer in 1..1024');
    if (!isInt(g.circuitLimitMW) || g.circuitLimitMW <= 0 || g.circuitLimitMW > MAX_POWER_MW) bad('grid.circuitLimitMW must be a positive integer');
  } else bad('grid.kind must be "bus" or "star"');
  if (rules.payment !== 'prepaid' && rules.payment !== 'postpaid') bad('payment must be "prepaid" or "postpaid"');
  if (!isInt(rules.creditLimitMilliUnits) || rules.creditLimitMilliUnits < 0) bad('creditLimitMilliUnits must be an integer ≥ 0');
  const maxWindowMs = rules.maxWindowMs ?? DEFAULT_MAX_WINDOW_MS;
  if (!isInt(maxWindowMs) || maxWindowMs <= 0) bad('maxWindowMs must be a positive integer');
  const minTradeMWh = rules.minTradeMWh ?? 1_000;
  if (!isInt(minTradeMWh) || minTradeMWh < 1) bad('minTradeMWh must be an integer ≥ 1');
  const slotMs = rules.slotMs ?? 60_000;
  if (!isInt(slotMs) || slotMs < 1 || slotMs > 3_600_000) bad('slotMs must be an integer in 1..3 600 000');
  const minPowerMW = rules.minPowerMW ?? 1_000;
  if (!isInt(minPowerMW) || minPowerMW < 1) bad('minPowerMW must be an integer ≥ 1');
  if (rules.sellerCarriesBuyer !== undefined && typeof rules.sellerCarriesBuyer !== 'boolean') bad('sellerCarriesBuyer must be a boolean');
  return { ...rules, maxWindowMs, minTradeMWh, slotMs, minPowerMW, sellerCarriesBuyer: rules.sellerCarriesBuyer ?? false };
}

/**
 * Check an order's shape, price band and window against `nowMs`.
 * Throws E_MARKET_ORDER, E_MARKET_PRICE_BAND, E_MARKET_WINDOW, E_MARKET_EXPIRED.
 */
export function checkOrder(rules: Required<MarketRules>, o: OrderSpec, nowMs: number): void {
  if (typeof o !== 'object' || o === null) fail('E_MARKET_ORDER', 'an order must be an object');
  if (typeof o.id !== 'string' || !ORDER_ID.test(o.id)) fail('E_MARKET_ORDER', `bad order id ${JSON.stringify(o.id)}`);
  if (typeof o.node !== 'string' || !NODE_ID.test(o.node)) fail('E_MARKET_ORDER', `bad node id ${JSON.stringify(o.node)}`);
  if (o.side !== 'sell' && o.side !== 'buy') fail('E_MARKET_ORDER', 'side must be "sell" or "buy"');
  if (!isInt(o.energyMWh) || o.energyMWh < rules.minTradeMWh || o.energyMWh > MAX_ORDER_MWH) {
    fail('E_MARKET_ORDER', `energyMWh must be an integer in ${rules.minTradeMWh}..${MAX_ORDER_MWH}`);
  }
  if (!isInt(o.maxPowerMW) || o.maxPowerMW < rules.minPowerMW || o.maxPowerMW > MAX_POWER_MW) {
    fail('E_MARKET_ORDER', `maxPowerMW must be an integer in ${rules.minPowerMW}..${MAX_POWER_MW}`);
  }
  if (!isInt(o.priceUnitsPerKWh)) fail('E_MARKET_ORDER', 'priceUnitsPerKWh must be an integer');
  if (o.priceUnitsPerKWh < rules.minPriceUnitsPerKWh || o.priceUnitsPerKWh > rules.maxPriceUnitsPerKWh) {
    fail('E_MARKET_PRICE_BAND', `price ${o.priceUnitsPerKWh} outside [${rules.minPriceUnitsPerKWh}, ${rules.maxPriceUnitsPerKWh}] units/kWh`);
  }
  if (!isInt(o.fromMs) || !isInt(o.toMs) || o.fromMs >= o.toMs) fail('E_MARKET_WINDOW', 'window must be integers with fromMs < toMs');
  if (o.toMs - o.fromMs > rules.maxWindowMs) fail('E_MARKET_WINDOW', `window longer than ${rules.maxWindowMs} ms`);
  if (o.toMs <= nowMs) fail('E_MARKET_EXPIRED', `window ended at ${o.toMs}, now is ${nowMs}`);
}

/** Throws E_MARKET_INPUT unless `input` is a known kind with an integer atMs. */
export function checkInput(input: MarketInput): void {
  if (typeof input !== 'object' || input === null || !isInt((input as { atMs?: unknown }).atMs)) {
    fail('E_MARKET_INPUT', 'an input needs an integer atMs');
  }
  const k = (input as { kind?: unknown }).kind;
  if (k !== 'submit' && k !== 'cancel' && k !== 'declare' && k !== 'tick' && k !== 'settled' && k !== 'funds') {
    fail('E_MARKET_INPUT', `unknown input kind ${JSON.stringify(k)}`);
  }
}

/** The signed offer/request body from the protocol (fields the market uses). */
export interface OrderBody {
  node: string;
  id: string;
  energyMWh: number;
  priceUnitsPerKWh: number;
  fromMs: number;
  toMs: number;
  maxPowerMW: number;
}

/**
 * Map a verified offer (sell) or request (buy) body to an order. `seq`,
 * `socPermille` and the node's `atMs` are not market inputs: the hub checks
 * seq, and time comes from the hub's clock in the input's `atMs`.
 */
export function orderFromBody(kind: 'offer' | 'request', body: OrderBody): OrderSpec {
  const side: Side = kind === 'offer' ? 'sell' : 'buy';
  return {
    id: body.id,
    node: body.node,
    side,
    energyMWh: body.energyMWh,
    priceUnitsPerKWh: body.priceUnitsPerKWh,
    fromMs: body.fromMs,
    toMs: body.toMs,
    maxPowerMW: body.maxPowerMW,
  };
}

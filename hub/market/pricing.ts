/**
 * Prices and money. Integer arithmetic only.
 *
 * Units: a price is account units per kWh; 1 kWh = 1 000 000 mWh and
 * 1 unit = 1 000 milli-units, so the cost of E mWh at P units/kWh is
 * E·P/1 000 000 units = E·P/1 000 milli-units.
 */
import type { BookOrder, MarketRules } from './types';

/** mWh per milli-unit divisor: cost(milli-units) = energyMWh × price / 1000. */
const MWH_PRICE_PER_MILLIUNIT = 1000;

/** True if `price` lies in the rules' band (inclusive). */
export function inPriceBand(rules: MarketRules, price: number): boolean {
  return price >= rules.minPriceUnitsPerKWh && price <= rules.maxPriceUnitsPerKWh;
}

/**
 * Standard continuous double auction: a trade executes at the price of the
 * order that was on the book first (the maker), never at the later
 * (taker's) limit. A buyer never pays above its limit and a seller never
 * receives below its own, because the two limits cross.
 */
export function tradePrice(buy: BookOrder, sell: BookOrder): number {
  return buy.arrival < sell.arrival ? buy.priceUnitsPerKWh : sell.priceUnitsPerKWh;
}

/**
 * What the buyer is reserved for `energyMWh` at `price`, milli-units,
 * rounded up: the reservation is never smaller than what settlement can
 * charge for the contracted energy (settlement pays min(delivered,
 * consumed) ≤ energyMWh).
 */
export function costMilliUnits(energyMWh: number, price: number): number {
  return Math.ceil((energyMWh * price) / MWH_PRICE_PER_MILLIUNIT);
}

/**
 * The most energy whose {@link costMilliUnits} fits in `availableMilliUnits`:
 * ceil(E·P/1000) ≤ A ⇔ E·P ≤ 1000·A ⇔ E ≤ floor(1000·A / P).
 * Infinite for a zero price; zero when nothing is available.
 */
export function affordableMWh(availableMilliUnits: number, price: number): number {
  if (availableMilliUnits < 0) return 0;
  if (price === 0) return Number.POSITIVE_INFINITY;
  return Math.floor((availableMilliUnits * MWH_PRICE_PER_MILLIUNIT) / price);
}

/**
 * What the buyer may still commit, milli-units. Pre-paid: its balance less
 * what is already reserved. Post-paid: the same plus its credit limit.
 */
export function availableMilliUnits(rules: MarketRules, balanceMilliUnits: number, reservedMilliUnits: number): number {
  const credit = rules.payment === 'postpaid' ? rules.creditLimitMilliUnits : 0;
  return balanceMilliUnits - reservedMilliUnits + credit;
}

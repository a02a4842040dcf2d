import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { affordableMWh, availableMilliUnits, costMilliUnits, inPriceBand, tradePrice } from '../../../hub/market/pricing';
import type { BookOrder } from '../../../hub/market/types';
import { rules } from './helpers';

const money = suite('pricing: money');

money('cost is energy × price / 1000 milli-units, rounded up', () => {
  assert.is(costMilliUnits(1_000_000, 2), 2000); // 1 kWh at 2 units = 2 units
  assert.is(costMilliUnits(100_000, 2), 200);
  assert.is(costMilliUnits(1, 1), 1); // 0.001 milli-units rounds up to 1
  assert.is(costMilliUnits(1499, 1), 2);
  assert.is(costMilliUnits(12345, 0), 0);
});

money('affordable energy is the most whose rounded-up cost fits', () => {
  assert.is(affordableMWh(2000, 2), 1_000_000);
  assert.is(affordableMWh(1, 3), 333);
  assert.ok(costMilliUnits(333, 3) <= 1);
  assert.ok(costMilliUnits(334, 3) > 1);
  assert.is(affordableMWh(0, 5), 0);
  assert.is(affordableMWh(-10, 5), 0);
  assert.is(affordableMWh(0, 0), Number.POSITIVE_INFINITY);
});

money('pre-paid spends the balance less reservations; post-paid adds the credit limit', () => {
  assert.is(availableMilliUnits(rules({ payment: 'prepaid', creditLimitMilliUnits: 500 }), 1000, 300), 700);
  assert.is(availableMilliUnits(rules({ payment: 'postpaid', creditLimitMilliUnits: 500 }), 1000, 300), 1200);
  assert.is(availableMilliUnits(rules({ payment: 'postpaid', creditLimitMilliUnits: 500 }), -400, 0), 100);
});

const price = suite('pricing: trade price and band');

const bo = (side: 'buy' | 'sell', p: number, arrival: number): BookOrder => ({
  id: `x${arrival}`, node: `n${arrival}`, side, energyMWh: 1, remainingMWh: 1, priceUnitsPerKWh: p, fromMs: 0, toMs: 1, maxPowerMW: 1, arrival,
});

price('a trade executes at the price of the order that rested first', () => {
  assert.is(tradePrice(bo('buy', 5, 1), bo('sell', 3, 2)), 5);
  assert.is(tradePrice(bo('buy', 5, 2), bo('sell', 3, 1)), 3);
});

price('the band is inclusive at both ends', () => {
  const r = rules({ minPriceUnitsPerKWh: 1, maxPriceUnitsPerKWh: 20 });
  assert.ok(inPriceBand(r, 1));
  assert.ok(inPriceBand(r, 20));
  assert.not.ok(inPriceBand(r, 0));
  assert.not.ok(inPriceBand(r, 21));
});

money.run();
price.run();

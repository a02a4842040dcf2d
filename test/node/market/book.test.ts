import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { OrderBook } from '../../../hub/market/book';
import type { BookOrder } from '../../../hub/market/types';

const book = suite('order book');

const o = (id: string, side: 'buy' | 'sell', price: number, arrival: number, node = 'n'): BookOrder => ({
  id, node, side, energyMWh: 1, remainingMWh: 1, priceUnitsPerKWh: price, fromMs: 0, toMs: 1, maxPowerMW: 1, arrival,
});

book('sells rank by lowest price, then earliest arrival', () => {
  const b = new OrderBook();
  for (const x of [o('a', 'sell', 3, 1), o('b', 'sell', 2, 2), o('c', 'sell', 3, 3), o('d', 'sell', 1, 4), o('e', 'sell', 2, 5)]) b.add(x);
  assert.equal(b.side('sell').map((x) => x.id), ['d', 'b', 'e', 'a', 'c']);
});

book('buys rank by highest price, then earliest arrival', () => {
  const b = new OrderBook();
  for (const x of [o('a', 'buy', 3, 1), o('b', 'buy', 4, 2), o('c', 'buy', 3, 3), o('d', 'buy', 5, 4)]) b.add(x);
  assert.equal(b.side('buy').map((x) => x.id), ['d', 'b', 'a', 'c']);
});

book('remove takes out exactly the named order and keeps the rest ranked', () => {
  const b = new OrderBook();
  for (const x of [o('a', 'sell', 2, 1, 'p'), o('b', 'sell', 2, 2, 'q'), o('c', 'sell', 2, 3, 'p'), o('d', 'buy', 1, 4, 'p')]) b.add(x);
  assert.is(b.remove('b')?.id, 'b');
  assert.is(b.remove('b'), undefined);
  assert.equal(b.side('sell').map((x) => x.id), ['a', 'c']);
  assert.equal(b.nodeOrders('p').map((x) => x.id), ['a', 'c', 'd']);
  assert.equal(b.nodeOrders('q'), []);
  assert.is(b.size, 3);
  assert.equal(b.all().map((x) => x.id), ['a', 'c', 'd']);
});

book.run();

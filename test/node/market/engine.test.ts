import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { MatchingEngine } from '../../../hub/market/engine';
import { orderFromBody } from '../../../hub/market/orders';
import { H, codeOf, declare, engine, order, submit } from './helpers';

const match = suite('engine: matching');

match('a crossing buy trades with the resting sell at the sell\'s price', () => {
  const { e } = engine();
  e.apply(declare('a'));
  const sell = order('sell', 'a', { priceUnitsPerKWh: 2, fromMs: H, toMs: 4 * H, maxPowerMW: 100_000, energyMWh: 200_000 });
  e.apply(submit(sell));
  const out = e.apply(submit(order('buy', 'b', { priceUnitsPerKWh: 3, fromMs: 2 * H, toMs: 6 * H, maxPowerMW: 50_000, energyMWh: 150_000 }), 10));
  assert.is(out.trades.length, 1);
  const t = out.trades[0]!;
  assert.equal(
    { buyer: t.buyer, seller: t.seller, energyMWh: t.energyMWh, price: t.priceUnitsPerKWh, beginMs: t.beginMs, endMs: t.endMs, maxPowerMW: t.maxPowerMW, reserved: t.reservedMilliUnits },
    { buyer: 'b', seller: 'a', energyMWh: 100_000, price: 2, beginMs: 2 * H, endMs: 4 * H, maxPowerMW: 50_000, reserved: 200 },
  );
  assert.is(t.id, 't-1');
  // Both keep their remainders: the buyer 50 Wh, the seller 100 Wh.
  assert.is(e.order(sell.id)?.remainingMWh, 100_000);
  assert.is(e.orders('buy')[0]?.remainingMWh, 50_000);
  assert.is(e.reservedMilliUnits('b'), 200);
});

match('a crossing sell trades at the resting buy\'s price', () => {
  const { e } = engine();
  e.apply(declare('a'));
  e.apply(submit(order('buy', 'b', { priceUnitsPerKWh: 5 })));
  const out = e.apply(submit(order('sell', 'a', { priceUnitsPerKWh: 2 })));
  assert.is(out.trades[0]?.priceUnitsPerKWh, 5);
});

match('no trade when prices do not cross or windows do not overlap', () => {
  const { e } = engine();
  e.apply(declare('a'));
  e.apply(submit(order('sell', 'a', { priceUnitsPerKWh: 4, fromMs: 0, toMs: 2 * H })));
  assert.is(e.apply(submit(order('buy', 'b', { priceUnitsPerKWh: 3 }))).trades.length, 0);
  assert.is(e.apply(submit(order('buy', 'c', { priceUnitsPerKWh: 9, fromMs: 2 * H, toMs: 5 * H }))).trades.length, 0);
  assert.is(e.orders('buy').length, 2);
});

match('price priority first, then time priority among equal prices', () => {
  const { e } = engine();
  for (const n of ['a', 'c', 'd']) e.apply(declare(n));
  const late = order('sell', 'a', { priceUnitsPerKWh: 2 });
  const cheap = order('sell', 'c', { priceUnitsPerKWh: 1 });
  const early = order('sell', 'd', { priceUnitsPerKWh: 2 });
  e.apply(submit(early));
  e.apply(submit(late));
  e.apply(submit(cheap));
  // Three buyers in turn, each wants 100 Wh: cheapest first, then the earlier of the two at 2.
  const sellers = ['b', 'f', 'g'].map((n) => e.apply(submit(order('buy', n, { priceUnitsPerKWh: 3 }))).trades[0]?.sellOrderId);
  assert.equal(sellers, [cheap.id, early.id, late.id]);
});

match('an incoming order fills across several resting orders and rests its remainder', () => {
  const { e } = engine();
  e.apply(declare('a'));
  e.apply(declare('c'));
  const s1 = order('sell', 'a', { energyMWh: 60_000, priceUnitsPerKWh: 1, toMs: 8 * H, maxPowerMW: 30_000 });
  const s2 = order('sell', 'c', { energyMWh: 60_000, priceUnitsPerKWh: 2, toMs: 8 * H, maxPowerMW: 30_000 });
  e.apply(submit(s1));
  e.apply(submit(s2));
  // Node b can take only one contract at a time: the second trade starts when the first ends.
  const out = e.apply(submit(order('buy', 'b', { energyMWh: 150_000, priceUnitsPerKWh: 2, toMs: 8 * H })));
  assert.equal(out.trades.map((t) => [t.sellOrderId, t.energyMWh, t.beginMs, t.endMs]), [
    [s1.id, 60_000, 0, 2 * H],
    [s2.id, 60_000, 2 * H, 4 * H],
  ]);
  assert.equal(out.removed.map((r) => [r.orderId, r.reason]), [[s1.id, 'filled'], [s2.id, 'filled']]);
  assert.is(e.orders('buy')[0]?.remainingMWh, 30_000);
});

match('a node never trades with itself', () => {
  const { e } = engine();
  e.apply(declare('a'));
  e.apply(submit(order('sell', 'a', { priceUnitsPerKWh: 1 })));
  assert.is(e.apply(submit(order('buy', 'a', { priceUnitsPerKWh: 5 }))).trades.length, 0);
});

match('the trade window never starts before now, and starts on the next slot boundary', () => {
  const { e } = engine(); // default slotMs: one minute
  e.apply(declare('a'));
  e.apply(submit(order('sell', 'a', { fromMs: 0, toMs: 4 * H })));
  const t = e.apply(submit(order('buy', 'b', { fromMs: 0, toMs: 4 * H }), H + 5)).trades[0]!;
  assert.equal([t.beginMs, t.endMs], [H + 60_000, H + 60_000 + H]); // 100 Wh at 100 W
});

match('orders below the minimum trade or power are refused', () => {
  const { e } = engine({ minTradeMWh: 1_000, minPowerMW: 1_000 });
  assert.is(codeOf(() => e.apply(submit(order('buy', 'b', { energyMWh: 999 })))), 'E_MARKET_ORDER');
  assert.is(codeOf(() => e.apply(submit(order('buy', 'b', { maxPowerMW: 999 })))), 'E_MARKET_ORDER');
  assert.is(codeOf(() => e.apply(submit(order('buy', 'b', { energyMWh: 1_000, maxPowerMW: 1_000 })))), 'ok');
});

const physics = suite('engine: physical constraints');

physics('a household is in at most one contract at a time, buying or selling', () => {
  const { e } = engine();
  for (const n of ['a', 'b']) e.apply(declare(n));
  e.apply(submit(order('sell', 'a', { fromMs: 0, toMs: 2 * H, maxPowerMW: 50_000 })));
  e.apply(submit(order('buy', 'b', { fromMs: 0, toMs: 2 * H })));
  // b now buys in [0, 2H); its own offer over the same hours cannot trade.
  e.apply(submit(order('sell', 'b', { fromMs: 0, toMs: 2 * H, priceUnitsPerKWh: 1 })));
  assert.is(e.apply(submit(order('buy', 'c', { fromMs: 0, toMs: 2 * H, priceUnitsPerKWh: 3 }))).trades.length, 0);
  // Later that evening b is free again.
  const later = e.apply(submit(order('buy', 'd', { fromMs: 0, toMs: 3 * H, priceUnitsPerKWh: 3 })));
  assert.equal(later.trades.map((t) => [t.seller, t.beginMs, t.endMs]), []);
  // d overlaps b's offer only in [0, 2H) while b is busy: no trade; c and d rest.
  assert.is(e.orders('buy').length, 2);
});

physics('sellerCarriesBuyer: a seller weaker than the buyer\'s loads does not trade with it (default: the lower power)', () => {
  const pair = (carry: boolean | undefined) => {
    const { e } = engine(carry === undefined ? {} : { sellerCarriesBuyer: carry });
    e.apply(declare('a'));
    e.apply(submit(order('sell', 'a', { maxPowerMW: 15_000 })));
    const weak = e.apply(submit(order('buy', 'b', { maxPowerMW: 40_000 }))).trades;
    const small = e.apply(submit(order('buy', 'c', { maxPowerMW: 5_000, priceUnitsPerKWh: 3 }))).trades;
    return { weak: weak.map((t) => t.maxPowerMW), small: small.map((t) => [t.buyer, t.maxPowerMW]) };
  };
  assert.equal(pair(true), { weak: [], small: [['c', 5_000]] });
  assert.equal(pair(undefined).weak, [15_000]);
  assert.equal(pair(false).weak, [15_000]);
  assert.throws(() => engine({ sellerCarriesBuyer: 'yes' as unknown as boolean }));
});

physics('the bus carries at most its limit: the last contract gets the headroom', () => {
  const { e } = engine({ grid: { kind: 'bus', busLimitMW: 120_000 } });
  for (const n of ['a', 'c', 'e']) e.apply(declare(n));
  e.apply(submit(order('sell', 'a', { maxPowerMW: 50_000 })));
  e.apply(submit(order('sell', 'c', { maxPowerMW: 50_000 })));
  e.apply(submit(order('sell', 'e', { maxPowerMW: 50_000 })));
  const powers = ['b', 'd', 'f'].map((n) => e.apply(submit(order('buy', n, { maxPowerMW: 50_000 }))).trades[0]?.maxPowerMW);
  assert.equal(powers, [50_000, 50_000, 20_000]);
});

physics('a star grid holds one circuit per contract', () => {
  const { e } = engine({ grid: { kind: 'star', circuits: 1, circuitLimitMW: 200_000 } });
  for (const n of ['a', 'c']) e.apply(declare(n));
  e.apply(submit(order('sell', 'a', { toMs: 2 * H, maxPowerMW: 50_000 })));
  e.apply(submit(order('sell', 'c', { toMs: 6 * H, maxPowerMW: 50_000 })));
  const t1 = e.apply(submit(order('buy', 'b', { toMs: 2 * H }))).trades[0]!;
  const t2 = e.apply(submit(order('buy', 'd', { toMs: 6 * H }))).trades[0]!;
  assert.equal([t1.beginMs, t1.endMs, t1.circuit], [0, 2 * H, { kind: 'star', index: 0 }]);
  assert.equal([t2.beginMs, t2.endMs, t2.circuit], [2 * H, 4 * H, { kind: 'star', index: 0 }]);
});

physics('a bus with maxConcurrent 1 runs one contract at a time, whatever the headroom', () => {
  const { e } = engine({ grid: { kind: 'bus', busLimitMW: 1_000_000, maxConcurrent: 1 } });
  for (const n of ['a', 'c']) e.apply(declare(n));
  e.apply(submit(order('sell', 'a', { maxPowerMW: 50_000 })));
  e.apply(submit(order('sell', 'c', { maxPowerMW: 50_000 })));
  const t1 = e.apply(submit(order('buy', 'b', { maxPowerMW: 50_000 }))).trades[0]!;
  const t2 = e.apply(submit(order('buy', 'd', { maxPowerMW: 50_000 }))).trades[0]!;
  assert.equal([t1.beginMs, t1.endMs, t2.beginMs, t2.endMs], [0, 2 * H, 2 * H, 4 * H]);
  // A third pair finds no free time in the [0, 4H) windows and rests.
  e.apply(declare('g'));
  e.apply(submit(order('sell', 'g', { maxPowerMW: 50_000 })));
  assert.is(e.apply(submit(order('buy', 'h', { maxPowerMW: 50_000 }))).trades.length, 0);
  // Settling the first contract early frees the rest of its window for them.
  const out = e.apply({ kind: 'settled', atMs: H, tradeId: t1.id });
  assert.equal(out.trades.map((t) => [t.seller, t.buyer, t.beginMs, t.endMs]), [['g', 'h', H, 2 * H]]);
});

const money = suite('engine: payment');

money('a pre-paid buyer trades only what its balance covers, and that is reserved', () => {
  const { e } = engine({ payment: 'prepaid' }, { b: 150 });
  e.apply(declare('a'));
  e.apply(submit(order('sell', 'a', { priceUnitsPerKWh: 2, energyMWh: 200_000 })));
  const t = e.apply(submit(order('buy', 'b', { priceUnitsPerKWh: 2, energyMWh: 200_000 }))).trades[0]!;
  assert.is(t.energyMWh, 75_000); // 150 milli-units at 2 units/kWh
  assert.is(t.reservedMilliUnits, 150);
  assert.is(e.reservedMilliUnits('b'), 150);
  assert.is(e.orders('buy')[0]?.remainingMWh, 125_000);
});

money('a post-paid buyer may go down to minus its credit limit', () => {
  const { e } = engine({ payment: 'postpaid', creditLimitMilliUnits: 100 }, { b: 0 });
  e.apply(declare('a'));
  e.apply(submit(order('sell', 'a', { priceUnitsPerKWh: 2, energyMWh: 200_000 })));
  assert.is(e.apply(submit(order('buy', 'b', { priceUnitsPerKWh: 2 }))).trades[0]?.energyMWh, 50_000);
});

money('settlement releases the reservation and the slot, and the book is matched again', () => {
  const { e, balances } = engine({ payment: 'prepaid' }, { b: 200 });
  e.apply(declare('a'));
  e.apply(submit(order('sell', 'a', { priceUnitsPerKWh: 2, energyMWh: 300_000, toMs: 10 * H })));
  const t1 = e.apply(submit(order('buy', 'b', { priceUnitsPerKWh: 2, energyMWh: 300_000, toMs: 10 * H }))).trades[0]!;
  assert.is(t1.energyMWh, 100_000);
  // No money left: nothing more until the trade settles.
  assert.is(e.apply({ kind: 'funds', atMs: H, node: 'b' }).trades.length, 0);
  balances.b = 400; // the ledger paid 200 and topped up
  const out = e.apply({ kind: 'settled', atMs: 2 * H, tradeId: t1.id });
  assert.equal(out.released, { tradeId: t1.id, buyer: 'b', milliUnits: 200 });
  assert.equal(out.trades.map((t) => [t.energyMWh, t.beginMs]), [[200_000, 2 * H]]);
  assert.is(e.reservedMilliUnits('b'), 400);
});

money('funds re-matches the buys of the node whose balance changed', () => {
  const { e, balances } = engine({ payment: 'prepaid' }, { b: 0 });
  e.apply(declare('a'));
  e.apply(submit(order('sell', 'a')));
  assert.is(e.apply(submit(order('buy', 'b'))).trades.length, 0);
  balances.b = 1_000;
  assert.is(e.apply({ kind: 'tick', atMs: 1 }).trades.length, 0); // time alone matches nothing
  assert.is(e.apply({ kind: 'funds', atMs: 2, node: 'c' }).trades.length, 0); // another node
  assert.is(e.apply({ kind: 'funds', atMs: 3, node: 'b' }).trades[0]?.energyMWh, 100_000);
});

const life = suite('engine: cancel, expiry, rejections');

life('cancel takes the order off the book; only its owner may cancel', () => {
  const { e } = engine();
  e.apply(declare('a'));
  const s = order('sell', 'a');
  e.apply(submit(s));
  assert.is(codeOf(() => e.apply({ kind: 'cancel', atMs: 0, node: 'b', orderId: s.id })), 'E_MARKET_NOT_OWNER');
  assert.equal(e.apply({ kind: 'cancel', atMs: 0, node: 'a', orderId: s.id }).removed, [{ orderId: s.id, node: 'a', reason: 'cancelled' }]);
  assert.is(codeOf(() => e.apply({ kind: 'cancel', atMs: 0, node: 'a', orderId: s.id })), 'E_MARKET_UNKNOWN_ORDER');
  assert.is(e.apply(submit(order('buy', 'b'))).trades.length, 0);
});

life('orders whose window has ended are removed when time reaches toMs', () => {
  const { e } = engine();
  e.apply(declare('a'));
  const s = order('sell', 'a', { toMs: 2 * H });
  e.apply(submit(s));
  assert.equal(e.apply({ kind: 'tick', atMs: 2 * H - 1 }).removed, []);
  assert.equal(e.apply({ kind: 'tick', atMs: 2 * H }).removed, [{ orderId: s.id, node: 'a', reason: 'expired' }]);
  assert.is(e.orders('sell').length, 0);
});

life('rejections carry stable codes and change nothing, not even the clock', () => {
  const { e } = engine({ minPriceUnitsPerKWh: 1, maxPriceUnitsPerKWh: 20 });
  e.apply(declare('a', 150_000, 60_000));
  const before = JSON.stringify(e.snapshot());
  const cases: Array<[string, () => unknown]> = [
    ['E_MARKET_PRICE_BAND', () => e.apply(submit(order('buy', 'b', { priceUnitsPerKWh: 21 }), 99))],
    ['E_MARKET_PRICE_BAND', () => e.apply(submit(order('buy', 'b', { priceUnitsPerKWh: 0 }), 99))],
    ['E_MARKET_OVER_DECLARED', () => e.apply(submit(order('sell', 'a', { energyMWh: 150_001 }), 99))],
    ['E_MARKET_OVER_DECLARED', () => e.apply(submit(order('sell', 'a', { maxPowerMW: 60_001 }), 99))],
    ['E_MARKET_OVER_DECLARED', () => e.apply(submit(order('sell', 'z'), 99))],
    ['E_MARKET_WINDOW', () => e.apply(submit(order('buy', 'b', { fromMs: H, toMs: H }), 99))],
    ['E_MARKET_WINDOW', () => e.apply(submit(order('buy', 'b', { toMs: 8 * 24 * H }), 99))],
    ['E_MARKET_EXPIRED', () => e.apply(submit(order('buy', 'b', { toMs: 50 }), 99))],
    ['E_MARKET_ORDER', () => e.apply(submit(order('buy', 'b', { energyMWh: 1.5 }), 99))],
    ['E_MARKET_ORDER', () => e.apply(submit(order('buy', 'B!'), 99))],
    ['E_MARKET_ORDER', () => e.apply(submit(order('buy', 'b', { maxPowerMW: 0 }), 99))],
    ['E_MARKET_UNKNOWN_TRADE', () => e.apply({ kind: 'settled', atMs: 99, tradeId: 't-9' })],
    ['E_MARKET_INPUT', () => e.apply({ kind: 'nope', atMs: 99 } as never)],
    ['E_MARKET_INPUT', () => e.apply({ kind: 'tick', atMs: 1.5 })],
    ['E_MARKET_DECLARATION', () => e.apply({ kind: 'declare', atMs: 99, declaration: { node: 'a', exportMWh: -1, maxPowerMW: 1 } })],
  ];
  for (const [code, fn] of cases) assert.is(codeOf(fn), code, code);
  assert.is(JSON.stringify(e.snapshot()), before);
});

life('an offer counts open and contracted energy against the declaration', () => {
  const { e } = engine();
  e.apply(declare('a', 150_000));
  e.apply(submit(order('sell', 'a', { energyMWh: 100_000 })));
  e.apply(submit(order('buy', 'b', { energyMWh: 60_000 })));
  // 60 000 sold (unsettled) + 40 000 resting = 100 000 open: 50 000 more fits, 50 001 does not.
  assert.is(codeOf(() => e.apply(submit(order('sell', 'a', { energyMWh: 50_001 })))), 'E_MARKET_OVER_DECLARED');
  assert.is(codeOf(() => e.apply(submit(order('sell', 'a', { energyMWh: 50_000 })))), 'ok');
});

life('an order id is never reused', () => {
  const { e } = engine();
  const b = order('buy', 'b');
  e.apply(submit(b));
  e.apply({ kind: 'cancel', atMs: 0, node: 'b', orderId: b.id });
  assert.is(codeOf(() => e.apply(submit(b))), 'E_MARKET_DUPLICATE');
});

life('bad rules are refused when the engine is built', () => {
  const bad = (r: object) => codeOf(() => new MatchingEngine({ rules: { minPriceUnitsPerKWh: 0, maxPriceUnitsPerKWh: 5, grid: { kind: 'bus', busLimitMW: 1 }, payment: 'prepaid', creditLimitMilliUnits: 0, ...r }, accounts: () => undefined }));
  assert.is(bad({}), 'ok');
  assert.is(bad({ maxPriceUnitsPerKWh: -1 }), 'E_MARKET_RULES');
  assert.is(bad({ grid: { kind: 'bus', busLimitMW: 0 } }), 'E_MARKET_RULES');
  assert.is(bad({ grid: { kind: 'star', circuits: 0, circuitLimitMW: 5 } }), 'E_MARKET_RULES');
  assert.is(bad({ payment: 'cash' }), 'E_MARKET_RULES');
  assert.is(bad({ grid: { kind: 'bus', busLimitMW: 1, maxConcurrent: 1 } }), 'ok');
  for (const maxConcurrent of [0, -1, 1.5, 1025, '2', null]) assert.is(bad({ grid: { kind: 'bus', busLimitMW: 1, maxConcurrent } }), 'E_MARKET_RULES', `maxConcurrent ${String(maxConcurrent)}`);
});

life('offer and request bodies map to sell and buy orders', () => {
  const body = { node: 'a', seq: 7, id: 'a-o-7', energyMWh: 5, priceUnitsPerKWh: 2, fromMs: 1, toMs: 9, maxPowerMW: 3, socPermille: 900, atMs: 4 };
  assert.equal(orderFromBody('offer', body), { id: 'a-o-7', node: 'a', side: 'sell', energyMWh: 5, priceUnitsPerKWh: 2, fromMs: 1, toMs: 9, maxPowerMW: 3 });
  assert.is(orderFromBody('request', body).side, 'buy');
});

match.run();
physics.run();
money.run();
life.run();

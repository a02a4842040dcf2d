import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Ledger } from '../../../hub/ledger/ledger';
import { MemoryStore } from '../../../hub/ledger/memory-store';
import { sign } from '../../../shared/sign';
import type { Envelope, TxOutcome } from '../../../hub/ledger/types';
import { T0, Village, defaultRules, env, steppingClock } from './fixture';

async function open(v = new Village()) {
  const store = new MemoryStore();
  const ledger = await Ledger.open({ store, clock: steppingClock(), hubSecretKey: v.hub.sk }, v.genesis);
  return { v, store, ledger };
}

/** A ledger with `n` admitted households. */
async function village(n = 3, v = new Village()) {
  const o = await open(v);
  const r = await o.ledger.append(Array.from({ length: n }, (_, i) => v.admit(i)));
  assert.ok(r.outcomes.every((x) => x.status === 'applied'), JSON.stringify(r.outcomes));
  return o;
}

function rejected(o: TxOutcome | undefined): string {
  return o && o.status === 'rejected' ? o.code : `not rejected: ${JSON.stringify(o)}`;
}

async function one(ledger: Ledger, e: Envelope): Promise<TxOutcome> {
  return (await ledger.append([e])).outcomes[0]!;
}

const gen = suite('genesis and blocks');

gen('a new ledger is at height 0 with the genesis rules', async () => {
  const { ledger, v } = await open();
  assert.is(ledger.head.height, 0);
  assert.equal(ledger.rules(), defaultRules);
  assert.is(ledger.genesis.body.village, v.id);
});

gen('a genesis not signed by an admin or the hub is refused', async () => {
  const v = new Village();
  const other = new Village();
  const forged = { ...v.genesis, sig: sign('genesis', v.genesis.body, other.node(9).sk) };
  await Ledger.open({ store: new MemoryStore(), clock: steppingClock(), hubSecretKey: v.hub.sk }, forged).then(
    () => assert.unreachable(),
    (e) => assert.is(e.code, 'E_LEDGER_GENESIS'),
  );
});

gen('a hub key that does not match genesis.hubKey cannot seal blocks', async () => {
  const v = new Village();
  await Ledger.open({ store: new MemoryStore(), clock: steppingClock(), hubSecretKey: v.admin.sk }, v.genesis).then(
    () => assert.unreachable(),
    (e) => assert.is(e.code, 'E_LEDGER_GENESIS'),
  );
});

gen('accepted txs are sealed into one hub-signed block linked to the previous one', async () => {
  const { ledger, v } = await village(2);
  const h1 = ledger.head;
  const r = await ledger.append([v.order('offer', 0, 'house-0-o-1'), v.order('request', 1, 'house-1-r-1')]);
  assert.is(r.block!.header.height, 2);
  assert.is(r.block!.header.prev, h1.hash);
  assert.is(r.block!.header.txCount, 2);
  assert.equal(r.outcomes.map((o) => o.status), ['applied', 'applied']);
  assert.equal(r.outcomes[1], { status: 'applied', height: 2, index: 1, hash: (r.outcomes[1] as { hash: string }).hash });
});

gen('a batch with nothing to record writes no block', async () => {
  const { ledger, v } = await village(1);
  const r = await ledger.append([v.transfer(0, 5, 1)]);
  assert.is(r.block, undefined);
  assert.is(rejected(r.outcomes[0]), 'E_LEDGER_UNKNOWN');
  assert.is(ledger.head.height, 1);
});

gen.run();

const members = suite('admission and endowment');

members('admission binds household, node key, meter and meter key and grants the endowment', async () => {
  const { ledger, v } = await village(1);
  const m = ledger.member('house-0')!;
  assert.equal({ ...m }, { household: 'house-0', name: 'House 0', nodeKey: v.node(0).pk, meter: 'meter-0', meterKey: v.meterKey(0).pk, admittedHeight: 1 });
  assert.equal(ledger.account('house-0'), { balanceMilliUnits: 100_000, reservedMilliUnits: 0 });
});

members('a household, meter or key admitted twice is E_LEDGER_DUPLICATE', async () => {
  const { ledger, v } = await village(1);
  assert.is(rejected(await one(ledger, v.admit(0))), 'E_LEDGER_DUPLICATE');
});

members('only an admin may admit (a node key signing as "by" is E_LEDGER_SIGNER)', async () => {
  const { ledger, v } = await village(1);
  const n = v.node(0);
  const e = env('admission', { village: v.id, by: n.pk, seq: 1, atMs: T0, household: 'house-7', name: 'x', nodeKey: v.node(7).pk, meter: 'meter-7', meterKey: v.meterKey(7).pk }, n.sk);
  assert.is(rejected(await one(ledger, e)), 'E_LEDGER_SIGNER');
});

members('a signature by another key than "by" is E_LEDGER_SIG', async () => {
  const { ledger, v } = await village(1);
  const e = v.admit(5);
  e.sig = sign('admission', e.body, v.hub.sk);
  assert.is(rejected(await one(ledger, e)), 'E_LEDGER_SIG');
});

members('a replayed admin tx (same seq) is E_LEDGER_REPLAY', async () => {
  const { ledger, v } = await village(1);
  const e = v.endow(0, 500);
  assert.is((await one(ledger, e)).status, 'applied');
  assert.is(rejected(await one(ledger, e)), 'E_LEDGER_REPLAY');
  assert.is(ledger.account('house-0')!.balanceMilliUnits, 100_500);
});

members('the hub may endow; a tx for another village is E_LEDGER_VILLAGE', async () => {
  const { ledger, v } = await village(1);
  assert.is((await one(ledger, v.endow(0, 1, true))).status, 'applied');
  const other = env('endowment', { village: 'elsewhere', by: v.admin.pk, seq: 99, atMs: T0, household: 'house-0', amountMilliUnits: 5 }, v.admin.sk);
  assert.is(rejected(await one(ledger, other)), 'E_LEDGER_VILLAGE');
});

members.run();

const money = suite('transfers, contracts and settlement');

money('a member-signed transfer moves units and conserves the total', async () => {
  const { ledger, v } = await village(2);
  assert.is((await one(ledger, v.transfer(0, 1, 30_000))).status, 'applied');
  assert.is(ledger.account('house-0')!.balanceMilliUnits, 70_000);
  assert.is(ledger.account('house-1')!.balanceMilliUnits, 130_000);
});

money('a transfer signed by another member is E_LEDGER_SIGNER', async () => {
  const { ledger, v } = await village(3);
  const n2 = v.node(2);
  const e = env('transfer', { village: v.id, by: n2.pk, seq: 1, atMs: T0, from: 'house-0', to: 'house-2', amountMilliUnits: 5 }, n2.sk);
  assert.is(rejected(await one(ledger, e)), 'E_LEDGER_SIGNER');
});

money('postpaid: a transfer may go down to −creditLimit and no further', async () => {
  const { ledger, v } = await village(2);
  assert.is((await one(ledger, v.transfer(0, 1, 120_000))).status, 'applied');
  assert.is(ledger.account('house-0')!.balanceMilliUnits, -20_000);
  assert.is(rejected(await one(ledger, v.transfer(0, 1, 1))), 'E_LEDGER_CREDIT');
});

money('prepaid: the floor is zero', async () => {
  const { ledger, v } = await village(2, new Village({ ...defaultRules, payment: 'prepaid' }));
  assert.is(rejected(await one(ledger, v.transfer(0, 1, 100_001))), 'E_LEDGER_CREDIT');
  assert.is((await one(ledger, v.transfer(0, 1, 100_000))).status, 'applied');
});

money('a contract reserves ceil(energy × price / 1000) on the buyer; settlement pays min(delivered, consumed)', async () => {
  const { ledger, v } = await village(2);
  const c = v.contract(0, 1, 12_345_000, 3); // 12.345 kWh at 3 units/kWh = 37.035 units
  assert.is((await one(ledger, c)).status, 'applied');
  assert.equal(ledger.account('house-1'), { balanceMilliUnits: 100_000, reservedMilliUnits: 37_035 });
  const s = v.settlement('c-000001', 0, 1, 12_000_000, 11_000_000, 33_000);
  assert.is((await one(ledger, s)).status, 'applied');
  assert.equal(ledger.account('house-1'), { balanceMilliUnits: 67_000, reservedMilliUnits: 0 });
  assert.equal(ledger.account('house-0'), { balanceMilliUnits: 133_000, reservedMilliUnits: 0 });
  assert.is(ledger.contract('c-000001')!.settled, true);
  assert.is(rejected(await one(ledger, s)), 'E_LEDGER_SETTLED');
});

money('a settlement paying more than due is E_LEDGER_AMOUNT; a wrong payer is E_LEDGER_FORMAT', async () => {
  const { ledger, v } = await village(2);
  await one(ledger, v.contract(0, 1, 10_000, 2));
  assert.is(rejected(await one(ledger, v.settlement('c-000001', 0, 1, 10_000, 9_000, 18_001))), 'E_LEDGER_AMOUNT');
  assert.is(rejected(await one(ledger, v.settlement('c-000001', 1, 0, 10_000, 9_000, 1))), 'E_LEDGER_FORMAT');
  assert.is((await one(ledger, v.settlement('c-000001', 0, 1, 10_000, 9_000, 0, true))).status, 'applied');
  assert.equal(ledger.account('house-1'), { balanceMilliUnits: 100_000, reservedMilliUnits: 0 });
});

money('a contract the buyer cannot cover within the credit floor is E_LEDGER_CREDIT', async () => {
  const { ledger, v } = await village(2);
  // 60 kWh at 2 units/kWh = 120 units: exactly balance (100) + credit limit (20) fits; one mWh more does not.
  assert.is(rejected(await one(ledger, v.contract(0, 1, 60_000_001, 2))), 'E_LEDGER_CREDIT');
  assert.is(ledger.account('house-1')!.reservedMilliUnits, 0);
  assert.is((await one(ledger, v.contract(0, 1, 60_000_000, 2))).status, 'applied');
  assert.equal(ledger.account('house-1'), { balanceMilliUnits: 100_000, reservedMilliUnits: 120_000 });
  assert.is(rejected(await one(ledger, v.transfer(1, 0, 1))), 'E_LEDGER_CREDIT');
});

money('contracts need the hub signature, a fresh seq and a price in the band', async () => {
  const { ledger, v } = await village(2);
  const c = v.contract(0, 1, 1000, 2);
  const forged = { ...c, sig: sign('contract', c.body, v.admin.sk) };
  assert.is(rejected(await one(ledger, forged)), 'E_LEDGER_SIG');
  assert.is((await one(ledger, c)).status, 'applied');
  assert.is(rejected(await one(ledger, v.contract(0, 1, 1000, 2, 'c-000001'))), 'E_LEDGER_DUPLICATE');
  assert.is(rejected(await one(ledger, v.contract(0, 1, 1000, 11))), 'E_LEDGER_PRICE');
  const old = env('contract', { ...c.body, id: 'c-old' }, v.hub.sk);
  assert.is(rejected(await one(ledger, old)), 'E_LEDGER_REPLAY');
});

money.run();

const orders = suite('orders, meter reports, faults, rules');

orders('offers and requests open orders; cancel closes only the node\'s own order', async () => {
  const { ledger, v } = await village(2);
  assert.is((await one(ledger, v.order('offer', 0, 'o-1'))).status, 'applied');
  assert.is(ledger.order('o-1')!.kind, 'offer');
  assert.is(rejected(await one(ledger, v.order('request', 1, 'o-1'))), 'E_LEDGER_DUPLICATE');
  assert.is(rejected(await one(ledger, v.cancel(1, 'o-1'))), 'E_LEDGER_UNKNOWN');
  assert.is((await one(ledger, v.cancel(0, 'o-1'))).status, 'applied');
  assert.is(ledger.order('o-1'), undefined);
});

orders('an order outside the price band is E_LEDGER_PRICE; an old node seq is E_LEDGER_REPLAY', async () => {
  const { ledger, v } = await village(1);
  assert.is(rejected(await one(ledger, v.order('offer', 0, 'o-1', { price: 0 }))), 'E_LEDGER_PRICE');
  const e = v.order('offer', 0, 'o-2');
  assert.is((await one(ledger, e)).status, 'applied');
  assert.is(rejected(await one(ledger, env('offer', { ...e.body, id: 'o-3' }, v.node(0).sk))), 'E_LEDGER_REPLAY');
});

orders('orders whose window has ended close at the next block', async () => {
  const { ledger, v } = await village(1);
  await one(ledger, v.order('offer', 0, 'o-1', { toMs: T0 + 1 }));
  assert.ok(ledger.order('o-1'));
  await one(ledger, v.endow(0, 1));
  assert.is(ledger.order('o-1'), undefined);
});

orders('a meter report is stored once: the same report again is a no-op, other content with its seq is E_LEDGER_REPLAY', async () => {
  const { ledger, v } = await village(1);
  assert.is((await one(ledger, v.report(0, 1))).status, 'applied');
  assert.is((await one(ledger, v.report(0, 2))).status, 'applied');
  const dup = await ledger.append([v.report(0, 1)]);
  assert.is(dup.outcomes[0]!.status, 'duplicate');
  assert.is(dup.block, undefined);
  assert.is(rejected(await one(ledger, v.report(0, 1, 999))), 'E_LEDGER_REPLAY');
  // a late report with an unused lower seq is still welcome
  assert.is((await one(ledger, v.report(0, 5))).status, 'applied');
  assert.is((await one(ledger, v.report(0, 4))).status, 'applied');
  assert.is((await one(ledger, v.report(0, 4))).status, 'duplicate');
});

orders('the same report twice in one batch is recorded once', async () => {
  const { ledger, v } = await village(1);
  const r = await ledger.append([v.report(0, 1), v.report(0, 1)]);
  assert.equal(r.outcomes.map((o) => o.status), ['applied', 'duplicate']);
  assert.is(r.block!.txs.length, 1);
});

orders('a report signed by the node instead of the meter is E_LEDGER_SIG; a meter reporting for another house is E_LEDGER_SIGNER', async () => {
  const { ledger, v } = await village(2);
  const r = v.report(0, 1);
  assert.is(rejected(await one(ledger, { ...r, sig: sign('meter-report', r.body, v.node(0).sk) })), 'E_LEDGER_SIG');
  assert.is(rejected(await one(ledger, env('meter-report', { ...r.body, node: 'house-1' }, v.meterKey(0).sk))), 'E_LEDGER_SIGNER');
});

orders('faults are recorded; a rule change moves the price band for later orders', async () => {
  const { ledger, v } = await village(1);
  assert.is((await one(ledger, v.fault(0, 'E_REVERSE_CURRENT'))).status, 'applied');
  assert.is((await one(ledger, v.ruleChange({ priceBand: { minPriceUnitsPerKWh: 3, maxPriceUnitsPerKWh: 4 } }))).status, 'applied');
  assert.equal(ledger.rules().priceBand, { minPriceUnitsPerKWh: 3, maxPriceUnitsPerKWh: 4 });
  assert.is(rejected(await one(ledger, v.order('offer', 0, 'o-1', { price: 2 }))), 'E_LEDGER_PRICE');
  assert.is(rejected(await one(ledger, v.ruleChange({ payment: 'prepaid' }))), 'E_LEDGER_FORMAT');
});

orders('an unknown kind or malformed body is E_LEDGER_FORMAT and leaves no trace', async () => {
  const { ledger, v } = await village(1);
  const before = JSON.stringify(ledger.stateEntries());
  const r = await ledger.append([{ v: 1, kind: 'mint', body: {}, sig: '' }, env('transfer', { village: v.id }, v.admin.sk), 42]);
  assert.equal(r.outcomes.map(rejected), ['E_LEDGER_FORMAT', 'E_LEDGER_FORMAT', 'E_LEDGER_FORMAT']);
  assert.is(JSON.stringify(ledger.stateEntries()), before);
});

orders.run();

const replay = suite('rebuild and reopen');

replay('rebuild(): replaying every block from genesis gives exactly the stored state', async () => {
  const { ledger, v } = await village(3);
  await ledger.append([v.order('offer', 0, 'o-1'), v.contract(0, 1, 5_000, 2), v.report(0, 1), v.report(1, 1)]);
  await ledger.append([v.settlement('c-000001', 0, 1, 5_000, 5_000, 10_000), v.transfer(2, 0, 1_234), v.cancel(0, 'o-1')]);
  const r = await ledger.rebuild();
  assert.is(r.height, 3);
  assert.equal(r.differences, []);
});

replay('reopening a store resumes at its head with its state', async () => {
  const { ledger, v, store } = await village(2);
  await ledger.append([v.transfer(0, 1, 10)]);
  await ledger.close();
  const again = await Ledger.open({ store, clock: steppingClock(T0 + 1e6), hubSecretKey: v.hub.sk });
  assert.is(again.head.height, 2);
  assert.is(again.account('house-1')!.balanceMilliUnits, 100_010);
  await again.append([v.report(0, 1)]);
  assert.is((await one(again, v.report(0, 1))).status, 'duplicate');
  assert.equal((await again.rebuild()).differences, []);
});

replay('parallel verification gives the same outcomes as one-core verification', async () => {
  const v = new Village();
  const a = await Ledger.open({ store: new MemoryStore(), clock: steppingClock(), hubSecretKey: v.hub.sk }, v.genesis);
  const b = await Ledger.open({ store: new MemoryStore(), clock: steppingClock(), hubSecretKey: v.hub.sk, parallelVerify: true }, v.genesis);
  const batches: Envelope[][] = [[v.admit(0), v.admit(1), v.order('offer', 0, 'o-1')]];
  const bad = v.transfer(0, 1, 5);
  batches.push([v.report(0, 1), { ...bad, sig: sign('transfer', bad.body, v.node(1).sk) }, v.transfer(1, 0, 7), v.contract(0, 1, 100, 2)]);
  for (const batch of batches) {
    const ra = await a.append(batch);
    const rb = await b.append(batch);
    assert.equal(rb.outcomes, ra.outcomes);
    assert.equal(rb.block?.header.stateHash, ra.block?.header.stateHash);
  }
});

replay.run();

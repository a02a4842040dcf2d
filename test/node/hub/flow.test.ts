// The hub end to end over real sockets, a real LevelDB and real signatures:
// two households (node + meter each, as mqtt.js clients) trade, receive a
// verified contract, acknowledge it, report their meters, and are settled.
import { suite } from 'uvu';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import { decode, type ContractBody, type Message } from '../../../shared/protocol';
import { verify } from '../../../shared/sign';
import { LevelStore, auditStore, ledgerPath } from '../../../hub/ledger';
import { Hub } from '../../../hub/service/hub';
import { Device, TestClock, VILLAGE, household, hubOptions, meterReport, tempDir, waitFor, type Household } from './helpers';

const s = suite('hub: offer + request → contract → acks → meter reports → settlement');
const tmp = tempDir();
const clock = new TestClock();
let hub: Hub;
let a: Household;
let b: Household;
let contract: ContractBody;

s.before(async () => {
  hub = new Hub(hubOptions(tmp.dir, clock));
  await hub.start();
  a = await household(hub, 'house-a');
  b = await household(hub, 'house-b');
});

s.after(async () => {
  for (const h of [a, b]) for (const d of [h?.node, h?.meter]) await d?.close();
  await hub.stop();
  tmp.remove();
});

s('keys and broker credentials are kept in the data directory with mode 0600', () => {
  for (const f of ['keys.json', 'broker-users.json']) assert.is(statSync(join(tmp.dir, f)).mode & 0o777, 0o600, f);
  const users = JSON.parse(readFileSync(join(tmp.dir, 'broker-users.json'), 'utf8')) as { users: Record<string, { hash: string; role: string; node?: string }> };
  assert.equal(Object.keys(users.users).sort(), ['dashboard', 'house-a', 'house-a-m', 'house-b', 'house-b-m', 'hub']);
  assert.equal({ ...users.users['house-a-m'], hash: '' }, { hash: '', role: 'meter', node: 'house-a' });
  assert.match(users.users['house-a']!.hash, /^\$7\$101\$/);
});

s('both nodes receive the same hub-signed contract on in/contract', async () => {
  const from = clock.ms + 60_000;
  await a.node.send('offer', a.node.order('offer', { id: 'house-a-o-1', energyMWh: 400_000, priceUnitsPerKWh: 20, fromMs: from, toMs: from + 3_600_000, maxPowerMW: 500_000, socPermille: 900, atMs: clock.ms }));
  await b.node.send('request', b.node.order('request', { id: 'house-b-r-1', energyMWh: 300_000, priceUnitsPerKWh: 30, fromMs: from, toMs: from + 3_600_000, maxPowerMW: 500_000, socPermille: 200, atMs: clock.ms }));
  const [ca, cb] = await Promise.all([waitFor('seller contract', () => a.node.inbox('contract')[0]), waitFor('buyer contract', () => b.node.inbox('contract')[0])]);
  assert.equal(ca.raw, cb.raw);
  const m = decode(ca.topic, ca.raw) as Message<'contract'>;
  contract = m.body;
  assert.ok(verify('contract', m.body, m.sig, hub.hubPublicKey), 'contract signature verifies under the hub key');
  assert.is(contract.seller, 'house-a');
  assert.is(contract.buyer, 'house-b');
  assert.is(contract.energyMWh, 300_000);
  assert.is(contract.priceUnitsPerKWh, 20, 'maker (the resting offer) sets the price');
  assert.is(contract.village, VILLAGE);
  assert.is(contract.seq, 1);
  assert.is(contract.issuedMs, clock.ms);
  assert.ok(contract.beginMs >= from && contract.endMs > contract.beginMs);
  assert.equal(contract.circuit, { kind: 'bus' });
  await hub.idle();
  const buyer = hub.balances().find((x) => x.household === 'house-b')!;
  assert.is(buyer.reservedMilliUnits, 6_000, '300 000 mWh × 20 units/kWh reserved on the buyer');
  assert.is(hub.contract(contract.id)!.state, 'issued');
});

s('an unacknowledged contract is re-sent every contractResendMs until the ack', async () => {
  const before = a.node.inbox('contract').length;
  clock.advance(5_000);
  await hub.tick();
  await waitFor('re-sent contract', () => a.node.inbox('contract').length > before);
  const ack = (d: Device, seq: number) => d.send('contract-ack', { node: d.node, seq, contractId: contract.id, contractSeq: contract.seq, accepted: true, atMs: clock.ms });
  await ack(a.node, 1);
  await ack(b.node, 1);
  await waitFor('acks recorded', () => hub.contract(contract.id)!.acks.buyer && hub.contract(contract.id)!.acks.seller).catch((e: Error) => {
    throw new Error(`${e.message}: ${JSON.stringify({ acks: hub.contract(contract.id)!.acks, a: a.node.errors(), b: b.node.errors() })}`);
  });
  assert.is(hub.contract(contract.id)!.state, 'acked');
  const n = a.node.inbox('contract').length;
  clock.advance(10_000);
  await hub.tick();
  await new Promise((r) => setTimeout(r, 100));
  assert.is(a.node.inbox('contract').length, n, 'no re-send after the ack');
});

s('meter reports are stored and acknowledged on in/ack; a re-sent report is acked again', async () => {
  clock.ms = contract.endMs + 1_000;
  const part = (exportMWh: number, importMWh: number, final: boolean) => ({ id: contract.id, exportMWh, importMWh, fromMs: contract.beginMs, toMs: contract.endMs, final });
  const ra = meterReport(a, clock.ms, part(300_000, 0, true), { exportMWh: 300_000, importMWh: 0 });
  await a.meter.send('meter-report', ra);
  await waitFor('seller ack', () => a.node.inbox('ack').length === 1);
  assert.equal((a.node.inbox('ack')[0]!.msg as Message<'ack'>).body, { meter: 'house-a-m', seq: 1 });
  const height = hub.status().height as number;
  await a.meter.send('meter-report', ra);
  await waitFor('second ack', () => a.node.inbox('ack').length === 2);
  await hub.idle();
  assert.is(hub.status().height, height, 'a duplicate report writes nothing');
  await b.meter.send('meter-report', meterReport(b, clock.ms, part(0, 290_500, true), { exportMWh: 0, importMWh: 290_500 }));
  await waitFor('buyer ack', () => b.node.inbox('ack').length === 1);
  await hub.idle();
  const v = hub.contract(contract.id)!;
  assert.is(v.deliveredMWh, 300_000);
  assert.is(v.consumedMWh, 290_500);
  assert.is(v.state, 'ended');
});

s('settles min(delivered, consumed) × price once both final figures are in', async () => {
  const total = () => hub.balances().reduce((t, x) => t + x.balanceMilliUnits, 0);
  const before = total();
  await hub.tick();
  await hub.idle();
  const v = hub.contract(contract.id)!;
  assert.is(v.state, 'settled');
  assert.equal({ ...v.settlement, height: 0 }, { paidMilliUnits: 5_810, deliveredMWh: 300_000, consumedMWh: 290_500, disputed: false, reason: null, height: 0 });
  const bal = Object.fromEntries(hub.balances().map((x) => [x.household, x]));
  assert.equal(bal['house-a'], { household: 'house-a', balanceMilliUnits: 105_810, reservedMilliUnits: 0 });
  assert.equal(bal['house-b'], { household: 'house-b', balanceMilliUnits: 94_190, reservedMilliUnits: 0 });
  assert.is(total(), before, 'units conserved');
  const audit = await hub.audit();
  assert.is(audit.ok, true);
});

s('the ledger on disk audits clean after the hub stops', async () => {
  await hub.stop();
  const store = new LevelStore(ledgerPath(tmp.dir), { createIfMissing: false });
  await store.open();
  try {
    const r = await auditStore(store);
    assert.is(r.members, 2);
    assert.is(r.totalMilliUnits, 200_000);
    assert.is(r.txsByKind.settlement, 1);
    assert.is(r.txsByKind.contract, 1);
    assert.is(r.txsByKind['meter-report'], 2);
  } finally {
    await store.close();
  }
});

s.run();

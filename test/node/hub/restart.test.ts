// A hub restarted on its data directory carries on: the book and the
// market's holds are rebuilt from the ledger, acknowledgements and replay
// windows are remembered, open contracts are re-sent and settled.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Hub } from '../../../hub/service/hub';
import { Device, TestClock, VILLAGE, household, hubOptions, meterReport, tempDir, waitFor, type Household } from './helpers';
import type { ContractBody, Message } from '../../../shared/protocol';

const s = suite('hub restart');
const tmp = tempDir();
const clock = new TestClock();
let hub: Hub;
let a: Household;
let b: Household;
let contract: ContractBody;

s.after(async () => {
  for (const d of [a?.node, a?.meter, b?.node, b?.meter]) await d?.close();
  await hub?.stop();
  tmp.remove();
});

async function reconnect(h: Household): Promise<void> {
  await h.node.close();
  await h.meter.close();
  const u = hub.addresses.mqttUrl;
  h.node = await Device.connect(u, h.bundle.node.broker.username, h.bundle.node.broker.password, VILLAGE, h.id, h.bundle.node.secretKey!);
  h.meter = await Device.connect(u, h.bundle.meter.broker.username, h.bundle.meter.broker.password, VILLAGE, h.id, h.bundle.meter.secretKey!);
}

s('a partly filled offer and an open contract survive a restart', async () => {
  hub = new Hub(hubOptions(tmp.dir, clock));
  await hub.start();
  a = await household(hub, 'house-a');
  b = await household(hub, 'house-b');
  const from = clock.ms + 60_000;
  await a.node.send('offer', a.node.order('offer', { id: 'a-o-1', energyMWh: 90_000, priceUnitsPerKWh: 10, fromMs: from, toMs: from + 7_200_000, maxPowerMW: 60_000, socPermille: 900, atMs: clock.ms }));
  await waitFor('booked', () => hub.book().offers.length === 1);
  await b.node.send('request', b.node.order('request', { id: 'b-r-1', energyMWh: 30_000, priceUnitsPerKWh: 10, fromMs: from, toMs: from + 7_200_000, maxPowerMW: 60_000, socPermille: 100, atMs: clock.ms }));
  const c = await waitFor('contract', () => b.node.inbox('contract')[0]);
  contract = (c.msg as Message<'contract'>).body;
  await a.node.send('contract-ack', { node: 'house-a', seq: 1, contractId: contract.id, contractSeq: contract.seq, accepted: true, atMs: clock.ms });
  await waitFor('seller ack', () => hub.contract(contract.id)!.acks.seller);
  await hub.idle();
  const book = hub.book();
  await hub.stop();

  hub = new Hub(hubOptions(tmp.dir, clock));
  await hub.start();
  assert.equal(hub.book(), book, 'the book is rebuilt with what is left');
  assert.equal((hub.book().offers[0] as { remainingMWh: number }).remainingMWh, 60_000);
  const v = hub.contract(contract.id)!;
  assert.equal(v.acks, { seller: true, buyer: false });
  assert.is(hub.balances().find((x) => x.household === 'house-b')!.reservedMilliUnits, 300);
});

s('after the restart: the ack replay window holds, the buyer still gets the contract, a new request trades the rest without overlapping', async () => {
  await reconnect(a);
  await reconnect(b);
  await a.node.send('contract-ack', { node: 'house-a', seq: 1, contractId: contract.id, contractSeq: contract.seq, accepted: true, atMs: clock.ms });
  await waitFor('E_REPLAY', () => a.node.errors().find((e) => e.code === 'E_REPLAY'));
  clock.advance(5_000);
  await hub.tick();
  await waitFor('re-sent to the buyer', () => b.node.inbox('contract')[0]);
  assert.is(a.node.inbox('contract').length, 0, 'the seller acked: nothing re-sent to it');
  const from = clock.ms + 60_000;
  await b.node.send('request', b.node.order('request', { id: 'b-r-2', seq: 2, energyMWh: 60_000, priceUnitsPerKWh: 10, fromMs: from, toMs: from + 7_200_000, maxPowerMW: 60_000, socPermille: 100, atMs: clock.ms }));
  const second = await waitFor('second contract', () => b.node.inbox('contract').find((g) => (g.msg as Message<'contract'>).body.id !== contract.id));
  const c2 = (second.msg as Message<'contract'>).body;
  assert.is(c2.seq, 2);
  assert.ok(c2.beginMs >= contract.endMs || c2.endMs <= contract.beginMs, 'the restored contract still holds the node: windows do not overlap');
  await hub.idle();
  assert.is(hub.book().offers.length, 0);
});

s('the restored contract settles after the restart', async () => {
  clock.ms = contract.endMs + 1;
  const part = (e: number, i: number) => ({ id: contract.id, exportMWh: e, importMWh: i, fromMs: contract.beginMs, toMs: contract.endMs, final: true });
  await a.meter.send('meter-report', meterReport(a, clock.ms, part(30_000, 0)));
  await b.meter.send('meter-report', meterReport(b, clock.ms, part(0, 30_000)));
  await waitFor('acks', () => a.node.inbox('ack').length === 1 && b.node.inbox('ack').length === 1);
  await hub.idle();
  await hub.tick();
  await hub.idle();
  assert.is(hub.contract(contract.id)!.settlement!.paidMilliUnits, 300);
  assert.is((await hub.audit()).ok, true);
});

s.run();

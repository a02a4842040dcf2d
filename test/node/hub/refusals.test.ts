// Bad input is refused with a stable code published on the sender's in/error,
// and nothing of it is stored; the broker's ACL keeps nodes in their lanes;
// presence follows the last will.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { encode, nodeTopic, type OrderBody } from '../../../shared/protocol';
import { canonicalText } from '../../../shared/canonical';
import { sign } from '../../../shared/sign';
import { Hub } from '../../../hub/service/hub';
import { BrokerUsers } from '../../../hub/service/registry';
import { newSecretKey } from '../../../hub/service/keys';
import { Device, TestClock, VILLAGE, household, hubOptions, meterReport, tempDir, waitFor, type Household } from './helpers';

const s = suite('hub refusals');
const tmp = tempDir();
const clock = new TestClock();
let hub: Hub;
let a: Household;
let b: Household;
const extra: Device[] = [];

s.before(async () => {
  hub = new Hub(hubOptions(tmp.dir, clock));
  await hub.start();
  a = await household(hub, 'house-a');
  b = await household(hub, 'house-b');
});

s.after(async () => {
  for (const d of [a.node, a.meter, b.node, b.meter, ...extra]) await d.close().catch(() => undefined);
  await hub.stop();
  tmp.remove();
});

function offer(d: Device, id: string, seq?: number): OrderBody {
  const from = clock.ms + 60_000;
  return d.order('offer', { id, seq, energyMWh: 10_000, priceUnitsPerKWh: 5, fromMs: from, toMs: from + 3_600_000, maxPowerMW: 100_000, socPermille: 800, atMs: clock.ms });
}

/** Send, then wait for the n-th error on the sender's inbox; the ledger must not have grown. */
async function refused(d: Device, send: () => Promise<void>): Promise<{ code: string; ref?: string }> {
  await hub.idle();
  const height = hub.status().height;
  const n = d.errors().length;
  await send();
  const e = await waitFor('an error on in/error', () => d.errors()[n]);
  await hub.idle();
  assert.is(hub.status().height, height, 'nothing recorded');
  return e;
}

s('malformed JSON → E_MSG_JSON', async () => {
  const e = await refused(a.node, () => a.node.publishRaw('offer', '{"v":1,'));
  assert.is(e.code, 'E_MSG_JSON');
  assert.is(e.ref, 'offer');
});

s('non-canonical bytes (extra whitespace) → E_MSG_CANONICAL', async () => {
  const body = offer(a.node, 'a-ws');
  const text = JSON.stringify({ v: 1, kind: 'offer', body, sig: sign('offer', body, a.node.secretKey) }, null, 1);
  const e = await refused(a.node, () => a.node.publishRaw('offer', text));
  assert.ok(['E_MSG_CANONICAL', 'E_MSG_SIZE'].includes(e.code), e.code);
});

s('oversized payload → E_MSG_SIZE', async () => {
  const e = await refused(a.node, () => a.node.publishRaw('offer', 'x'.repeat(2_000)));
  assert.is(e.code, 'E_MSG_SIZE');
});

s('a body for another node than the topic → E_MSG_TOPIC', async () => {
  const body = { ...offer(a.node, 'a-topic'), node: 'house-b' };
  const e = await refused(a.node, () => a.node.publishRaw('offer', encode('offer', body, a.node.secretKey)));
  assert.is(e.code, 'E_MSG_TOPIC');
});

s('wrongly signed → E_SIG_INVALID', async () => {
  const e = await refused(a.node, () => a.node.send('offer', offer(a.node, 'a-forged'), true, newSecretKey()));
  assert.is(e.code, 'E_SIG_INVALID');
  assert.is(e.ref, 'a-forged');
  assert.is(hub.book().offers.length, 0);
});

s('a meter report signed by the node key → E_SIG_INVALID; by another meter id → E_HUB_METER', async () => {
  const r = meterReport(a, clock.ms, null);
  const e1 = await refused(a.node, () => a.meter.send('meter-report', r, true, a.node.secretKey));
  assert.is(e1.code, 'E_SIG_INVALID');
  const r2 = { ...meterReport(a, clock.ms, null), meter: 'house-b-m' };
  const e2 = await refused(a.node, () => a.meter.send('meter-report', r2, true, a.meter.secretKey));
  assert.is(e2.code, 'E_HUB_METER');
  assert.is(a.node.inbox('ack').length, 0);
});

s('a replayed offer → E_REPLAY; a replayed meter report with other content → E_LEDGER_REPLAY', async () => {
  const body = offer(a.node, 'a-1');
  await a.node.send('offer', body);
  await waitFor('offer on the book', () => hub.book().offers.length === 1);
  const e = await refused(a.node, () => a.node.send('offer', { ...body, id: 'a-2' }));
  assert.is(e.code, 'E_REPLAY');
  const again = await refused(a.node, () => a.node.send('offer', body));
  assert.is(again.code, 'E_REPLAY');
  const r = meterReport(a, clock.ms, null, { exportMWh: 5, importMWh: 0 });
  await a.meter.send('meter-report', r);
  await waitFor('ack', () => a.node.inbox('ack').length === 1);
  const e2 = await refused(a.node, () => a.meter.send('meter-report', { ...r, lifetime: { exportMWh: 6, importMWh: 0 } }));
  assert.is(e2.code, 'E_LEDGER_REPLAY');
});

s('a burst of orders from one node is taken in its seq order', async () => {
  const bodies = [1, 2, 3, 4, 5].map((k) => offer(b.node, `b-burst-${k}`));
  await Promise.all(bodies.map((x) => b.node.send('offer', x)));
  await waitFor('five offers booked', () => hub.book().offers.filter((o) => (o as { node: string }).node === 'house-b').length === 5);
  assert.is(b.node.errors().length, 0);
});

s('a price outside the band → E_MARKET_PRICE_BAND; an ended window → E_MARKET_EXPIRED', async () => {
  const high = { ...offer(a.node, 'a-high'), priceUnitsPerKWh: 5_000 };
  assert.is((await refused(a.node, () => a.node.send('offer', high))).code, 'E_MARKET_PRICE_BAND');
  const old = { ...offer(a.node, 'a-old'), fromMs: clock.ms - 7_200_000, toMs: clock.ms - 3_600_000 };
  assert.is((await refused(a.node, () => a.node.send('offer', old))).code, 'E_MARKET_EXPIRED');
});

s('a contract-ack for an unknown contract → E_HUB_CONTRACT; a cancel of an unknown order → E_LEDGER_UNKNOWN', async () => {
  const e = await refused(b.node, () => b.node.send('contract-ack', { node: 'house-b', seq: 1, contractId: 'c-999999', contractSeq: 999_999, accepted: true, atMs: clock.ms }));
  assert.is(e.code, 'E_HUB_CONTRACT');
  const e2 = await refused(b.node, () => b.node.send('cancel', { node: 'house-b', seq: b.node.nextSeq(), orderId: 'nope', atMs: clock.ms }));
  assert.is(e2.code, 'E_LEDGER_UNKNOWN');
});

s('a node with broker credentials but no membership → E_HUB_UNKNOWN_NODE', async () => {
  new BrokerUsers(tmp.dir).set('ghost', 'ghost-pw', 'node', 'ghost');
  const g = await Device.connect(hub.addresses.mqttUrl, 'ghost', 'ghost-pw', VILLAGE, 'ghost', newSecretKey());
  extra.push(g);
  const e = await refused(g, () => g.send('offer', offer(g, 'g-1')));
  assert.is(e.code, 'E_HUB_UNKNOWN_NODE');
});

s('ACL: a node cannot publish under another id nor read another inbox', async () => {
  await hub.idle();
  const height = hub.status().height;
  const sub = await b.node.client.subscribeAsync(`swarmgrid/v1/${VILLAGE}/house-a/in/#`, { qos: 1 }).then(
    (g) => g[0]!.qos,
    () => 128,
  );
  assert.is(sub, 128, 'SUBACK 0x80 for another node inbox');
  const spy = await Device.connect(hub.addresses.mqttUrl, a.bundle.node.broker.username, a.bundle.node.broker.password, VILLAGE, 'house-a', a.node.secretKey, { subscribe: false });
  extra.push(spy);
  const forged = encode('offer', { ...offer(b.node, 'b-by-a') }, b.node.secretKey);
  spy.client.publish(nodeTopic(VILLAGE, 'house-b', 'offer'), Buffer.from(forged), { qos: 0 });
  await new Promise((r) => setTimeout(r, 200));
  await hub.idle();
  assert.is(hub.status().height, height, 'the hub never saw it');
  assert.not.ok(hub.book().offers.some((o) => (o as { id: string }).id === 'b-by-a'));
});

s('presence: online on connect, offline with offlineSinceMs from the last will', async () => {
  await a.node.client.publishAsync(nodeTopic(VILLAGE, 'house-a', 'presence'), Buffer.from(encode('presence', { node: 'house-a', online: true, atMs: clock.ms })), { qos: 1, retain: true });
  await waitFor('online', () => (hub.household('house-a') as { online: boolean }).online);
  clock.advance(1_000);
  (a.node.client as unknown as { stream: { destroy(): void } }).stream.destroy();
  const h = await waitFor('offline', () => {
    const x = hub.household('house-a') as { online: boolean; offlineSinceMs: number | null };
    return !x.online && x;
  });
  assert.is(h.offlineSinceMs, clock.ms);
});

s('telemetry is kept (latest, history) and its atMs feeds the clock watch', async () => {
  const t = { node: 'house-b', atMs: clock.ms + 5_000, mode: 'P' as const, socPermille: 812, batteryMV: 12_800, batteryMA: 1_500, pvPowerMW: 40_000, loadPowerMW: 10_000, busPowerMW: 20_000, relays: { rl1: true, rl2: false }, faults: [] };
  await b.node.send('telemetry', t, false);
  const h = await waitFor('telemetry', () => (hub.household('house-b') as { telemetry: unknown; mode: string; clock: { offsetMs: number; drifting: boolean }; history: unknown[] }).telemetry && (hub.household('house-b') as never));
  assert.equal((h as { telemetry: { socPermille: number } }).telemetry.socPermille, 812);
  assert.is((h as { mode: string }).mode, 'P');
  assert.equal((h as { clock: unknown }).clock, { offsetMs: 5_000, drifting: true });
  assert.is((h as { history: unknown[] }).history.length, 1);
  assert.ok(hub.faults().some((f) => f.node === 'house-b' && f.code === 'E_HUB_CLOCK_DRIFT'));
  assert.ok(canonicalText(hub.status()).length > 0);
});

s.run();

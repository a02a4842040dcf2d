// The hub's HTTP API (api.md) and live events over SSE, plus SNTP with the
// injected clock and the signed village time, against a running hub.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createSocket } from 'node:dgram';
import { get } from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decode, publicTopic, type Message } from '../../../shared/protocol';
import { verify } from '../../../shared/sign';
import { decodeNtp, encodeRequest } from '../../../hub/time/ntp';
import { Hub } from '../../../hub/service/hub';
import { TestClock, VILLAGE, household, hubOptions, tempDir, waitFor, type Household } from './helpers';

const s = suite('hub API, SSE, SNTP and village time');
const tmp = tempDir();
const web = join(tmp.dir, 'web');
const clock = new TestClock();
let hub: Hub;
let base: string;
let a: Household;
let b: Household;
const events: Array<{ event: string; data: unknown }> = [];
let closeSse: () => void = () => undefined;

async function api(path: string, init: RequestInit = {}): Promise<{ status: number; body: unknown }> {
  const r = await fetch(base + path, init);
  const text = await r.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: r.status, body };
}

s.before(async () => {
  mkdirSync(join(web, 'assets'), { recursive: true });
  writeFileSync(join(web, 'index.html'), '<!doctype html><title>swarmgrid</title>');
  writeFileSync(join(web, 'assets', 'app.js'), 'console.log(1)');
  hub = new Hub(hubOptions(join(tmp.dir, 'data'), clock, { sntpPort: 0, webDir: web }));
  await hub.start();
  base = `http://127.0.0.1:${hub.addresses.httpPort}`;
  await new Promise<void>((resolve) => {
    const req = get(base + '/api/events', (res) => {
      let buf = '';
      res.on('data', (d: Buffer) => {
        buf += d.toString();
        let i: number;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const chunk = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const ev = /^event: (.+)$/m.exec(chunk)?.[1];
          const data = /^data: (.+)$/m.exec(chunk)?.[1];
          if (ev && data) events.push({ event: ev, data: JSON.parse(data) });
        }
      });
      resolve();
    });
    closeSse = () => req.destroy();
  });
  a = await household(hub, 'house-a');
  b = await household(hub, 'house-b');
});

s.after(async () => {
  closeSse();
  for (const d of [a.node, a.meter, b.node, b.meter]) await d.close();
  await hub.stop();
  tmp.remove();
});

s('GET /api/status', async () => {
  const r = await api('/api/status');
  assert.is(r.status, 200);
  const st = r.body as Record<string, unknown>;
  assert.is(st.village, VILLAGE);
  assert.is(st.hubKey, hub.hubPublicKey);
  assert.is(st.nowMs, clock.ms);
  assert.is(st.households, 2);
  assert.is((st.mqtt as { mode: string }).mode, 'embedded');
  assert.match((st.mqtt as { wsUrl: string }).wsUrl, /^ws:\/\//);
  assert.type(st.height, 'number');
});

s('GET /api/households and /api/households/:id', async () => {
  const r = await api('/api/households');
  const list = r.body as Array<Record<string, unknown>>;
  assert.equal(list.map((h) => h.id), ['house-a', 'house-b']);
  assert.is(list[0]!.balanceMilliUnits, 100_000);
  assert.is(list[0]!.meter, 'house-a-m');
  assert.is(list[0]!.telemetry, null);
  const one = await api('/api/households/house-a');
  assert.ok(Array.isArray((one.body as { history: unknown[] }).history));
  const none = await api('/api/households/nobody');
  assert.is(none.status, 404);
  assert.is((none.body as { error: { code: string } }).error.code, 'E_LEDGER_UNKNOWN');
});

s('POST /api/members needs the admin token and returns a provisioning bundle', async () => {
  const denied = await api('/api/members', { method: 'POST', body: JSON.stringify({ household: 'house-c' }) });
  assert.is(denied.status, 401);
  const r = await api('/api/members', { method: 'POST', headers: { authorization: 'Bearer test-admin-token' }, body: JSON.stringify({ household: 'house-c', name: 'Carol' }) });
  assert.is(r.status, 200);
  const bundle = r.body as { node: { id: string; secretKey: string; preferences: Record<string, unknown>; mcconfig: string }; meter: { id: string }; hubKey: string };
  assert.is(bundle.node.id, 'house-c');
  assert.is(bundle.meter.id, 'house-c-m');
  assert.is(bundle.hubKey, hub.hubPublicKey);
  assert.is(bundle.node.preferences.hubPk, hub.hubPublicKey);
  assert.match(bundle.node.mcconfig, /node=house-c village=testvillage meter=house-c-m sk=[0-9a-f]{64} hubPk=/);
  const dup = await api('/api/members', { method: 'POST', headers: { authorization: 'Bearer test-admin-token' }, body: JSON.stringify({ household: 'house-c' }) });
  assert.is((dup.body as { error: { code: string } }).error.code, 'E_HUB_MEMBER');
});

s('GET /api/book, /api/contracts after a trade; SSE delivers book, contract and block events', async () => {
  const from = clock.ms + 60_000;
  await a.node.send('offer', a.node.order('offer', { id: 'a-o-1', energyMWh: 50_000, priceUnitsPerKWh: 10, fromMs: from, toMs: from + 3_600_000, maxPowerMW: 100_000, socPermille: 900, atMs: clock.ms }));
  await waitFor('offer on the book', async () => ((await api('/api/book')).body as { offers: unknown[] }).offers.length === 1 || undefined);
  const book = (await api('/api/book')).body as { offers: Array<Record<string, unknown>>; requests: unknown[] };
  assert.equal(book.offers[0], { id: 'a-o-1', node: 'house-a', energyMWh: 50_000, remainingMWh: 50_000, priceUnitsPerKWh: 10, fromMs: from, toMs: from + 3_600_000 });
  await b.node.send('request', b.node.order('request', { id: 'b-r-1', energyMWh: 20_000, priceUnitsPerKWh: 10, fromMs: from, toMs: from + 3_600_000, maxPowerMW: 100_000, socPermille: 100, atMs: clock.ms }));
  await waitFor('contract', () => b.node.inbox('contract')[0]);
  await hub.idle();
  const contracts = (await api('/api/contracts?state=open')).body as Array<Record<string, unknown>>;
  assert.is(contracts.length, 1);
  assert.is(contracts[0]!.state, 'issued');
  assert.equal(contracts[0]!.acks, { seller: false, buyer: false });
  assert.is(contracts[0]!.settlement, null);
  assert.is(((await api('/api/contracts?state=settled')).body as unknown[]).length, 0);
  assert.is((await api('/api/contracts?state=bogus')).status, 400);
  const after = ((await api('/api/book')).body as { offers: Array<{ remainingMWh: number }> }).offers[0]!;
  assert.is(after.remainingMWh, 30_000);
  await waitFor('SSE contract event', () => events.find((e) => e.event === 'contract'));
  assert.ok(events.some((e) => e.event === 'status'));
  assert.ok(events.some((e) => e.event === 'block'));
  await waitFor('SSE book event', () => events.find((e) => e.event === 'book'));
  const c = events.find((e) => e.event === 'contract')!.data as { seller: string; buyer: string };
  assert.equal([c.seller, c.buyer], ['house-a', 'house-b']);
});

s('GET /api/ledger/blocks, /balances, /audit', async () => {
  const blocks = (await api('/api/ledger/blocks?limit=3')).body as Array<{ height: number; sigValid: boolean; txs: Array<{ kind: string; sigValid: boolean; summary: string }> }>;
  assert.is(blocks.length, 3);
  assert.ok(blocks[0]!.height > blocks[1]!.height, 'newest first');
  for (const bl of blocks) {
    assert.ok(bl.sigValid);
    for (const t of bl.txs) assert.ok(t.sigValid, `${t.kind} tx signature`);
  }
  const first = (await api('/api/ledger/blocks?from=1&limit=1')).body as Array<{ height: number; txs: Array<{ kind: string }> }>;
  assert.is(first[0]!.height, 1);
  assert.is(first[0]!.txs[0]!.kind, 'admission');
  assert.is((await api('/api/ledger/blocks?from=x')).status, 400);
  const bal = (await api('/api/ledger/balances')).body as Array<{ household: string; reservedMilliUnits: number }>;
  assert.equal(bal.map((x) => x.household), ['house-a', 'house-b', 'house-c']);
  assert.is(bal[1]!.reservedMilliUnits, 200);
  const audit = (await api('/api/ledger/audit')).body as { ok: boolean; height: number; balances: number };
  assert.is(audit.ok, true);
  assert.is(audit.balances, 3);
});

s('PUT /api/rules changes the band (admin-signed on the ledger); GET /api/rules', async () => {
  assert.is((await api('/api/rules', { method: 'PUT', body: '{}' })).status, 401);
  const r = await api('/api/rules', { method: 'PUT', headers: { authorization: 'Bearer test-admin-token' }, body: JSON.stringify({ priceBand: { minPriceUnitsPerKWh: 1, maxPriceUnitsPerKWh: 50 } }) });
  assert.is(r.status, 200);
  assert.equal((r.body as { priceBand: unknown }).priceBand, { minPriceUnitsPerKWh: 1, maxPriceUnitsPerKWh: 50 });
  assert.equal(((await api('/api/rules')).body as { priceBand: unknown }).priceBand, { minPriceUnitsPerKWh: 1, maxPriceUnitsPerKWh: 50 });
  const bad = await api('/api/rules', { method: 'PUT', headers: { authorization: 'Bearer test-admin-token' }, body: JSON.stringify({ payment: 'postpaid' }) });
  assert.is(bad.status, 400);
  assert.is(((await api('/api/book')).body as { offers: unknown[] }).offers.length, 1, 'the rebuilt market keeps the resting offer');
});

s('GET /api/energy integrates telemetry per hour; /api/faults', async () => {
  const t = (atMs: number) => ({ node: 'house-a', atMs, mode: 'P' as const, socPermille: 800, batteryMV: 12_000, batteryMA: 1_000, pvPowerMW: 60_000, loadPowerMW: 12_000, busPowerMW: 30_000, relays: { rl1: true, rl2: false }, faults: ['E_VED_STALE'] });
  await a.node.send('telemetry', t(clock.ms), false);
  await a.node.send('telemetry', t(clock.ms + 60_000), false);
  await waitFor('telemetry', () => (hub.household('house-a') as { history: unknown[] }).history.length === 2);
  const day = new Date(clock.ms).toISOString().slice(0, 10);
  const e = (await api(`/api/energy?day=${day}`)).body as { day: string; households: Record<string, { hours: Array<{ pvWh: number; sentWh: number; loadWh: number }>; kpi: { Eshp: number } }> };
  assert.is(e.day, day);
  const hour = e.households['house-a']!.hours[new Date(clock.ms).getUTCHours()]!;
  assert.is(hour.pvWh, 1, '60 W for one minute = 1 Wh');
  assert.is(hour.sentWh, 1);
  assert.is(e.households['house-a']!.kpi.Eshp, 0.5);
  assert.is((await api('/api/energy?day=2025-13-45')).status, 400);
  const faults = (await api('/api/faults')).body as Array<{ node: string; code: string }>;
  assert.ok(faults.some((f) => f.node === 'house-a' && f.code === 'E_VED_STALE'));
});

s('serves the dashboard: index.html at /, files under /assets/*, 404 outside', async () => {
  const r = await fetch(base + '/');
  assert.is(r.status, 200);
  assert.match(r.headers.get('content-type') ?? '', /text\/html/);
  assert.match(await r.text(), /swarmgrid/);
  const js = await fetch(base + '/assets/app.js');
  assert.match(js.headers.get('content-type') ?? '', /javascript/);
  assert.is((await fetch(base + '/assets/..%2F..%2Fkeys.json')).status, 404);
  assert.is((await fetch(base + '/assets/missing.js')).status, 404);
});

s('SNTP answers with the injected clock', async () => {
  const sock = createSocket('udp4');
  const reply = await new Promise<Uint8Array>((resolve) => {
    sock.on('message', (m) => resolve(new Uint8Array(m)));
    sock.send(encodeRequest(clock.ms - 10_000), hub.addresses.sntpPort!, '127.0.0.1');
  });
  sock.close();
  const p = decodeNtp(reply)!;
  assert.is(p.mode, 4);
  assert.ok(Math.abs(p.transmitMs - clock.ms) <= 1, `transmit ${p.transmitMs} vs ${clock.ms}`);
});

s('the dashboard reads the village over MQTT on WebSocket with the status credentials, and may not publish', async () => {
  const st = (await api('/api/status')).body as { mqtt: { wsUrl: string; dashboard: { username: string; password: string } } };
  const { default: mqtt } = await import('mqtt');
  const c = await mqtt.connectAsync(st.mqtt.wsUrl.replace('://127.0.0.1', '://127.0.0.1'), { username: st.mqtt.dashboard.username, password: st.mqtt.dashboard.password, reconnectPeriod: 0 });
  try {
    const got = new Promise<string>((resolve) => c.on('message', (t) => resolve(t)));
    await c.subscribeAsync(`swarmgrid/v1/${VILLAGE}/#`, { qos: 0 });
    assert.match(await got, /^swarmgrid\/v1\/testvillage\//, 'a retained village message arrives');
    const denied = await c.subscribeAsync('#', { qos: 0 }).then((g) => g[0]!.qos, () => 128);
    assert.is(denied, 128);
  } finally {
    await c.endAsync(true);
  }
});

s('publishes a hub-signed, retained public/time with a rising seq', async () => {
  clock.advance(10_000);
  await hub.tick();
  const t = await waitFor('time', () => [...a.node.got].reverse().find((g) => g.topic === publicTopic(VILLAGE, 'time') && (g.msg as Message<'time'>)?.body.atMs === clock.ms));
  const m = decode(t.topic, t.raw) as Message<'time'>;
  assert.ok(verify('time', m.body, m.sig, hub.hubPublicKey));
  assert.is(m.body.seq, clock.ms);
});

s.run();

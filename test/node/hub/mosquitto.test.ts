// The same flow against a real external broker: mosquitto spawned on a free
// port with the password_file, acl_file and mosquitto.conf the hub writes.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer, connect } from 'node:net';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { decode, nodeTopic, type Message } from '../../../shared/protocol';
import { verify } from '../../../shared/sign';
import { Hub } from '../../../hub/service/hub';
import { BrokerUsers } from '../../../hub/service/registry';
import { writeMosquittoConfig } from '../../../hub/broker/mosquitto';
import { Device, TestClock, VILLAGE, hubOptions, meterReport, tempDir, waitFor, type Household } from './helpers';
import type { ProvisioningBundle } from '../../../hub/service/members';

const s = suite('hub with an external mosquitto');
const have = spawnSync('mosquitto', ['-h']).error === undefined;
const tmp = tempDir();
const data = join(tmp.dir, 'data');
const clock = new TestClock();
let mosq: ChildProcess | undefined;
let hub: Hub;
let url: string;
const bundles: ProvisioningBundle[] = [];
const hh: Household[] = [];

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const p = (srv.address() as { port: number }).port;
      srv.close(() => resolve(p));
    });
  });
}

async function reachable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect(port, '127.0.0.1');
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('error', () => resolve(false));
  });
}

s.before(async () => {
  if (!have) return;
  // Admit the households with the hub on its embedded broker, then stop it.
  const first = new Hub(hubOptions(data, clock));
  await first.start();
  for (const id of ['house-a', 'house-b']) bundles.push(await first.addMember({ household: id }));
  await first.stop();
  const port = await freePort();
  const files = writeMosquittoConfig(join(tmp.dir, 'mosquitto'), { village: VILLAGE, users: Object.fromEntries(new BrokerUsers(data).entries()), port, host: '127.0.0.1' });
  mosq = spawn('mosquitto', ['-c', files.conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  await waitFor('mosquitto listening', () => reachable(port), 5_000);
  url = `mqtt://127.0.0.1:${port}`;
  hub = new Hub(hubOptions(data, clock, { mqtt: { mode: 'external', url } }));
  await hub.start();
  for (const b of bundles) {
    const node = await Device.connect(url, b.node.broker.username, b.node.broker.password, VILLAGE, b.household, b.node.secretKey!);
    const meter = await Device.connect(url, b.meter.broker.username, b.meter.broker.password, VILLAGE, b.household, b.meter.secretKey!);
    hh.push({ id: b.household, bundle: b, node, meter, meterSeq: 0 });
  }
});

s.after(async () => {
  for (const h of hh) for (const d of [h.node, h.meter]) await d.close();
  await hub?.stop();
  mosq?.kill('SIGTERM');
  tmp.remove();
});

s('the acl_file spells the protocol ACL per user', () => {
  if (!have) return;
  const acl = readFileSync(join(tmp.dir, 'mosquitto', 'acl_file'), 'utf8');
  assert.match(acl, /user house-a\ntopic write swarmgrid\/v1\/testvillage\/house-a\/\+\ntopic read swarmgrid\/v1\/testvillage\/house-a\/in\/#\ntopic read swarmgrid\/v1\/testvillage\/public\/#/);
  assert.match(acl, /user house-a-m\ntopic write swarmgrid\/v1\/testvillage\/house-a\/\+/);
  assert.match(acl, /user hub\ntopic read swarmgrid\/v1\/testvillage\/#\ntopic write swarmgrid\/v1\/testvillage\/\+\/in\/\+\ntopic write swarmgrid\/v1\/testvillage\/public\/\+/);
  assert.match(acl, /user dashboard\ntopic read swarmgrid\/v1\/testvillage\/#\n/);
});

s('offer + request → verified contracts → acks → reports → settlement, through mosquitto', async () => {
  if (!have) return;
  const [a, b] = hh as [Household, Household];
  const from = clock.ms + 60_000;
  await a.node.send('offer', a.node.order('offer', { id: 'a-o-1', energyMWh: 100_000, priceUnitsPerKWh: 10, fromMs: from, toMs: from + 3_600_000, maxPowerMW: 200_000, socPermille: 900, atMs: clock.ms }));
  await waitFor('offer booked', () => hub.book().offers.length === 1);
  await b.node.send('request', b.node.order('request', { id: 'b-r-1', energyMWh: 100_000, priceUnitsPerKWh: 12, fromMs: from, toMs: from + 3_600_000, maxPowerMW: 200_000, socPermille: 150, atMs: clock.ms }));
  const [ca, cb] = await Promise.all([waitFor('seller contract', () => a.node.inbox('contract')[0]), waitFor('buyer contract', () => b.node.inbox('contract')[0])]);
  const m = decode(ca.topic, ca.raw) as Message<'contract'>;
  assert.ok(verify('contract', m.body, m.sig, hub.hubPublicKey));
  assert.equal(cb.raw, ca.raw);
  const c = m.body;
  for (const d of [a.node, b.node]) await d.send('contract-ack', { node: d.node, seq: 1, contractId: c.id, contractSeq: c.seq, accepted: true, atMs: clock.ms });
  await waitFor('acks', () => hub.contract(c.id)!.acks.seller && hub.contract(c.id)!.acks.buyer);
  clock.ms = c.endMs + 1;
  const part = (e: number, i: number) => ({ id: c.id, exportMWh: e, importMWh: i, fromMs: c.beginMs, toMs: c.endMs, final: true });
  await a.meter.send('meter-report', meterReport(a, clock.ms, part(100_000, 0)));
  await b.meter.send('meter-report', meterReport(b, clock.ms, part(0, 99_000)));
  await waitFor('acks on in/ack', () => a.node.inbox('ack').length === 1 && b.node.inbox('ack').length === 1);
  await hub.idle();
  await hub.tick();
  await hub.idle();
  const v = hub.contract(c.id)!;
  assert.is(v.state, 'settled');
  assert.is(v.settlement!.paidMilliUnits, 990, '99 000 mWh × 10 units/kWh');
  assert.is((await hub.audit()).ok, true);
});

s('mosquitto enforces the ACL: no reading another inbox, no publishing under another id', async () => {
  if (!have) return;
  const [a, b] = hh as [Household, Household];
  // mosquitto 2.0 grants the filter but delivers nothing the ACL forbids.
  await b.node.client.subscribeAsync(`swarmgrid/v1/${VILLAGE}/house-a/in/#`, { qos: 1 }).catch(() => undefined);
  await a.node.publishRaw('offer', '{bad json');
  await waitFor('error to house-a', () => a.node.errors().length === 1);
  await new Promise((r) => setTimeout(r, 100));
  assert.is(b.node.got.filter((g) => g.topic.includes('/house-a/in/')).length, 0, 'house-b read nothing of house-a\'s inbox');
  await hub.idle();
  const height = hub.status().height;
  await a.node.client.publishAsync(nodeTopic(VILLAGE, 'house-b', 'cancel'), Buffer.from('{}'), { qos: 1 }).catch(() => undefined);
  await new Promise((r) => setTimeout(r, 200));
  await hub.idle();
  assert.is(hub.status().height, height);
  assert.is(b.node.errors().length, 0, 'the hub never saw the forged publish');
});

s.run();

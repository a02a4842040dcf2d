// Crash safety of the hub: the hub runs in a child process and is SIGKILLed
// again and again while households trade, receive contracts, report their
// meters and get settled. After every kill the ledger audits clean and holds
// every meter report the hub had acknowledged; at the end units are
// conserved and every ended contract is settled exactly once.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { decode, encode, inTopic, nodeInboxFilter, nodeTopic, type ContractBody, type Message } from '../../../shared/protocol';
import { LevelStore, auditStore, ledgerPath } from '../../../hub/ledger';
import type { ProvisioningBundle } from '../../../hub/service/members';
import { tempDir } from './helpers';
import { uniform as prng } from '../../portable/prng';

const here = fileURLToPath(new URL('.', import.meta.url));
const VILLAGE = 'crashvillage';
const tmp = tempDir('swarmgrid-hubcrash-');
const data = join(tmp.dir, 'data');


function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const p = (srv.address() as { port: number }).port;
      srv.close(() => resolve(p));
    });
  });
}

function startChild(mqttPort: number, httpPort: number): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'crash-child.ts'), data, String(mqttPort), String(httpPort)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr!.on('data', (d) => (err += d));
    child.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('ready')) resolve(child);
    });
    child.once('exit', (code, sig) => {
      if (process.env.CRASH_DEBUG) process.stderr.write(err);
      if (sig !== 'SIGKILL' && code !== 0) reject(new Error(`hub child exited ${code}: ${err}`));
    });
  });
}

function killed(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

/** A household that keeps trading through hub restarts (its seqs survive, as a device's would). */
class Trader {
  node!: MqttClient;
  meter!: MqttClient;
  orderSeq = 0;
  ackSeq = 0;
  meterSeq = 0;
  n = 0;
  readonly seen = new Set<string>();
  /** Reports not yet acknowledged: seq → payload. */
  readonly pending = new Map<number, Uint8Array>();
  /** Reports the hub acknowledged (must be on the ledger). */
  readonly acked = new Set<number>();
  readonly timers = new Set<NodeJS.Timeout>();
  constructor(readonly b: ProvisioningBundle, readonly seller: boolean, readonly url: string) {}

  connect(): void {
    const opts = (u: string, p: string) => ({ username: u, password: p, reconnectPeriod: 100, connectTimeout: 2_000, clientId: `${u}-crash` });
    this.node = mqtt.connect(this.url, opts(this.b.node.broker.username, this.b.node.broker.password));
    this.meter = mqtt.connect(this.url, opts(this.b.meter.broker.username, this.b.meter.broker.password));
    for (const c of [this.node, this.meter]) c.on('error', () => undefined);
    this.node.on('connect', () => void this.node.subscribe(nodeInboxFilter(VILLAGE, this.b.household), { qos: 1 }));
    this.node.on('message', (topic, raw) => this.onMessage(topic, raw));
  }

  private onMessage(topic: string, raw: Buffer): void {
    let m: Message;
    try {
      m = decode(topic, raw);
    } catch {
      return;
    }
    if (m.kind === 'ack' && topic === inTopic(VILLAGE, this.b.household, 'ack')) {
      this.pending.delete(m.body.seq);
      this.acked.add(m.body.seq);
    } else if (m.kind === 'contract') {
      const c = m.body as ContractBody;
      if (this.seen.has(c.id)) return;
      this.seen.add(c.id);
      const ack = { node: this.b.household, seq: ++this.ackSeq, contractId: c.id, contractSeq: c.seq, accepted: true, atMs: Date.now() };
      this.node.publish(nodeTopic(VILLAGE, this.b.household, 'contract-ack'), Buffer.from(encode('contract-ack', ack, this.b.node.secretKey!)), { qos: 1 });
      const t = setTimeout(() => this.report(c), Math.max(0, c.endMs - Date.now()) + 20);
      this.timers.add(t);
    }
  }

  private report(c: ContractBody): void {
    const e = this.seller ? c.energyMWh : 0;
    const i = this.seller ? 0 : Math.floor((c.energyMWh * 99) / 100);
    const body = { meter: this.b.meter.id, node: this.b.household, seq: ++this.meterSeq, atMs: Date.now(), lifetime: { exportMWh: e, importMWh: i }, contract: { id: c.id, exportMWh: e, importMWh: i, fromMs: c.beginMs, toMs: c.endMs, final: true }, faults: [] };
    this.pending.set(body.seq, encode('meter-report', body, this.b.meter.secretKey!));
    this.flush();
  }

  /** (Re-)send every unacknowledged report. */
  flush(): void {
    for (const p of this.pending.values()) this.meter.publish(nodeTopic(VILLAGE, this.b.household, 'meter-report'), Buffer.from(p), { qos: 1 });
  }

  trade(): void {
    const now = Date.now();
    const id = `${this.b.household}-${++this.n}`;
    const body = { node: this.b.household, seq: ++this.orderSeq, id, energyMWh: 1_000, priceUnitsPerKWh: this.seller ? 10 : 12, fromMs: now + 50, toMs: now + 1_000, maxPowerMW: 20_000_000, socPermille: 500, atMs: now };
    this.node.publish(nodeTopic(VILLAGE, this.b.household, this.seller ? 'offer' : 'request'), Buffer.from(encode(this.seller ? 'offer' : 'request', body, this.b.node.secretKey!)), { qos: 1 });
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    await Promise.all([this.node.endAsync(true), this.meter.endAsync(true)]);
  }
}

async function ledgerCheck(expectAcked: Map<string, Set<number>>): Promise<{ height: number; settlements: number; contracts: number }> {
  const store = new LevelStore(ledgerPath(data), { createIfMissing: false });
  await store.open();
  try {
    const r = await auditStore(store);
    assert.is(r.totalMilliUnits, 4 * 100_000, 'units conserved');
    const reports = new Set<string>();
    const settled = new Set<string>();
    for await (const b of store.blocks()) {
      for (const tx of b.txs) {
        if (tx.kind === 'meter-report') reports.add(`${String(tx.body.meter)}/${String(tx.body.seq)}`);
        if (tx.kind === 'settlement') {
          const id = String(tx.body.contractId);
          assert.not.ok(settled.has(id), `contract ${id} settled twice`);
          settled.add(id);
        }
      }
    }
    for (const [meter, seqs] of expectAcked) for (const s of seqs) assert.ok(reports.has(`${meter}/${s}`), `acknowledged report ${meter}#${s} is on the ledger`);
    return { height: r.height, settlements: settled.size, contracts: r.txsByKind.contract ?? 0 };
  } finally {
    await store.close();
  }
}

test('SIGKILL during matching and settlement: audit clean, no acknowledged report lost, units conserved', async () => {
  const rnd = prng(4242);
  const mqttPort = await freePort();
  const httpPort = await freePort();
  let child = await startChild(mqttPort, httpPort);
  const traders: Trader[] = [];
  for (const [i, id] of ['s-1', 's-2', 'b-1', 'b-2'].entries()) {
    const r = await fetch(`http://127.0.0.1:${httpPort}/api/members`, { method: 'POST', headers: { authorization: 'Bearer crash-token' }, body: JSON.stringify({ household: id }) });
    traders.push(new Trader((await r.json()) as ProvisioningBundle, i < 2, `mqtt://127.0.0.1:${mqttPort}`));
  }
  for (const t of traders) t.connect();
  const loop = setInterval(() => {
    for (const t of traders) {
      t.trade();
      t.flush();
    }
  }, 120);
  const acked = () => new Map(traders.map((t) => [t.b.meter.id, new Set(t.acked)]));
  try {
    for (let round = 0; round < 6; round++) {
      await new Promise((r) => setTimeout(r, 400 + Math.floor(rnd() * 900)));
      const before = acked();
      await killed(child);
      await ledgerCheck(before);
      child = await startChild(mqttPort, httpPort);
    }
  } finally {
    clearInterval(loop);
  }
  // Let the last windows end, reports arrive and settlements run.
  const end = Date.now() + 8_000;
  while (Date.now() < end) {
    for (const t of traders) t.flush();
    const open = (await (await fetch(`http://127.0.0.1:${httpPort}/api/contracts?state=open`)).json()) as unknown[];
    if (open.length === 0 && traders.every((t) => t.pending.size === 0)) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const openLeft = (await (await fetch(`http://127.0.0.1:${httpPort}/api/contracts?state=open`)).json()) as unknown[];
  const final = acked();
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  for (const t of traders) await t.close();
  const r = await ledgerCheck(final);
  assert.is(openLeft.length, 0, 'every contract settled');
  assert.ok(r.contracts > 5, `${r.contracts} contracts issued`);
  assert.is(r.settlements, r.contracts);
  tmp.remove();
});

test.run();

/**
 * The hub under a village of 1 000 households, on loopback. The hub runs in
 * its own process (this module re-run with `--hub-child`), so its CPU and
 * RSS are its own; the 1 000 nodes are mqtt.js clients in this process.
 *
 *  - window-issue latency: a buyer's request published → both the buyer and
 *    its seller hold the contract, its hub signature verified (p50/p99;
 *    target p99 < 100 ms), for requests paced over a few seconds and for a
 *    burst of 500 at once;
 *  - CPU share of the hub for 1 000 households sending telemetry at 1 Hz
 *    (target < half a core);
 *  - the hub's RSS (target < 150 MB), with its JS heap and buffers.
 *
 * Diagnostic knobs (environment): HUB_BENCH_TSX=1 (run the hub through tsx,
 * not bundled), HUB_BENCH_PROF=DIR (CPU profile of the hub),
 * HUB_BENCH_HEAP=FILE (heap snapshot after the telemetry run),
 * HUB_BENCH_NODE_FLAGS="…" (flags for the hub's node), HUB_BENCH_ARENAS=N
 * (MALLOC_ARENA_MAX for the hub).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import mqtt, { type MqttClient } from 'mqtt';
import { decode, encode, nodeInboxFilter, nodeTopic, type Message } from '../../shared/protocol';
import { OpenSslVerifier } from '../../hub/crypto/verify';
import type { ProvisioningBundle } from '../../hub/service/members';

const HOUSES = 1_000;
const VILLAGE = 'benchvillage';
const TOKEN = 'bench-token';

interface Usage {
  cpuUs: number;
  rss: number;
  hwm: number;
  heap: number;
  external: number;
}

async function hubChild(): Promise<void> {
  const v8 = await import('node:v8');
  const require_v8 = () => v8;
  const { Hub } = await import('../../hub/service/hub');
  const [dataDir, mqttPort, httpPort] = process.argv.slice(3);
  const hub = new Hub({
    dataDir: dataDir!,
    village: VILLAGE,
    mqtt: { mode: 'embedded', host: '127.0.0.1', port: Number(mqttPort), wsPort: null },
    httpPort: Number(httpPort),
    httpHost: '127.0.0.1',
    sntpPort: null,
    adminToken: TOKEN,
    publicHost: '127.0.0.1',
    grid: { kind: 'bus', busLimitMW: 1_000_000_000 },
    loopMs: 250,
  });
  await hub.start();
  process.on('message', (m) => {
    if (m === 'usage') {
      const u = process.cpuUsage();
      let hwm = 0;
      try {
        const status = readFileSync('/proc/self/status', 'utf8');
        hwm = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
      } catch {
        hwm = 0;
      }
      const mem = process.memoryUsage();
      process.send!({ cpuUs: u.user + u.system, rss: mem.rss, hwm, heap: mem.heapUsed, external: mem.external + mem.arrayBuffers } satisfies Usage);
    } else if (m === 'snapshot') {
      const { writeHeapSnapshot } = require_v8();
      process.send!(writeHeapSnapshot(join(dataDir!, '..', 'hub.heapsnapshot')));
    } else if (m === 'stop') void hub.stop().then(() => process.exit(0));
  });
  process.send!('ready');
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const p = (srv.address() as { port: number }).port;
      srv.close(() => resolve(p));
    });
  });
}

function usage(child: ChildProcess): Promise<Usage> {
  return new Promise((resolve) => {
    child.once('message', (m) => resolve(m as Usage));
    child.send('usage');
  });
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function pool<T>(items: T[], n: number, f: (x: T) => Promise<void>): Promise<void> {
  let i = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (i < items.length) await f(items[i++]!);
  }));
}

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'swarmgrid-benchhub-'));
  const mqttPort = await freePort();
  const httpPort = await freePort();
  const self = fileURLToPath(import.meta.url);
  // The hub runs as one esbuild bundle on plain Node, as it would be
  // deployed (tsx's loader thread alone adds ~37 MB of RSS); HUB_BENCH_TSX=1
  // runs it through tsx instead.
  let entry = ['--import', 'tsx', self];
  if (!process.env.HUB_BENCH_TSX) {
    const { build } = await import('esbuild');
    // Inside the project, so the bundle's bare imports resolve to node_modules.
    const out = join(dirname(self), '..', '..', 'node_modules', '.cache', 'swarmgrid-bench', 'hub-bench.mjs');
    await build({ entryPoints: [self], bundle: true, platform: 'node', format: 'esm', packages: 'external', outfile: out, logLevel: 'silent', absWorkingDir: join(dirname(self), '..', '..') });
    entry = [out];
  }
  const child = spawn(process.execPath, [...(process.env.HUB_BENCH_NODE_FLAGS ? process.env.HUB_BENCH_NODE_FLAGS.split(' ') : []), ...(process.env.HUB_BENCH_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.HUB_BENCH_PROF] : []), ...entry, '--hub-child', join(dir, 'data'), String(mqttPort), String(httpPort)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: { ...process.env, ...(process.env.HUB_BENCH_ARENAS ? { MALLOC_ARENA_MAX: process.env.HUB_BENCH_ARENAS } : {}) } });
  const clients: MqttClient[] = [];
  try {
    await new Promise<void>((resolve) => child.once('message', () => resolve()));
    const rss0 = (await usage(child)).rss;
    const t0 = performance.now();
    const bundles: ProvisioningBundle[] = new Array(HOUSES);
    await pool([...Array(HOUSES).keys()], 16, async (i) => {
      const r = await fetch(`http://127.0.0.1:${httpPort}/api/members`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body: JSON.stringify({ household: `h-${i}` }) });
      bundles[i] = (await r.json()) as ProvisioningBundle;
    });
    console.log(`  admitted ${HOUSES} households in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    const verifier = new OpenSslVerifier();
    const hubKey = bundles[0]!.hubKey;
    /** contract id → ms at which each party verified it. */
    const held = new Map<string, { buyer?: number; seller?: number }>();
    const sentAt = new Map<string, number>(); // buyer node → request publish time
    const latencies: number[] = [];
    const errors = new Map<string, number>();
    const t1 = performance.now();
    await pool([...Array(HOUSES).keys()], 50, async (i) => {
      const b = bundles[i]!;
      const c = mqtt.connect(`mqtt://127.0.0.1:${mqttPort}`, { username: b.node.broker.username, password: b.node.broker.password, reconnectPeriod: 0, clientId: b.household });
      clients[i] = c;
      await new Promise<void>((resolve, reject) => {
        c.once('connect', () => resolve());
        c.once('error', reject);
      });
      c.on('message', (topic, raw) => {
        const at = performance.now();
        let m: Message;
        try {
          m = decode(topic, raw);
        } catch {
          return;
        }
        if (m.kind === 'error') errors.set(m.body.code, (errors.get(m.body.code) ?? 0) + 1);
        if (m.kind !== 'contract' || !verifier.verify('contract', m.body, m.sig, hubKey)) return;
        const body = m.body;
        const h = held.get(body.id) ?? {};
        if (body.buyer === b.household) h.buyer ??= at;
        if (body.seller === b.household) h.seller ??= at;
        held.set(body.id, h);
        if (h.buyer !== undefined && h.seller !== undefined && !(h as { done?: boolean }).done) {
          (h as { done?: boolean }).done = true;
          latencies.push(Math.max(h.buyer, h.seller) - sentAt.get(body.buyer)!);
        }
      });
      await c.subscribeAsync(nodeInboxFilter(VILLAGE, b.household), { qos: 1 });
    });
    console.log(`  connected ${HOUSES} nodes in ${((performance.now() - t1) / 1000).toFixed(1)} s`);
    const rss1 = (await usage(child)).rss;

    const order = (i: number, kind: 'offer' | 'request', seq: number, id: string) => {
      const b = bundles[i]!;
      const now = Date.now();
      const body = { node: b.household, seq, id, energyMWh: 10_000, priceUnitsPerKWh: kind === 'offer' ? 10 : 12, fromMs: now + 60_000, toMs: now + 3_600_000, maxPowerMW: 100_000, socPermille: 500, atMs: now };
      return encode(kind, body, b.node.secretKey!);
    };
    const round = async (label: string, pairs: number[], seq: number, paceMs: number) => {
      latencies.length = 0;
      // Signed up front: signing (pure JS, ~2 ms) must not sit between the clock and the send.
      const requests = pairs.map((p) => order(2 * p + 1, 'request', seq, `r-${seq}-${p}`));
      // Offers first (resting), then the requests that take them.
      await Promise.all(pairs.map((p) => clients[2 * p]!.publishAsync(nodeTopic(VILLAGE, bundles[2 * p]!.household, 'offer'), Buffer.from(order(2 * p, 'offer', seq, `o-${seq}-${p}`)), { qos: 1 })));
      await new Promise((r) => setTimeout(r, 1_000));
      for (const [k, p] of pairs.entries()) {
        const i = 2 * p + 1;
        const payload = requests[k]!;
        sentAt.set(bundles[i]!.household, performance.now());
        clients[i]!.publish(nodeTopic(VILLAGE, bundles[i]!.household, 'request'), Buffer.from(payload), { qos: 1 });
        if (paceMs > 0) await new Promise((r) => setTimeout(r, paceMs));
      }
      const end = Date.now() + 30_000;
      while (latencies.length < pairs.length && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
      const s = [...latencies].sort((x, y) => x - y);
      if (s.length === 0) s.push(NaN);
      if (latencies.length < pairs.length) {
        const open = (await (await fetch(`http://127.0.0.1:${httpPort}/api/contracts?state=open`)).json()) as unknown[];
        const book = (await (await fetch(`http://127.0.0.1:${httpPort}/api/book`)).json()) as { offers: unknown[]; requests: unknown[] };
        console.log(`  (hub: ${open.length} open contracts, book ${book.offers.length} offers / ${book.requests.length} requests)`);
      }
      if (errors.size) console.log(`  refusals: ${[...errors].map(([c, n]) => `${c} ×${n}`).join(', ')}`);
      errors.clear();
      console.log(`  window-issue latency, ${label}: ${s.length}/${pairs.length} contracts, p50 ${pct(s, 50).toFixed(1)} ms, p99 ${pct(s, 99).toFixed(1)} ms, max ${s[s.length - 1]!.toFixed(1)} ms (target p99 < 100 ms)`);
    };
    const pairs = [...Array(HOUSES / 2).keys()];
    await round('500 requests paced 10 ms apart', pairs, 1, 10);
    await round('500 requests at once', pairs, 2, 0);

    // Telemetry: every household at 1 Hz for 10 s.
    const telemetry = (i: number) => {
      const b = bundles[i]!;
      return encode('telemetry', { node: b.household, atMs: Date.now(), mode: 'A', socPermille: 600 + (i % 300), batteryMV: 12_600, batteryMA: -800, pvPowerMW: 30_000, loadPowerMW: 12_000, busPowerMW: 0, relays: { rl1: false, rl2: false }, faults: [] });
    };
    const before = await usage(child);
    const w0 = performance.now();
    for (let s = 0; s < 10; s++) {
      const tick = performance.now();
      for (let i = 0; i < HOUSES; i++) clients[i]!.publish(nodeTopic(VILLAGE, bundles[i]!.household, 'telemetry'), Buffer.from(telemetry(i)), { qos: 0 });
      await new Promise((r) => setTimeout(r, Math.max(0, 1_000 - (performance.now() - tick))));
    }
    const after = await usage(child);
    if (process.env.HUB_BENCH_HEAP) {
      const file = await new Promise<string>((resolve) => {
        child.once('message', (m) => resolve(m as string));
        child.send('snapshot');
      });
      const { copyFileSync } = await import('node:fs');
      copyFileSync(file, process.env.HUB_BENCH_HEAP);
    }
    const share = (after.cpuUs - before.cpuUs) / 1000 / (performance.now() - w0);
    console.log(`  hub CPU, ${HOUSES} households at 1 Hz telemetry: ${(share * 100).toFixed(1)} % of one core (target < 50 %)`);
    console.log(`  (hub run ${process.env.HUB_BENCH_TSX ? 'through tsx' : 'as an esbuild bundle on plain Node'})`);
    console.log(`  hub RSS: ${(after.rss / 1e6).toFixed(0)} MB now, ${(after.hwm / 1e6).toFixed(0)} MB peak (target < 150 MB); ${(rss0 / 1e6).toFixed(0)} MB at start, ${(rss1 / 1e6).toFixed(0)} MB with ${HOUSES} members connected; JS heap ${(after.heap / 1e6).toFixed(0)} MB, buffers ${(after.external / 1e6).toFixed(0)} MB`);
  } finally {
    await Promise.all(clients.filter(Boolean).map((c) => c.endAsync(true)));
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.send('stop');
      setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
    });
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--hub-child') void hubChild();

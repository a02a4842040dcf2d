/**
 * Development only: serves the real dashboard bundle plus recorded API JSON
 * (fixtures/api.json, times shifted so "t0" is now) and a synthetic event
 * stream, for working on the views without a hub. The tests handed in drive
 * the real hub (dashboard.test.ts); this is for screenshots while it grows.
 *
 *   node --import tsx test/node/dashboard/fixture-server.ts [port]
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ServerResponse } from 'node:http';
import { HttpApi } from '../../../hub/api/http';
import { buildDashboard, mountDashboard } from '../../../hub/web/build';

interface Recorded {
  t0Ms: number;
  day: string;
  routes: Record<string, unknown>;
}

/** Shift every epoch-ms field (name ending in Ms, except offsets and durations) by `delta`. */
function shift(v: unknown, delta: number): unknown {
  if (Array.isArray(v)) return v.map((x) => shift(x, delta));
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = typeof x === 'number' && /Ms$/.test(k) && !/^(offsetMs|durationMs)$/.test(k) ? x + delta : shift(x, delta);
    return out;
  }
  return v;
}

const hexByte = (n: number) => n.toString(16).padStart(2, '0').repeat(32);

export interface FixtureServer {
  url: string;
  /** Send one event to every open stream. */
  emit(event: string, data: unknown): void;
  /** Close every open event stream (the page must show "reconnecting"). */
  dropStreams(): void;
  close(): Promise<void>;
}

export async function startFixtureServer(port = 0, opts: { ticks?: boolean } = {}): Promise<FixtureServer> {
  const rec = JSON.parse(readFileSync(fileURLToPath(new URL('./fixtures/api.json', import.meta.url)), 'utf8')) as Recorded;
  const delta = Date.now() - rec.t0Ms;
  const routes = shift(rec.routes, delta) as Record<string, unknown>;
  (routes['/api/status'] as { nowMs: number }).nowMs = Date.now();
  const api = new HttpApi({ port, host: '127.0.0.1', adminToken: 'fixture-admin' });
  const streams = new Set<ServerResponse>();
  const get = (p: string) => routes[p];

  api.get('/api/status', () => ({ ...(get('/api/status') as object), nowMs: Date.now() }));
  api.get('/api/households', () => get('/api/households'));
  api.get('/api/households/:id', (req) => get(`/api/households/${req.params.id}`) ?? (() => { throw Object.assign(new Error('no such household'), {}); })());
  api.get('/api/book', () => get('/api/book'));
  api.get('/api/contracts', () => get('/api/contracts'));
  api.get('/api/ledger/blocks', (req) => {
    const all = get('/api/ledger/blocks') as { height: number }[];
    const limit = Number(req.query.get('limit') ?? 20);
    const from = req.query.get('from');
    if (from === null) return all.slice(0, limit);
    return all.filter((b) => b.height >= Number(from) && b.height < Number(from) + limit);
  });
  api.get('/api/ledger/balances', () => get('/api/ledger/balances'));
  api.get('/api/ledger/audit', () => get('/api/ledger/audit'));
  api.get('/api/energy', (req) => ({ ...(get('/api/energy') as object), day: req.query.get('day') ?? rec.day }));
  api.get('/api/faults', () => get('/api/faults'));
  api.get('/api/rules', () => get('/api/rules'));
  api.put('/api/rules', (req) => {
    routes['/api/rules'] = { ...(get('/api/rules') as object), ...(req.body as object) };
    return routes['/api/rules'];
  });
  api.post('/api/members', (req) => {
    const b = req.body as { household: string; name: string };
    const dev = (id: string, n: number) => {
      const preferences = { node: b.household, village: 'paper-two-house', meter: `${b.household}-m`, sk: hexByte(n), hubPk: `03${'cd'.repeat(32)}`, hubAddr: '192.168.4.1', broker: '192.168.4.1', brokerPort: 1883, mqttUser: id, mqttPass: 'pAsSw0rd-fixture' };
      return { id, publicKey: `02${hexByte(n + 1)}`, secretKey: hexByte(n), broker: { url: 'mqtt://192.168.4.1:1883', host: '192.168.4.1', port: 1883, username: id, password: 'pAsSw0rd-fixture' }, preferences, mcconfig: Object.entries(preferences).map(([k, v]) => `${k}=${v}`).join(' ') };
    };
    return { village: 'paper-two-house', household: b.household, name: b.name, hubKey: `03${'cd'.repeat(32)}`, hubAddress: '192.168.4.1', node: dev(b.household, 0xab), meter: dev(`${b.household}-m`, 0xef) };
  });
  api.get('/api/events', (req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
    res.write('retry: 1000\n\n');
    streams.add(res);
    req.raw.on('close', () => streams.delete(res));
  });
  mountDashboard(api, await buildDashboard({ minify: false }));
  const actual = await api.listen();

  const emit = (event: string, data: unknown) => {
    for (const s of streams) s.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };
  let n = 0;
  const timer = opts.ticks === false ? undefined : setInterval(() => {
    n++;
    const hh = get('/api/households') as { id: string; telemetry: Record<string, number> | null }[];
    for (const h of hh.slice(0, 2)) {
      const t = h.telemetry!;
      const wobble = Math.round(Math.sin(n / 3) * 1500);
      emit('telemetry', { node: h.id, ...t, atMs: Date.now(), pvPowerMW: t.pvPowerMW! + wobble, socPermille: Math.max(0, Math.min(1000, t.socPermille! + (h.id === 'supplier' ? -n : n))) });
    }
  }, 2000);
  timer?.unref();

  return {
    url: `http://127.0.0.1:${actual}`,
    emit,
    dropStreams() {
      for (const s of streams) s.destroy();
      streams.clear();
    },
    async close() {
      if (timer) clearInterval(timer);
      await api.close();
    },
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const s = await startFixtureServer(Number(process.argv[2] ?? 8090));
  console.log(`fixture dashboard on ${s.url} (admin token "fixture-admin")`);
}

/**
 * The hub's HTTP API (/work/briefs/api.md, README "Hub API"): routes on
 * hub/api/http.ts, answers built from the ledger, the hub's index and the
 * live telemetry. Money in milli-units, energy in mWh, times in epoch ms.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import { fail } from '../../shared/errors';
import type { HttpApi } from '../api/http';
import type { Block, Envelope, Member } from '../ledger/types';
import type { Hub } from './hub';
import { dayOf } from './telemetry';
import type { ContractView } from './types';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.map': 'application/json; charset=utf-8',
  '.woff2': 'font/woff2',
};

function intParam(q: URLSearchParams, name: string, min: number, max: number): number | undefined {
  const v = q.get(name);
  if (v === null) return undefined;
  const n = Number(v);
  if (!/^-?\d+$/.test(v) || !Number.isSafeInteger(n) || n < min || n > max) fail('E_HUB_QUERY', `${name} must be an integer in [${min}, ${max}]`);
  return n;
}

/** Summary line of one ledger tx for the block explorer. */
export function txSummary(tx: Envelope): string {
  const b = tx.body as Record<string, unknown>;
  switch (tx.kind) {
    case 'admission':
      return `admit ${String(b.household)} (meter ${String(b.meter)})`;
    case 'offer':
    case 'request':
      return `${tx.kind} ${String(b.id)} by ${String(b.node)}: ${String(b.energyMWh)} mWh at ${String(b.priceUnitsPerKWh)} units/kWh`;
    case 'cancel':
      return `cancel ${String(b.orderId)} by ${String(b.node)}`;
    case 'contract':
      return `contract ${String(b.id)}: ${String(b.seller)} → ${String(b.buyer)}, ${String(b.energyMWh)} mWh at ${String(b.priceUnitsPerKWh)}`;
    case 'settlement':
      return `settle ${String(b.contractId)}: ${String(b.paidMilliUnits)} milli-units ${String(b.payer)} → ${String(b.payee)}${b.disputed ? ' (disputed)' : ''}`;
    case 'meter-report':
      return `meter ${String(b.meter)} #${String(b.seq)}`;
    case 'fault':
      return `fault ${String(b.code)} at ${String(b.node)}`;
    case 'rule-change':
      return 'rule change';
    case 'endowment':
      return `endow ${String(b.household)} ${String(b.amountMilliUnits)}`;
    case 'transfer':
      return `transfer ${String(b.amountMilliUnits)} ${String(b.from)} → ${String(b.to)}`;
    default:
      return tx.kind;
  }
}

/** Register every /api route and the dashboard's files. */
export function registerRoutes(api: HttpApi, hub: Hub, webDir: string | undefined): void {
  api.get('/api/status', () => hub.status());
  api.get('/api/households', () => hub.households());
  api.get('/api/households/:id', (req) => {
    const h = hub.household(req.params.id!);
    if (!h) fail('E_LEDGER_UNKNOWN', `no household ${req.params.id}`);
    return h;
  });
  api.get('/api/book', () => hub.book());
  api.get('/api/contracts', (req) => {
    const state = req.query.get('state') ?? 'all';
    if (state !== 'open' && state !== 'settled' && state !== 'all') fail('E_HUB_QUERY', 'state must be open, settled or all');
    return hub.contractViews(state);
  });
  api.get('/api/ledger/blocks', async (req) => {
    const from = intParam(req.query, 'from', 1, Number.MAX_SAFE_INTEGER);
    const limit = intParam(req.query, 'limit', 1, 500) ?? 20;
    return hub.blocks(from, limit);
  });
  api.get('/api/ledger/balances', () => hub.balances());
  api.get('/api/ledger/audit', () => hub.audit());
  api.post('/api/ledger/audit', () => hub.audit());
  api.get('/api/energy', (req) => {
    const day = req.query.get('day') ?? dayOf(hub.nowMs());
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(Date.parse(`${day}T00:00:00Z`))) fail('E_HUB_QUERY', 'day must be YYYY-MM-DD');
    return hub.energy(day);
  });
  api.get('/api/faults', () => hub.faults());
  api.post('/api/members', (req) => hub.addMember(req.body as never));
  api.get('/api/rules', () => hub.rules());
  api.put('/api/rules', (req) => hub.changeRules(req.body));
  api.get('/api/events', (_req, res) => {
    hub.attachEvents(res);
    return undefined;
  });

  // A prebuilt dashboard folder (tests write one with writeDashboard):
  // index.html at "/", its files under /assets/*. Without one, the hub
  // mounts the in-memory build instead (see Hub.startHttp).
  if (webDir === undefined) return;
  const file = (rel: string): string | null => {
    const root = normalize(webDir + sep);
    const p = normalize(join(webDir, rel));
    if (!p.startsWith(root)) return null;
    return existsSync(p) && statSync(p).isFile() ? p : null;
  };
  const serve = (path: string | null, res: import('node:http').ServerResponse) => {
    if (!path) fail('E_API_NOT_FOUND', 'no such file');
    const body = readFileSync(path);
    res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream', 'content-length': body.length, 'cache-control': 'no-cache' });
    res.end(body);
    return undefined;
  };
  api.get('/', (_req, res) => serve(file('index.html') ?? file('dist/index.html'), res));
  api.get('/assets/*', (req, res) => serve(file(join('assets', req.params['*'] ?? '')) ?? file(join('dist', 'assets', req.params['*'] ?? '')), res));
}

/** One block row of GET /api/ledger/blocks. */
export interface BlockRow {
  height: number;
  hash: string;
  prev: string;
  timeMs: number;
  txCount: number;
  stateHash: string;
  sigValid: boolean;
  txs?: Array<{ kind: string; signer: string; hash: string; sigValid: boolean; summary: string }>;
}

/** The public key a tx's signature must verify under (as far as the current state tells). */
export function txSigner(tx: Envelope, hubKey: string, member: (h: string) => Member | undefined): string {
  const b = tx.body as Record<string, unknown>;
  if (tx.kind === 'contract' || tx.kind === 'settlement') return hubKey;
  if (typeof b.by === 'string') return b.by;
  if (tx.kind === 'meter-report') return member(String(b.node))?.meterKey ?? '';
  if (typeof b.node === 'string') return member(b.node)?.nodeKey ?? '';
  return '';
}

export type { Block, ContractView };

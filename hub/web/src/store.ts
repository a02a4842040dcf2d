/// <reference lib="dom" />
/**
 * The dashboard's one copy of the village: snapshots from the API, kept
 * current by the hub's Server-Sent Events. Views subscribe to topics and are
 * told at most once per animation frame, however many events arrived.
 */
import { api } from './api';
import type { Balance, Block, Book, Contract, Fault, Household, Settlement, Status, Telemetry } from './types';

export type Topic = 'status' | 'households' | 'book' | 'contracts' | 'blocks' | 'balances' | 'faults' | 'connection';
export type ConnectionState = 'connecting' | 'live' | 'reconnecting';

type Listener = (changed: Set<Topic>) => void;

export class Store {
  status: Status | null = null;
  /** Hub clock minus this browser's clock (the hub is the village's clock). */
  skewMs = 0;
  households = new Map<string, Household>();
  book: Book = { offers: [], requests: [] };
  contracts = new Map<string, Contract>();
  /** Newest first; the first page plus what arrived live and what "older" loaded. */
  blocks: Block[] = [];
  balances: Balance[] = [];
  faults: Fault[] = [];
  connection: ConnectionState = 'connecting';
  loaded = false;
  lastError: string | null = null;

  private readonly listeners = new Set<{ topics: Set<Topic>; fn: Listener }>();
  private pending = new Set<Topic>();
  private scheduled = false;
  private readonly debounced = new Map<string, number>();

  /** The hub's time now. */
  now(): number {
    return Date.now() + this.skewMs;
  }

  /** Subscribe to topics; returns the unsubscribe function. */
  on(topics: Topic[], fn: Listener): () => void {
    const entry = { topics: new Set(topics), fn };
    this.listeners.add(entry);
    return () => this.listeners.delete(entry);
  }

  changed(...topics: Topic[]): void {
    for (const t of topics) this.pending.add(t);
    if (this.scheduled) return;
    this.scheduled = true;
    const flush = () => {
      this.scheduled = false;
      const changed = this.pending;
      this.pending = new Set();
      for (const l of [...this.listeners]) {
        for (const t of changed) {
          if (l.topics.has(t)) {
            l.fn(changed);
            break;
          }
        }
      }
    };
    // rAF pauses in a hidden tab (nothing to paint); a timer still delivers there, slower.
    if (document.visibilityState === 'visible') requestAnimationFrame(flush);
    else setTimeout(flush, 250);
  }

  setConnection(state: ConnectionState): void {
    if (this.connection === state) return;
    this.connection = state;
    this.changed('connection');
  }

  /** Fetch every snapshot (start, and after each reconnect: events may have been missed). */
  async load(): Promise<void> {
    const [status, households, book, contracts, faults] = await Promise.all([
      api.status(), api.households(), api.book(), api.contracts('all'), api.faults(),
    ]);
    this.setStatus(status);
    this.setHouseholds(households);
    this.book = book;
    this.contracts = new Map(contracts.map((c) => [c.id, c]));
    this.faults = faults;
    this.loaded = true;
    this.lastError = null;
    this.changed('status', 'households', 'book', 'contracts', 'faults');
  }

  async loadLedger(): Promise<void> {
    const [blocks, balances] = await Promise.all([api.blocks(undefined, 20), api.balances()]);
    this.blocks = mergeBlocks([], blocks);
    this.balances = balances;
    this.changed('blocks', 'balances');
  }

  async loadOlderBlocks(limit = 20): Promise<number> {
    const lowest = this.blocks.length ? this.blocks[this.blocks.length - 1]!.height : undefined;
    // the hub's first block is height 1 (the API refuses from < 1)
    if (lowest === undefined || lowest <= 1) return 0;
    const from = Math.max(1, lowest - limit);
    const got = await api.blocks(from, Math.min(limit, lowest - from));
    const before = this.blocks.length;
    this.blocks = mergeBlocks(this.blocks, got);
    this.changed('blocks');
    return this.blocks.length - before;
  }

  private setStatus(s: Status): void {
    this.status = s;
    this.skewMs = s.nowMs - Date.now();
  }

  private setHouseholds(list: Household[]): void {
    this.households = new Map(list.map((h) => [h.id, h]));
  }

  /** Run `fn` once, `ms` after the last call with this key (coalesces bursts of events). */
  private later(key: string, ms: number, fn: () => Promise<void>): void {
    const old = this.debounced.get(key);
    if (old !== undefined) clearTimeout(old);
    this.debounced.set(key, window.setTimeout(() => {
      this.debounced.delete(key);
      fn().catch((e: Error) => {
        this.lastError = e.message;
      });
    }, ms));
  }

  /** Re-read the contracts soon (coalesced): after a block (meter reports change the energy delivered) or when a window opens or closes. */
  refreshContracts(): void {
    this.later('contracts', 300, async () => {
      this.contracts = new Map((await api.contracts('all')).map((x) => [x.id, x]));
      this.changed('contracts');
    });
  }

  /** True when some contract is not settled yet. */
  hasOpenContracts(): boolean {
    for (const c of this.contracts.values()) if (!c.settlement && c.state !== 'settled' && c.state !== 'disputed') return true;
    return false;
  }

  private refreshHouseholds(): void {
    this.later('households', 400, async () => {
      const [list, faults] = await Promise.all([api.households(), api.faults()]);
      this.setHouseholds(list);
      this.faults = faults;
      this.changed('households', 'faults');
    });
  }

  /** Apply one Server-Sent Event (briefs/api.md: the same shapes as the routes). */
  apply(event: string, data: unknown): void {
    const d = data as Record<string, unknown>;
    switch (event) {
      case 'telemetry': {
        const node = String(d.node);
        const h = this.households.get(node);
        if (!h) return this.refreshHouseholds();
        const t = d as unknown as Telemetry & { node: string };
        h.telemetry = t;
        if (t.mode) h.mode = t.mode;
        h.lastSeenMs = Math.max(h.lastSeenMs, t.atMs);
        if (!h.online) {
          h.online = true;
          h.offlineSinceMs = null;
        }
        this.changed('households');
        return;
      }
      case 'presence': {
        const node = String(d.node);
        if (node === 'hub') return;
        const h = this.households.get(node);
        if (!h) return this.refreshHouseholds();
        const online = d.online === true;
        const atMs = typeof d.atMs === 'number' ? d.atMs : typeof d.lastSeenMs === 'number' ? d.lastSeenMs : this.now();
        h.online = online;
        h.offlineSinceMs = online ? null : typeof d.offlineSinceMs === 'number' ? d.offlineSinceMs : atMs;
        if (typeof d.lastSeenMs === 'number') h.lastSeenMs = Math.max(h.lastSeenMs, d.lastSeenMs);
        else if (online) h.lastSeenMs = Math.max(h.lastSeenMs, atMs);
        this.changed('households');
        return;
      }
      case 'fault': {
        const f = d as unknown as Fault;
        // The same fault raised again (same node and code) replaces its row.
        const other = (x: Fault) => !(x.node === f.node && x.code === f.code);
        this.faults = [f, ...this.faults.filter(other)];
        const h = f.node ? this.households.get(f.node) : undefined;
        if (h) h.faults = [f, ...h.faults.filter(other)];
        this.changed('faults', 'households');
        this.refreshHouseholds();
        return;
      }
      case 'book':
        this.book = { offers: (d.offers as Book['offers']) ?? [], requests: (d.requests as Book['requests']) ?? [] };
        this.changed('book');
        return;
      case 'contract': {
        const c = d as unknown as Contract;
        const old = this.contracts.get(c.id);
        // a late "running" row must not undo a settlement that already arrived
        if (old?.settlement && !c.settlement) {
          c.settlement = old.settlement;
          c.state = old.state;
        }
        this.contracts.set(c.id, c);
        this.changed('contracts');
        return;
      }
      case 'settlement': {
        const { contractId, ...s } = d as unknown as { contractId: string } & Settlement;
        const c = this.contracts.get(contractId);
        if (c) {
          c.settlement = s;
          c.state = s.disputed ? 'disputed' : 'settled';
          c.deliveredMWh = s.deliveredMWh;
          c.consumedMWh = s.consumedMWh;
          this.changed('contracts');
        }
        this.refreshContracts();
        return;
      }
      case 'block': {
        const b = d as unknown as Block;
        this.blocks = mergeBlocks(this.blocks, [b]);
        if (this.status) this.status.height = Math.max(this.status.height, b.height);
        this.changed('blocks', 'status');
        // a block may carry meter reports: the energy delivered so far changed
        if (this.hasOpenContracts()) this.refreshContracts();
        this.later('balances', 400, async () => {
          const [balances, households] = await Promise.all([api.balances(), api.households()]);
          this.balances = balances;
          this.setHouseholds(households);
          this.changed('balances', 'households');
        });
        return;
      }
      case 'status':
        this.setStatus(d as unknown as Status);
        this.changed('status');
        return;
      default:
        return;
    }
  }
}

/** Union by height, newest first; a row with txs wins over one without. */
export function mergeBlocks(have: Block[], more: Block[]): Block[] {
  const byHeight = new Map<number, Block>();
  for (const b of have) byHeight.set(b.height, b);
  for (const b of more) {
    const old = byHeight.get(b.height);
    byHeight.set(b.height, old?.txs && !b.txs ? { ...b, txs: old.txs } : b);
  }
  return [...byHeight.values()].sort((a, b) => b.height - a.height);
}

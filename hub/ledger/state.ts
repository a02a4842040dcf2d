/**
 * The ledger's state as key → JSON entries, the same entries the store
 * persists under its state prefix. Transactions write into a block overlay
 * with a per-transaction journal, so a rejected transaction leaves no trace
 * and a block's changes come out as one sorted diff that is hashed into the
 * header and written in the same atomic batch as the block.
 *
 * Keys (one module owns them):
 *   rules                 current Rules
 *   meta                  { contractSeq } highest contract seq recorded
 *   acct/<household>      Account
 *   mem/<household>       Member
 *   meter/<meter>         { household, lastSeq }
 *   nodekey/<pub>, meterkey/<pub>   household bound to a key (keys are unique)
 *   nseq/<node>           last offer/request/cancel seq of a node
 *   sseq/<pub>            last seq of an admin/hub/member-signed ledger tx
 *   ord/<orderId>         open Order
 *   con/<contractId>      ContractRecord
 *   rpt/<meter>/<seq:15>  hash of the stored meter report (the idempotency index)
 *
 * The report index grows with every report, so it is "cold": entries live in
 * the store and are brought into memory only when a batch needs them
 * (see {@link State.isCold}); everything else stays in memory.
 */
import type { Json } from './types';

export const COLD_PREFIX = 'rpt/';
const INDEXED_PREFIX = 'ord/';

/** A state change: the new value, or null for a deletion. */
export type DiffEntry = [key: string, value: Json | null];

export const keys = {
  rules: 'rules',
  meta: 'meta',
  acct: (household: string) => `acct/${household}`,
  member: (household: string) => `mem/${household}`,
  meter: (meter: string) => `meter/${meter}`,
  nodeKey: (pub: string) => `nodekey/${pub}`,
  meterKey: (pub: string) => `meterkey/${pub}`,
  nodeSeq: (node: string) => `nseq/${node}`,
  signerSeq: (pub: string) => `sseq/${pub}`,
  order: (id: string) => `ord/${id}`,
  contract: (id: string) => `con/${id}`,
  report: (meter: string, seq: number) => `${COLD_PREFIX}${meter}/${String(seq).padStart(15, '0')}`,
};

/** State with a block overlay and a transaction journal. */
export class State {
  /** Committed entries (cold entries only while a batch has them prefetched). */
  private readonly base = new Map<string, Json>();
  /** Keys of open orders in `base`, for expiry without a full scan. */
  private readonly orderKeys = new Set<string>();
  /** Cold keys brought into `base` for the current block. */
  private readonly prefetched = new Set<string>();
  private overlay = new Map<string, Json | null>();
  private journal: Array<[string, Json | null | undefined]> | null = null;
  private readonly keepCold: boolean;

  /** `keepCold`: keep the report index in memory too (replay and audit, which have no store). */
  constructor(options: { keepCold?: boolean } = {}) {
    this.keepCold = options.keepCold ?? false;
  }

  /** True for keys kept in the store, not in memory. */
  static isCold(key: string): boolean {
    return key.startsWith(COLD_PREFIX);
  }

  /** Load committed entries (as read from a store). */
  load(entries: Iterable<[string, Json]>): void {
    for (const [k, v] of entries) this.setBase(k, v);
  }

  /** Make a cold entry visible for the current block (value from the store, or absent). */
  prefetch(key: string, value: Json | undefined): void {
    this.prefetched.add(key);
    if (value === undefined) this.base.delete(key);
    else this.base.set(key, value);
  }

  get(key: string): Json | undefined {
    const o = this.overlay.get(key);
    if (o !== undefined) return o === null ? undefined : o;
    return this.base.get(key);
  }

  put(key: string, value: Json): void {
    this.record(key);
    this.overlay.set(key, value);
  }

  del(key: string): void {
    this.record(key);
    this.overlay.set(key, null);
  }

  private record(key: string): void {
    if (this.journal) this.journal.push([key, this.overlay.get(key)]);
  }

  /** Start a transaction: later changes can be undone with {@link rollbackTx}. */
  beginTx(): void {
    this.journal = [];
  }

  commitTx(): void {
    this.journal = null;
  }

  rollbackTx(): void {
    const j = this.journal ?? [];
    for (let i = j.length - 1; i >= 0; i--) {
      const [k, prev] = j[i]!;
      if (prev === undefined) this.overlay.delete(k);
      else this.overlay.set(k, prev);
    }
    this.journal = null;
  }

  /** The block's changes, sorted by key, entries that end where they began dropped. */
  diff(): DiffEntry[] {
    const out: DiffEntry[] = [];
    for (const [k, v] of this.overlay) {
      if (v === null && !this.base.has(k)) continue;
      out.push([k, v]);
    }
    out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    return out;
  }

  /** Fold the overlay into the committed entries; cold entries leave memory. */
  commitBlock(): void {
    for (const [k, v] of this.overlay) {
      if (v === null) this.deleteBase(k);
      else if (this.keepCold || !State.isCold(k)) this.setBase(k, v);
    }
    this.dropCold();
    this.overlay = new Map();
    this.journal = null;
  }

  /** Forget the overlay (the block was not written). */
  discardBlock(): void {
    this.dropCold();
    this.overlay = new Map();
    this.journal = null;
  }

  /** Keys of committed open orders (stable copy: safe to delete while iterating). */
  committedOrderKeys(): string[] {
    return [...this.orderKeys];
  }

  /** Every committed in-memory entry (cold ones only with keepCold), sorted by key. */
  entries(): Array<[string, Json]> {
    return [...this.base.entries()].filter(([k]) => this.keepCold || !State.isCold(k)).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }

  private setBase(k: string, v: Json): void {
    this.base.set(k, v);
    if (k.startsWith(INDEXED_PREFIX)) this.orderKeys.add(k);
  }

  private deleteBase(k: string): void {
    this.base.delete(k);
    this.orderKeys.delete(k);
  }

  private dropCold(): void {
    for (const k of this.prefetched) this.base.delete(k);
    this.prefetched.clear();
  }
}

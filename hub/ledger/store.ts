/**
 * Where a ledger keeps its genesis, blocks, head and state. Two backends
 * implement it — `MemoryStore` and `LevelStore` (LevelDB on disk) — and one
 * conformance suite (test/node/ledger/store-conformance.ts) runs on both.
 *
 * The one write operation is `write(commit)`: a block, the state entries it
 * changes and the new head land together or not at all (one LevelDB batch),
 * so a crash can never leave a block without its state or state without its
 * block.
 */
import type { ChainHead } from './chain';
import type { DiffEntry } from './state';
import type { Block, Envelope, GenesisBody, Json } from './types';

/** One atomic write. */
export interface Commit {
  /** Only in the first commit of a ledger. */
  genesis?: Envelope<GenesisBody>;
  block?: Block;
  head: ChainHead;
  /** State changes: a value puts, null deletes. */
  state: readonly DiffEntry[];
}

export interface LedgerStore {
  open(): Promise<void>;
  close(): Promise<void>;
  readGenesis(): Promise<Envelope<GenesisBody> | undefined>;
  readHead(): Promise<ChainHead | undefined>;
  readBlock(height: number): Promise<Block | undefined>;
  /** Blocks in height order, from `fromHeight` (default 1) to the last stored. */
  blocks(fromHeight?: number): AsyncIterable<Block>;
  /** State entries by key (undefined when absent), in the order asked. */
  readStates(keys: readonly string[]): Promise<Array<Json | undefined>>;
  /**
   * Every state entry in key order. `cold: false` skips the meter-report
   * index (`rpt/…`), which only audits and rebuilds need in full.
   */
  stateEntries(options?: { cold?: boolean }): AsyncIterable<[string, Json]>;
  /** Write a commit atomically; resolves once it is durable (as the backend defines it). */
  write(commit: Commit): Promise<void>;
}

/** Store key of a block: fixed-width height so key order is height order. */
export function blockKey(height: number): string {
  return `b/${String(height).padStart(15, '0')}`;
}

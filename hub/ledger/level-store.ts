/**
 * {@link LedgerStore} on LevelDB (`level` → classic-level). Keys are UTF-8
 * strings, values JSON text:
 *   g                   genesis envelope
 *   h                   head { height, hash, timeMs, stateHash }
 *   b/<height:15>       block
 *   s/<state key>       state entry (see state.ts for the keys)
 * Every commit is one `db.batch()`. With `sync: true` (the default) the batch
 * is fsynced before `write` resolves, so an acknowledged block survives a
 * power cut, not only a killed process.
 */
import { Level } from 'level';
import { fail } from '../../shared/errors';
import { COLD_PREFIX } from './state';
import { blockKey, type Commit, type LedgerStore } from './store';
import type { ChainHead } from './chain';
import type { Block, Envelope, GenesisBody, Json } from './types';

export interface LevelStoreOptions {
  /** fsync every commit (default true). */
  sync?: boolean;
  /** Create the database when missing (default true; audits open with false). */
  createIfMissing?: boolean;
}

export class LevelStore implements LedgerStore {
  private readonly db: Level<string, string>;
  private readonly sync: boolean;
  private readonly createIfMissing: boolean;

  constructor(location: string, options: LevelStoreOptions = {}) {
    this.db = new Level<string, string>(location, { keyEncoding: 'utf8', valueEncoding: 'utf8' });
    this.sync = options.sync ?? true;
    this.createIfMissing = options.createIfMissing ?? true;
  }

  get location(): string {
    return this.db.location;
  }

  async open(): Promise<void> {
    try {
      await this.db.open({ createIfMissing: this.createIfMissing });
    } catch (err) {
      const cause = (err as { cause?: { message?: string } }).cause?.message ?? (err as Error).message;
      fail('E_LEDGER_STORE', `cannot open the ledger at ${this.db.location}: ${cause}`);
    }
  }

  async close(): Promise<void> {
    await this.db.close();
  }

  private async getJson<T>(key: string): Promise<T | undefined> {
    const v = await this.db.get(key);
    return v === undefined ? undefined : (JSON.parse(v) as T);
  }

  readGenesis(): Promise<Envelope<GenesisBody> | undefined> {
    return this.getJson('g');
  }

  readHead(): Promise<ChainHead | undefined> {
    return this.getJson('h');
  }

  readBlock(height: number): Promise<Block | undefined> {
    return this.getJson(blockKey(height));
  }

  async *blocks(fromHeight = 1): AsyncIterable<Block> {
    for await (const v of this.db.values({ gte: blockKey(fromHeight), lt: 'b0' })) yield JSON.parse(v) as Block;
  }

  async readStates(keys: readonly string[]): Promise<Array<Json | undefined>> {
    if (keys.length === 0) return [];
    const vs = await this.db.getMany(keys.map((k) => 's/' + k));
    return vs.map((v) => (v === undefined ? undefined : (JSON.parse(v) as Json)));
  }

  async *stateEntries(options: { cold?: boolean } = {}): AsyncIterable<[string, Json]> {
    // '0' is the character after '/', so [p, p.slice(0,-1)+'0') is "starts with p".
    const ranges: Array<[string, string]> = options.cold
      ? [['s/', 's0']]
      : [['s/', 's/' + COLD_PREFIX], ['s/' + COLD_PREFIX.slice(0, -1) + '0', 's0']];
    for (const [gte, lt] of ranges) {
      for await (const [k, v] of this.db.iterator({ gte, lt })) yield [k.slice(2), JSON.parse(v) as Json];
    }
  }

  async write(commit: Commit): Promise<void> {
    const ops: Array<{ type: 'put'; key: string; value: string } | { type: 'del'; key: string }> = [];
    if (commit.genesis) ops.push({ type: 'put', key: 'g', value: JSON.stringify(commit.genesis) });
    if (commit.block) ops.push({ type: 'put', key: blockKey(commit.block.header.height), value: JSON.stringify(commit.block) });
    ops.push({ type: 'put', key: 'h', value: JSON.stringify(commit.head) });
    for (const [k, v] of commit.state) ops.push(v === null ? { type: 'del', key: 's/' + k } : { type: 'put', key: 's/' + k, value: JSON.stringify(v) });
    await this.db.batch(ops, { sync: this.sync });
  }

  /** Test hook: the underlying database (to tamper with it in tests). */
  get level(): Level<string, string> {
    return this.db;
  }
}

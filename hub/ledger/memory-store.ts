/**
 * In-memory {@link LedgerStore}: for tests, replays and the testbed. Values
 * are kept as JSON text, so what is read back is a copy, as from disk.
 */
import { fail } from '../../shared/errors';
import { COLD_PREFIX } from './state';
import { blockKey, type Commit, type LedgerStore } from './store';
import type { ChainHead } from './chain';
import type { Block, Envelope, GenesisBody, Json } from './types';

export class MemoryStore implements LedgerStore {
  private readonly data = new Map<string, string>();
  private isOpen = false;

  async open(): Promise<void> {
    this.isOpen = true;
  }

  async close(): Promise<void> {
    this.isOpen = false;
  }

  private get<T>(key: string): T | undefined {
    this.assertOpen();
    const v = this.data.get(key);
    return v === undefined ? undefined : (JSON.parse(v) as T);
  }

  private assertOpen(): void {
    if (!this.isOpen) fail('E_LEDGER_STATE', 'store is not open');
  }

  async readGenesis(): Promise<Envelope<GenesisBody> | undefined> {
    return this.get('g');
  }

  async readHead(): Promise<ChainHead | undefined> {
    return this.get('h');
  }

  async readBlock(height: number): Promise<Block | undefined> {
    return this.get(blockKey(height));
  }

  async *blocks(fromHeight = 1): AsyncIterable<Block> {
    for (let h = fromHeight; ; h++) {
      const b = this.get<Block>(blockKey(h));
      if (!b) {
        // Heights may have gaps only if someone removed a block: keep going
        // over the keys that exist, in order, so an audit sees the gap.
        const rest = [...this.data.keys()].filter((k) => k.startsWith('b/') && k > blockKey(h)).sort();
        for (const k of rest) yield this.get<Block>(k)!;
        return;
      }
      yield b;
    }
  }

  async readStates(keys: readonly string[]): Promise<Array<Json | undefined>> {
    return keys.map((k) => this.get<Json>('s/' + k));
  }

  async *stateEntries(options: { cold?: boolean } = {}): AsyncIterable<[string, Json]> {
    this.assertOpen();
    const ks = [...this.data.keys()].filter((k) => k.startsWith('s/') && (options.cold || !k.startsWith('s/' + COLD_PREFIX))).sort();
    for (const k of ks) yield [k.slice(2), JSON.parse(this.data.get(k)!) as Json];
  }

  async write(commit: Commit): Promise<void> {
    this.assertOpen();
    // Build every value first, then apply: all or nothing.
    const puts: Array<[string, string | null]> = [];
    if (commit.genesis) puts.push(['g', JSON.stringify(commit.genesis)]);
    if (commit.block) puts.push([blockKey(commit.block.header.height), JSON.stringify(commit.block)]);
    puts.push(['h', JSON.stringify(commit.head)]);
    for (const [k, v] of commit.state) puts.push(['s/' + k, v === null ? null : JSON.stringify(v)]);
    for (const [k, v] of puts) {
      if (v === null) this.data.delete(k);
      else this.data.set(k, v);
    }
  }

  /** Test hook: raw access to a stored value (JSON text), e.g. to tamper with it. */
  raw(key: string, value?: string | null): string | undefined {
    if (value === null) this.data.delete(key);
    else if (value !== undefined) this.data.set(key, value);
    return this.data.get(key);
  }
}

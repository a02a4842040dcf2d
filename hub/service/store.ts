/**
 * The hub's own small database (LevelDB in `<data>/hub`), beside the ledger.
 * It keeps what the ledger does not record, and an index derived from the
 * ledger's blocks:
 *
 *   rg/<replay key>          highest seq accepted (contract-ack, fault)
 *   ack/<contractId>         { seller, buyer } contract-acks received
 *   trade/<contractId>       the market trade behind a contract (order ids, power, circuit)
 *   idx/height               ledger height the index below has absorbed
 *   con/<contractId>         contract envelope + settlement (derived from blocks)
 *   part/<contractId>/<s|b>  latest meter figure for the contract, seller/buyer side (derived)
 *   fault/<node>/<code>      last fault of that code (derived)
 *   ord/<orderId>            ledger position and power bound of an order (derived)
 *
 * Derived entries are rebuilt from the blocks after `idx/height` on start, so
 * a crash between a ledger commit and the index write loses nothing.
 *
 * The hub writes it without fsync: a killed process loses nothing (LevelDB
 * has handed every write to the OS); a power cut may lose the last writes,
 * which costs at most a re-sent contract (acks), a replayed fault or ack
 * accepted again (replay windows), or a contract whose fill is re-derived
 * from the ledger (trade records, see market.ts). The ledger, fsynced, stays
 * the authority for everything money depends on.
 */
import { Level } from 'level';
import { fail } from '../../shared/errors';

export type StoreOp = { type: 'put'; key: string; value: unknown } | { type: 'del'; key: string };

export class HubStore {
  private readonly db: Level<string, string>;
  private readonly sync: boolean;

  constructor(location: string, options: { sync?: boolean } = {}) {
    this.db = new Level<string, string>(location, { keyEncoding: 'utf8', valueEncoding: 'utf8' });
    this.sync = options.sync ?? true;
  }

  async open(): Promise<void> {
    try {
      await this.db.open({ createIfMissing: true });
    } catch (err) {
      const cause = (err as { cause?: { message?: string } }).cause?.message ?? (err as Error).message;
      fail('E_HUB_DATA', `cannot open the hub store at ${this.db.location}: ${cause}`);
    }
  }

  close(): Promise<void> {
    return this.db.close();
  }

  async get<T>(key: string): Promise<T | undefined> {
    const v = await this.db.get(key);
    return v === undefined ? undefined : (JSON.parse(v) as T);
  }

  /** One atomic, fsynced batch. */
  async batch(ops: readonly StoreOp[]): Promise<void> {
    if (ops.length === 0) return;
    await this.db.batch(
      ops.map((o) => (o.type === 'put' ? { type: 'put' as const, key: o.key, value: JSON.stringify(o.value) } : o)),
      { sync: this.sync },
    );
  }

  /** Entries whose key starts with `prefix`, in key order. */
  async *entries<T>(prefix: string): AsyncIterable<[string, T]> {
    for await (const [k, v] of this.db.iterator({ gte: prefix, lt: prefix + '\uffff' })) yield [k, JSON.parse(v) as T];
  }
}

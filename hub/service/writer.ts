/**
 * Group commits for the ledger. Every message that must be recorded (orders,
 * cancels, meter reports, faults, contracts, settlements, admissions) is
 * queued here; while one `Ledger.append` (one fsynced LevelDB batch) is in
 * flight, new envelopes gather and go into the next block together. Under
 * load this turns a thousand fsyncs into a handful, without delaying a lone
 * message at all.
 *
 * After a block is written `onBlock` runs (the hub's index absorbs it) before
 * any submitter hears its outcome, so whoever reacts to "applied" sees the
 * index already up to date.
 */
import type { Ledger } from '../ledger';
import type { Block, TxOutcome } from '../ledger/types';

interface Pending {
  env: unknown;
  /** Resolves when what must be durable before this envelope is written (e.g. a contract's trade record). */
  after?: Promise<unknown>;
  resolve: (o: TxOutcome) => void;
  reject: (e: unknown) => void;
}

export class LedgerWriter {
  private queue: Pending[] = [];
  private running = false;
  private idle: Array<() => void> = [];

  constructor(
    private readonly ledger: Ledger,
    private readonly onBlock: (block: Block) => Promise<void>,
    private readonly maxBatch = 2_000,
  ) {}

  /**
   * Record one envelope; resolves with its outcome once its block is durable
   * (or it was refused). Envelopes are appended in submission order; `after`
   * holds the batch back until it resolves (without reordering anything).
   */
  submit(env: unknown, after?: Promise<unknown>): Promise<TxOutcome> {
    return new Promise((resolve, reject) => {
      this.queue.push({ env, after, resolve, reject });
      if (!this.running && !this.holding) void this.drain();
    });
  }

  /** Record several envelopes in order (they land in the same block when the queue is empty). */
  submitAll(envs: readonly unknown[], after?: Promise<unknown>): Promise<TxOutcome[]> {
    return Promise.all(envs.map((e) => this.submit(e, after)));
  }

  /** Resolves when nothing is queued or being written. */
  settled(): Promise<void> {
    if (!this.running && this.queue.length === 0) return Promise.resolve();
    return new Promise((r) => this.idle.push(r));
  }

  /**
   * Run `f` while no append is in flight or starts (e.g. an audit reading
   * the store); envelopes submitted meanwhile wait for the next block.
   */
  async exclusive<T>(f: () => Promise<T>): Promise<T> {
    while (this.running || this.holding) await (this.holding ?? this.settled());
    let release!: () => void;
    this.holding = new Promise<void>((r) => (release = r));
    try {
      return await f();
    } finally {
      this.holding = null;
      release();
      if (this.queue.length > 0 && !this.running) void this.drain();
    }
  }

  private holding: Promise<void> | null = null;

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.length > 0) {
        // Let messages that arrived in this same turn join the batch.
        await new Promise<void>((r) => setImmediate(r));
        const batch = this.queue.splice(0, this.maxBatch);
        try {
          for (const p of batch) if (p.after) await p.after;
          const r = await this.ledger.append(batch.map((p) => p.env));
          if (r.block) await this.onBlock(r.block);
          batch.forEach((p, i) => p.resolve(r.outcomes[i]!));
        } catch (err) {
          for (const p of batch) p.reject(err);
        }
      }
    } finally {
      this.running = false;
      const waiters = this.idle;
      this.idle = [];
      for (const w of waiters) w();
    }
  }
}

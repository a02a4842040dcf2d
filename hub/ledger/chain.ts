/**
 * The ledger's pure core: genesis + blocks → state, with no I/O and no
 * clock. The live ledger builds blocks with it (begin → applyTx… → seal →
 * [store writes] → commit); audit and rebuild replay blocks with it
 * (`replayBlock`), so both paths run the very same rules.
 */
import { SwarmError, fail } from '../../shared/errors';
import { record } from './check';
import { genesisHash, headerHash, nextStateHash, txHash, txRoot } from './block';
import { checkGenesis, type VerifyFn } from './genesis';
import { handlers, type TxContext } from './handlers';
import { State, keys, type DiffEntry } from './state';
import type { Block, BlockHeader, Envelope, GenesisBody, Json } from './types';

/** Where the chain stands after the last committed block (height 0 = genesis only). */
export interface ChainHead {
  height: number;
  /** Hash of the last header (of the genesis envelope at height 0). */
  hash: string;
  timeMs: number;
  stateHash: string;
}

/** A sealed but not yet committed block, with the state changes it makes. */
export interface SealedBlock {
  block: Block;
  hash: string;
  diff: DiffEntry[];
}

/** A violation found while replaying: a stable code, the block height and the tx index (−1: the header). */
export class AuditError extends SwarmError {
  readonly height: number;
  readonly txIndex: number;
  readonly reason: string;
  constructor(code: string, height: number, txIndex: number, reason: string) {
    super(code, `block ${height}${txIndex >= 0 ? `, tx ${txIndex}` : ''}: ${reason}`);
    this.name = 'AuditError';
    this.height = height;
    this.txIndex = txIndex;
    this.reason = reason;
  }
}

/** State entries implied by genesis alone. */
export function genesisEntries(genesis: GenesisBody): Array<[string, Json]> {
  return [
    [keys.rules, genesis.rules as unknown as Json],
    [keys.meta, { contractSeq: 0 }],
  ];
}

// Ledger rejection codes → audit codes (anything else is E_AUDIT_TX).
const AUDIT_CODE: Record<string, string> = {
  E_LEDGER_SIG: 'E_AUDIT_SIG',
  E_LEDGER_SIGNER: 'E_AUDIT_SIGNER',
  E_LEDGER_CREDIT: 'E_AUDIT_BALANCE',
  E_LEDGER_AMOUNT: 'E_AUDIT_BALANCE',
};

export class Chain {
  readonly genesis: Envelope<GenesisBody>;
  readonly state: State;
  head: ChainHead;
  private readonly verify: VerifyFn;
  private building: { height: number; timeMs: number } | null = null;

  /**
   * A chain at genesis. The genesis envelope is checked (shape and signature).
   * `keepCold`: keep the meter-report index in memory (replay without a store).
   */
  constructor(genesis: unknown, verify: VerifyFn, options: { keepCold?: boolean } = {}) {
    this.verify = verify;
    this.state = new State(options);
    this.genesis = checkGenesis(genesis, verify);
    const hash = genesisHash(this.genesis);
    this.head = { height: 0, hash, timeMs: this.genesis.body.timeMs, stateHash: hash };
    this.state.load(genesisEntries(this.genesis.body));
  }

  /** Resume at a stored head with stored state (skips replay; audit checks it). */
  resume(head: ChainHead, entries: Iterable<[string, Json]>): void {
    this.state.load(entries);
    this.head = head;
  }

  /** Open the next block at `timeMs` (never before the previous block); expired orders close. */
  beginBlock(timeMs: number): void {
    if (!Number.isSafeInteger(timeMs) || timeMs < this.head.timeMs) fail('E_LEDGER_TIME', `block time ${timeMs} is before the previous block's ${this.head.timeMs}`);
    this.building = { height: this.head.height + 1, timeMs };
    for (const k of this.state.committedOrderKeys()) {
      const o = this.state.get(k) as { toMs: number } | undefined;
      if (o && o.toMs < timeMs) this.state.del(k);
    }
  }

  /**
   * Apply one envelope to the open block: shape, signer's permission,
   * signature, then the kind's rules. Throws a SwarmError (and leaves the
   * state untouched) when it is refused.
   */
  applyTx(env: unknown, hash?: string): { status: 'applied' | 'duplicate'; hash: string } {
    const b = this.building;
    if (!b) return fail('E_LEDGER_STATE', 'no open block');
    const e = record(env, 'envelope');
    if (e.v !== 1) fail('E_LEDGER_FORMAT', 'envelope v must be 1');
    const kind = typeof e.kind === 'string' ? e.kind : '';
    const handler = Object.hasOwn(handlers, kind) ? handlers[kind] : undefined;
    if (!handler) return fail('E_LEDGER_FORMAT', `kind ${JSON.stringify(e.kind)} is not recorded on the ledger`);
    const body = record(e.body, `${kind} body`);
    const ctx: TxContext = {
      state: this.state,
      genesis: this.genesis.body,
      height: b.height,
      timeMs: b.timeMs,
      hash: hash ?? txHash(env as Envelope),
    };
    this.state.beginTx();
    try {
      handler.check(body, ctx);
      const signer = handler.signer(body, ctx);
      const sig = e.sig;
      if (typeof sig !== 'string' || !this.verify(kind, body, sig, signer)) fail('E_LEDGER_SIG', `signature of ${kind} does not verify under its signer's key`);
      const status = handler.apply(body, ctx);
      this.state.commitTx();
      return { status, hash: ctx.hash };
    } catch (err) {
      this.state.rollbackTx();
      throw err;
    }
  }

  /** Seal the open block over `txs` (their hashes in order); `signHeader` signs under domain "block". */
  seal(txs: Envelope[], hashes: string[], signHeader: (header: BlockHeader) => string): SealedBlock {
    const b = this.building;
    if (!b) return fail('E_LEDGER_STATE', 'no open block');
    const diff = this.state.diff();
    const header: BlockHeader = {
      height: b.height,
      prev: this.head.hash,
      timeMs: b.timeMs,
      txCount: txs.length,
      txRoot: txRoot(hashes),
      stateHash: nextStateHash(this.head.stateHash, diff),
    };
    return { block: { header, sig: signHeader(header), txs }, hash: headerHash(header), diff };
  }

  /** The sealed block is durable: make its state the committed state. */
  commit(sealed: SealedBlock): void {
    this.state.commitBlock();
    const h = sealed.block.header;
    this.head = { height: h.height, hash: sealed.hash, timeMs: h.timeMs, stateHash: h.stateHash };
    this.building = null;
  }

  /** Drop the open block (nothing was written). */
  abort(): void {
    this.state.discardBlock();
    this.building = null;
  }

  /**
   * Check a block against the chain (link, time, hub signature, tx root,
   * every tx, state hash) and apply it. Throws {@link AuditError} on the
   * first violation; the caller then discards this chain.
   */
  replayBlock(value: unknown): SealedBlock {
    const expected = this.head.height + 1;
    let block: Block;
    try {
      block = checkBlockShape(value);
    } catch (err) {
      throw new AuditError('E_AUDIT_FORMAT', expected, -1, err instanceof Error ? err.message : String(err));
    }
    const h = block.header;
    if (h.height !== expected) throw new AuditError('E_AUDIT_LINK', expected, -1, `found height ${h.height} where ${expected} should follow ${this.head.height} (a block is missing or out of order)`);
    if (h.prev !== this.head.hash) throw new AuditError('E_AUDIT_LINK', h.height, -1, `prev ${h.prev.slice(0, 16)}… is not the hash ${this.head.hash.slice(0, 16)}… of block ${this.head.height}`);
    if (h.timeMs < this.head.timeMs) throw new AuditError('E_AUDIT_TIME', h.height, -1, `time ${h.timeMs} is before the previous block's ${this.head.timeMs}`);
    if (!this.verify('block', h, block.sig, this.genesis.body.hubKey)) throw new AuditError('E_AUDIT_SIG', h.height, -1, 'the hub signature over the block header does not verify');
    if (h.txCount !== block.txs.length) throw new AuditError('E_AUDIT_ROOT', h.height, -1, `header says ${h.txCount} txs, block holds ${block.txs.length}`);
    // Transactions first, the root after: a changed tx is then reported at
    // its own index (its signature fails) rather than as a root mismatch.
    const hashes = block.txs.map((t) => txHash(t));
    this.beginBlock(h.timeMs);
    try {
      for (let i = 0; i < block.txs.length; i++) {
        let r: { status: string };
        try {
          r = this.applyTx(block.txs[i], hashes[i]);
        } catch (err) {
          const code = err instanceof SwarmError ? err.code : 'E_LEDGER_FORMAT';
          const msg = err instanceof Error ? err.message : String(err);
          throw new AuditError(AUDIT_CODE[code] ?? 'E_AUDIT_TX', h.height, i, `${describe(block.txs[i])} refused: ${msg}`);
        }
        if (r.status !== 'applied') throw new AuditError('E_AUDIT_TX', h.height, i, `${describe(block.txs[i])} is a duplicate and must not be recorded`);
      }
      if (txRoot(hashes) !== h.txRoot) throw new AuditError('E_AUDIT_ROOT', h.height, -1, 'txRoot does not match the transactions (a tx was changed, added or removed)');
      const sealed = this.seal(block.txs, hashes, () => block.sig);
      if (sealed.block.header.stateHash !== h.stateHash) throw new AuditError('E_AUDIT_STATE', h.height, -1, 'stateHash does not match the state changes the transactions make');
      this.commit(sealed);
      return sealed;
    } catch (err) {
      this.abort();
      throw err;
    }
  }
}

function describe(tx: unknown): string {
  const kind = tx && typeof tx === 'object' ? (tx as { kind?: unknown }).kind : undefined;
  return typeof kind === 'string' ? kind : 'transaction';
}

function checkBlockShape(value: unknown): Block {
  const b = record(value, 'block');
  const h = record(b.header, 'header');
  for (const f of ['height', 'timeMs', 'txCount']) {
    if (typeof h[f] !== 'number' || !Number.isSafeInteger(h[f])) fail('E_LEDGER_FORMAT', `header.${f} must be an integer`);
  }
  for (const f of ['prev', 'txRoot', 'stateHash']) {
    if (typeof h[f] !== 'string' || !/^[0-9a-f]{64}$/.test(h[f] as string)) fail('E_LEDGER_FORMAT', `header.${f} must be 64 hex`);
  }
  if (Object.keys(h).length !== 6) fail('E_LEDGER_FORMAT', 'header has unknown fields');
  if (typeof b.sig !== 'string') fail('E_LEDGER_FORMAT', 'block has no signature');
  if (!Array.isArray(b.txs)) fail('E_LEDGER_FORMAT', 'block.txs must be a list');
  return b as unknown as Block;
}

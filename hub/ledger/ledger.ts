/**
 * The hub's ledger: takes signed envelopes, checks each against the rules
 * (signer allowed for the kind, signature, seq, balances, …), seals the
 * accepted ones into a hub-signed block and writes the block and the state
 * it changes in one atomic batch. `append` resolves only after that batch
 * is written, so an acknowledged transaction is never lost.
 *
 * Policy injected: the store, the clock, the hub's signing key (or a
 * block signer) and the signature verifier come from the caller (STYLE 3).
 */
import { SwarmError, fail } from '../../shared/errors';
import { publicKeyOf, sign, verify } from '../../shared/sign';
import { OpenSslVerifier } from '../crypto/verify';
import { AuditError, Chain, genesisEntries, type ChainHead } from './chain';
import { txHash } from './block';
import { canonicalText } from '../../shared/canonical';
import { keys, type DiffEntry } from './state';
import type { LedgerStore } from './store';
import type { HubSigner } from '../service/signer';
import type { Account, Block, BlockHeader, ContractRecord, Envelope, GenesisBody, Json, Member, Order, Rules, TxOutcome } from './types';

/**
 * What seals blocks: HubSigner's shape (hub/service/signer.ts), so the hub
 * passes its OpenSSL signer. `sign` must return the compact, low-S signature
 * that shared/sign.verify accepts (RFC 6979 determinism is not needed: the
 * signature is stored in the block and block hashes cover the stored bytes).
 */
export type BlockSigner = Pick<HubSigner, 'sign'>;

export interface LedgerOptions {
  store: LedgerStore;
  /** Block time source (ms since the epoch). */
  clock: () => number;
  /** The hub's secret key (hex); must match genesis.hubKey. This or `signer` is required to append. */
  hubSecretKey?: string;
  /**
   * Signs block headers (domain "block") for genesis.hubKey, e.g. the hub's
   * OpenSSL HubSigner (~0.35 ms against ~2 ms). Default: shared/sign with
   * `hubSecretKey` (pure JS). Checked once at open with shared/sign.verify.
   */
  signer?: BlockSigner;
  /** Signature verifier (default: a new OpenSslVerifier). */
  verifier?: OpenSslVerifier;
  /**
   * Check a batch's signatures on libuv's thread pool before applying it
   * (uses every core of the router; default false = one core).
   */
  parallelVerify?: boolean;
}

/** What one `append` did: the block written (if any tx was applied) and one outcome per envelope. */
export interface AppendResult {
  block?: Block;
  outcomes: TxOutcome[];
}

export class Ledger {
  private readonly store: LedgerStore;
  private readonly clock: () => number;
  /** Signs a block header; undefined: the ledger is read-only. */
  private readonly signHeader: ((header: BlockHeader) => string) | undefined;
  private readonly verifier: OpenSslVerifier;
  private readonly parallelVerify: boolean;
  private readonly chain: Chain;
  /** Bodies whose signature the parallel pre-pass already verified: body → "domain|sig|key". */
  private prechecked = new WeakMap<object, string>();
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(options: LedgerOptions, chain: Chain, verifier: OpenSslVerifier) {
    this.store = options.store;
    this.clock = options.clock;
    this.verifier = verifier;
    this.parallelVerify = options.parallelVerify ?? false;
    this.chain = chain;
    const hubKey = chain.genesis.body.hubKey;
    const sk = options.hubSecretKey;
    if (sk !== undefined && publicKeyOf(sk) !== hubKey) {
      fail('E_LEDGER_GENESIS', "the hub secret key does not match genesis.hubKey");
    }
    const signer = options.signer;
    if (signer) {
      // The signer carries no public key: one probe signature, checked the
      // way audit checks blocks (strict, low-S), catches a signer for another
      // key before it seals blocks nobody can verify. Its own domain, so no
      // "block" signature over anything but a header ever exists.
      const probe = { village: chain.genesis.body.village, hubKey };
      if (!verify('block-signer-check', probe, signer.sign('block-signer-check', probe), hubKey)) {
        fail('E_LEDGER_GENESIS', 'the block signer does not sign for genesis.hubKey');
      }
      this.signHeader = (header) => signer.sign('block', header);
    } else if (sk !== undefined) {
      this.signHeader = (header) => sign('block', header, sk);
    }
  }

  private static makeChain(genesis: unknown, verifier: OpenSslVerifier, holder: { ledger?: Ledger }): Chain {
    return new Chain(genesis, (d, body, sig, pub) => {
      const l = holder.ledger;
      if (l && body !== null && typeof body === 'object' && l.prechecked.get(body) === `${d}|${sig}|${pub}`) return true;
      return verifier.verify(d, body, sig, pub);
    });
  }

  /**
   * Open the ledger in `options.store`, writing `genesis` first when the
   * store is empty. A store holding another genesis is refused (E_LEDGER_GENESIS).
   */
  static async open(options: LedgerOptions, genesis?: Envelope<GenesisBody>): Promise<Ledger> {
    const verifier = options.verifier ?? new OpenSslVerifier();
    const store = options.store;
    await store.open();
    try {
      const stored = await store.readGenesis();
      const holder: { ledger?: Ledger } = {};
      if (!stored) {
        if (!genesis) fail('E_LEDGER_GENESIS', 'the store holds no ledger and no genesis was given');
        const chain = Ledger.makeChain(genesis, verifier, holder);
        await store.write({ genesis: chain.genesis, head: chain.head, state: genesisEntries(chain.genesis.body) });
        return (holder.ledger = new Ledger(options, chain, verifier));
      }
      if (genesis && canonicalText(genesis) !== canonicalText(stored)) fail('E_LEDGER_GENESIS', 'the store holds a ledger with another genesis');
      const chain = Ledger.makeChain(stored, verifier, holder);
      const head = await store.readHead();
      if (!head) fail('E_LEDGER_STORE', 'the store has a genesis but no head');
      const entries: Array<[string, Json]> = [];
      for await (const e of store.stateEntries()) entries.push(e);
      chain.resume(head, entries);
      return (holder.ledger = new Ledger(options, chain, verifier));
    } catch (err) {
      await store.close();
      throw err;
    }
  }

  get genesis(): Envelope<GenesisBody> {
    return this.chain.genesis;
  }

  get head(): ChainHead {
    return { ...this.chain.head };
  }

  /**
   * Check `envelopes` in order, seal the accepted ones into one block and
   * write it atomically with its state changes. Refused envelopes get a
   * `rejected` outcome with a stable code; a meter report already stored
   * gets `duplicate` (a no-op). Calls are serialized.
   */
  append(envelopes: readonly unknown[]): Promise<AppendResult> {
    const run = this.queue.then(() => this.appendNow(envelopes));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async appendNow(input: readonly unknown[]): Promise<AppendResult> {
    if (this.closed) fail('E_LEDGER_STATE', 'ledger is closed');
    const signHeader = this.signHeader;
    if (signHeader === undefined) fail('E_LEDGER_STATE', 'ledger opened without the hub key is read-only');
    // Our own copy: the caller cannot change a transaction after it was checked.
    const envs = input.map((e) => {
      try {
        return structuredClone(e);
      } catch {
        return undefined;
      }
    });
    await this.prefetchReports(envs);
    if (this.parallelVerify) await this.precheck(envs);
    const chain = this.chain;
    chain.beginBlock(Math.max(this.clock(), chain.head.timeMs));
    const outcomes: TxOutcome[] = [];
    const txs: Envelope[] = [];
    const hashes: string[] = [];
    const height = chain.head.height + 1;
    for (const env of envs) {
      try {
        const hash = txHash(env as Envelope);
        const r = chain.applyTx(env, hash);
        if (r.status === 'duplicate') outcomes.push({ status: 'duplicate', hash });
        else {
          outcomes.push({ status: 'applied', height, index: txs.length, hash });
          txs.push(env as Envelope);
          hashes.push(hash);
        }
      } catch (err) {
        if (!(err instanceof SwarmError)) {
          chain.abort();
          throw err;
        }
        outcomes.push({ status: 'rejected', code: err.code, message: err.message });
      }
    }
    this.prechecked = new WeakMap();
    if (txs.length === 0) {
      chain.abort();
      return { outcomes };
    }
    const sealed = chain.seal(txs, hashes, signHeader);
    const nextHead: ChainHead = { height, hash: sealed.hash, timeMs: sealed.block.header.timeMs, stateHash: sealed.block.header.stateHash };
    try {
      await this.store.write({ block: sealed.block, head: nextHead, state: sealed.diff });
    } catch (err) {
      chain.abort();
      throw err;
    }
    chain.commit(sealed);
    return { block: sealed.block, outcomes };
  }

  /** Bring the report-index entries a batch may hit into memory (seq ≤ the meter's last seq). */
  private async prefetchReports(envs: readonly unknown[]): Promise<void> {
    const want: string[] = [];
    for (const env of envs) {
      const e = env as { kind?: unknown; body?: { meter?: unknown; seq?: unknown } } | undefined;
      if (!e || e.kind !== 'meter-report' || !e.body) continue;
      const { meter, seq } = e.body;
      if (typeof meter !== 'string' || typeof seq !== 'number' || !Number.isSafeInteger(seq)) continue;
      const m = this.chain.state.get(keys.meter(meter)) as { lastSeq: number } | undefined;
      if (m && seq <= m.lastSeq) want.push(keys.report(meter, seq));
    }
    const values = await this.store.readStates(want);
    want.forEach((k, i) => this.chain.state.prefetch(k, values[i]));
  }

  /**
   * Verify signatures on the thread pool under the key the committed state
   * names as signer. Only successes are remembered; anything else (a signer
   * that changes inside the batch, a failure) is checked again in order.
   */
  private async precheck(envs: readonly unknown[]): Promise<void> {
    const jobs: Array<Promise<void>> = [];
    for (const env of envs) {
      const e = env as { kind?: unknown; body?: unknown; sig?: unknown } | undefined;
      if (!e || typeof e.kind !== 'string' || typeof e.sig !== 'string' || !e.body || typeof e.body !== 'object') continue;
      const pub = this.signerHint(e.kind, e.body as Record<string, unknown>);
      if (!pub) continue;
      const body = e.body;
      const tag = `${e.kind}|${e.sig}|${pub}`;
      jobs.push(
        this.verifier.verifyAsync(e.kind, body, e.sig, pub).then(
          (ok) => {
            if (ok) this.prechecked.set(body, tag);
          },
          () => undefined,
        ),
      );
    }
    await Promise.all(jobs);
  }

  private signerHint(kind: string, body: Record<string, unknown>): string | undefined {
    const s = this.chain.state;
    if (kind === 'contract' || kind === 'settlement') return this.genesis.body.hubKey;
    if (typeof body.by === 'string') return body.by;
    if (kind === 'meter-report' && typeof body.node === 'string') return (s.get(keys.member(body.node)) as unknown as Member | undefined)?.meterKey;
    if (typeof body.node === 'string') return (s.get(keys.member(body.node)) as unknown as Member | undefined)?.nodeKey;
    return undefined;
  }

  // ---- reads of the committed state ---------------------------------------

  /** A member's account (committed state). */
  account(household: string): Account | undefined {
    return this.chain.state.get(keys.acct(household)) as unknown as Account | undefined;
  }

  member(household: string): Member | undefined {
    return this.chain.state.get(keys.member(household)) as unknown as Member | undefined;
  }

  order(id: string): Order | undefined {
    return this.chain.state.get(keys.order(id)) as unknown as Order | undefined;
  }

  contract(id: string): ContractRecord | undefined {
    return this.chain.state.get(keys.contract(id)) as unknown as ContractRecord | undefined;
  }

  rules(): Rules {
    return this.chain.state.get(keys.rules) as unknown as Rules;
  }

  /** Every member's account, by household. */
  accounts(): Map<string, Account> {
    const out = new Map<string, Account>();
    for (const [k, v] of this.chain.state.entries()) if (k.startsWith('acct/')) out.set(k.slice(5), v as unknown as Account);
    return out;
  }

  /** The committed in-memory state entries (without the report index), sorted by key. */
  stateEntries(): Array<[string, Json]> {
    return this.chain.state.entries();
  }

  /**
   * Replay every stored block from genesis into a fresh state and compare
   * it with the stored state (every entry, report index included). Returns
   * the keys that differ (empty when the stored state is exactly the replay).
   * Throws AuditError if a block does not replay.
   */
  async rebuild(): Promise<{ height: number; differences: string[] }> {
    return this.serialized(async () => {
      const replay = new Chain(this.genesis, (d, b, s, p) => this.verifier.verify(d, b, s, p), { keepCold: true });
      for await (const block of this.store.blocks()) replay.replayBlock(block);
      const stored: Array<[string, Json]> = [];
      for await (const e of this.store.stateEntries({ cold: true })) stored.push(e);
      return { height: replay.head.height, differences: diffEntries(stored, replay.state.entries()) };
    });
  }

  private serialized<T>(f: () => Promise<T>): Promise<T> {
    const run = this.queue.then(f);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Wait for pending appends, then close the store. */
  async close(): Promise<void> {
    await this.serialized(async () => {
      if (this.closed) return;
      this.closed = true;
      await this.store.close();
    });
  }
}

/** Keys whose values differ between two sorted entry lists (missing on either side included). */
export function diffEntries(a: ReadonlyArray<[string, Json]>, b: ReadonlyArray<[string, Json]>): string[] {
  const out: string[] = [];
  const mb = new Map(b.map(([k, v]) => [k, canonicalText(v)]));
  const seen = new Set<string>();
  for (const [k, v] of a) {
    seen.add(k);
    if (mb.get(k) !== canonicalText(v)) out.push(k);
  }
  for (const [k] of b) if (!seen.has(k)) out.push(k);
  return out.sort();
}

export { AuditError };
export type { DiffEntry };

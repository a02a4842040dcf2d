/**
 * Offline audit: anyone holding a copy of the ledger (the data directory or
 * an export) replays it from genesis and checks every hash link, every
 * signature, every signer's permission and every rule, and — for a data
 * directory — that the stored state (every balance included) is exactly
 * what the replay computes. The first violation throws an AuditError with
 * a stable code, the block height and the tx index.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { canonicalText } from '../../shared/canonical';
import { SwarmError } from '../../shared/errors';
import { OpenSslVerifier } from '../crypto/verify';
import { AuditError, Chain } from './chain';
import type { LedgerStore } from './store';
import type { Account, Json } from './types';

/** What a passing audit saw. */
export interface AuditReport {
  height: number;
  headHash: string;
  txs: number;
  txsByKind: Record<string, number>;
  members: number;
  /** Sum of every balance (equals every endowment ever granted: nothing else mints). */
  totalMilliUnits: number;
}

function startChain(genesis: unknown, verifier: OpenSslVerifier): Chain {
  if (genesis === undefined) throw new AuditError('E_AUDIT_GENESIS', 0, -1, 'no genesis');
  try {
    return new Chain(genesis, (d, b, s, p) => verifier.verify(d, b, s, p), { keepCold: true });
  } catch (err) {
    throw new AuditError('E_AUDIT_GENESIS', 0, -1, err instanceof Error ? err.message : String(err));
  }
}

/** Replay `blocks` on top of `genesis`; throws AuditError on the first violation. */
export async function auditChain(genesis: unknown, blocks: AsyncIterable<unknown> | Iterable<unknown>, verifier = new OpenSslVerifier()): Promise<{ chain: Chain; report: AuditReport }> {
  const chain = startChain(genesis, verifier);
  const txsByKind: Record<string, number> = {};
  let txs = 0;
  for await (const block of blocks) {
    const sealed = chain.replayBlock(block);
    for (const tx of sealed.block.txs) {
      txs++;
      txsByKind[tx.kind] = (txsByKind[tx.kind] ?? 0) + 1;
    }
  }
  let members = 0;
  let total = 0;
  for (const [k, v] of chain.state.entries()) {
    if (k.startsWith('mem/')) members++;
    if (k.startsWith('acct/')) total += (v as unknown as Account).balanceMilliUnits;
  }
  return { chain, report: { height: chain.head.height, headHash: chain.head.hash, txs, txsByKind, members, totalMilliUnits: total } };
}

/**
 * Audit a store: replay its blocks, then check that its head and its state
 * (balances, members, orders, contracts, seqs, the report index) equal the
 * replay's.
 */
export async function auditStore(store: LedgerStore, verifier = new OpenSslVerifier()): Promise<AuditReport> {
  const { chain, report } = await auditChain(await store.readGenesis(), store.blocks(), verifier);
  const head = await store.readHead();
  const h = chain.head.height;
  if (!head || head.height !== h || head.hash !== chain.head.hash || head.stateHash !== chain.head.stateHash) {
    throw new AuditError('E_AUDIT_LINK', h, -1, `the store's head (${head ? `block ${head.height}, ${head.hash.slice(0, 16)}…` : 'none'}) is not the chain's last block (${h}, ${chain.head.hash.slice(0, 16)}…): blocks are missing`);
  }
  const replay = new Map(chain.state.entries().map(([k, v]) => [k, v]));
  const seen = new Set<string>();
  for await (const [k, v] of store.stateEntries({ cold: true })) {
    seen.add(k);
    checkEntry(h, k, v, replay.get(k));
  }
  for (const [k, v] of replay) if (!seen.has(k)) checkEntry(h, k, undefined, v);
  return report;
}

function checkEntry(height: number, key: string, stored: Json | undefined, replayed: Json | undefined): void {
  const a = stored === undefined ? undefined : canonicalText(stored);
  const b = replayed === undefined ? undefined : canonicalText(replayed);
  if (a === b) return;
  if (key.startsWith('acct/')) {
    const bal = (x: Json | undefined) => (x === undefined ? 'no account' : `${(x as unknown as Account).balanceMilliUnits} milli-units (reserved ${(x as unknown as Account).reservedMilliUnits})`);
    throw new AuditError('E_AUDIT_BALANCE', height, -1, `stored balance of ${key.slice(5)} is ${bal(stored)}, recomputed from genesis ${bal(replayed)}`);
  }
  throw new AuditError('E_AUDIT_STATE', height, -1, `stored state ${key} is ${a ?? 'absent'}, the replay gives ${b ?? 'absent'}`);
}

/** Write genesis then one block per line (JSON lines) to `file`. */
export async function exportLedger(store: LedgerStore, file: string): Promise<{ blocks: number }> {
  const genesis = await store.readGenesis();
  if (!genesis) throw new AuditError('E_AUDIT_GENESIS', 0, -1, 'the store holds no ledger');
  const out = createWriteStream(file);
  const put = async (line: string) => {
    if (!out.write(line + '\n')) await once(out, 'drain');
  };
  let blocks = 0;
  try {
    await put(JSON.stringify(genesis));
    for await (const b of store.blocks()) {
      await put(JSON.stringify(b));
      blocks++;
    }
  } finally {
    out.end();
    await once(out, 'close');
  }
  return { blocks };
}

/** Lines of an export as genesis + blocks; a line that is not JSON is E_AUDIT_FORMAT. */
export async function auditExport(file: string, verifier = new OpenSslVerifier()): Promise<AuditReport> {
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity })[Symbol.asyncIterator]();
  let lineNo = 0;
  const next = async (): Promise<unknown | undefined> => {
    for (;;) {
      const r = await lines.next();
      if (r.done) return undefined;
      lineNo++;
      if (r.value.trim() === '') continue;
      try {
        return JSON.parse(r.value) as unknown;
      } catch {
        throw new AuditError('E_AUDIT_FORMAT', Math.max(0, lineNo - 1), -1, `line ${lineNo} of ${file} is not JSON`);
      }
    }
  };
  let genesis: unknown;
  try {
    genesis = await next();
  } catch (err) {
    if (err instanceof SwarmError) throw new AuditError('E_AUDIT_GENESIS', 0, -1, `line 1 of ${file} is not a genesis`);
    throw err;
  }
  const blocks = {
    async *[Symbol.asyncIterator]() {
      for (;;) {
        const b = await next();
        if (b === undefined) return;
        yield b;
      }
    },
  };
  return (await auditChain(genesis, blocks, verifier)).report;
}

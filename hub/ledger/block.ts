/**
 * Hashes that chain the ledger together. Everything hashed is canonical
 * JSON (shared/canonical), so any holder of an export recomputes the same
 * bytes:
 *   tx hash      = SHA-256(canonical(envelope))
 *   txRoot       = SHA-256(tx hash 1 ‖ tx hash 2 ‖ …)   (raw 32-byte hashes)
 *   stateHash_h  = SHA-256(stateHash_{h-1} ‖ SHA-256(canonical(diff_h)))
 *   block hash   = SHA-256(canonical(header)); the hub signs the header under
 *                  domain "block".
 * stateHash_0 is the genesis hash. The state hash commits to the state as a
 * chain of per-block diffs (cheap to extend; an auditor replays from genesis
 * and recomputes every diff) rather than a hash of the whole state per block.
 */
import { createHash } from 'node:crypto';
import { canonicalText } from '../../shared/canonical';
import type { DiffEntry } from './state';
import type { BlockHeader, Envelope } from './types';

function sha256(...parts: Array<string | Buffer>): Buffer {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
}

/** SHA-256 (hex) of a transaction's canonical envelope: its id on the ledger. */
export function txHash(env: Envelope<unknown>): string {
  return sha256(canonicalText(env)).toString('hex');
}

/** txRoot of a list of tx hashes (hex). The empty list hashes the empty string. */
export function txRoot(hashes: readonly string[]): string {
  const h = createHash('sha256');
  for (const x of hashes) h.update(Buffer.from(x, 'hex'));
  return h.digest('hex');
}

/** Next state hash from the previous one and a block's diff. */
export function nextStateHash(prevStateHash: string, diff: readonly DiffEntry[]): string {
  return sha256(Buffer.from(prevStateHash, 'hex'), sha256(canonicalText(diff))).toString('hex');
}

/** Hash (hex) of a block header: the next block's `prev`. */
export function headerHash(header: BlockHeader): string {
  return sha256(canonicalText(header)).toString('hex');
}

/** Hash (hex) of the genesis envelope: block 1's `prev` and stateHash_0. */
export function genesisHash(genesis: Envelope<unknown>): string {
  return sha256(canonicalText(genesis)).toString('hex');
}

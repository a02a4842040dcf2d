/**
 * Replay protection shared by hub and nodes: per key (a signer and kind,
 * see replayKey) only a strictly increasing `seq` is accepted. Call
 * `accept` only after the signature verified, or a forger could push the
 * window forward and lock the real signer out. Persist `entries()` (the
 * hub in its ledger, a node in Preference) so a restart cannot reopen it.
 */
import { fail } from '../errors';
import { replayKey } from './signer';
import type { Message } from './kinds';

export class ReplayGuard {
  private readonly highest = new Map<string, number>();

  /** Start from persisted `[key, highest seq]` pairs. */
  constructor(entries: Iterable<readonly [string, number]> = []) {
    for (const [k, s] of entries) this.highest.set(k, s);
  }

  /** Highest seq accepted for `key`, 0 when none. */
  last(key: string): number {
    return this.highest.get(key) ?? 0;
  }

  /** Would `seq` be accepted for `key`? */
  fresh(key: string, seq: number): boolean {
    return Number.isSafeInteger(seq) && seq > this.last(key);
  }

  /** Record `seq` for `key`; E_REPLAY when it is not above the last one. */
  accept(key: string, seq: number): void {
    if (!this.fresh(key, seq)) fail('E_REPLAY', `${key}: seq ${seq} is not above ${this.last(key)}`);
    this.highest.set(key, seq);
  }

  /** Accept a verified signed message by its replayKey and body.seq; unsigned kinds pass untouched. */
  acceptMessage(msg: Message): void {
    const key = replayKey(msg);
    if (key === null) return;
    this.accept(key, (msg.body as { seq: number }).seq);
  }

  /** The window, for persistence. */
  entries(): [string, number][] {
    return Array.from(this.highest.entries());
  }
}

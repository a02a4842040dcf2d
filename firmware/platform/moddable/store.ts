/**
 * Key-value store over Moddable's `preference` module, with write
 * throttling. Each `Preference.set` on the ESP32 erases and commits an NVS
 * page, so frequent writes wear the flash: this adapter
 * - checks the Preference limits at the edge (domain and key ≤ 15 chars,
 *   values boolean | int32 | string | ArrayBuffer ≤ 4 000 B, no floats);
 * - skips a write whose value equals what is stored;
 * - defers a write to a key written less than `minIntervalMs` ago and
 *   coalesces later writes to it (the newest value wins), flushing on a
 *   timer; `get` returns the pending value, `flush()` commits everything
 *   now (call it before a deliberate restart).
 * Callers whose correctness needs a write on flash before they go on
 * (e.g. a sequence-number reservation) use `setNow`.
 */
import type { PreferenceStore, TimerHandle, Timers } from '../types';
import type { PreferenceModule } from './io';

export type PrefValue = string | boolean | number | ArrayBuffer;

export const MAX_NAME = 15;
export const MAX_VALUE_BYTES = 4000;

export interface StoreOptions {
  /** Minimum gap between two flash writes of one key (default 60 s). */
  minIntervalMs?: number;
}

function check(domain: string, key: string, value?: PrefValue): void {
  if (domain.length === 0 || domain.length > MAX_NAME) throw new Error(`store: domain "${domain}" must be 1..${MAX_NAME} chars`);
  if (key.length === 0 || key.length > MAX_NAME) throw new Error(`store: key "${key}" must be 1..${MAX_NAME} chars`);
  if (value === undefined) return;
  if (typeof value === 'number' && (!Number.isInteger(value) || value < -0x80000000 || value > 0x7fffffff))
    throw new Error(`store: ${domain}/${key}: numbers must be int32`);
  if (typeof value === 'string' && value.length > MAX_VALUE_BYTES) throw new Error(`store: ${domain}/${key}: string too long`);
  if (value instanceof ArrayBuffer && value.byteLength > MAX_VALUE_BYTES) throw new Error(`store: ${domain}/${key}: more than ${MAX_VALUE_BYTES} bytes`);
}

function same(a: PrefValue | undefined, b: PrefValue): boolean {
  if (a instanceof ArrayBuffer && b instanceof ArrayBuffer) {
    if (a.byteLength !== b.byteLength) return false;
    const x = new Uint8Array(a);
    const y = new Uint8Array(b);
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
    return true;
  }
  return a === b;
}

interface Pending {
  domain: string;
  key: string;
  value: PrefValue;
}

/** A throttled Preference store; implements the meter's `PreferenceStore`. */
export class ThrottledPreference implements PreferenceStore {
  readonly #pref: PreferenceModule;
  readonly #timers: Timers;
  readonly #nowMs: () => number;
  readonly #minIntervalMs: number;
  readonly #lastWriteMs = new Map<string, number>();
  readonly #pending = new Map<string, Pending>();
  #timer: TimerHandle | undefined;
  /** Flash writes done (for wear figures). */
  writes = 0;

  constructor(pref: PreferenceModule, timers: Timers, nowMs: () => number, options: StoreOptions = {}) {
    this.#pref = pref;
    this.#timers = timers;
    this.#nowMs = nowMs;
    this.#minIntervalMs = options.minIntervalMs ?? 60_000;
  }

  get(domain: string, key: string): PrefValue | undefined {
    check(domain, key);
    const p = this.#pending.get(`${domain}/${key}`);
    return p ? p.value : this.#pref.get(domain, key);
  }

  set(domain: string, key: string, value: PrefValue): void {
    check(domain, key, value);
    const id = `${domain}/${key}`;
    const last = this.#lastWriteMs.get(id);
    if (last !== undefined && this.#nowMs() - last < this.#minIntervalMs) {
      this.#pending.set(id, { domain, key, value });
      this.#timer ??= this.#timers.set(() => {
        this.#timer = undefined;
        this.#flushDue();
      }, this.#minIntervalMs - (this.#nowMs() - last));
      return;
    }
    this.#write(id, domain, key, value);
  }

  /** Write now, whatever the throttle says. */
  setNow(domain: string, key: string, value: PrefValue): void {
    check(domain, key, value);
    this.#write(`${domain}/${key}`, domain, key, value);
  }

  delete(domain: string, key: string): void {
    check(domain, key);
    this.#pending.delete(`${domain}/${key}`);
    this.#pref.delete(domain, key);
  }

  keys(domain: string): string[] {
    const keys = this.#pref.keys(domain);
    for (const p of this.#pending.values()) if (p.domain === domain && !keys.includes(p.key)) keys.push(p.key);
    return keys;
  }

  /** Commit every pending write now. */
  flush(): void {
    this.#timers.clear(this.#timer);
    this.#timer = undefined;
    for (const [id, p] of [...this.#pending]) this.#write(id, p.domain, p.key, p.value);
  }

  #flushDue(): void {
    const now = this.#nowMs();
    let nextMs = Infinity;
    for (const [id, p] of [...this.#pending]) {
      const wait = this.#minIntervalMs - (now - (this.#lastWriteMs.get(id) ?? -Infinity));
      if (wait <= 0) this.#write(id, p.domain, p.key, p.value);
      else nextMs = Math.min(nextMs, wait);
    }
    if (nextMs !== Infinity) {
      this.#timer = this.#timers.set(() => {
        this.#timer = undefined;
        this.#flushDue();
      }, nextMs);
    }
  }

  #write(id: string, domain: string, key: string, value: PrefValue): void {
    this.#pending.delete(id);
    this.#lastWriteMs.set(id, this.#nowMs());
    if (same(this.#pref.get(domain, key), value)) return;
    this.#pref.set(domain, key, value);
    this.writes++;
  }
}

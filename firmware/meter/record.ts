/**
 * Binary records for the Preference store: a little writer/reader over a
 * DataView (big-endian), 64-bit counters split into two uint32 (Preference
 * has no floats and int32 only), and a CRC-32 trailer.
 *
 * Record layout: magic u8 | version u8 | payload … | crc32 u32 over all
 * preceding bytes. A record whose length, magic, version or CRC is wrong is
 * treated as absent (a torn write must never be mistaken for data).
 */
import { fail } from '../../shared/errors';

/** The injected store, shaped like Moddable's `preference` module (so it can be passed as is). */
export interface PreferenceStore {
  get(domain: string, key: string): string | boolean | number | ArrayBuffer | undefined;
  set(domain: string, key: string, value: string | boolean | number | ArrayBuffer): void;
  delete(domain: string, key: string): void;
  keys(domain: string): string[];
}

/** Largest value the ESP32 Preference module stores. */
export const MAX_RECORD_BYTES = 4000;

/** CRC-32 (IEEE 802.3, reflected, poly EDB88320h), bitwise: no table at module level. */
export function crc32(bytes: Uint8Array, end = bytes.length): number {
  let c = 0xffffffff;
  for (let i = 0; i < end; i++) {
    c ^= bytes[i]!;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

const TWO32 = 0x1_0000_0000;
const OFFSET = 0x10_0000_0000_0000; // 2^52

export class RecordWriter {
  readonly bytes: Uint8Array;
  readonly #view: DataView;
  #o = 0;

  constructor(capacity: number) {
    this.bytes = new Uint8Array(capacity);
    this.#view = new DataView(this.bytes.buffer);
  }

  u8(v: number): this {
    this.#view.setUint8(this.#o, v);
    this.#o += 1;
    return this;
  }

  u32(v: number): this {
    this.#view.setUint32(this.#o, v >>> 0);
    this.#o += 4;
    return this;
  }

  /** A non-negative safe integer as hi/lo uint32. */
  u64(v: number): this {
    if (!Number.isSafeInteger(v) || v < 0) fail('E_METER_STORE', `${v} is not a non-negative safe integer`);
    const hi = Math.floor(v / TWO32);
    return this.u32(hi).u32(v - hi * TWO32);
  }

  /** An integer with |v| < 2^52 (may be negative, e.g. a time) as offset-binary 64-bit. */
  i64(v: number): this {
    if (!Number.isSafeInteger(v) || Math.abs(v) >= OFFSET) fail('E_METER_STORE', `${v} is outside ±2^52`);
    return this.u64(v + OFFSET);
  }

  /** Length-prefixed (u32) bytes. */
  blob(b: Uint8Array): this {
    this.u32(b.length);
    this.bytes.set(b, this.#o);
    this.#o += b.length;
    return this;
  }

  /** Append the CRC of everything so far and return the exact-length ArrayBuffer. */
  finish(): ArrayBuffer {
    this.u32(crc32(this.bytes, this.#o));
    if (this.#o > MAX_RECORD_BYTES) fail('E_METER_STORE', `record of ${this.#o} bytes exceeds ${MAX_RECORD_BYTES}`);
    const out = new ArrayBuffer(this.#o);
    new Uint8Array(out).set(this.bytes.subarray(0, this.#o));
    return out;
  }
}

export class RecordReader {
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  #o = 0;

  /** Throws E_METER_STORE unless the trailer CRC matches. */
  constructor(buffer: ArrayBuffer) {
    this.#bytes = new Uint8Array(buffer);
    this.#view = new DataView(buffer);
    const n = this.#bytes.length;
    if (n < 6) fail('E_METER_STORE', 'record too short');
    if (this.#view.getUint32(n - 4) !== crc32(this.#bytes, n - 4)) fail('E_METER_STORE', 'record CRC mismatch');
  }

  #need(k: number): void {
    if (this.#o + k > this.#bytes.length - 4) fail('E_METER_STORE', 'record truncated');
  }

  u8(): number {
    this.#need(1);
    return this.#view.getUint8(this.#o++);
  }

  u32(): number {
    this.#need(4);
    const v = this.#view.getUint32(this.#o);
    this.#o += 4;
    return v;
  }

  u64(): number {
    const hi = this.u32();
    const v = hi * TWO32 + this.u32();
    if (!Number.isSafeInteger(v)) fail('E_METER_STORE', 'u64 beyond 2^53');
    return v;
  }

  i64(): number {
    return this.u64() - OFFSET;
  }

  blob(): Uint8Array {
    const n = this.u32();
    this.#need(n);
    const b = this.#bytes.slice(this.#o, this.#o + n);
    this.#o += n;
    return b;
  }

  /** True when every payload byte was consumed. */
  get done(): boolean {
    return this.#o === this.#bytes.length - 4;
  }
}

/** Read an ArrayBuffer value from the store, or undefined for absent/other types. */
export function getBuffer(store: PreferenceStore, domain: string, key: string): ArrayBuffer | undefined {
  let v: unknown;
  try {
    v = store.get(domain, key);
  } catch {
    return undefined;
  }
  return v instanceof ArrayBuffer ? v : undefined;
}

/** An in-memory Preference store (tests, host runs), copying buffers like the device does. */
export class MemoryStore implements PreferenceStore {
  readonly #data = new Map<string, string | boolean | number | ArrayBuffer>();
  /** Count of set + delete calls (each is a flash erase/commit on the device). */
  writes = 0;

  get(domain: string, key: string): string | boolean | number | ArrayBuffer | undefined {
    const v = this.#data.get(domain + '\u0000' + key);
    return v instanceof ArrayBuffer ? v.slice(0) : v;
  }

  set(domain: string, key: string, value: string | boolean | number | ArrayBuffer): void {
    if (domain.length > 15 || key.length > 15) fail('E_METER_STORE', 'domain and key are at most 15 characters');
    if (value instanceof ArrayBuffer && value.byteLength > MAX_RECORD_BYTES) fail('E_METER_STORE', 'value larger than 4000 bytes');
    if (typeof value === 'number' && (value | 0) !== value) fail('E_METER_STORE', 'numbers are int32 only');
    this.writes++;
    this.#data.set(domain + '\u0000' + key, value instanceof ArrayBuffer ? value.slice(0) : value);
  }

  delete(domain: string, key: string): void {
    this.writes++;
    this.#data.delete(domain + '\u0000' + key);
  }

  keys(domain: string): string[] {
    const out: string[] = [];
    for (const k of this.#data.keys()) if (k.startsWith(domain + '\u0000')) out.push(k.slice(domain.length + 1));
    return out;
  }
}

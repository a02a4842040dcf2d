/**
 * Store-and-forward queue of signed meter reports: bounded, persisted one
 * record per report (keys `q0` … `q<capacity-1>`, CRC-protected), removed
 * when the hub acknowledges the report's seq.
 *
 * When full, the oldest non-final (periodic) report is dropped first: a later
 * periodic report carries newer lifetime counters anyway. Final reports
 * (the closing figures of a contract, which settlement needs) are kept in
 * preference: if every queued report is final, a new periodic report is not
 * queued, and a new final one displaces the oldest final one.
 */
import { fail } from '../../shared/errors';
import { utf8Decode, utf8Encode } from '../../shared/bytes';
import { getBuffer, RecordReader, RecordWriter, type PreferenceStore } from './record';

const MAGIC = 0x51; // 'Q'
const VERSION = 1;
const KEY = /^q([0-9]{1,2})$/;

export interface QueuedReport {
  seq: number;
  final: boolean;
  /** The envelope as canonical JSON text (the MQTT payload). */
  payload: string;
}

interface Entry extends QueuedReport {
  slot: number;
}

export function encodeQueued(r: QueuedReport): ArrayBuffer {
  const text = utf8Encode(r.payload);
  const w = new RecordWriter(2 + 1 + 4 + 4 + text.length + 4);
  w.u8(MAGIC).u8(VERSION).u8(r.final ? 1 : 0).u32(r.seq).blob(text);
  return w.finish();
}

export function decodeQueued(buffer: ArrayBuffer): QueuedReport {
  const rd = new RecordReader(buffer);
  if (rd.u8() !== MAGIC || rd.u8() !== VERSION) fail('E_METER_STORE', 'not a queued report');
  const final = rd.u8() === 1;
  const seq = rd.u32();
  const payload = utf8Decode(rd.blob());
  if (!rd.done) fail('E_METER_STORE', 'trailing bytes in queued report');
  return { seq, final, payload };
}

function tryDecode(buf: ArrayBuffer): QueuedReport | null {
  try {
    return decodeQueued(buf);
  } catch {
    return null;
  }
}

export class ReportQueue {
  readonly capacity: number;
  readonly #store: PreferenceStore;
  readonly #domain: string;
  #entries: Entry[] = [];
  /** Reports dropped because the queue was full (since construction). */
  dropped = 0;

  constructor(store: PreferenceStore, domain: string, capacity = 16) {
    if (!Number.isInteger(capacity) || capacity < 1 || capacity > 64) fail('E_METER_CONFIG', 'queue capacity must be 1 … 64');
    this.#store = store;
    this.#domain = domain;
    this.capacity = capacity;
  }

  /**
   * Load the persisted queue. Records that are corrupt, out of range, or
   * newer than `maxSeq` (written, but the checkpoint that would have issued
   * them did not land, so they were never published) are deleted.
   */
  restore(maxSeq: number): void {
    this.#entries = [];
    for (const key of this.#store.keys(this.#domain)) {
      const m = KEY.exec(key);
      if (!m) continue;
      const slot = Number(m[1]);
      const buf = getBuffer(this.#store, this.#domain, key);
      const r = buf ? tryDecode(buf) : null;
      if (!r || slot >= this.capacity || r.seq > maxSeq || this.has(r.seq)) {
        this.#delete(slot);
        continue;
      }
      this.#entries.push({ ...r, slot });
    }
    this.#entries.sort((a, b) => a.seq - b.seq);
    while (this.#entries.length > this.capacity) this.#remove(this.#entries[0]!);
  }

  /**
   * Queue and persist a report. Returns the seqs dropped to make room
   * (possibly the new report's own seq, see module doc). Store failures
   * throw E_METER_STORE and leave the report out of the queue.
   */
  push(r: QueuedReport): number[] {
    const dropped: number[] = [];
    if (this.#entries.length >= this.capacity) {
      const victim = this.#entries.find((e) => !e.final) ?? (r.final ? this.#entries[0] : undefined);
      if (!victim) {
        this.dropped++;
        return [r.seq];
      }
      this.#remove(victim);
      this.dropped++;
      dropped.push(victim.seq);
    }
    const used = new Set(this.#entries.map((e) => e.slot));
    let slot = 0;
    while (used.has(slot)) slot++;
    try {
      this.#store.set(this.#domain, 'q' + slot, encodeQueued(r));
    } catch (e) {
      fail('E_METER_STORE', `queue write failed: ${String(e)}`);
    }
    this.#entries.push({ seq: r.seq, final: r.final, payload: r.payload, slot });
    this.#entries.sort((a, b) => a.seq - b.seq);
    return dropped;
  }

  /** Remove the report with `seq` (the hub stored it). False if it was not queued. */
  ack(seq: number): boolean {
    const e = this.#entries.find((x) => x.seq === seq);
    if (!e) return false;
    this.#remove(e);
    return true;
  }

  /** Remove a report without an ack (e.g. its checkpoint failed, so it must not be sent). */
  discard(seq: number): void {
    this.ack(seq);
  }

  /** Queued reports, oldest first. */
  entries(): QueuedReport[] {
    return this.#entries.map((e) => ({ seq: e.seq, final: e.final, payload: e.payload }));
  }

  get size(): number {
    return this.#entries.length;
  }

  has(seq: number): boolean {
    return this.#entries.some((e) => e.seq === seq);
  }

  #remove(e: Entry): void {
    this.#entries = this.#entries.filter((x) => x !== e);
    this.#delete(e.slot);
  }

  #delete(slot: number): void {
    try {
      this.#store.delete(this.#domain, 'q' + slot);
    } catch {
      // A record that cannot be deleted is rejected again at the next restore (seq ≤ acked is harmless: the hub is idempotent).
    }
  }
}

/**
 * Meter checkpoints in an injected Preference-like store.
 *
 * Two alternating slots (`ck0`, `ck1`), each one ArrayBuffer record with a
 * generation number and a CRC-32 (record.ts). A save always goes to the slot
 * that does not hold the newest valid record, so a crash or power cut in the
 * middle of a write leaves the previous checkpoint intact; `load()` takes the
 * valid record with the highest generation.
 *
 * What a checkpoint holds: the lifetime counters at full precision (whole mWh
 * + remainder, 64-bit values split into uint32 pairs: Preference has no
 * floats), the highest report seq issued, the contract schedule (every
 * window the meter was told about and has not closed, head first; the open
 * head with the lifetime counters at its start), the ring of recently closed
 * contract ids, and the diode fault latch.
 *
 * Record versions (the version byte after the magic):
 *   1  one contract + the last closed id (firmware before the schedule);
 *      still read, as a schedule of 0–1 windows and a ring of 0–1 ids, so a
 *      meter updated in the field keeps its pending contract;
 *   2  the schedule (≤ MAX_SCHEDULE windows) and the closed ring
 *      (≤ CLOSED_RING ids). Always written. Largest record: 16 windows and 16
 *      closed ids, all ids 64 bytes: 2 545 B, under Preference's 4 000 B.
 * Layout v2 (big-endian, record.ts): magic 'M' | 2 | gen u32 | lastSeq u32 |
 * export, import (u64 mWh, u64 rem each) | faultLatched u8 | savedAtMs i64 |
 * n u8 | n × (state u8: 1 pending, 2 open | id blob | beginMs i64 | endMs i64
 * | if open: fromMs i64, startExport, startImport) | m u8 | m × id blob
 * (oldest first) | crc32.
 *
 * Loss bound: after a reboot the counters resume from the last checkpoint,
 * so the energy integrated since that checkpoint is lost (never counted
 * twice). Every report writes a checkpoint before it is published, so
 * lifetime counters in reports never go backwards across reboots.
 *
 * Wear: {@link WearPolicy} allows a background checkpoint at most once per
 * `minGapMs`, and only when `everyMs` has passed or `everyMWh` has been
 * counted since the last one.
 */
import { fail } from '../../shared/errors';
import { utf8Decode, utf8Encode } from '../../shared/bytes';
import type { EnergyCount } from './integrator';
import { UNITS_PER_MWH } from './integrator';
import { getBuffer, RecordReader, RecordWriter, type PreferenceStore } from './record';

const MAGIC = 0x4d; // 'M'
const VERSION = 2;
const VERSION_ONE_CONTRACT = 1;

/** Largest contract schedule a checkpoint holds (and a meter may be configured with). */
export const MAX_SCHEDULE = 16;
/** Contract ids remembered as closed (oldest forgotten first). */
export const CLOSED_RING = 16;
const SLOTS = ['ck0', 'ck1'] as const;

/** A contract being metered, as persisted. */
export interface ContractState {
  id: string;
  beginMs: number;
  endMs: number;
  /** False until the window has opened (counters not yet snapshotted). */
  active: boolean;
  /** When metering for this contract began (valid when active). */
  fromMs: number;
  /** Lifetime counters when metering began (valid when active). */
  startExport: EnergyCount;
  startImport: EnergyCount;
}

export interface Checkpoint {
  /** Slot generation; strictly increasing across saves. */
  gen: number;
  /** Highest report seq issued (0: none yet). */
  lastSeq: number;
  export: EnergyCount;
  import: EnergyCount;
  faultLatched: boolean;
  /** Contract windows not yet closed, head first; only the head may be active. */
  schedule: ContractState[];
  /** Ids of contracts closed with a final report, oldest first (≤ CLOSED_RING). */
  closedIds: string[];
  savedAtMs: number;
}

export interface PersistPolicy {
  /** Never more than one background checkpoint per this many ms. Default 60 000. */
  minGapMs: number;
  /** A background checkpoint is due after this long (if anything changed). Default 15 min. */
  everyMs: number;
  /** … or after this much energy (export + import) since the last one. Default 5000 mWh. */
  everyMWh: number;
}

export const DEFAULT_PERSIST: PersistPolicy = { minGapMs: 60_000, everyMs: 15 * 60_000, everyMWh: 5000 };

function writeCount(w: RecordWriter, c: EnergyCount): void {
  w.u64(c.mWh).u64(c.rem);
}

function readCount(r: RecordReader): EnergyCount {
  const mWh = r.u64();
  const rem = r.u64();
  if (rem >= UNITS_PER_MWH) fail('E_METER_STORE', 'remainder out of range');
  return { mWh, rem };
}

function readWindow(r: RecordReader, active: boolean, id: string): ContractState {
  if (id.length < 1 || id.length > 64) fail('E_METER_STORE', 'bad contract id in checkpoint');
  const beginMs = r.i64();
  const endMs = r.i64();
  if (endMs <= beginMs) fail('E_METER_STORE', 'contract window with endMs <= beginMs');
  if (!active) return { id, beginMs, endMs, active, fromMs: beginMs, startExport: { mWh: 0, rem: 0 }, startImport: { mWh: 0, rem: 0 } };
  const fromMs = r.i64();
  const startExport = readCount(r);
  const startImport = readCount(r);
  return { id, beginMs, endMs, active, fromMs, startExport, startImport };
}

/** Encode a checkpoint as one CRC-protected record (always version 2). */
export function encodeCheckpoint(cp: Checkpoint): ArrayBuffer {
  const n = cp.schedule.length;
  const m = cp.closedIds.length;
  if (n > MAX_SCHEDULE || m > CLOSED_RING) fail('E_METER_STORE', 'schedule or closed ring too long for a checkpoint');
  const ids = cp.schedule.map((c) => utf8Encode(c.id));
  const closed = cp.closedIds.map((id) => utf8Encode(id));
  let size = 2 + 4 + 4 + 32 + 1 + 8 + 1 + 1 + 4;
  for (let i = 0; i < n; i++) size += 1 + 4 + ids[i]!.length + 16 + (cp.schedule[i]!.active ? 8 + 32 : 0);
  for (const c of closed) size += 4 + c.length;
  const w = new RecordWriter(size);
  w.u8(MAGIC).u8(VERSION).u32(cp.gen).u32(cp.lastSeq);
  writeCount(w, cp.export);
  writeCount(w, cp.import);
  w.u8(cp.faultLatched ? 1 : 0).i64(cp.savedAtMs);
  w.u8(n);
  for (let i = 0; i < n; i++) {
    const c = cp.schedule[i]!;
    w.u8(c.active ? 2 : 1).blob(ids[i]!).i64(c.beginMs).i64(c.endMs);
    if (c.active) {
      w.i64(c.fromMs);
      writeCount(w, c.startExport);
      writeCount(w, c.startImport);
    }
  }
  w.u8(m);
  for (const c of closed) w.blob(c);
  return w.finish();
}

/** Decode a checkpoint record (version 1 or 2); E_METER_STORE on anything malformed. */
export function decodeCheckpoint(buffer: ArrayBuffer): Checkpoint {
  const r = new RecordReader(buffer);
  if (r.u8() !== MAGIC) fail('E_METER_STORE', 'not a meter checkpoint');
  const version = r.u8();
  if (version !== VERSION && version !== VERSION_ONE_CONTRACT) fail('E_METER_STORE', `unknown checkpoint version ${version}`);
  const gen = r.u32();
  const lastSeq = r.u32();
  const exp = readCount(r);
  const imp = readCount(r);
  const faultLatched = r.u8() === 1;
  const savedAtMs = r.i64();
  const schedule: ContractState[] = [];
  const closedIds: string[] = [];
  if (version === VERSION_ONE_CONTRACT) {
    // v1: kind u8 (0 none, 1 pending, 2 open) | id blob | [beginMs, endMs, fromMs, startExport, startImport] | lastClosedId blob
    const kind = r.u8();
    const id = utf8Decode(r.blob());
    if (kind === 1 || kind === 2) {
      const c = readWindow(r, true, id);
      schedule.push(kind === 2 ? c : { ...c, active: false, fromMs: c.beginMs, startExport: { mWh: 0, rem: 0 }, startImport: { mWh: 0, rem: 0 } });
    } else if (kind !== 0) fail('E_METER_STORE', 'bad contract tag');
    const last = utf8Decode(r.blob());
    if (last) closedIds.push(last);
  } else {
    const n = r.u8();
    if (n > MAX_SCHEDULE) fail('E_METER_STORE', 'schedule too long');
    for (let i = 0; i < n; i++) {
      const tag = r.u8();
      if (tag !== 1 && tag !== 2) fail('E_METER_STORE', 'bad window tag');
      if (tag === 2 && i > 0) fail('E_METER_STORE', 'only the head window can be open');
      schedule.push(readWindow(r, tag === 2, utf8Decode(r.blob())));
    }
    const m = r.u8();
    if (m > CLOSED_RING) fail('E_METER_STORE', 'closed ring too long');
    for (let i = 0; i < m; i++) closedIds.push(utf8Decode(r.blob()));
  }
  if (!r.done) fail('E_METER_STORE', 'trailing bytes in checkpoint');
  return { gen, lastSeq, export: exp, import: imp, faultLatched, schedule, closedIds, savedAtMs };
}

/** Two-slot checkpoint storage (see module doc). */
export class CheckpointSlots {
  readonly #store: PreferenceStore;
  readonly #domain: string;
  #gen = 0;
  #newestSlot = -1;
  /** Slot records found invalid (torn or corrupt) by the last load. */
  invalidSlots = 0;

  constructor(store: PreferenceStore, domain: string) {
    this.#store = store;
    this.#domain = domain;
  }

  /** The newest valid checkpoint, or null on a fresh (or wholly corrupt) store. */
  load(): Checkpoint | null {
    let best: Checkpoint | null = null;
    this.invalidSlots = 0;
    for (let i = 0; i < SLOTS.length; i++) {
      const buf = getBuffer(this.#store, this.#domain, SLOTS[i]!);
      if (!buf) continue;
      let cp: Checkpoint;
      try {
        cp = decodeCheckpoint(buf);
      } catch {
        this.invalidSlots++;
        continue;
      }
      if (!best || cp.gen > best.gen) {
        best = cp;
        this.#newestSlot = i;
      }
    }
    this.#gen = best ? best.gen : 0;
    return best;
  }

  /**
   * Write `cp` (its gen is assigned here) to the older slot. A store that
   * throws surfaces as E_METER_STORE; the newer slot is left untouched.
   */
  save(cp: Omit<Checkpoint, 'gen'>): Checkpoint {
    const full: Checkpoint = { ...cp, gen: this.#gen + 1 };
    const slot = this.#newestSlot === 0 ? 1 : 0;
    const bytes = encodeCheckpoint(full);
    try {
      this.#store.set(this.#domain, SLOTS[slot]!, bytes);
    } catch (e) {
      // The target slot may now hold a torn record; the other one is intact.
      this.#newestSlot = slot === 0 ? 1 : 0;
      fail('E_METER_STORE', `checkpoint write failed: ${String(e)}`);
    }
    this.#gen = full.gen;
    this.#newestSlot = slot;
    return full;
  }

  get generation(): number {
    return this.#gen;
  }
}

/** When a background checkpoint may be written (wear limit). */
export class WearPolicy {
  readonly policy: PersistPolicy;
  #lastWriteMs: number | null = null;
  #energyAtWrite = 0;

  constructor(policy: Partial<PersistPolicy> = {}) {
    this.policy = { ...DEFAULT_PERSIST, ...policy };
    const p = this.policy;
    for (const k of ['minGapMs', 'everyMs', 'everyMWh'] as const) {
      if (!Number.isInteger(p[k]) || p[k] < 0) fail('E_METER_CONFIG', `${k} must be an integer ≥ 0`);
    }
  }

  /** True when a background checkpoint is allowed and wanted. `energyMWh` = export + import lifetime. */
  due(nowMs: number, energyMWh: number): boolean {
    if (this.#lastWriteMs === null) return energyMWh !== this.#energyAtWrite;
    const since = nowMs - this.#lastWriteMs;
    if (since < this.policy.minGapMs && since >= 0) return false;
    const changed = energyMWh - this.#energyAtWrite;
    if (changed <= 0) return false;
    return since >= this.policy.everyMs || since < 0 || changed >= this.policy.everyMWh;
  }

  /** Record that a checkpoint (background or forced) was written. */
  wrote(nowMs: number, energyMWh: number): void {
    this.#lastWriteMs = nowMs;
    this.#energyAtWrite = energyMWh;
  }

  /** Baseline after a restore: counts as a write at `nowMs`. */
  restored(nowMs: number, energyMWh: number): void {
    this.wrote(nowMs, energyMWh);
  }
}

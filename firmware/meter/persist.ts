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
 * floats), the highest report seq issued, the contract being metered (with
 * the lifetime counters at its start), the last contract id closed, and the
 * diode fault latch.
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
const VERSION = 1;
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
  contract: ContractState | null;
  /** Id of the last contract closed with a final report ('' if none). */
  lastClosedId: string;
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

/** Encode a checkpoint as one CRC-protected record. */
export function encodeCheckpoint(cp: Checkpoint): ArrayBuffer {
  const id = utf8Encode(cp.contract?.id ?? '');
  const closed = utf8Encode(cp.lastClosedId);
  const w = new RecordWriter(2 + 4 + 4 + 32 + 1 + 8 + 1 + 4 + id.length + 8 * 3 + 32 + 4 + closed.length + 4);
  w.u8(MAGIC).u8(VERSION).u32(cp.gen).u32(cp.lastSeq);
  writeCount(w, cp.export);
  writeCount(w, cp.import);
  w.u8(cp.faultLatched ? 1 : 0).i64(cp.savedAtMs);
  const c = cp.contract;
  w.u8(c ? (c.active ? 2 : 1) : 0).blob(id);
  if (c) {
    w.i64(c.beginMs).i64(c.endMs).i64(c.fromMs);
    writeCount(w, c.startExport);
    writeCount(w, c.startImport);
  }
  w.blob(closed);
  return w.finish();
}

/** Decode a checkpoint record; E_METER_STORE on anything malformed. */
export function decodeCheckpoint(buffer: ArrayBuffer): Checkpoint {
  const r = new RecordReader(buffer);
  if (r.u8() !== MAGIC || r.u8() !== VERSION) fail('E_METER_STORE', 'not a meter checkpoint');
  const gen = r.u32();
  const lastSeq = r.u32();
  const exp = readCount(r);
  const imp = readCount(r);
  const faultLatched = r.u8() === 1;
  const savedAtMs = r.i64();
  const kind = r.u8();
  const id = utf8Decode(r.blob());
  let contract: ContractState | null = null;
  if (kind === 1 || kind === 2) {
    const beginMs = r.i64();
    const endMs = r.i64();
    const fromMs = r.i64();
    const startExport = readCount(r);
    const startImport = readCount(r);
    contract = { id, beginMs, endMs, active: kind === 2, fromMs, startExport, startImport };
  } else if (kind !== 0) fail('E_METER_STORE', 'bad contract tag');
  const lastClosedId = utf8Decode(r.blob());
  if (!r.done) fail('E_METER_STORE', 'trailing bytes in checkpoint');
  return { gen, lastSeq, export: exp, import: imp, faultLatched, contract, lastClosedId, savedAtMs };
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

/**
 * Meter reports (contracts.md, "meter-report"): the signed, sequenced
 * statement of the meter's counters, plus the schedule of contract windows
 * being metered.
 *
 * Envelope: `{ v: 1, kind: "meter-report", body, sig }`, sig = shared/sign
 * over domain "meter-report"; the MQTT payload is the envelope's canonical
 * text (shared/canonical), the one byte form hub and meter agree on. One
 * report carries at most one contract part (the open window's, or a final
 * one): several windows give several reports, never a changed body.
 *
 * Contract schedule ({@link ContractBook}). The hub may send a household
 * several contracts at once (e.g. at the top of the hour, with back-to-back
 * or later windows), so the meter keeps an ordered, bounded schedule of the
 * windows it was told about (default 8, at most {@link MAX_SCHEDULE}),
 * sorted by beginMs, and a ring of the last {@link CLOSED_RING} contract ids
 * it closed with a final report (a re-sent contract is ignored). Only the
 * head of the schedule can be open:
 *   - a pending head opens at the first sample or tick strictly after its
 *     beginMs and closes at its endMs (final report stating endMs);
 *   - overlap (the market never sends it for one household; handled
 *     defensively): when the next window begins while the head is open, the
 *     head closes at the next one's beginMs (final report), then the next
 *     one opens; every segment still goes to exactly one window;
 *   - a window whose end has already passed when it arrives closes at once
 *     with a zero final report (it was never metered); so does a late
 *     window lying wholly before the open one's ('lapsed': it is closed
 *     without disturbing the open window);
 *   - a full schedule refuses the newcomer ('full', E_METER_SCHEDULE); the
 *     windows already accepted are never dropped.
 *
 * Contract attribution. The meter integrates segments between consecutive
 * samples; a segment (t1, t2] belongs to the open window when
 * beginMs < t2 ≤ endMs (attribution by segment end, so a contract's energy is
 * exact to within one sample interval at each edge; back-to-back windows
 * split the energy with nothing counted twice or lost). Per-contract counters
 * are differences of the full-precision lifetime counters against a snapshot
 * taken when the window opened, so they never drift from the lifetime ones
 * and restart from zero for every window.
 */
import { fail } from '../../shared/errors';
import { canonicalText } from '../../shared/canonical';
import { sign, verify } from '../../shared/sign';
import { diffMWh, type EnergyCount } from './integrator';
import { CLOSED_RING, MAX_SCHEDULE, type ContractState } from './persist';

export const METER_REPORT_DOMAIN = 'meter-report';

// The body is the protocol's (one home for its shape); a type-only import, so
// nothing of the protocol's codecs is loaded with the meter.
import type { MeterContractPart, MeterReportBody } from '../../shared/protocol/kinds/meter-report';
export type { MeterContractPart, MeterReportBody };

export interface MeterReportEnvelope {
  v: 1;
  kind: 'meter-report';
  body: MeterReportBody;
  sig: string;
}

/** Sign a report body with the meter's secret key. */
export function signReport(body: MeterReportBody, secretKeyHex: string): MeterReportEnvelope {
  return { v: 1, kind: 'meter-report', body, sig: sign(METER_REPORT_DOMAIN, body, secretKeyHex) };
}

/** True when `env` is a meter report signed by `publicKeyHex`. */
export function verifyReport(env: MeterReportEnvelope, publicKeyHex: string): boolean {
  return env.v === 1 && env.kind === 'meter-report' && verify(METER_REPORT_DOMAIN, env.body, env.sig, publicKeyHex);
}

/** The MQTT payload: canonical JSON text of the envelope. */
export function reportPayload(env: MeterReportEnvelope): string {
  return canonicalText(env);
}

/** The part of a contract the meter needs (a signed contract body has these fields). */
export interface ContractWindow {
  id: string;
  beginMs: number;
  endMs: number;
}

const CONTRACT_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;

/** Check a contract window (E_METER_CONTRACT). */
export function checkWindow(c: ContractWindow): void {
  if (typeof c.id !== 'string' || !CONTRACT_ID.test(c.id)) fail('E_METER_CONTRACT', 'contract id must match [A-Za-z0-9][A-Za-z0-9._:-]{0,63}');
  if (!Number.isSafeInteger(c.beginMs) || !Number.isSafeInteger(c.endMs) || c.endMs <= c.beginMs) {
    fail('E_METER_CONTRACT', 'beginMs and endMs must be integers with endMs > beginMs');
  }
}

/**
 * What {@link ContractBook.begin} did with a window: scheduled it ('new'),
 * ignored it because it is already scheduled ('same') or was closed
 * recently ('closed'), or refused it because the schedule is full ('full').
 */
export type BeginResult = 'new' | 'same' | 'closed' | 'full';

/** Default number of windows the schedule holds (open one included). */
export const DEFAULT_SCHEDULE = 8;
export { CLOSED_RING, MAX_SCHEDULE };

/** The whole book, for a checkpoint or to undo a close whose report failed. */
export interface BookState {
  /** Windows, head first (only the head may be active). */
  schedule: ContractState[];
  /** Closed contract ids, oldest first (≤ CLOSED_RING). */
  closedIds: string[];
}

function copyState(c: ContractState): ContractState {
  return { ...c, startExport: { ...c.startExport }, startImport: { ...c.startImport } };
}

/**
 * The meter's contract schedule (see module doc). The node asks
 * {@link next} what is due at a time, and performs it: `open` (snapshot the
 * counters), or a close at the returned toMs (final report, then
 * {@link close}).
 */
export class ContractBook {
  readonly capacity: number;
  #w: ContractState[] = [];
  #closed: string[] = [];

  constructor(state: BookState | null = null, capacity = DEFAULT_SCHEDULE) {
    if (!Number.isInteger(capacity) || capacity < 1 || capacity > MAX_SCHEDULE) fail('E_METER_CONFIG', `schedule capacity must be an integer 1 … ${MAX_SCHEDULE}`);
    this.capacity = capacity;
    if (state) this.restore(state);
  }

  /**
   * Take a contract window. Already scheduled id: 'same'; id in the closed
   * ring: 'closed'; schedule full: 'full' (refused, nothing changes).
   * Otherwise it is inserted in beginMs order ('new'), never ahead of an
   * open head. E_METER_CONTRACT for a malformed window.
   */
  begin(w: ContractWindow): BeginResult {
    checkWindow(w);
    for (const c of this.#w) if (c.id === w.id) return 'same';
    if (this.#closed.includes(w.id)) return 'closed';
    if (this.#w.length >= this.capacity) return 'full';
    const entry: ContractState = { id: w.id, beginMs: w.beginMs, endMs: w.endMs, active: false, fromMs: w.beginMs, startExport: { mWh: 0, rem: 0 }, startImport: { mWh: 0, rem: 0 } };
    let i = this.#w.length;
    const first = this.#w[0]?.active ? 1 : 0;
    while (i > first && later(this.#w[i - 1]!, entry)) i--;
    this.#w.splice(i, 0, entry);
    return 'new';
  }

  /**
   * What is due at `atMs`, one step at a time (call again after acting):
   *   - a number: close the head with a final report stating that time (its
   *     endMs once ended: strictly after endMs for a segment end, at endMs
   *     for a tick; the next window's beginMs when that one begins while
   *     the head is open);
   *   - 'lapsed': the window after the open head lies wholly before the
   *     head's window (it arrived late): close entry 1 with a zero final
   *     report stating its endMs;
   *   - 'open': the pending head's window has begun (strictly after beginMs);
   *   - null: nothing.
   * No allocation: this runs at every sample.
   */
  next(atMs: number, segment: boolean): number | 'open' | 'lapsed' | null {
    const h = this.#w[0];
    if (!h) return null;
    if (segment ? atMs > h.endMs : atMs >= h.endMs) return h.endMs;
    if (!h.active) return atMs > h.beginMs ? 'open' : null;
    const n = this.#w[1];
    if (!n) return null;
    if (n.endMs <= h.beginMs) return 'lapsed';
    return atMs > n.beginMs ? n.beginMs : null;
  }

  /** End of the scheduled window at `index` (0: head), or null. */
  endMsAt(index: number): number | null {
    return this.#w[index]?.endMs ?? null;
  }

  /** Open the head window at `atMs` (the caller checked {@link next}): snapshot the counters. */
  open(atMs: number, lastSampleMs: number | null, exp: EnergyCount, imp: EnergyCount): void {
    const c = this.#w[0];
    if (!c || c.active) return;
    c.active = true;
    c.fromMs = Math.min(Math.max(c.beginMs, lastSampleMs ?? c.beginMs), atMs);
    c.startExport.mWh = exp.mWh;
    c.startExport.rem = exp.rem;
    c.startImport.mWh = imp.mWh;
    c.startImport.rem = imp.rem;
  }

  /**
   * The contract part of a report at `toMs` for the window at `index`
   * (default the head): its energy since it opened; a final part of zero
   * energy for a window that never opened; null otherwise (a periodic
   * report while no window is open).
   */
  part(exp: EnergyCount, imp: EnergyCount, toMs: number, final: boolean, index = 0): MeterContractPart | null {
    const c = this.#w[index];
    if (!c) return null;
    if (!c.active) {
      return final ? { id: c.id, exportMWh: 0, importMWh: 0, fromMs: Math.min(c.beginMs, toMs), toMs, final } : null;
    }
    return {
      id: c.id,
      exportMWh: diffMWh(exp, c.startExport),
      importMWh: diffMWh(imp, c.startImport),
      fromMs: c.fromMs,
      toMs: Math.max(toMs, c.fromMs),
      final,
    };
  }

  /** Drop the window at `index` (default the head) after its final report and remember its id in the closed ring. */
  close(index = 0): void {
    const c = this.#w[index];
    if (!c) return;
    this.#w.splice(index, 1);
    this.#closed.push(c.id);
    if (this.#closed.length > CLOSED_RING) this.#closed.shift();
  }

  /** A copy of the whole book (checkpoints; undoing a close whose report failed). */
  state(): BookState {
    return { schedule: this.#w.map(copyState), closedIds: this.#closed.slice() };
  }

  /** Replace the book with `s` (copied; the closed ring keeps its newest CLOSED_RING ids). */
  restore(s: BookState): void {
    this.#w = s.schedule.map(copyState);
    this.#closed = s.closedIds.slice(Math.max(0, s.closedIds.length - CLOSED_RING));
  }

  /** True when the head is open (a window is being metered). */
  get isOpen(): boolean {
    return !!this.#w[0]?.active;
  }

  /** Windows scheduled, the open one included. */
  get size(): number {
    return this.#w.length;
  }

  /** The head: the open window, else the next pending one (null when none). */
  get current(): ContractState | null {
    const c = this.#w[0];
    return c ? copyState(c) : null;
  }

  /** The most recently closed id ('' if none). */
  get lastClosedId(): string {
    return this.#closed[this.#closed.length - 1] ?? '';
  }
}

/** Schedule order: beginMs, then endMs, then id (deterministic for equal windows). */
function later(a: ContractState, b: ContractState): boolean {
  if (a.beginMs !== b.beginMs) return a.beginMs > b.beginMs;
  if (a.endMs !== b.endMs) return a.endMs > b.endMs;
  return a.id > b.id;
}

/** Stable fault codes seen since the last report, first-seen order, no duplicates. */
export class FaultLog {
  #codes: string[] = [];

  note(code: string): boolean {
    if (this.#codes.includes(code)) return false;
    this.#codes.push(code);
    return true;
  }

  take(): string[] {
    const out = this.#codes;
    this.#codes = [];
    return out;
  }

  peek(): readonly string[] {
    return this.#codes;
  }
}

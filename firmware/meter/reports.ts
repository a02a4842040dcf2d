/**
 * Meter reports (contracts.md, "meter-report"): the signed, sequenced
 * statement of the meter's counters, plus the bookkeeping of the contract
 * window being metered.
 *
 * Envelope: `{ v: 1, kind: "meter-report", body, sig }`, sig = shared/sign
 * over domain "meter-report"; the MQTT payload is the envelope's canonical
 * text (shared/canonical), the one byte form hub and meter agree on.
 *
 * Contract attribution. The meter integrates segments between consecutive
 * samples; a segment (t1, t2] belongs to the contract when
 * beginMs < t2 ≤ endMs (attribution by segment end, so a contract's energy is
 * exact to within one sample interval at each edge). Per-contract counters
 * are differences of the full-precision lifetime counters against a snapshot
 * taken when the window opened, so they never drift from the lifetime ones
 * and restart from zero for every new contract id.
 */
import { fail } from '../../shared/errors';
import { canonicalText } from '../../shared/canonical';
import { sign, verify } from '../../shared/sign';
import { diffMWh, type EnergyCount } from './integrator';
import type { ContractState } from './persist';

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

export type BeginResult = 'new' | 'same' | 'closed';

/**
 * Start/end bookkeeping for one contract at a time. The node calls
 * `openIfDue` before integrating a segment ending at t2 (or at a tick) and
 * `closeDue` to learn whether the window has ended.
 */
export class ContractBook {
  #c: ContractState | null;
  #lastClosedId: string;

  constructor(current: ContractState | null = null, lastClosedId = '') {
    this.#c = current ? { ...current, startExport: { ...current.startExport }, startImport: { ...current.startImport } } : null;
    this.#lastClosedId = lastClosedId;
  }

  /**
   * Take a contract. The same id again is a no-op ('same'); the id of the
   * contract closed last is refused ('closed': its final report is out).
   * A different id while another is open returns 'new' after the caller
   * closed the old one (see {@link MeterNode.beginContract}).
   */
  begin(w: ContractWindow): BeginResult {
    checkWindow(w);
    if (this.#c && this.#c.id === w.id) return 'same';
    if (w.id === this.#lastClosedId) return 'closed';
    this.#c = { id: w.id, beginMs: w.beginMs, endMs: w.endMs, active: false, fromMs: w.beginMs, startExport: { mWh: 0, rem: 0 }, startImport: { mWh: 0, rem: 0 } };
    return 'new';
  }

  /** Open the window when time `atMs` is past beginMs. True when it opened now. */
  openIfDue(atMs: number, lastSampleMs: number | null, exp: EnergyCount, imp: EnergyCount): boolean {
    const c = this.#c;
    if (!c || c.active || atMs <= c.beginMs || atMs > c.endMs) return false;
    c.active = true;
    c.fromMs = Math.max(c.beginMs, lastSampleMs ?? c.beginMs);
    c.startExport = { mWh: exp.mWh, rem: exp.rem };
    c.startImport = { mWh: imp.mWh, rem: imp.rem };
    return true;
  }

  /** True when the window of the current contract has ended by `atMs` (strictly after endMs for a segment end, at endMs for a tick). */
  endedBy(atMs: number, segment: boolean): boolean {
    const c = this.#c;
    return !!c && (segment ? atMs > c.endMs : atMs >= c.endMs);
  }

  /** The contract part of a report at `toMs`. Null when no window is open. */
  part(exp: EnergyCount, imp: EnergyCount, toMs: number, final: boolean): MeterContractPart | null {
    const c = this.#c;
    if (!c) return null;
    if (!c.active) {
      // A window that never opened (no samples, or ended early): zero energy, still final.
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

  /** Forget the current contract after its final report. */
  close(): void {
    if (this.#c) this.#lastClosedId = this.#c.id;
    this.#c = null;
  }

  /** Undo a close whose final report could not be issued (so it is retried). */
  reopen(state: ContractState, lastClosedId: string): void {
    this.#c = state;
    this.#lastClosedId = lastClosedId;
  }

  /** True when a contract is known but its window has not opened yet. */
  get pending(): boolean {
    return !!this.#c && !this.#c.active;
  }

  /** End of the current contract's window (null when none). */
  get endMs(): number | null {
    return this.#c ? this.#c.endMs : null;
  }

  get current(): ContractState | null {
    const c = this.#c;
    return c ? { ...c, startExport: { ...c.startExport }, startImport: { ...c.startImport } } : null;
  }

  get lastClosedId(): string {
    return this.#lastClosedId;
  }
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

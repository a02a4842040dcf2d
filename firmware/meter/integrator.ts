/**
 * Energy integrator: trapezoidal integration of P = V·I between consecutive
 * samples, in integers, split into export and import counters.
 *
 * Sign convention: positive `currentMA` is current leaving the house for the
 * community bus (export; mount the shunt with IN+ on the house side);
 * negative is current from the bus into the house (import).
 *
 * Units. mV × mA = µW, and µW × ms = µW·ms; 1 mWh = 1 mW × 3 600 000 ms =
 * 3.6e9 µW·ms. The trapezoid (P1 + P2)/2 · Δt is kept without the halving,
 * so the accumulator unit is ½ µW·ms and 1 mWh = 7.2e9 units
 * ({@link UNITS_PER_MWH}). Each counter is whole mWh plus an integer
 * remainder in [0, 7.2e9): nothing is ever rounded away, so counters do not
 * drift over years, and the sum over any split of a stream is the same.
 *
 * Direction split. Each endpoint of a segment contributes P_i · Δt / 2 to the
 * counter of its own sign. When both endpoints have the same sign this is the
 * exact trapezoid; when the power changes sign inside a segment the net
 * (export − import) is still the trapezoid, and the gross split is the
 * endpoint split (a zero crossing inside one sample interval is not located).
 *
 * Bounds. Samples are accepted with 0 ≤ busMV ≤ 100 000 and
 * |currentMA| ≤ 200 000 and Δt ≤ maxGapMs ≤ 60 000, so one segment is at most
 * 2 · 2e10 µW · 6e4 ms = 2.4e15 units: well inside 2^53.
 *
 * Gaps and clock jumps are never integrated: a Δt above `maxGapMs` (but not
 * above `maxJumpMs`) counts as a gap, a Δt ≤ 0 or above `maxJumpMs` as a
 * clock jump; in both cases the new sample becomes the baseline.
 */
import { fail } from '../../shared/errors';

/** Accumulator units per mWh: ½ µW·ms (see module doc). */
export const UNITS_PER_MWH = 7_200_000_000;
export const MAX_BUS_MV = 100_000;
export const MAX_CURRENT_MA = 200_000;

/** One meter reading at a time. */
export interface Sample {
  atMs: number;
  busMV: number;
  /** Positive = house → bus (export), negative = bus → house (import). */
  currentMA: number;
}

/** Whole mWh plus a remainder in ½ µW·ms, 0 ≤ rem < UNITS_PER_MWH. */
export interface EnergyCount {
  mWh: number;
  rem: number;
}

export interface IntegratorConfig {
  /** Largest Δt integrated; a longer interval is a gap. Default 2000. */
  maxGapMs: number;
  /** A Δt above this is a clock jump, not a gap. Default 1 h. */
  maxJumpMs: number;
}

export interface IntegratorState {
  export: EnergyCount;
  import: EnergyCount;
  last: Sample | null;
  gaps: number;
  clockJumps: number;
}

export type StepKind = 'first' | 'integrated' | 'gap' | 'clock';

export const DEFAULT_INTEGRATOR: IntegratorConfig = { maxGapMs: 2000, maxJumpMs: 3_600_000 };

/** Check a sample at the edge (E_METER_SAMPLE). */
export function checkSample(s: Sample): void {
  if (!Number.isSafeInteger(s.atMs)) fail('E_METER_SAMPLE', 'atMs must be a safe integer');
  if (!Number.isInteger(s.busMV) || s.busMV < 0 || s.busMV > MAX_BUS_MV) fail('E_METER_SAMPLE', `busMV must be an integer in 0 … ${MAX_BUS_MV}`);
  if (!Number.isInteger(s.currentMA) || Math.abs(s.currentMA) > MAX_CURRENT_MA) {
    fail('E_METER_SAMPLE', `currentMA must be an integer in ±${MAX_CURRENT_MA}`);
  }
}

/** Add `units` (≥ 0) to a counter, carrying whole mWh. */
export function addUnits(c: EnergyCount, units: number): void {
  const r = c.rem + units;
  if (r >= UNITS_PER_MWH) {
    const whole = Math.floor(r / UNITS_PER_MWH);
    c.mWh += whole;
    c.rem = r - whole * UNITS_PER_MWH;
  } else c.rem = r;
}

/** floor(a − b) in whole mWh, exact (a ≥ b). */
export function diffMWh(a: EnergyCount, b: EnergyCount): number {
  return a.mWh - b.mWh - (a.rem < b.rem ? 1 : 0);
}

/** The count a − b (a ≥ b), exact. */
export function subtractCount(a: EnergyCount, b: EnergyCount): EnergyCount {
  let mWh = a.mWh - b.mWh;
  let rem = a.rem - b.rem;
  if (rem < 0) {
    rem += UNITS_PER_MWH;
    mWh -= 1;
  }
  return { mWh, rem };
}

export function checkIntegratorConfig(c: IntegratorConfig): void {
  if (!Number.isInteger(c.maxGapMs) || c.maxGapMs < 1 || c.maxGapMs > 60_000) fail('E_METER_CONFIG', 'maxGapMs must be an integer in 1 … 60000');
  if (!Number.isInteger(c.maxJumpMs) || c.maxJumpMs < c.maxGapMs) fail('E_METER_CONFIG', 'maxJumpMs must be an integer ≥ maxGapMs');
}

/** Export/import energy counters fed one sample at a time. */
export class EnergyIntegrator {
  readonly config: IntegratorConfig;
  #s: IntegratorState;

  constructor(config: Partial<IntegratorConfig> = {}, state?: IntegratorState) {
    this.config = { ...DEFAULT_INTEGRATOR, ...config };
    checkIntegratorConfig(this.config);
    this.#s = state ? copyState(state) : { export: { mWh: 0, rem: 0 }, import: { mWh: 0, rem: 0 }, last: null, gaps: 0, clockJumps: 0 };
  }

  /** Integrate from the previous sample to `s` (validated; E_METER_SAMPLE). */
  push(s: Sample): StepKind {
    checkSample(s);
    const last = this.#s.last;
    if (!last) {
      this.#s.last = { atMs: s.atMs, busMV: s.busMV, currentMA: s.currentMA };
      return 'first';
    }
    // The previous sample is updated in place: no allocation per sample.
    const dt = s.atMs - last.atMs;
    const p1 = last.busMV * last.currentMA; // µW, signed
    const p2 = s.busMV * s.currentMA;
    last.atMs = s.atMs;
    last.busMV = s.busMV;
    last.currentMA = s.currentMA;
    if (dt <= 0 || dt > this.config.maxJumpMs) {
      this.#s.clockJumps++;
      return 'clock';
    }
    if (dt > this.config.maxGapMs) {
      this.#s.gaps++;
      return 'gap';
    }
    const out = (p1 > 0 ? p1 : 0) + (p2 > 0 ? p2 : 0);
    const inn = (p1 < 0 ? -p1 : 0) + (p2 < 0 ? -p2 : 0);
    if (out) addUnits(this.#s.export, out * dt);
    if (inn) addUnits(this.#s.import, inn * dt);
    return 'integrated';
  }

  /** Forget the last sample: the next one starts a new baseline (e.g. after a sensor error). */
  rebase(): void {
    this.#s.last = null;
  }

  get exportMWh(): number {
    return this.#s.export.mWh;
  }

  get importMWh(): number {
    return this.#s.import.mWh;
  }

  get gaps(): number {
    return this.#s.gaps;
  }

  get clockJumps(): number {
    return this.#s.clockJumps;
  }

  /** Time of the previous sample (null before the first, or after `rebase`). */
  get lastAtMs(): number | null {
    return this.#s.last ? this.#s.last.atMs : null;
  }

  /** Full-precision export counter (a copy). */
  exportCount(): EnergyCount {
    return { mWh: this.#s.export.mWh, rem: this.#s.export.rem };
  }

  /** Full-precision import counter (a copy). */
  importCount(): EnergyCount {
    return { mWh: this.#s.import.mWh, rem: this.#s.import.rem };
  }

  /** A copy of the whole state (resume with `new EnergyIntegrator(config, state)`). */
  state(): IntegratorState {
    return copyState(this.#s);
  }
}

function copyState(s: IntegratorState): IntegratorState {
  return {
    export: { mWh: s.export.mWh, rem: s.export.rem },
    import: { mWh: s.import.mWh, rem: s.import.rem },
    last: s.last ? { atMs: s.last.atMs, busMV: s.last.busMV, currentMA: s.last.currentMA } : null,
    gaps: s.gaps,
    clockJumps: s.clockJumps,
  };
}

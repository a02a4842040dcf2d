/**
 * The simulated clock every model is stepped by. Nothing in the testbed reads
 * the wall clock: the village advances this clock after stepping its models
 * over [nowMs, nowMs + dtMs).
 */
export interface SimClockReader {
  /** Current simulated time, integer ms since the Unix epoch. */
  nowMs(): number;
  /** Milliseconds since 00:00 of the simulated day (the scenario's hour index base). */
  msOfDay(): number;
}

/** 2024-04-14 00:00 UTC, day of year 105 as in the paper scenario's PV derivation. */
export const DEFAULT_DAY_START_MS = Date.UTC(2024, 3, 14);

export class SimClock implements SimClockReader {
  private now: number;
  readonly dayStartMs: number;

  constructor(dayStartMs = DEFAULT_DAY_START_MS, startMs = dayStartMs) {
    if (!Number.isSafeInteger(dayStartMs) || !Number.isSafeInteger(startMs)) throw new RangeError('clock times must be integer ms');
    this.dayStartMs = dayStartMs;
    this.now = startMs;
  }

  nowMs(): number {
    return this.now;
  }

  msOfDay(): number {
    const d = (this.now - this.dayStartMs) % 86_400_000;
    return d < 0 ? d + 86_400_000 : d;
  }

  /** Move time forward by `dtMs` (an integer ≥ 0). */
  advance(dtMs: number): void {
    if (!Number.isSafeInteger(dtMs) || dtMs < 0) throw new RangeError(`bad clock step ${dtMs}`);
    this.now += dtMs;
  }
}

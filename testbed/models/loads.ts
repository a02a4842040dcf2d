/**
 * DC load module: the household's appliances switched by their daily
 * windows. Demand is a piecewise-constant power per kind (primary,
 * secondary); `step` integrates it exactly over the step (a window edge
 * inside a step counts to the millisecond). The house decides where the
 * secondary demand is served from (its own MPPT load output, or the bus when
 * RL2 is closed).
 */
import type { SimClockReader } from './clock';
import type { LoadKind, ScenarioLoad } from '../scenario/types';
import { MS_PER_DAY, MS_PER_MIN } from './units';

/** Piecewise-constant power over the day: breakpoints (ms of day) and levels (mW). */
class PowerProfile {
  readonly atMs: number[];
  readonly powerMW: number[];
  private cursor = 0;

  constructor(loads: readonly ScenarioLoad[]) {
    const delta = new Map<number, number>();
    for (const l of loads) {
      const mw = Math.round(l.powerW * 1000) * l.number;
      for (const [s, e] of l.windows) {
        delta.set(s * MS_PER_MIN, (delta.get(s * MS_PER_MIN) ?? 0) + mw);
        delta.set(e * MS_PER_MIN, (delta.get(e * MS_PER_MIN) ?? 0) - mw);
      }
    }
    delta.set(0, delta.get(0) ?? 0);
    const times = [...delta.keys()].sort((a, b) => a - b).filter((t) => t < MS_PER_DAY);
    this.atMs = [];
    this.powerMW = [];
    let p = 0;
    for (const t of times) {
      p += delta.get(t)!;
      this.atMs.push(t);
      this.powerMW.push(p);
    }
  }

  /** Index of the segment holding `t` (amortised O(1) for forward steps). */
  private seg(t: number): number {
    let i = this.cursor;
    if (i >= this.atMs.length || this.atMs[i]! > t) i = 0;
    while (i + 1 < this.atMs.length && this.atMs[i + 1]! <= t) i++;
    this.cursor = i;
    return i;
  }

  powerAt(msOfDay: number): number {
    return this.powerMW[this.seg(msOfDay)]!;
  }

  /** Exact energy (µJ) over [from, from + dt) of the day, wrapping at midnight. */
  energyUJ(fromMsOfDay: number, dtMs: number): number {
    let t = fromMsOfDay % MS_PER_DAY;
    let left = dtMs;
    let total = 0;
    while (left > 0) {
      const i = this.seg(t);
      const segEnd = i + 1 < this.atMs.length ? this.atMs[i + 1]! : MS_PER_DAY;
      const span = Math.min(left, segEnd - t);
      total += this.powerMW[i]! * span;
      left -= span;
      t += span;
      if (t >= MS_PER_DAY) t = 0;
    }
    return total;
  }
}

export interface LoadDemand {
  primaryUJ: number;
  secondaryUJ: number;
}

export class LoadModule {
  private readonly profiles: Record<LoadKind, PowerProfile>;
  private readonly clock: SimClockReader | null;

  constructor(loads: readonly ScenarioLoad[], clock?: SimClockReader) {
    this.profiles = {
      primary: new PowerProfile(loads.filter((l) => l.kind === 'primary')),
      secondary: new PowerProfile(loads.filter((l) => l.kind === 'secondary')),
    };
    this.clock = clock ?? null;
  }

  /** Demand (µJ) over [from, from + dtMs). */
  demand(fromMsOfDay: number, dtMs: number): LoadDemand {
    return {
      primaryUJ: this.profiles.primary.energyUJ(fromMsOfDay, dtMs),
      secondaryUJ: this.profiles.secondary.energyUJ(fromMsOfDay, dtMs),
    };
  }

  /** Demand over [now, now + dtMs) of the injected clock. */
  step(dtMs: number): LoadDemand {
    if (!this.clock) throw new Error('LoadModule.step needs a clock');
    return this.demand(this.clock.msOfDay(), dtMs);
  }

  /** Instantaneous demand (mW) of one kind at a time of day. */
  powerMW(kind: LoadKind, msOfDay: number): number {
    return this.profiles[kind].powerAt(msOfDay % MS_PER_DAY);
  }
}

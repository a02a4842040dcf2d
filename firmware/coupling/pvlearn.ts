/**
 * Learns the expected PV profile the forecast strategy needs: integrates the
 * MPPT's panel power (VE.Direct `PPV`) into per-hour energy for today, and
 * at midnight blends today into the profile (exponential average with
 * weight `weightPermille` for the new day). Also gives the PV measured so
 * far today (HEMTS input `pvTodayMWh`). Integers only; gaps are not
 * integrated.
 */
import { HOUR_MS } from './schedule';

export class PvProfileLearner {
  private readonly weight: number;
  private readonly maxGapMs: number;
  private prof: number[] | null;
  private today: number[] = new Array<number>(24).fill(0);
  /** Sub-mWh remainder per hour, in mW·ms (1 mWh = 3 600 000 mW·ms). */
  private rem: number[] = new Array<number>(24).fill(0);
  private dayStart: number | null = null;
  private lastAt: number | null = null;

  constructor(initial: readonly number[] | null, weightPermille = 300, maxGapMs = 10_000) {
    this.prof = initial ? initial.slice() : null;
    this.weight = weightPermille;
    this.maxGapMs = maxGapMs;
  }

  /** The learned (or given) profile, mWh per clock hour; null before the first full day. */
  get profile(): number[] | null {
    return this.prof ? this.prof.slice() : null;
  }

  /** PV energy measured since local midnight, mWh. */
  get todayMWh(): number {
    let t = 0;
    for (const v of this.today) t += v;
    return t;
  }

  /**
   * One panel-power reading. `dayStartMs` is the local midnight of `atMs`;
   * a new value rolls the day over (and returns the updated profile).
   */
  sample(atMs: number, dayStartMs: number, pvPowerMW: number): number[] | null {
    let rolled: number[] | null = null;
    if (this.dayStart !== null && dayStartMs > this.dayStart) rolled = this.rollover();
    this.dayStart = dayStartMs;
    const prev = this.lastAt;
    this.lastAt = atMs;
    if (prev === null || !Number.isSafeInteger(pvPowerMW) || pvPowerMW < 0) return rolled;
    const dt = atMs - prev;
    if (dt <= 0 || dt > this.maxGapMs || prev < dayStartMs) return rolled;
    const h = Math.floor((atMs - dayStartMs - 1) / HOUR_MS);
    if (h < 0 || h > 23) return rolled;
    const e = (this.rem[h] as number) + pvPowerMW * dt;
    this.today[h] = (this.today[h] as number) + Math.floor(e / HOUR_MS);
    this.rem[h] = e % HOUR_MS;
    return rolled;
  }

  /** Blend today into the profile and start a new day. */
  rollover(): number[] {
    const day = this.today;
    if (!this.prof) this.prof = day.slice();
    else for (let h = 0; h < 24; h++) this.prof[h] = Math.floor(((this.prof[h] as number) * (1000 - this.weight) + (day[h] as number) * this.weight) / 1000);
    this.today = new Array<number>(24).fill(0);
    this.rem = new Array<number>(24).fill(0);
    return this.prof.slice();
  }
}

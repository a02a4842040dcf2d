/**
 * PV emulator: turns a scenario's hourly energies into a continuous power
 * curve whose integral over every hour equals that hour's energy, and hands
 * out exact integer energy per step.
 *
 * Shape: in hour h the power is piecewise linear through three points — the
 * boundary values v_h, v_{h+1} and a midpoint m_h chosen so the hour's area
 * is E_h: (v_h + 2 m_h + v_{h+1}) / 4 = E_h. Boundary values are
 * v_h = min((E_{h-1} + E_h)/2, 2·min(E_{h-1}, E_h)), which keeps m_h ≥ 0, so
 * the curve never goes negative and a zero hour stays zero (no PV leaks into
 * the night).
 *
 * Clouds (optional, seeded): a per-minute attenuation factor from a two-state
 * (clear / cloud) Markov chain, smoothed, then rescaled so the day's energy is
 * unchanged; hourly energies then differ from the file, the daily total does
 * not (to a µJ), and power is capped at peakW.
 */
import type { SimClockReader } from './clock';
import { Rng } from './rng';
import { MS_PER_DAY, MS_PER_HOUR, UJ_PER_WH } from './units';

export interface CloudOptions {
  seed: number | string;
  /** Mean minutes between cloud onsets (default 40). */
  meanClearMin?: number;
  /** Mean cloud duration in minutes (default 12). */
  meanCloudMin?: number;
  /** Attenuation range under a cloud, as fraction of clear power kept (default [0.25, 0.7]). */
  depth?: [number, number];
}

export interface PvOptions {
  /** The simulated clock `step` reads (time of day). */
  clock?: SimClockReader;
  clouds?: CloudOptions;
}

export class PvEmulator {
  readonly peakW: number;
  readonly hourlyWh: readonly number[];
  /** Boundary power values v_0..v_24 in W, and midpoints m_0..m_23. */
  private readonly v: number[];
  private readonly m: number[];
  /** Cumulative energy (Wh) at each hour boundary, 25 entries. */
  private readonly cumHourWh: number[];
  /** With clouds: cumulative energy (Wh) at each minute boundary, 1441 entries. */
  private readonly cumMinuteWh: Float64Array | null;
  private lastPowerMW = 0;
  private readonly clock: SimClockReader | null;

  constructor(hourlyWh: readonly number[], peakW: number, options: PvOptions = {}) {
    if (hourlyWh.length !== 24) throw new RangeError('hourlyWh must have 24 entries');
    this.peakW = peakW;
    this.hourlyWh = [...hourlyWh];
    const E = this.hourlyWh;
    this.v = [];
    for (let h = 0; h <= 24; h++) {
      const a = h > 0 ? E[h - 1]! : 0;
      const b = h < 24 ? E[h]! : 0;
      this.v.push(Math.min((a + b) / 2, 2 * Math.min(a, b)));
    }
    this.m = E.map((e, h) => Math.max(0, 2 * e - (this.v[h]! + this.v[h + 1]!) / 2));
    this.cumHourWh = [0];
    for (let h = 0; h < 24; h++) this.cumHourWh.push(this.cumHourWh[h]! + E[h]!);
    this.cumMinuteWh = options.clouds ? this.cloudTable(options.clouds) : null;
    this.clock = options.clock ?? null;
  }

  /** Energy (µJ) at the array over [now, now + dtMs) of the injected clock. */
  step(dtMs: number): number {
    if (!this.clock) throw new Error('PvEmulator.step needs a clock (options.clock)');
    return this.energyUJ(this.clock.msOfDay(), dtMs);
  }

  /** Clear-curve power in W at fraction `t` hours of the day (0..24). */
  clearPowerW(t: number): number {
    const h = Math.min(23, Math.floor(t));
    const tau = t - h;
    const a = this.v[h]!;
    const m = this.m[h]!;
    const b = this.v[h + 1]!;
    return tau <= 0.5 ? a + (m - a) * 2 * tau : m + (b - m) * 2 * (tau - 0.5);
  }

  /** Clear-curve energy (Wh) from 00:00 to `t` hours. */
  private clearCumWh(t: number): number {
    if (t <= 0) return 0;
    if (t >= 24) return this.cumHourWh[24]!;
    const h = Math.floor(t);
    const tau = t - h;
    const a = this.v[h]!;
    const m = this.m[h]!;
    const b = this.v[h + 1]!;
    let e: number;
    if (tau <= 0.5) e = a * tau + (m - a) * tau * tau;
    else {
      const s = tau - 0.5;
      e = (a + m) / 4 + m * s + (b - m) * s * s;
    }
    return this.cumHourWh[h]! + e;
  }

  private cloudTable(c: CloudOptions): Float64Array {
    const rng = new Rng(c.seed).fork('clouds');
    const meanClear = c.meanClearMin ?? 40;
    const meanCloud = c.meanCloudMin ?? 12;
    const [dLo, dHi] = c.depth ?? [0.25, 0.7];
    const factor = new Float64Array(1440);
    let cloudy = false;
    let depth = 1;
    for (let k = 0; k < 1440; k++) {
      if (cloudy ? rng.chance(1 / meanCloud) : rng.chance(1 / meanClear)) {
        cloudy = !cloudy;
        depth = cloudy ? rng.uniform(dLo, dHi) : 1;
      }
      factor[k] = depth;
    }
    // Smooth edges over 5 minutes (clouds do not cut the sun like a switch).
    const smooth = new Float64Array(1440);
    for (let k = 0; k < 1440; k++) {
      let s = 0;
      let n = 0;
      for (let j = k - 2; j <= k + 2; j++) if (j >= 0 && j < 1440) (s += factor[j]!), n++;
      smooth[k] = s / n;
    }
    const minuteWh = new Float64Array(1440);
    let clear = 0;
    let cloudyTotal = 0;
    for (let k = 0; k < 1440; k++) {
      const e = this.clearCumWh((k + 1) / 60) - this.clearCumWh(k / 60);
      clear += e;
      minuteWh[k] = e * smooth[k]!;
      cloudyTotal += minuteWh[k]!;
    }
    // Rescale so the day keeps its energy; cap a minute at peakW, then
    // spread what the cap removed over the other producing minutes.
    const capWh = this.peakW / 60;
    let scale = cloudyTotal > 0 ? clear / cloudyTotal : 0;
    for (let pass = 0; pass < 4; pass++) {
      let total = 0;
      let free = 0;
      for (let k = 0; k < 1440; k++) {
        const e = Math.min(capWh, minuteWh[k]! * scale);
        total += e;
        if (e < capWh) free += e;
      }
      if (Math.abs(total - clear) < 1e-9 || free === 0) break;
      scale *= 1 + (clear - total) / free;
    }
    const cum = new Float64Array(1441);
    for (let k = 0; k < 1440; k++) cum[k + 1] = cum[k]! + Math.min(capWh, minuteWh[k]! * scale);
    return cum;
  }

  /** Energy (Wh) from 00:00 to `msOfDay`. */
  cumulativeWh(msOfDay: number): number {
    const t = Math.max(0, Math.min(MS_PER_DAY, msOfDay));
    if (!this.cumMinuteWh) return this.clearCumWh(t / MS_PER_HOUR);
    const k = Math.min(1439, Math.floor(t / 60_000));
    const frac = t / 60_000 - k;
    return this.cumMinuteWh[k]! + (this.cumMinuteWh[k + 1]! - this.cumMinuteWh[k]!) * frac;
  }

  /**
   * Integer energy (µJ) available at the array over [fromMsOfDay, fromMsOfDay + dtMs).
   * Steps that cross midnight wrap to the next day (the profile repeats).
   * Sums of consecutive steps telescope, so an hour's total is exact.
   */
  energyUJ(fromMsOfDay: number, dtMs: number): number {
    let from = fromMsOfDay % MS_PER_DAY;
    let left = dtMs;
    let total = 0;
    while (left > 0) {
      const to = Math.min(MS_PER_DAY, from + left);
      total += Math.round(this.cumulativeWh(to) * UJ_PER_WH) - Math.round(this.cumulativeWh(from) * UJ_PER_WH);
      left -= to - from;
      from = 0;
    }
    this.lastPowerMW = dtMs > 0 ? Math.round(total / dtMs) : 0;
    return total;
  }

  /** Average power (mW) of the last `energyUJ` step: the PV reading. */
  powerMW(): number {
    return this.lastPowerMW;
  }

  /** Daily energy at the array, Wh. */
  dailyWh(): number {
    return this.cumulativeWh(MS_PER_DAY);
  }
}

/**
 * Battery state of charge by coulomb counting (paper eq. 1–2), reconciled
 * with the BMV-700's own SOC when one is present.
 *
 *   eq. 1   E_tbat = V_bat · Ah                       (battery energy capacity)
 *   eq. 2   SOC_t  = SOC_{t−1} + (V · I · Δt) / E_tbat (coulomb counting)
 *
 * The stored energy is kept as an exact integer pair (whole mWh plus a
 * remainder in nJ = mV·mA·ms), so years of integration never drift through
 * rounding; SOC is derived from it in permille and clamped to 0..1000.
 * Current sign follows the BMV: positive = charging. Charging energy is
 * multiplied by the charge efficiency, discharged energy divided by the
 * discharge efficiency (the battery gives up more than the terminals see).
 *
 * A sample interval longer than `maxGapMs` (a lost VE.Direct stream, a
 * reboot) is not integrated: the product V·I of one sample says nothing
 * about a minute it did not see.
 *
 * Reconciliation: a fresh BMV SOC (younger than `bmvFreshMs`) is
 * authoritative for {@link SocEstimator.socPermille}; meanwhile the local
 * integrator is pulled toward it by at most `maxCorrectionPermille` per
 * sample, so when the BMV goes quiet the estimate continues from close to
 * where the BMV was instead of jumping.
 */
import { fail } from '../../shared/errors';

export interface SocConfig {
  /** Nominal battery voltage V_bat in mV (eq. 1), e.g. 12000. */
  batteryVoltageMV: number;
  /** Capacity in mAh (eq. 1), e.g. 40000. */
  capacityMAh: number;
  /** Energy stored per energy charged, permille (1000 = lossless). */
  chargeEfficiencyPermille: number;
  /** Energy delivered per energy taken from storage, permille. */
  dischargeEfficiencyPermille: number;
  /** Longest sample interval still integrated. */
  maxGapMs: number;
  /** A BMV SOC older than this is stale. */
  bmvFreshMs: number;
  /** Largest pull toward the BMV per sample, permille. */
  maxCorrectionPermille: number;
}

export const DEFAULT_SOC_CONFIG: SocConfig = {
  batteryVoltageMV: 12_000,
  capacityMAh: 40_000,
  chargeEfficiencyPermille: 1000,
  dischargeEfficiencyPermille: 1000,
  maxGapMs: 10_000,
  bmvFreshMs: 10_000,
  maxCorrectionPermille: 2,
};

/** One battery reading (VE.Direct V and I fields). */
export interface BatterySample {
  atMs: number;
  voltageMV: number;
  /** Positive = charging. */
  currentMA: number;
}

/** 1 mWh = 3.6 J = 3.6e9 nJ; nJ = mV · mA · ms. */
const NJ_PER_MWH = 3_600_000_000;

/** E_tbat in mWh (eq. 1): V_bat · Ah. */
export function batteryEnergyMWh(batteryVoltageMV: number, capacityMAh: number): number {
  return Math.floor((batteryVoltageMV * capacityMAh) / 1000); // mV·mAh = µWh
}

function intIn(v: number, lo: number, hi: number): boolean {
  return Number.isSafeInteger(v) && v >= lo && v <= hi;
}

function checkConfig(c: SocConfig): void {
  if (!intIn(c.batteryVoltageMV, 1000, 100_000)) fail('E_SOC_CONFIG', 'batteryVoltageMV must be an integer in 1000..100000');
  if (!intIn(c.capacityMAh, 100, 10_000_000)) fail('E_SOC_CONFIG', 'capacityMAh must be an integer in 100..10000000');
  if (!intIn(c.chargeEfficiencyPermille, 500, 1000)) fail('E_SOC_CONFIG', 'chargeEfficiencyPermille must be in 500..1000');
  if (!intIn(c.dischargeEfficiencyPermille, 500, 1000)) fail('E_SOC_CONFIG', 'dischargeEfficiencyPermille must be in 500..1000');
  if (!intIn(c.maxGapMs, 1, 3_600_000)) fail('E_SOC_CONFIG', 'maxGapMs must be in 1..3600000');
  if (!intIn(c.bmvFreshMs, 0, 3_600_000)) fail('E_SOC_CONFIG', 'bmvFreshMs must be in 0..3600000');
  if (!intIn(c.maxCorrectionPermille, 0, 1000)) fail('E_SOC_CONFIG', 'maxCorrectionPermille must be in 0..1000');
}

/** Coulomb-counting SOC estimator (eq. 2) with BMV reconciliation. */
export class SocEstimator {
  private readonly cfg: SocConfig;
  /** E_tbat (eq. 1), mWh. */
  readonly capacityMWh: number;
  private storedMWh: number;
  /** Remainder of stored energy below one mWh, in nJ, 0 ≤ rem < NJ_PER_MWH. */
  private remNJ = 0;
  private lastAtMs: number | null = null;
  private bmvPermille: number | null = null;
  private bmvAtMs = 0;
  private nowMs = 0;
  /** Intervals skipped because they exceeded maxGapMs or ran backwards. */
  gaps = 0;

  constructor(config: SocConfig, initialPermille: number) {
    checkConfig(config);
    if (!intIn(initialPermille, 0, 1000)) fail('E_SOC_CONFIG', 'initial SOC must be 0..1000 permille');
    this.cfg = { ...config };
    this.capacityMWh = batteryEnergyMWh(config.batteryVoltageMV, config.capacityMAh);
    this.storedMWh = Math.floor((this.capacityMWh * initialPermille) / 1000);
  }

  /** The locally integrated SOC (eq. 2), permille. */
  get estimatePermille(): number {
    return Math.floor((this.storedMWh * 1000) / this.capacityMWh);
  }

  /** Energy stored by the local estimate, mWh (SOC · E_tbat). */
  get storedEnergyMWh(): number {
    return this.storedMWh;
  }

  /** Whether the last BMV SOC is fresh at the latest time seen. */
  get bmvFresh(): boolean {
    return this.bmvPermille !== null && this.nowMs - this.bmvAtMs <= this.cfg.bmvFreshMs;
  }

  /** The SOC to act on: the BMV's when fresh, else the local estimate. */
  get socPermille(): number {
    return this.bmvFresh ? (this.bmvPermille as number) : this.estimatePermille;
  }

  /** A BMV-700 SOC reading (VE.Direct `SOC`, converted to permille). */
  bmv(socPermille: number, atMs: number): void {
    if (!intIn(socPermille, 0, 1000)) return; // the parser's job; ignore nonsense here
    this.bmvPermille = socPermille;
    this.bmvAtMs = atMs;
    if (atMs > this.nowMs) this.nowMs = atMs;
  }

  /**
   * Integrate one sample over the interval since the previous one (eq. 2)
   * and return the SOC to act on.
   */
  sample(s: BatterySample): number {
    const prev = this.lastAtMs;
    this.lastAtMs = s.atMs;
    if (s.atMs > this.nowMs) this.nowMs = s.atMs;
    if (prev !== null) {
      const dt = s.atMs - prev;
      if (dt <= 0 || dt > this.cfg.maxGapMs) this.gaps++;
      else this.integrate(s.voltageMV, s.currentMA, dt);
    }
    if (this.bmvFresh) this.pullToward(this.bmvPermille as number);
    return this.socPermille;
  }

  /** eq. 2 numerator V·I·Δt in nJ, with efficiencies, into the integer store. */
  private integrate(voltageMV: number, currentMA: number, dtMs: number): void {
    if (!Number.isSafeInteger(voltageMV) || !Number.isSafeInteger(currentMA) || voltageMV <= 0) return;
    const raw = voltageMV * currentMA * dtMs;
    if (!Number.isSafeInteger(raw)) return;
    // Efficiency scaling without overflowing 2^53: split before multiplying.
    let deltaNJ: number;
    if (raw >= 0) {
      const eff = this.cfg.chargeEfficiencyPermille;
      deltaNJ = Math.floor(raw / 1000) * eff + Math.floor(((raw % 1000) * eff) / 1000);
    } else {
      const eff = this.cfg.dischargeEfficiencyPermille;
      const n = -raw;
      deltaNJ = -(Math.floor(n / eff) * 1000 + Math.ceil(((n % eff) * 1000) / eff));
    }
    // Split into whole mWh and remainder, keeping 0 ≤ remNJ < NJ_PER_MWH.
    let rem = this.remNJ + (deltaNJ % NJ_PER_MWH);
    let whole = this.storedMWh + Math.trunc(deltaNJ / NJ_PER_MWH);
    if (rem < 0) {
      rem += NJ_PER_MWH;
      whole -= 1;
    } else if (rem >= NJ_PER_MWH) {
      rem -= NJ_PER_MWH;
      whole += 1;
    }
    // Clamp to 0..E_tbat (SOC 0..1000 permille).
    if (whole < 0) {
      whole = 0;
      rem = 0;
    } else if (whole >= this.capacityMWh) {
      whole = this.capacityMWh;
      rem = 0;
    }
    this.storedMWh = whole;
    this.remNJ = rem;
  }

  /** Move the local estimate toward `target` by at most maxCorrectionPermille of E_tbat. */
  private pullToward(targetPermille: number): void {
    const target = Math.floor((this.capacityMWh * targetPermille) / 1000);
    const step = Math.floor((this.capacityMWh * this.cfg.maxCorrectionPermille) / 1000);
    const diff = target - this.storedMWh;
    if (diff === 0) return;
    const move = diff > 0 ? Math.min(diff, step) : -Math.min(-diff, step);
    this.storedMWh += move;
    this.remNJ = 0;
  }
}

/**
 * The coupling node's own export/import counters from its meter samples
 * (bus mV, current mA, + = house → bus): trapezoid between consecutive
 * samples, exact integers (whole mWh plus a remainder in ½ µW·ms, as the
 * meter's EnergyIntegrator — the coupling build does not map firmware/meter).
 * A gap longer than `maxGapMs`, a clock step back or an invalid sample is
 * not integrated: the next sample starts a new baseline.
 */

/** ½ µW·ms per mWh: mV·mA = µW; trapezoid sums kept without the halving. */
const UNITS_PER_MWH = 7_200_000_000;

export class NodeEnergy {
  readonly maxGapMs: number;
  exportMWh = 0;
  importMWh = 0;
  /** Power at the last sample, mW (+ = to the bus). */
  powerMW = 0;
  #exportRem = 0;
  #importRem = 0;
  #lastAt: number | null = null;
  #lastP = 0;

  constructor(maxGapMs = 10_000) {
    this.maxGapMs = maxGapMs;
  }

  /** One sample; false when it was refused (out of range: |I| ≤ 200 A, 0 ≤ V ≤ 100 V). */
  push(atMs: number, busMV: number, currentMA: number): boolean {
    if (!Number.isSafeInteger(atMs) || !Number.isInteger(busMV) || busMV < 0 || busMV > 100_000 || !Number.isInteger(currentMA) || currentMA < -200_000 || currentMA > 200_000) return false;
    const p = busMV * currentMA; // µW
    const prevAt = this.#lastAt;
    const prevP = this.#lastP;
    this.#lastAt = atMs;
    this.#lastP = p;
    this.powerMW = Math.trunc(p / 1000);
    if (prevAt === null) return true;
    const dt = atMs - prevAt;
    if (dt <= 0 || dt > this.maxGapMs) return true;
    const out = (prevP > 0 ? prevP : 0) + (p > 0 ? p : 0);
    const inn = (prevP < 0 ? -prevP : 0) + (p < 0 ? -p : 0);
    if (out) {
      const r = this.#exportRem + out * dt;
      const whole = Math.floor(r / UNITS_PER_MWH);
      this.exportMWh += whole;
      this.#exportRem = r - whole * UNITS_PER_MWH;
    }
    if (inn) {
      const r = this.#importRem + inn * dt;
      const whole = Math.floor(r / UNITS_PER_MWH);
      this.importMWh += whole;
      this.#importRem = r - whole * UNITS_PER_MWH;
    }
    return true;
  }
}

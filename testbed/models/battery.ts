/**
 * Battery: energy store with capacity E_tbat = V·Ah (eq. 1), state of charge
 * by energy (eq. 2), charge and discharge efficiencies, a low-voltage
 * cut-off at minSoc (the charge controller's load disconnect), and a
 * terminal voltage from an open-circuit-voltage curve plus an internal
 * resistance, so V moves realistically with SOC and current.
 *
 * Stored energy is an integer in µJ. `charge` and `discharge` return exactly
 * how much crossed the terminals and how much was lost, so a house's energy
 * balance closes to the µJ.
 */
import type { BatteryChemistry } from '../scenario/types';
import { UJ_PER_WH } from './units';

/** Resting voltage of a 12 V block vs SOC (piecewise linear, SOC ascending). */
const OCV_12V: Record<BatteryChemistry, readonly [number, number][]> = {
  // Flooded/AGM lead-acid at rest, typical manufacturer tables.
  'lead-acid': [
    [0, 11.5], [0.1, 11.64], [0.2, 11.75], [0.3, 11.85], [0.4, 11.98], [0.5, 12.1],
    [0.6, 12.24], [0.7, 12.36], [0.8, 12.46], [0.9, 12.58], [1, 12.7],
  ],
  // 4-cell LiFePO4: a flat plateau with steep knees at both ends.
  lifepo4: [
    [0, 10.0], [0.05, 12.0], [0.1, 12.8], [0.2, 12.9], [0.3, 13.0], [0.4, 13.05], [0.5, 13.1],
    [0.6, 13.15], [0.7, 13.2], [0.8, 13.25], [0.9, 13.3], [0.99, 13.4], [1, 13.6],
  ],
};

/** Internal resistance × capacity (Ω·Ah) for a 12 V block. */
const R_AH_12V: Record<BatteryChemistry, number> = { 'lead-acid': 0.8, lifepo4: 0.3 };

export interface BatterySpec {
  voltage: number;
  capacityAh: number;
  initialSoc: number;
  minSoc: number;
  chemistry?: BatteryChemistry;
}

export interface BatteryEfficiency {
  charge: number;
  discharge: number;
}

/** Open-circuit voltage (V) of a battery of nominal `nominalV` at `soc`. */
export function openCircuitVoltage(chemistry: BatteryChemistry, nominalV: number, soc: number): number {
  const table = OCV_12V[chemistry];
  const s = Math.max(0, Math.min(1, soc));
  let i = 1;
  while (i < table.length - 1 && table[i]![0] < s) i++;
  const [s0, v0] = table[i - 1]!;
  const [s1, v1] = table[i]!;
  return ((v0 + ((v1 - v0) * (s - s0)) / (s1 - s0)) * nominalV) / 12;
}

export class Battery {
  readonly nominalV: number;
  readonly capacityAh: number;
  readonly chemistry: BatteryChemistry;
  /** E_tbat in µJ (eq. 1). */
  readonly capacityUJ: number;
  /** Cut-off level in µJ (minSoc · E_tbat). */
  readonly minUJ: number;
  readonly eff: BatteryEfficiency;
  /** Internal resistance, Ω. */
  readonly resistanceOhm: number;
  private storedUJ: number;
  /** Signed terminal power of the last step (mW, + = charging). */
  private lastPowerMW = 0;

  constructor(spec: BatterySpec, eff: BatteryEfficiency) {
    this.nominalV = spec.voltage;
    this.capacityAh = spec.capacityAh;
    this.chemistry = spec.chemistry ?? 'lead-acid';
    this.capacityUJ = Math.round(spec.voltage * spec.capacityAh * UJ_PER_WH);
    this.minUJ = Math.round(spec.minSoc * this.capacityUJ);
    this.storedUJ = Math.round(spec.initialSoc * this.capacityUJ);
    this.eff = eff;
    this.resistanceOhm = ((R_AH_12V[this.chemistry] / spec.capacityAh) * spec.voltage) / 12;
  }

  /** Stored energy, µJ. */
  get energyUJ(): number {
    return this.storedUJ;
  }

  /** State of charge 0..1 (eq. 2, by energy). */
  get soc(): number {
    return this.storedUJ / this.capacityUJ;
  }

  /** True at or below the low-voltage cut-off. */
  get atCutoff(): boolean {
    return this.storedUJ <= this.minUJ;
  }

  get full(): boolean {
    return this.storedUJ >= this.capacityUJ;
  }

  /** Energy (µJ at the terminals) the battery would accept now. */
  headroomUJ(): number {
    return Math.ceil((this.capacityUJ - this.storedUJ) / this.eff.charge);
  }

  /** Energy (µJ at the terminals) it can deliver before the cut-off. */
  availableUJ(): number {
    return Math.max(0, Math.floor((this.storedUJ - this.minUJ) * this.eff.discharge));
  }

  /** Offer `inUJ` at the terminals; returns what was accepted and the loss. */
  charge(inUJ: number): { acceptedUJ: number; lossUJ: number } {
    const accepted = Math.max(0, Math.min(inUJ, this.headroomUJ()));
    const added = Math.min(this.capacityUJ - this.storedUJ, Math.round(accepted * this.eff.charge));
    this.storedUJ += added;
    return { acceptedUJ: accepted, lossUJ: accepted - added };
  }

  /** Ask for `outUJ` at the terminals; returns what was delivered and the loss. */
  discharge(outUJ: number): { deliveredUJ: number; lossUJ: number } {
    if (outUJ <= 0) return { deliveredUJ: 0, lossUJ: 0 };
    const avail = this.storedUJ - this.minUJ;
    if (avail <= 0) return { deliveredUJ: 0, lossUJ: 0 };
    let removed = Math.ceil(outUJ / this.eff.discharge);
    let delivered = outUJ;
    if (removed > avail) {
      removed = avail;
      delivered = Math.floor(avail * this.eff.discharge);
    }
    this.storedUJ -= removed;
    return { deliveredUJ: delivered, lossUJ: removed - delivered };
  }

  /** Record the step's signed terminal energy (for V and I readings). */
  setTerminal(netUJ: number, dtMs: number): void {
    this.lastPowerMW = dtMs > 0 ? netUJ / dtMs : 0;
  }

  /** Open-circuit voltage now, volts. */
  ocv(): number {
    return openCircuitVoltage(this.chemistry, this.nominalV, this.soc);
  }

  /**
   * Terminal voltage (V) with the last step's current through the internal
   * resistance: V = OCV + I·R, I = P/V  ⇒  V = (OCV + √(OCV² + 4·P·R)) / 2.
   */
  voltage(): number {
    const ocv = this.ocv();
    const p = this.lastPowerMW / 1000;
    const disc = ocv * ocv + 4 * p * this.resistanceOhm;
    return disc > 0 ? (ocv + Math.sqrt(disc)) / 2 : ocv / 2;
  }

  /** Terminal voltage, integer mV. */
  voltageMV(): number {
    return Math.round(this.voltage() * 1000);
  }

  /** Terminal current of the last step, integer mA (+ charging, − discharging). */
  currentMA(): number {
    return Math.round(this.lastPowerMW / this.voltage());
  }

  /** SOC in permille (0..1000), rounded down so "full" means really full. */
  socPermille(): number {
    return Math.max(0, Math.min(1000, Math.floor(this.soc * 1000 + 1e-9)));
  }
}

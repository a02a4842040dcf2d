/**
 * MPPT charge controller with a load output (a Victron SmartSolar 75/15
 * class device). PV power converted with η_SHSD (eq. 5) is the "useful"
 * energy at its output; it feeds the load output first (house loads and,
 * with RL1 closed, the bus), then charges the battery within the charge
 * current limit; what neither takes is not harvested (curtailed PV, the
 * "wasted PV" of the KPIs). A shortfall on the load output comes from the
 * battery down to its low-voltage cut-off; beyond it the load is unserved.
 *
 * All energies are integer µJ over one step.
 */
import type { Battery } from './battery';

export interface MpptSpec {
  /** η_SHSD, PV → DC output (eq. 5). */
  efficiency: number;
  /** Battery charge current limit, mA (default 15 000). */
  chargeLimitMA?: number;
  /** Load output current limit, mA (default 15 000). */
  loadLimitMA?: number;
}

/** Everything that happened on the controller during one step (µJ). */
export interface MpptFlows {
  pvUJ: number;
  usefulUJ: number;
  conversionLossUJ: number;
  /** Useful energy straight to the load output. */
  directUJ: number;
  /** Energy into the battery terminals, and what charging lost. */
  chargeUJ: number;
  chargeLossUJ: number;
  /** Energy out of the battery terminals, and what discharging lost. */
  dischargeUJ: number;
  dischargeLossUJ: number;
  /** Useful energy not harvested (battery full or charge limit). */
  curtailedUJ: number;
  /** House loads served / unserved on the load output. */
  loadServedUJ: number;
  loadUnservedUJ: number;
  /** Energy sent to the bus through RL1. */
  sentUJ: number;
}

export const EMPTY_FLOWS: MpptFlows = {
  pvUJ: 0, usefulUJ: 0, conversionLossUJ: 0, directUJ: 0, chargeUJ: 0, chargeLossUJ: 0,
  dischargeUJ: 0, dischargeLossUJ: 0, curtailedUJ: 0, loadServedUJ: 0, loadUnservedUJ: 0, sentUJ: 0,
};

export class Mppt {
  readonly efficiency: number;
  readonly chargeLimitMA: number;
  readonly loadLimitMA: number;
  /** PV energy harvested today/total, µJ at the array (VE.Direct "yield"). */
  yieldUJ = 0;
  private last: MpptFlows = EMPTY_FLOWS;

  constructor(spec: MpptSpec) {
    this.efficiency = spec.efficiency;
    this.chargeLimitMA = spec.chargeLimitMA ?? 15_000;
    this.loadLimitMA = spec.loadLimitMA ?? 15_000;
  }

  useful(pvUJ: number): number {
    return Math.floor(pvUJ * this.efficiency);
  }

  private outputLimitUJ(battery: Battery | null, dtMs: number): number {
    const v = battery ? battery.voltage() : 12;
    return Math.floor(this.loadLimitMA * v * dtMs);
  }

  /**
   * Most the load output could still give the bus this step on top of the
   * house loads `loadUJ` (PV first, then the battery down to its cut-off,
   * within the load current limit).
   */
  exportCapacityUJ(pvUJ: number, loadUJ: number, battery: Battery | null, dtMs: number): number {
    const supply = this.useful(pvUJ) + (battery ? battery.availableUJ() : 0);
    return Math.max(0, Math.min(supply, this.outputLimitUJ(battery, dtMs)) - loadUJ);
  }

  /** Run one step: serve `loadUJ` and `sendUJ` from PV and battery, store the rest. */
  dispatch(pvUJ: number, loadUJ: number, sendUJ: number, battery: Battery | null, dtMs: number): MpptFlows {
    const useful = this.useful(pvUJ);
    const out = loadUJ + sendUJ;
    const direct = Math.min(useful, out);
    let surplus = useful - direct;
    let deficit = out - direct;
    let chargeUJ = 0;
    let chargeLossUJ = 0;
    let dischargeUJ = 0;
    let dischargeLossUJ = 0;
    if (battery && surplus > 0) {
      const v = battery.voltage();
      const limit = Math.floor(this.chargeLimitMA * v * dtMs);
      const r = battery.charge(Math.min(surplus, limit));
      chargeUJ = r.acceptedUJ;
      chargeLossUJ = r.lossUJ;
      surplus -= chargeUJ;
    }
    if (battery && deficit > 0) {
      const r = battery.discharge(deficit);
      dischargeUJ = r.deliveredUJ;
      dischargeLossUJ = r.lossUJ;
      deficit -= dischargeUJ;
    }
    // The bus share was sized within capacity; any shortfall falls on the house loads.
    const sentUJ = sendUJ;
    const loadUnservedUJ = Math.min(loadUJ, deficit);
    battery?.setTerminal(chargeUJ - dischargeUJ, dtMs);
    const harvestedUseful = useful - surplus;
    this.yieldUJ += this.efficiency > 0 ? Math.round(harvestedUseful / this.efficiency) : 0;
    this.last = {
      pvUJ, usefulUJ: useful, conversionLossUJ: pvUJ - useful, directUJ: direct, chargeUJ, chargeLossUJ,
      dischargeUJ, dischargeLossUJ, curtailedUJ: surplus, loadServedUJ: loadUJ - loadUnservedUJ, loadUnservedUJ, sentUJ,
    };
    return this.last;
  }

  /** The last step's flows. */
  lastFlows(): MpptFlows {
    return this.last;
  }
}

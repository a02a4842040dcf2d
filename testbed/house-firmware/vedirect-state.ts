/**
 * The VE.Direct state the Victron emulators report, from the house model's
 * readings (portable: runs inside the village machine on XS and Node).
 */
import type { HouseReadings } from '../models/house';
import type { BmvState } from '../victron/bmv';
import type { MpptState } from '../victron/mppt';

/** Day counters the MPPT keeps (H20 yield today, H21 max power today, HSDS). */
export class MpptDay {
  #day = -1;
  #yieldAtDayStartMWh = 0;
  #maxTodayW = 0;
  #yesterday10Wh = 0;
  #maxYesterdayW = 0;

  /** The MPPT state at `r` (a new object; {@link update} writes into an emulator's state instead). */
  state(r: HouseReadings, dayIndex: number): Partial<MpptState> {
    const out = {} as MpptState;
    this.update(out, r, dayIndex);
    return out;
  }

  /** Write the MPPT state at `r` into `out` (the fields {@link state} returns). */
  update(out: MpptState, r: HouseReadings, dayIndex: number): void {
    if (dayIndex !== this.#day) {
      if (this.#day >= 0) {
        this.#yesterday10Wh = Math.floor((r.mppt.yieldMWh - this.#yieldAtDayStartMWh) / 10_000);
        this.#maxYesterdayW = this.#maxTodayW;
      }
      this.#day = dayIndex;
      this.#yieldAtDayStartMWh = r.mppt.yieldMWh;
      this.#maxTodayW = 0;
    }
    const ppvW = Math.round(r.pv.powerMW / 1000);
    if (ppvW > this.#maxTodayW) this.#maxTodayW = ppvW;
    const vbat = r.battery?.voltageMV ?? 12_000;
    const off = r.mppt.state === 'off';
    const float = r.mppt.state === 'float';
    out.batteryVoltageMV = vbat;
    out.batteryCurrentMA = r.mppt.chargeCurrentMA;
    out.panelVoltageMV = r.pv.voltageMV;
    out.panelPowerW = ppvW;
    out.chargeState = off ? 0 : float ? 5 : 3;
    out.trackerMode = off ? 0 : float ? 1 : 2;
    out.offReason = off ? 0x1 : 0;
    out.loadOn = r.mppt.loadOutputOn;
    out.loadCurrentMA = r.mppt.loadCurrentMA;
    out.yieldTotal10Wh = Math.floor(r.mppt.yieldMWh / 10_000);
    out.yieldToday10Wh = Math.floor((r.mppt.yieldMWh - this.#yieldAtDayStartMWh) / 10_000);
    out.maxPowerTodayW = this.#maxTodayW;
    out.yieldYesterday10Wh = this.#yesterday10Wh;
    out.maxPowerYesterdayW = this.#maxYesterdayW;
    out.daySequence = dayIndex % 365;
  }
}

/** BMV-700 live values from the battery model (a new object; {@link updateBmvState} writes in place). */
export function bmvState(r: HouseReadings, capacityAh: number): Partial<BmvState> {
  const out = {} as BmvState;
  updateBmvState(out, r, capacityAh);
  return out;
}

/** Write the BMV-700 live values at `r` into `out` (the fields {@link bmvState} returns). */
export function updateBmvState(out: BmvState, r: HouseReadings, capacityAh: number): void {
  const b = r.battery!;
  const usedMAh = Math.round(((1000 - b.socPermille) * capacityAh * 1000) / 1000);
  const dischargeMA = -b.currentMA;
  out.batteryVoltageMV = b.voltageMV;
  out.batteryCurrentMA = b.currentMA;
  out.consumedMAh = -usedMAh;
  out.socPermille = b.socPermille;
  out.timeToGoMin = dischargeMA > 0 ? Math.min(14_400, Math.round((((b.socPermille * capacityAh * 1000) / 1000) / dischargeMA) * 60)) : -1;
}

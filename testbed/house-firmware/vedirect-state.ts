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

  state(r: HouseReadings, dayIndex: number): Partial<MpptState> {
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
    const cs = r.mppt.state === 'off' ? 0 : r.mppt.state === 'float' ? 5 : 3;
    return {
      batteryVoltageMV: vbat,
      batteryCurrentMA: r.mppt.chargeCurrentMA,
      panelVoltageMV: r.pv.voltageMV,
      panelPowerW: ppvW,
      chargeState: cs,
      trackerMode: r.mppt.state === 'off' ? 0 : r.mppt.state === 'float' ? 1 : 2,
      offReason: r.mppt.state === 'off' ? 0x1 : 0,
      loadOn: r.mppt.loadOutputOn,
      loadCurrentMA: r.mppt.loadCurrentMA,
      yieldTotal10Wh: Math.floor(r.mppt.yieldMWh / 10_000),
      yieldToday10Wh: Math.floor((r.mppt.yieldMWh - this.#yieldAtDayStartMWh) / 10_000),
      maxPowerTodayW: this.#maxTodayW,
      yieldYesterday10Wh: this.#yesterday10Wh,
      maxPowerYesterdayW: this.#maxYesterdayW,
      daySequence: dayIndex % 365,
    };
  }
}

/** BMV-700 live values from the battery model. */
export function bmvState(r: HouseReadings, capacityAh: number): Partial<BmvState> {
  const b = r.battery!;
  const usedMAh = Math.round(((1000 - b.socPermille) * capacityAh * 1000) / 1000);
  const dischargeMA = -b.currentMA;
  return {
    batteryVoltageMV: b.voltageMV,
    batteryCurrentMA: b.currentMA,
    consumedMAh: -usedMAh,
    socPermille: b.socPermille,
    timeToGoMin: dischargeMA > 0 ? Math.min(14_400, Math.round((((b.socPermille * capacityAh * 1000) / 1000) / dischargeMA) * 60)) : -1,
  };
}

/**
 * The scenario's hourly reference model (`model.balance`, `model.soc`):
 * useful PV u = pv·η_SHSD; net = u − load − sent + received; net > 0 charges
 * the battery (×batteryCharge; overflow = wasted PV), net < 0 discharges
 * (stored −= −net / batteryDischarge); below minSoc the load is unserved.
 * Used as the baseline the LP oracle starts from, and to check the physical
 * models against the file's expected figures.
 */
import { hourlyLoadWh } from '../scenario/load';
import type { Scenario } from '../scenario/types';
import type { HouseLog, VillageLog } from './log';

/** Optional exchange schedule: per household id, 24 hourly sent / received Wh. */
export interface HourlyExchange {
  sentWh?: Record<string, number[]>;
  receivedWh?: Record<string, number[]>;
}

export function simulateHourly(scenario: Scenario, exchange: HourlyExchange = {}): VillageLog {
  const eff = scenario.efficiency;
  const households: HouseLog[] = scenario.households.map((h) => {
    const pv = h.pv?.hourlyWh ?? new Array<number>(24).fill(0);
    const primary = hourlyLoadWh(h.loads, 'primary');
    const secondary = hourlyLoadWh(h.loads, 'secondary');
    const sent = exchange.sentWh?.[h.id] ?? new Array<number>(24).fill(0);
    const received = exchange.receivedWh?.[h.id] ?? new Array<number>(24).fill(0);
    const cap = h.battery ? h.battery.voltage * h.battery.capacityAh : 0;
    const floor = h.battery ? h.battery.minSoc * cap : 0;
    let stored = h.battery ? h.battery.initialSoc * cap : 0;
    const soc: number[] = [h.battery ? stored / cap : 0];
    const wasted: number[] = [];
    const unserved: number[] = [];
    for (let t = 0; t < 24; t++) {
      const net = pv[t]! * eff.shsDirect - primary[t]! - secondary[t]! - sent[t]! + received[t]!;
      let w = 0;
      let u = 0;
      if (net >= 0) {
        stored += net * eff.batteryCharge;
        if (stored > cap) {
          w = (stored - cap) / eff.batteryCharge;
          stored = cap;
        }
      } else {
        const need = -net / eff.batteryDischarge;
        if (stored - need >= floor) stored -= need;
        else {
          u = (need - Math.max(0, stored - floor)) * eff.batteryDischarge;
          stored = Math.min(stored, floor);
        }
      }
      wasted.push(w / eff.shsDirect);
      unserved.push(u);
      soc.push(h.battery ? stored / cap : 0);
    }
    return {
      id: h.id,
      pvWh: [...pv],
      primaryDemandWh: primary,
      secondaryDemandWh: secondary,
      unservedWh: unserved,
      wastedPvWh: wasted,
      sentWh: [...sent],
      receivedWh: [...received],
      soc: h.battery ? soc : null,
    };
  });
  return {
    stepMin: 60,
    shsDirect: eff.shsDirect,
    link: eff.link,
    priceUnitsPerKWh: scenario.market.priceUnitsPerKWh,
    households,
  };
}

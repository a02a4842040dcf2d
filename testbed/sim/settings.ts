/**
 * What each virtual coupling board is flashed with: HEMTS settings from the
 * scenario (trigger SOCs, thresholds, price, battery size, efficiencies,
 * the appliance schedule of eq. 3, the expected hourly PV).
 */
import { DEFAULT_SETTINGS, MAX_APPLIANCE_WINDOWS, MAX_APPLIANCES, validateSettings, type HemtsSettings, type Strategy } from '../../firmware/coupling/settings';
import type { Appliance } from '../../firmware/coupling/schedule';
import type { Scenario, ScenarioHousehold } from '../scenario/types';

const pm = (x: number) => Math.round(x * 1000);

/**
 * The scenario's appliances as schedule lines. A line holds at most 8
 * windows, so an appliance with more (a fridge cycling all day) becomes
 * several lines of the same name; beyond 32 lines the rest is dropped
 * (the schedule then under-states the day's demand).
 */
export function appliancesOf(h: ScenarioHousehold): Appliance[] {
  const out: Appliance[] = [];
  for (const l of h.loads) {
    const line = {
      name: l.name.slice(0, 32) || 'load',
      kind: l.kind === 'secondary' ? ('secondary' as const) : ('primary' as const),
      powerMW: Math.max(1, Math.round(l.powerW * 1000)),
      number: Math.max(1, Math.min(100, l.number)),
    };
    const windows = l.windows.map((w) => [w[0], w[1]] as [number, number]);
    for (let i = 0; i < Math.max(1, windows.length); i += MAX_APPLIANCE_WINDOWS) {
      if (out.length >= MAX_APPLIANCES) return out;
      out.push({ ...line, windows: windows.slice(i, i + MAX_APPLIANCE_WINDOWS) });
    }
  }
  return out;
}

/**
 * Peak simultaneous power of the house's secondary loads, mW (0 if none):
 * what its coupling can usefully take from the bus, so what its orders
 * state as `maxPowerMW` (the market sizes a window as energy / the lower
 * of the two parties' powers).
 */
export function secondaryPeakMW(h: ScenarioHousehold): number {
  const delta = new Map<number, number>();
  for (const l of h.loads) {
    if (l.kind !== 'secondary') continue;
    const p = Math.round(l.powerW * l.number * 1000);
    for (const [a, b] of l.windows) {
      delta.set(a, (delta.get(a) ?? 0) + p);
      delta.set(b, (delta.get(b) ?? 0) - p);
    }
  }
  let now = 0;
  let peak = 0;
  for (const t of [...delta.keys()].sort((x, y) => x - y)) {
    now += delta.get(t)!;
    if (now > peak) peak = now;
  }
  return peak;
}

/** The load output's current limit (testbed/models/mppt.ts default): what a coupling can export, with the battery voltage. */
const LOAD_OUTPUT_LIMIT_MA = 15_000;

/**
 * HEMTS settings for one scenario household. Houses without a battery are
 * flashed as PV-direct (hasBattery 0; the SOC estimator still gets a
 * nominal 12 V, 1 Ah battery it never relies on).
 */
export function settingsFor(sc: Scenario, h: ScenarioHousehold, strategy: Strategy): HemtsSettings {
  const b = h.battery;
  return validateSettings({
    ...DEFAULT_SETTINGS,
    strategy,
    socPPermille: pm(sc.hemts.socP),
    socPminPermille: pm(sc.hemts.socPmin),
    socCPermille: pm(sc.hemts.socC),
    socCmaxPermille: pm(sc.hemts.socCmax),
    minSocPermille: b ? pm(b.minSoc) : 0,
    offerThresholdMWh: pm(sc.hemts.offerThresholdWh),
    requestThresholdMWh: pm(sc.hemts.requestThresholdWh),
    priceUnitsPerKWh: sc.market.priceUnitsPerKWh,
    maxPowerMW: secondaryPeakMW(h) || DEFAULT_SETTINGS.maxPowerMW,
    exportPowerMW: Math.round(LOAD_OUTPUT_LIMIT_MA * (b ? b.voltage : 12)),
    hasBattery: b ? 1 : 0,
    batteryVoltageMV: b ? pm(b.voltage) : 12_000,
    capacityMAh: b ? pm(b.capacityAh) : 1_000,
    shsDirectPermille: pm(sc.efficiency.shsDirect),
    chargePermille: Math.max(500, pm(sc.efficiency.batteryCharge)),
    dischargePermille: Math.max(500, pm(sc.efficiency.batteryDischarge)),
    appliances: appliancesOf(h),
    pvProfileMWh: (h.pv?.hourlyWh ?? new Array<number>(24).fill(0)).map((x) => Math.round(x * 1000)),
  });
}


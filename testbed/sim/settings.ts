/**
 * What each virtual coupling board is flashed with: HEMTS settings from the
 * scenario (trigger SOCs, thresholds, price, battery size, efficiencies,
 * the appliance schedule of eq. 3, the expected hourly PV).
 */
import { DEFAULT_SETTINGS, validateSettings, type HemtsSettings, type Strategy } from '../../firmware/coupling/settings';
import type { Appliance } from '../../firmware/coupling/schedule';
import type { Scenario, ScenarioHousehold } from '../scenario/types';

const pm = (x: number) => Math.round(x * 1000);

export function appliancesOf(h: ScenarioHousehold): Appliance[] {
  return h.loads.slice(0, 32).map((l) => ({
    name: l.name.slice(0, 32) || 'load',
    kind: l.kind === 'secondary' ? 'secondary' : 'primary',
    powerMW: Math.max(1, Math.round(l.powerW * 1000)),
    number: Math.max(1, Math.min(100, l.number)),
    windows: l.windows.slice(0, 8).map((w) => [w[0], w[1]] as [number, number]),
  }));
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

/** HEMTS settings for one scenario household (houses without a battery get a nominal 12 V, 1 Ah one). */
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
    batteryVoltageMV: b ? pm(b.voltage) : 12_000,
    capacityMAh: b ? pm(b.capacityAh) : 1_000,
    shsDirectPermille: pm(sc.efficiency.shsDirect),
    chargePermille: Math.max(500, pm(sc.efficiency.batteryCharge)),
    dischargePermille: Math.max(500, pm(sc.efficiency.batteryDischarge)),
    appliances: appliancesOf(h),
    pvProfileMWh: (h.pv?.hourlyWh ?? new Array<number>(24).fill(0)).map((x) => Math.round(x * 1000)),
  });
}


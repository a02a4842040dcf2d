/**
 * Stochastic load profiles and whole village scenarios, after LoadProGen
 * and RAMP: for each appliance a household owns, per day and per unit (or
 * for all units together when `fixed`):
 * 1. randomise each functioning window's edges by ± windowVar × its length;
 * 2. draw the day's functioning time, funcTime × U(1 − timeVar, 1 + timeVar),
 *    capped by the windows' total length;
 * 3. switch on at random free minutes inside the windows, each time for a
 *    random duration of at least the minimum functioning cycle (or what is
 *    left), clipped at the window's end and at minutes already on, until the
 *    functioning time is used.
 * Everything comes from one seeded generator; same options → same JSON.
 */
import { Rng } from '../models/rng';
import { hourlyLoadWh, parseScenario } from '../scenario/load';
import { scenarioFail } from '../scenario/errors';
import { SCENARIO_SCHEMA, type Scenario, type ScenarioHousehold, type ScenarioLoad } from '../scenario/types';
import { simulateHourly } from '../metrics/hourly';
import { computeMetrics } from '../metrics/metrics';
import { NO_SHS_APPLIANCES, SHOP_APPLIANCES, SHS_APPLIANCES, type ApplianceTemplate } from './appliances';
import { SFAX_APRIL, clearDayShape, type SiteOptions } from './pvshape';

/** Minute-resolution functioning of one unit (or one fixed group) for a day. */
export function applianceDay(t: ApplianceTemplate, rng: Rng): [number, number][] {
  const windows = t.windows
    .map(([s, e]): [number, number] => {
      const d = (e - s) * t.windowVar;
      const ns = s === 0 ? 0 : Math.round(s + rng.uniform(-d, d));
      const ne = e === 1440 ? 1440 : Math.round(e + rng.uniform(-d, d));
      return [Math.max(0, Math.min(1439, ns)), Math.max(1, Math.min(1440, ne))];
    })
    .filter(([s, e]) => e > s);
  const on = new Uint8Array(1440);
  const free: number[] = [];
  for (const [s, e] of windows) for (let m = s; m < e; m++) if (!on[m]) (on[m] = 2), free.push(m); // 2 = inside a window
  const target = Math.min(free.length, Math.round(t.funcTimeMin * rng.uniform(1 - t.timeVar, 1 + t.timeVar)));
  let used = 0;
  for (let guard = 0; used < target && guard < 10_000; guard++) {
    const start = free[rng.int(0, free.length - 1)]!;
    if (on[start] !== 2) continue;
    const left = target - used;
    const cycle = Math.min(left, t.funcCycleMin);
    let len = Math.round(rng.uniform(cycle, Math.max(cycle, Math.min(left, 3 * t.funcCycleMin))));
    for (let m = start; m < 1440 && len > 0 && on[m] === 2; m++, len--) (on[m] = 1), used++;
  }
  const out: [number, number][] = [];
  for (let m = 0; m < 1440; m++) {
    if (on[m] !== 1) continue;
    const s = m;
    while (m < 1440 && on[m] === 1) m++;
    out.push([s, m]);
  }
  return out;
}

/** A household's loads from a list of templates (ownership, occasional use, units). */
export function householdLoads(templates: readonly ApplianceTemplate[], rng: Rng): ScenarioLoad[] {
  const loads: ScenarioLoad[] = [];
  for (const t of templates) {
    if (!rng.chance(t.ownership) || !rng.chance(t.useProbability)) continue;
    const n = rng.int(t.number[0], t.number[1]);
    const groups = t.fixed ? [n] : new Array<number>(n).fill(1);
    groups.forEach((count, k) => {
      const windows = applianceDay(t, rng);
      if (!windows.length) return;
      loads.push({ name: t.fixed || n === 1 ? t.name : `${t.name} ${k + 1}/${n}`, kind: t.kind, powerW: t.powerW, number: count, windows });
    });
  }
  return loads;
}

export interface GenerateOptions {
  households: number;
  seed?: number;
  /** Peak PV per house (cycled); 0 = no PV. Default [150, 80, 100, 50, 0, 120]. */
  pvWp?: number[];
  /** Battery Ah per house (cycled, 12 V); 0 = no battery. Default [40, 40, 60, 30, 0, 40]. */
  batteryAh?: number[];
  /** Add a shop with a DC fridge (a shared community load). */
  shop?: boolean;
  /** PV level (fraction of the clear-day shape; the paper's lab ≈ 0.32). Default 0.32. */
  pvLevel?: number;
  name?: string;
  site?: SiteOptions;
}

const round = (x: number, step: number) => Math.round(x / step) * step;
const r2 = (x: number) => Math.round(x * 100) / 100;

function pvBlock(peakW: number, level: number, shape: number[], site: SiteOptions) {
  return {
    peakW,
    hourlyWh: shape.map((s) => Number(round(s * peakW * level, 0.1).toFixed(1))),
    derivation: {
      method: 'clear-sky shape x peakW x level', lat: site.latDeg, lon: site.lonDeg, tz: site.tz, doy: site.doy,
      tilt: site.tiltDeg, az: site.azDeg, level, clearSkyKWhPerKWp: Number(shape.reduce((a, b) => a + b, 0).toFixed(2)),
    },
  };
}

function finish(h: Omit<ScenarioHousehold, 'dailyDemandWh' | 'derived'>): ScenarioHousehold {
  const primary = hourlyLoadWh(h.loads, 'primary').map(r2);
  const secondary = hourlyLoadWh(h.loads, 'secondary').map(r2);
  const daily = hourlyLoadWh(h.loads).reduce((a, b) => a + b, 0);
  const pvDaily = (h.pv?.hourlyWh ?? []).reduce((a, b) => a + b, 0);
  return { ...h, dailyDemandWh: r2(daily), derived: { pvDailyWh: Number(pvDaily.toFixed(1)), primaryHourlyWh: primary, secondaryHourlyWh: secondary } };
}

/** Generate a whole village scenario (validated before it is returned). */
export function generateVillage(options: GenerateOptions): Scenario {
  const n = options.households;
  if (!Number.isInteger(n) || n < 1 || n > 200) scenarioFail('E_LOADS_ARG', `households must be an integer 1..200, got ${n}`);
  const seed = options.seed ?? 1;
  const pvList = options.pvWp ?? [150, 80, 100, 50, 0, 120];
  const ahList = options.batteryAh ?? [40, 40, 60, 30, 0, 40];
  const level = options.pvLevel ?? 0.32;
  const site = options.site ?? SFAX_APRIL;
  if (!pvList.length || !ahList.length || [...pvList, ...ahList].some((x) => !Number.isFinite(x) || x < 0))
    scenarioFail('E_LOADS_ARG', 'pv-wp and battery-ah must be lists of numbers ≥ 0');
  if (!(level > 0 && level <= 1.5)) scenarioFail('E_LOADS_ARG', `pv level must be in (0, 1.5], got ${level}`);
  const rng = new Rng(seed);
  const shape = clearDayShape(site);
  const households: ScenarioHousehold[] = [];
  for (let i = 0; i < n; i++) {
    const hr = rng.fork(`house-${i}`);
    const peakW = pvList[i % pvList.length]!;
    const ah = ahList[i % ahList.length]!;
    const hasShs = peakW > 0 || ah > 0;
    const h: Omit<ScenarioHousehold, 'dailyDemandWh' | 'derived'> = {
      id: `h${String(i + 1).padStart(2, '0')}`,
      role: hasShs ? `SHS ${peakW} Wp, ${ah ? `12 V ${ah} Ah` : 'no battery'}` : 'no SHS (all loads wait for the bus)',
      loads: householdLoads(hasShs ? SHS_APPLIANCES : NO_SHS_APPLIANCES, hr),
    };
    if (peakW > 0) h.pv = pvBlock(peakW, level, shape, site);
    if (ah > 0) h.battery = { voltage: 12, capacityAh: ah, initialSoc: round(hr.uniform(0.5, 0.8), 0.01), minSoc: 0.2 };
    households.push(finish(h));
  }
  if (options.shop) {
    const hr = rng.fork('shop');
    households.push(finish({
      id: 'shop',
      role: 'village shop: DC fridge (community load), lights, phone-charging service; SHS 200 Wp, 12 V 100 Ah',
      pv: pvBlock(200, level, shape, site),
      battery: { voltage: 12, capacityAh: 100, initialSoc: round(hr.uniform(0.5, 0.8), 0.01), minSoc: 0.2 },
      loads: householdLoads(SHOP_APPLIANCES, hr),
    }));
  }
  const name = options.name ?? `village-${n}${options.shop ? '-shop' : ''}-s${seed}`;
  const draft = {
    schema: SCENARIO_SCHEMA,
    name,
    description: `Generated by \`swarmgrid loads generate\` (seed ${seed}): stochastic appliance use after LoadProGen/RAMP (windows, functioning time, minimum cycle, random variation), PV = clear-day shape x peakW x level ${level}.`,
    time: { stepMin: 60, steps: 24, hourIndex: 'index h = clock interval [h:00, h+1:00)' },
    efficiency: { shsDirect: 0.81, batteryDischarge: 0.8, batteryCharge: 1, link: 0.8, notes: 'as paper-two-house' },
    market: { priceUnitsPerKWh: 2, settlement: 'min(delivered, consumed) = energy received at the requester' },
    hemts: { socP: 0.85, socPmin: 0.8, socC: 0.8, socCmax: 0.9, offerThresholdWh: 5, requestThresholdWh: 5 },
    generator: { seed, households: n, pvWp: pvList, batteryAh: ahList, shop: !!options.shop, pvLevel: level },
    households,
  };
  const scenario = parseScenario(draft);
  const m = computeMetrics(simulateHourly(scenario));
  scenario.expected = {
    note: 'computed = the hourly reference model of this file (testbed/metrics/hourly.ts), standalone',
    computed: {
      standalone: {
        households: Object.fromEntries(Object.values(m.households).map((h) => [h.id, {
          pvWh: r2(h.pvWh), demandWh: r2(h.demandWh), wastedPvWh: r2(h.wastedPvWh), unservedWh: r2(h.unservedWh),
          endSoc: h.endSoc === null ? null : Number(h.endSoc.toFixed(4)), firstFullAt: h.firstFullHour, cycles: h.cycles, runs: h.runs,
        }])),
        community: { pvWh: r2(m.community.pvWh), demandWh: r2(m.community.demandWh), wastedPvWh: r2(m.community.wastedPvWh), unservedWh: r2(m.community.unservedWh) },
      },
    },
  };
  return scenario;
}

/**
 * Load and validate a `shs-p2p-scenario/1` file. Validation happens once,
 * here, with a path in every message (`households[1].battery.minSoc`); the
 * models trust what this returns.
 */
import { readFileSync } from 'node:fs';
import { scenarioFail } from './errors';
import { SCENARIO_SCHEMA, type Scenario, type ScenarioHousehold, type ScenarioLoad } from './types';

const ID = /^[a-z0-9][a-z0-9-]{0,31}$/;
/** Tolerance for recomputed sums (the file rounds to 0.1 Wh). */
const SUM_TOLERANCE_WH = 0.06;

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function obj(v: unknown, path: string): Obj {
  if (!isObj(v)) scenarioFail('E_SCENARIO_FIELD', `${path} must be an object`);
  return v;
}

function num(o: Obj, key: string, path: string, lo = -Infinity, hi = Infinity): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) scenarioFail('E_SCENARIO_FIELD', `${path}.${key} must be a number`);
  if (v < lo || v > hi) scenarioFail('E_SCENARIO_RANGE', `${path}.${key} = ${v} is outside [${lo}, ${hi}]`);
  return v;
}

function str(o: Obj, key: string, path: string): string {
  const v = o[key];
  if (typeof v !== 'string' || v.length === 0) scenarioFail('E_SCENARIO_FIELD', `${path}.${key} must be a non-empty string`);
  return v;
}

function numArray(v: unknown, path: string, length: number, lo: number): number[] {
  if (!Array.isArray(v) || v.length !== length) scenarioFail('E_SCENARIO_FIELD', `${path} must be an array of ${length} numbers`);
  return v.map((x, i) => {
    if (typeof x !== 'number' || !Number.isFinite(x)) scenarioFail('E_SCENARIO_FIELD', `${path}[${i}] must be a number`);
    if (x < lo) scenarioFail('E_SCENARIO_RANGE', `${path}[${i}] = ${x} is below ${lo}`);
    return x;
  });
}

/** Hourly energy (Wh) of a list of loads, from their windows (exact). */
export function hourlyLoadWh(loads: readonly ScenarioLoad[], kind?: 'primary' | 'secondary'): number[] {
  const out = new Array<number>(24).fill(0);
  for (const l of loads) {
    if (kind && l.kind !== kind) continue;
    const w = l.powerW * l.number;
    for (const [s, e] of l.windows) {
      for (let h = Math.floor(s / 60); h < 24 && h * 60 < e; h++) {
        const minutes = Math.min(e, h * 60 + 60) - Math.max(s, h * 60);
        if (minutes > 0) out[h]! += (w * minutes) / 60;
      }
    }
  }
  return out;
}

function checkLoad(v: unknown, path: string): ScenarioLoad {
  const o = obj(v, path);
  const name = str(o, 'name', path);
  const kind = o.kind;
  if (kind !== 'primary' && kind !== 'secondary') scenarioFail('E_SCENARIO_FIELD', `${path}.kind must be "primary" or "secondary"`);
  const powerW = num(o, 'powerW', path, 0);
  if (powerW <= 0) scenarioFail('E_SCENARIO_RANGE', `${path}.powerW must be > 0`);
  const number = num(o, 'number', path, 1);
  if (!Number.isInteger(number)) scenarioFail('E_SCENARIO_RANGE', `${path}.number must be an integer ≥ 1`);
  if (!Array.isArray(o.windows)) scenarioFail('E_SCENARIO_FIELD', `${path}.windows must be an array of [start, end) minute pairs`);
  const windows = o.windows.map((w, i): [number, number] => {
    const wp = `${path}.windows[${i}]`;
    if (!Array.isArray(w) || w.length !== 2 || !w.every((x) => typeof x === 'number' && Number.isInteger(x)))
      scenarioFail('E_SCENARIO_WINDOW', `${wp} must be [startMinute, endMinute] integers`);
    const [s, e] = w as [number, number];
    if (s < 0 || e > 1440 || s >= e) scenarioFail('E_SCENARIO_WINDOW', `${wp} = [${s}, ${e}) must satisfy 0 ≤ start < end ≤ 1440`);
    return [s, e];
  });
  const sorted = [...windows].sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < sorted.length; i++)
    if (sorted[i]![0] < sorted[i - 1]![1]) scenarioFail('E_SCENARIO_WINDOW', `${path}.windows overlap at minute ${sorted[i]![0]}`);
  return { name, kind, powerW, number, windows };
}

function close(a: number, b: number, tol = SUM_TOLERANCE_WH): boolean {
  return Math.abs(a - b) <= tol;
}

function checkHousehold(v: unknown, path: string): ScenarioHousehold {
  const o = obj(v, path);
  const id = o.id;
  if (typeof id !== 'string' || !ID.test(id)) scenarioFail('E_SCENARIO_ID', `${path}.id must match ${ID.source}`);
  const h: ScenarioHousehold = { ...(o as object), id, loads: [], dailyDemandWh: 0 } as ScenarioHousehold;
  if (o.pv !== undefined) {
    const pv = obj(o.pv, `${path}.pv`);
    const peakW = num(pv, 'peakW', `${path}.pv`, 0);
    const hourlyWh = numArray(pv.hourlyWh, `${path}.pv.hourlyWh`, 24, 0);
    hourlyWh.forEach((wh, i) => {
      if (wh > peakW + 1e-9) scenarioFail('E_SCENARIO_RANGE', `${path}.pv.hourlyWh[${i}] = ${wh} exceeds peakW ${peakW} for one hour`);
    });
    h.pv = { ...(pv as object), peakW, hourlyWh };
  }
  if (o.battery !== undefined) {
    const b = obj(o.battery, `${path}.battery`);
    const bp = `${path}.battery`;
    const battery = {
      ...(b as object),
      voltage: num(b, 'voltage', bp, 1, 1000),
      capacityAh: num(b, 'capacityAh', bp, 0.001, 1e6),
      initialSoc: num(b, 'initialSoc', bp, 0, 1),
      minSoc: num(b, 'minSoc', bp, 0, 0.99),
    };
    if (b.chemistry !== undefined && b.chemistry !== 'lead-acid' && b.chemistry !== 'lifepo4')
      scenarioFail('E_SCENARIO_FIELD', `${bp}.chemistry must be "lead-acid" or "lifepo4"`);
    if (battery.initialSoc < battery.minSoc) scenarioFail('E_SCENARIO_RANGE', `${bp}.initialSoc ${battery.initialSoc} is below minSoc ${battery.minSoc}`);
    h.battery = battery as ScenarioHousehold['battery'];
  }
  if (!Array.isArray(o.loads)) scenarioFail('E_SCENARIO_FIELD', `${path}.loads must be an array`);
  h.loads = o.loads.map((l, i) => checkLoad(l, `${path}.loads[${i}]`));
  h.dailyDemandWh = num(o, 'dailyDemandWh', path, 0);
  const primary = hourlyLoadWh(h.loads, 'primary');
  const secondary = hourlyLoadWh(h.loads, 'secondary');
  const demand = primary.reduce((a, b) => a + b, 0) + secondary.reduce((a, b) => a + b, 0);
  if (!close(demand, h.dailyDemandWh, 0.5))
    scenarioFail('E_SCENARIO_DERIVED', `${path}.dailyDemandWh = ${h.dailyDemandWh} but the loads' windows give ${demand.toFixed(2)} Wh`);
  if (o.derived !== undefined) {
    const d = obj(o.derived, `${path}.derived`);
    const dp = `${path}.derived`;
    const derived = {
      ...(d as object),
      pvDailyWh: num(d, 'pvDailyWh', dp, 0),
      primaryHourlyWh: numArray(d.primaryHourlyWh, `${dp}.primaryHourlyWh`, 24, 0),
      secondaryHourlyWh: numArray(d.secondaryHourlyWh, `${dp}.secondaryHourlyWh`, 24, 0),
    };
    const pvDaily = (h.pv?.hourlyWh ?? []).reduce((a, b) => a + b, 0);
    if (!close(pvDaily, derived.pvDailyWh, 0.5)) scenarioFail('E_SCENARIO_DERIVED', `${dp}.pvDailyWh = ${derived.pvDailyWh} but pv.hourlyWh sums to ${pvDaily.toFixed(2)}`);
    for (let i = 0; i < 24; i++) {
      if (!close(primary[i]!, derived.primaryHourlyWh[i]!))
        scenarioFail('E_SCENARIO_DERIVED', `${dp}.primaryHourlyWh[${i}] = ${derived.primaryHourlyWh[i]} but the loads give ${primary[i]!.toFixed(2)}`);
      if (!close(secondary[i]!, derived.secondaryHourlyWh[i]!))
        scenarioFail('E_SCENARIO_DERIVED', `${dp}.secondaryHourlyWh[${i}] = ${derived.secondaryHourlyWh[i]} but the loads give ${secondary[i]!.toFixed(2)}`);
    }
    h.derived = derived;
  }
  return h;
}

/** Validate a parsed scenario object; throws SwarmError(E_SCENARIO_*) on the first problem. */
export function parseScenario(value: unknown): Scenario {
  const o = obj(value, 'scenario');
  if (o.schema !== SCENARIO_SCHEMA) scenarioFail('E_SCENARIO_SCHEMA', `schema is ${JSON.stringify(o.schema)}, expected "${SCENARIO_SCHEMA}"`);
  const name = str(o, 'name', 'scenario');
  const time = obj(o.time, 'time');
  if (time.stepMin !== 60 || time.steps !== 24) scenarioFail('E_SCENARIO_RANGE', 'time must be { stepMin: 60, steps: 24 } (one day in hours)');
  const e = obj(o.efficiency, 'efficiency');
  const efficiency = {
    ...(e as object),
    shsDirect: num(e, 'shsDirect', 'efficiency', 0.01, 1),
    batteryDischarge: num(e, 'batteryDischarge', 'efficiency', 0.01, 1),
    batteryCharge: num(e, 'batteryCharge', 'efficiency', 0.01, 1),
    link: num(e, 'link', 'efficiency', 0.01, 1),
  };
  const m = obj(o.market, 'market');
  const market = { ...(m as object), priceUnitsPerKWh: num(m, 'priceUnitsPerKWh', 'market', 0) };
  const hm = obj(o.hemts, 'hemts');
  const hemts = {
    ...(hm as object),
    socP: num(hm, 'socP', 'hemts', 0, 1),
    socPmin: num(hm, 'socPmin', 'hemts', 0, 1),
    socC: num(hm, 'socC', 'hemts', 0, 1),
    socCmax: num(hm, 'socCmax', 'hemts', 0, 1),
    offerThresholdWh: num(hm, 'offerThresholdWh', 'hemts', 0),
    requestThresholdWh: num(hm, 'requestThresholdWh', 'hemts', 0),
  };
  if (!Array.isArray(o.households) || o.households.length === 0) scenarioFail('E_SCENARIO_FIELD', 'households must be a non-empty array');
  const households = o.households.map((h, i) => checkHousehold(h, `households[${i}]`));
  const seen = new Set<string>();
  for (const h of households) {
    if (seen.has(h.id)) scenarioFail('E_SCENARIO_ID', `household id "${h.id}" is used twice`);
    seen.add(h.id);
  }
  if (o.expected !== undefined && !isObj(o.expected)) scenarioFail('E_SCENARIO_FIELD', 'expected must be an object');
  return { ...(o as object), schema: SCENARIO_SCHEMA, name, time: time as Scenario['time'], efficiency, market, hemts, households } as Scenario;
}

/** Parse JSON text and validate it. */
export function parseScenarioText(text: string): Scenario {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    scenarioFail('E_SCENARIO_JSON', (e as Error).message);
  }
  return parseScenario(value);
}

/** Read, parse and validate a scenario file. */
export function loadScenario(path: string): Scenario {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    scenarioFail('E_SCENARIO_IO', `${path}: ${(e as Error).message}`);
  }
  return parseScenarioText(text);
}

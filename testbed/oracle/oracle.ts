/**
 * Perfect-foresight upper bound (`model.oracle` of the scenario): an LP over
 * the 24 hours that maximises the energy received by the loads of houses that
 * waste no PV standalone (importers), from houses that do (exporters), with
 * - each exporter's hourly balance: u − load + unserved = sent + charge − discharge + waste,
 *   sent = Σ received / link, and its battery S_{t+1} = S_t + η_c·charge − discharge/η_d;
 * - no exporter below min(standalone end SOC, standalone daily minimum SOC)
 *   at any hour, nor below its standalone end SOC at 24:00, nor above full;
 * - what an importer receives in hour t ≤ its own deficit of the hour
 *   (load − its useful PV: its PV serves its loads first, as in the hourly
 *   reference's request rule) and ≤ its secondary load (variant
 *   `secondaryLoads`, architecture-faithful) or its whole load (`anyLoad`).
 * The baseline is the scenario's hourly reference model (standalone).
 * Solved with HiGHS (WASM) from CPLEX LP text.
 */
import type { Scenario } from '../scenario/types';
import { scenarioFail } from '../scenario/errors';
import { simulateHourly } from '../metrics/hourly';
import { computeMetrics } from '../metrics/metrics';

export type OracleVariant = 'secondaryLoads' | 'anyLoad';

export interface OracleFlow {
  hour: number;
  from: string;
  to: string;
  /** At the importer's coupling point. */
  receivedWh: number;
  /** At the exporter's coupling point (received / link). */
  sentWh: number;
}

export interface OracleResult {
  variant: OracleVariant;
  receivedWh: number;
  sentWh: number;
  /** Sent energy in PV terms (sent / η_SHSD). */
  sentPvWh: number;
  exporters: Record<string, {
    sentWh: number; sentPvWh: number; Eshp: number; standaloneWastedPvWh: number; remainingWastedPvWh: number;
    hours: number[]; socHourly: number[] | null;
  }>;
  importers: Record<string, { receivedWh: number; Ereqp: number; hours: number[] }>;
  /** Σ sentPv / Σ PV of the exporters. */
  EshpExporters: number;
  /** Every non-zero hourly flow (> 1e-6 Wh), by hour then exporter then importer. */
  flows: OracleFlow[];
  /** The LP in CPLEX LP format, as solved. */
  lp: string;
}

/** Minimal view of the HiGHS module (`(await import('highs')).default()`). */
export interface HighsLike {
  solve(lp: string, options?: Record<string, unknown>): {
    Status: string;
    ObjectiveValue: number;
    Columns: Record<string, { Primal?: number }>;
  };
}

/** Load HiGHS (WASM). Keep the instance if you solve several LPs. */
export async function loadHighs(): Promise<HighsLike> {
  const mod = await import('highs');
  return (await mod.default()) as unknown as HighsLike;
}

/** Houses that waste more than this (Wh) standalone are exporters. */
const WASTE_EPS_WH = 0.01;
const FLOW_EPS_WH = 1e-6;
const CHURN_COST = '0.000001';

const f = (x: number) => {
  const s = x.toFixed(9);
  return s === '-0.000000000' ? '0' : s;
};

export function buildOracleLp(scenario: Scenario, variant: OracleVariant) {
  const eff = scenario.efficiency;
  const base = simulateHourly(scenario);
  const baseM = computeMetrics(base);
  const exporters = scenario.households.filter((h) => baseM.households[h.id]!.wastedPvWh > WASTE_EPS_WH);
  const importers = scenario.households.filter((h) => baseM.households[h.id]!.wastedPvWh <= WASTE_EPS_WH);
  const logOf = (id: string) => base.households.find((l) => l.id === id)!;
  const obj: string[] = [];
  const rows: string[] = [];
  const bounds: string[] = [];
  const x = (e: number, i: number, t: number) => `x_${e}_${i}_${t}`;
  for (let e = 0; e < exporters.length; e++)
    for (let i = 0; i < importers.length; i++) for (let t = 0; t < 24; t++) obj.push(x(e, i, t));
  // A tiny cost on battery throughput: among equal optima, prefer leaving
  // PV unharvested (w) to burning it by charging and discharging in one hour,
  // so remainingWastedPvWh means what it says.
  for (let e = 0; e < exporters.length; e++)
    if (exporters[e]!.battery) for (let t = 0; t < 24; t++) obj.push(`- ${CHURN_COST} c_${e}_${t} - ${CHURN_COST} d_${e}_${t}`);
  exporters.forEach((h, e) => {
    const log = logOf(h.id);
    const b = h.battery;
    const cap = b ? b.voltage * b.capacityAh : 0;
    const saSoc = log.soc ?? [];
    const endSoc = saSoc.length ? saSoc[saSoc.length - 1]! : 0;
    const floorSoc = saSoc.length ? Math.min(endSoc, Math.min(...saSoc)) : 0;
    for (let t = 0; t < 24; t++) {
      const rhs = log.pvWh[t]! * eff.shsDirect - log.primaryDemandWh[t]! - log.secondaryDemandWh[t]!;
      const sent = importers.map((_, i) => `${f(1 / eff.link)} ${x(e, i, t)}`).join(' + ');
      const battery = b ? ` + c_${e}_${t} - d_${e}_${t}` : '';
      rows.push(` bal_${e}_${t}: ${sent || '0 w_' + e + '_' + t}${battery} + w_${e}_${t} - un_${e}_${t} = ${f(rhs)}`);
      bounds.push(` 0 <= un_${e}_${t} <= ${f(log.unservedWh[t]!)}`);
      if (b) {
        const prev = t === 0 ? '' : ` - s_${e}_${t}`;
        const s0 = t === 0 ? b.initialSoc * cap : 0;
        rows.push(` soc_${e}_${t}: s_${e}_${t + 1}${prev} - ${f(eff.batteryCharge)} c_${e}_${t} + ${f(1 / eff.batteryDischarge)} d_${e}_${t} = ${f(s0)}`);
        const lo = (t === 23 ? Math.max(floorSoc, endSoc) : floorSoc) * cap;
        bounds.push(` ${f(Math.min(lo, cap))} <= s_${e}_${t + 1} <= ${f(cap)}`);
      }
    }
  });
  importers.forEach((h, i) => {
    const log = logOf(h.id);
    for (let t = 0; t < 24; t++) {
      const load = log.primaryDemandWh[t]! + log.secondaryDemandWh[t]!;
      const deficit = Math.max(0, load - log.pvWh[t]! * eff.shsDirect);
      const cap = Math.min(deficit, variant === 'anyLoad' ? load : log.secondaryDemandWh[t]!);
      if (!exporters.length) continue;
      rows.push(` imp_${i}_${t}: ${exporters.map((_, e) => x(e, i, t)).join(' + ')} <= ${f(cap)}`);
    }
  });
  const lp = ['Maximize', ` obj: ${obj.length ? obj.join(' + ').replace(/\+ -/g, '-') : '0 z'}`, 'Subject To', ...(rows.length ? rows : [' c0: z >= 0']), 'Bounds', ...bounds, 'End', ''].join('\n');
  return { lp, exporters, importers, base, baseM };
}

export async function solveOracle(scenario: Scenario, variant: OracleVariant = 'secondaryLoads', highs?: HighsLike): Promise<OracleResult> {
  const { lp, exporters, importers, base, baseM } = buildOracleLp(scenario, variant);
  const solver = highs ?? (await loadHighs());
  const sol = solver.solve(lp);
  if (sol.Status !== 'Optimal') scenarioFail('E_ORACLE_SOLVE', `HiGHS status "${sol.Status}" for scenario ${scenario.name} (${variant})`);
  const val = (name: string) => Math.max(0, sol.Columns[name]?.Primal ?? 0);
  const eff = scenario.efficiency;
  const flows: OracleFlow[] = [];
  for (let t = 0; t < 24; t++)
    exporters.forEach((he, e) =>
      importers.forEach((hi, i) => {
        const r = val(`x_${e}_${i}_${t}`);
        if (r > FLOW_EPS_WH) flows.push({ hour: t, from: he.id, to: hi.id, receivedWh: r, sentWh: r / eff.link });
      }),
    );
  const result: OracleResult = {
    variant, receivedWh: 0, sentWh: 0, sentPvWh: 0, exporters: {}, importers: {}, EshpExporters: 0, flows, lp,
  };
  let pvExporters = 0;
  exporters.forEach((h, e) => {
    const mine = flows.filter((fl) => fl.from === h.id);
    const sentWh = mine.reduce((a, fl) => a + fl.sentWh, 0);
    let waste = 0;
    for (let t = 0; t < 24; t++) waste += val(`w_${e}_${t}`);
    const pv = baseM.households[h.id]!.pvWh;
    pvExporters += pv;
    const cap = h.battery ? h.battery.voltage * h.battery.capacityAh : 0;
    result.exporters[h.id] = {
      sentWh,
      sentPvWh: sentWh / eff.shsDirect,
      Eshp: pv > 0 ? sentWh / eff.shsDirect / pv : 0,
      standaloneWastedPvWh: baseM.households[h.id]!.wastedPvWh,
      remainingWastedPvWh: waste / eff.shsDirect,
      hours: [...new Set(mine.map((fl) => fl.hour))],
      socHourly: h.battery ? [h.battery.initialSoc, ...Array.from({ length: 24 }, (_, t) => val(`s_${e}_${t + 1}`) / cap)] : null,
    };
    result.sentWh += sentWh;
  });
  importers.forEach((h) => {
    const mine = flows.filter((fl) => fl.to === h.id);
    const receivedWh = mine.reduce((a, fl) => a + fl.receivedWh, 0);
    const demand = baseM.households[h.id]!.demandWh;
    result.importers[h.id] = { receivedWh, Ereqp: demand > 0 ? receivedWh / demand : 0, hours: [...new Set(mine.map((fl) => fl.hour))] };
    result.receivedWh += receivedWh;
  });
  result.sentPvWh = result.sentWh / eff.shsDirect;
  result.EshpExporters = pvExporters > 0 ? result.sentPvWh / pvExporters : 0;
  void base;
  return result;
}

/**
 * Day KPIs per household and for the community, from a {@link VillageLog}.
 * - Eshp (eq. 7) = (sent / η_SHSD) / PV production — PV-equivalent energy shared;
 * - Ereqp (eq. 8) = received / daily demand;
 * - cycles: the scenario's `model.cycles` rule (see {@link countCycles});
 * - units: settlement pays min(delivered, consumed) = energy received, at the
 *   scenario's price; a seller earns what its sent energy delivered (sent × link).
 */
import type { HouseLog, VillageLog } from './log';

export interface HouseMetrics {
  id: string;
  pvWh: number;
  demandWh: number;
  wastedPvWh: number;
  unservedWh: number;
  sentWh: number;
  receivedWh: number;
  Eshp: number;
  Ereqp: number;
  cycles: number;
  /** Charge/discharge runs, e.g. ["D10.3", "C44.3", "D60.1"] (SOC points). */
  runs: string[];
  /** SOC at the end of the day, and the lowest hourly SOC (null without a battery). */
  endSoc: number | null;
  minSoc: number | null;
  /** First hour boundary (0..24) at which the battery reads full; null if never. */
  firstFullHour: number | null;
  /** Hours in which the house sent or received (> 0.005 Wh). */
  exchangeHours: number[];
  unitsPaid: number;
  unitsEarned: number;
}

export interface CommunityMetrics {
  pvWh: number;
  demandWh: number;
  wastedPvWh: number;
  unservedWh: number;
  sentWh: number;
  receivedWh: number;
  Eshp: number;
  Ereqp: number;
  unitsPaid: number;
  unitsEarned: number;
}

export interface DayMetrics {
  households: Record<string, HouseMetrics>;
  community: CommunityMetrics;
}

export interface CycleOptions {
  /** Runs smaller than this many SOC points (1 point = 0.01) are dropped. Default 1. */
  minRunPoints?: number;
  /** |ΔSOC| at or below this counts as "no change" (does not break a run). Default 1e-9. */
  zeroEps?: number;
}

/**
 * The scenario's cycle rule: hourly SOC deltas grouped into charge and
 * discharge runs (zero-change hours do not break a run), runs smaller than
 * one SOC point dropped (neighbours of the same sign then merge), and
 * cycles = discharge runs followed by a charge run within 00:00–24:00.
 */
export function countCycles(socHourly: readonly number[], options: CycleOptions = {}): { cycles: number; runs: string[] } {
  const minRun = (options.minRunPoints ?? 1) / 100;
  const eps = options.zeroEps ?? 1e-9;
  const raw: { sign: 1 | -1; size: number }[] = [];
  for (let i = 1; i < socHourly.length; i++) {
    const d = socHourly[i]! - socHourly[i - 1]!;
    if (Math.abs(d) <= eps) continue;
    const sign = d > 0 ? 1 : -1;
    const last = raw[raw.length - 1];
    if (last && last.sign === sign) last.size += Math.abs(d);
    else raw.push({ sign, size: Math.abs(d) });
  }
  const runs: { sign: 1 | -1; size: number }[] = [];
  for (const r of raw) {
    if (r.size < minRun - 1e-12) continue;
    const last = runs[runs.length - 1];
    if (last && last.sign === r.sign) last.size += r.size;
    else runs.push({ ...r });
  }
  let cycles = 0;
  for (let i = 0; i + 1 < runs.length; i++) if (runs[i]!.sign < 0 && runs[i + 1]!.sign > 0) cycles++;
  return { cycles, runs: runs.map((r) => `${r.sign > 0 ? 'C' : 'D'}${(r.size * 100).toFixed(1)}`) };
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

/** SOC samples at hour boundaries (0..24) from a log of any step that divides 60 min. */
export function hourlySoc(soc: readonly number[], stepMin: number): number[] {
  const per = 60 / stepMin;
  const out: number[] = [];
  for (let i = 0; i < soc.length; i += per) out.push(soc[i]!);
  return out;
}

export function houseMetrics(h: HouseLog, log: VillageLog, fullSoc = 0.9999): HouseMetrics {
  const pvWh = sum(h.pvWh);
  const demandWh = sum(h.primaryDemandWh) + sum(h.secondaryDemandWh);
  const sentWh = sum(h.sentWh);
  const receivedWh = sum(h.receivedWh);
  const per = 60 / log.stepMin;
  const exchangeHours: number[] = [];
  for (let k = 0; k * per < h.sentWh.length; k++) {
    let s = 0;
    for (let j = k * per; j < (k + 1) * per && j < h.sentWh.length; j++) s += h.sentWh[j]! + h.receivedWh[j]!;
    if (s > 0.005) exchangeHours.push(k);
  }
  let cycles = 0;
  let runs: string[] = [];
  let endSoc: number | null = null;
  let minSoc: number | null = null;
  let firstFullHour: number | null = null;
  if (h.soc && h.soc.length) {
    const hourly = hourlySoc(h.soc, log.stepMin);
    ({ cycles, runs } = countCycles(hourly));
    endSoc = h.soc[h.soc.length - 1]!;
    minSoc = Math.min(...hourly);
    const idx = hourly.findIndex((s) => s >= fullSoc);
    firstFullHour = idx >= 0 ? idx : null;
  }
  const price = log.priceUnitsPerKWh / 1000;
  return {
    id: h.id,
    pvWh,
    demandWh,
    wastedPvWh: sum(h.wastedPvWh),
    unservedWh: sum(h.unservedWh),
    sentWh,
    receivedWh,
    Eshp: pvWh > 0 ? sentWh / log.shsDirect / pvWh : 0,
    Ereqp: demandWh > 0 ? receivedWh / demandWh : 0,
    cycles,
    runs,
    endSoc,
    minSoc,
    firstFullHour,
    exchangeHours,
    unitsPaid: receivedWh * price,
    unitsEarned: sentWh * log.link * price,
  };
}

export function computeMetrics(log: VillageLog): DayMetrics {
  const households: Record<string, HouseMetrics> = {};
  for (const h of log.households) households[h.id] = houseMetrics(h, log);
  const all = Object.values(households);
  const total = (k: keyof HouseMetrics) => all.reduce((a, m) => a + (m[k] as number), 0);
  const pvWh = total('pvWh');
  const demandWh = total('demandWh');
  const sentWh = total('sentWh');
  const receivedWh = total('receivedWh');
  return {
    households,
    community: {
      pvWh,
      demandWh,
      wastedPvWh: total('wastedPvWh'),
      unservedWh: total('unservedWh'),
      sentWh,
      receivedWh,
      Eshp: pvWh > 0 ? sentWh / log.shsDirect / pvWh : 0,
      Ereqp: demandWh > 0 ? receivedWh / demandWh : 0,
      unitsPaid: total('unitsPaid'),
      unitsEarned: total('unitsEarned'),
    },
  };
}

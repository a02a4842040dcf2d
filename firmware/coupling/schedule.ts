/**
 * The household's appliance schedule and its energy demand (paper eq. 3):
 *
 *   eq. 3   E_td = Σ_appliances  P_a · n_a · t_a
 *
 * with t_a the hours appliance a runs (the sum of its windows). The HEMTS
 * needs it "from now to midnight" (what the battery still has to carry
 * today) and per hour (for the forecast strategy), split into primary
 * (always served locally) and secondary (shiftable, may be fed by the bus
 * through RL2) loads.
 */

/** One appliance line of the schedule. */
export interface Appliance {
  name: string;
  kind: 'primary' | 'secondary';
  /** Power of one unit, mW. */
  powerMW: number;
  /** How many units. */
  number: number;
  /** Daily run windows [startMinute, endMinute), 0 ≤ start < end ≤ 1440. */
  windows: [number, number][];
}

export interface Demand {
  primaryMWh: number;
  secondaryMWh: number;
}

export const HOUR_MS = 3_600_000;
export const MINUTES_PER_DAY = 1440;

/**
 * eq. 3 over the part of the day [fromMinute, toMinute): Σ P·n·(overlap in
 * hours), in mWh (floored once per kind, so hourly and daily sums agree
 * within 1 mWh per hour).
 */
export function demandBetween(appliances: readonly Appliance[], fromMinute: number, toMinute: number = MINUTES_PER_DAY): Demand {
  // Sums are in mW·min; 60 mW·min = 1 mWh.
  let primary = 0;
  let secondary = 0;
  for (const a of appliances) {
    let minutes = 0;
    for (const [s, e] of a.windows) {
      const lo = s > fromMinute ? s : fromMinute;
      const hi = e < toMinute ? e : toMinute;
      if (hi > lo) minutes += hi - lo;
    }
    const mwMin = a.powerMW * a.number * minutes;
    if (a.kind === 'primary') primary += mwMin;
    else secondary += mwMin;
  }
  return { primaryMWh: Math.floor(primary / 60), secondaryMWh: Math.floor(secondary / 60) };
}

/** eq. 3 per clock hour: index h = [h:00, h+1:00). */
export function hourlyDemand(appliances: readonly Appliance[]): { primaryMWh: number[]; secondaryMWh: number[] } {
  const primaryMWh: number[] = [];
  const secondaryMWh: number[] = [];
  for (let h = 0; h < 24; h++) {
    const d = demandBetween(appliances, h * 60, h * 60 + 60);
    primaryMWh.push(d.primaryMWh);
    secondaryMWh.push(d.secondaryMWh);
  }
  return { primaryMWh, secondaryMWh };
}

/**
 * When the secondary loads run within [fromMinute, toMinute): the first
 * minute one starts and the minute the last one stops, or null if none runs.
 */
export function secondarySpan(appliances: readonly Appliance[], fromMinute: number, toMinute: number): [number, number] | null {
  let lo = toMinute;
  let hi = fromMinute;
  for (const a of appliances) {
    if (a.kind !== 'secondary') continue;
    for (const [s, e] of a.windows) {
      const from = s > fromMinute ? s : fromMinute;
      const to = e < toMinute ? e : toMinute;
      if (to <= from) continue;
      if (from < lo) lo = from;
      if (to > hi) hi = to;
    }
  }
  return hi > lo ? [lo, hi] : null;
}

/**
 * The shortest stretch [start, end) of whole minutes within [fromMinute,
 * toMinute) in which the scheduled secondary loads draw at least
 * `energyMWh` (the earliest such stretch), or null if they draw less than
 * that in the whole range. Used to place a request where its loads run.
 */
export function densestStretch(appliances: readonly Appliance[], fromMinute: number, toMinute: number, energyMWh: number): [number, number] | null {
  const n = toMinute - fromMinute;
  if (n <= 0) return null;
  const draw: number[] = new Array<number>(n).fill(0); // mW per minute
  for (const a of appliances) {
    if (a.kind !== 'secondary') continue;
    const p = a.powerMW * a.number;
    for (const [ws, we] of a.windows) {
      const lo = ws > fromMinute ? ws : fromMinute;
      const hi = we < toMinute ? we : toMinute;
      for (let m = lo; m < hi; m++) draw[m - fromMinute] = (draw[m - fromMinute] as number) + p;
    }
  }
  const need = energyMWh * 60; // mW·min
  let best: [number, number] | null = null;
  let sum = 0;
  let i = 0;
  for (let j = 0; j < n; j++) {
    sum += draw[j] as number;
    while (i < j && sum - (draw[i] as number) >= need) sum -= draw[i++] as number;
    if (sum >= need && (best === null || j + 1 - i < best[1] - best[0])) best = [fromMinute + i, fromMinute + j + 1];
  }
  return best;
}

/**
 * The result document of `swarmgrid simulate --json`:
 *
 *   { "scenario": "<name>",
 *     "runs": { "standalone": { "households": { "<id>": HOUSE }, "community": COMMUNITY },
 *               "managed": { … } },            // only the modes asked
 *     "oracle": { "receivedWh": N } }          // only with --oracle
 *
 * HOUSE = pvWh, demandWh, wastedPvWh, unservedWh, sentWh, receivedWh,
 * Eshp (eq. 7), Ereqp (eq. 8), cycles, endSoc, firstFullHour (null if
 * never), unitsPaid, unitsEarned; COMMUNITY = the same sums and ratios
 * without the battery fields. Energies Wh, rounded to 0.01 Wh; ratios and
 * SOC to 4 decimals; units to 0.001 (1 milli-unit).
 */
import type { CommunityMetrics, DayMetrics, HouseMetrics } from '../metrics/metrics';

/** HOUSE of the document: the metrics' per-house figures the issue names (rounded). */
export type HouseFigures = Pick<
  HouseMetrics,
  'pvWh' | 'demandWh' | 'wastedPvWh' | 'unservedWh' | 'sentWh' | 'receivedWh' | 'Eshp' | 'Ereqp' | 'cycles' | 'endSoc' | 'firstFullHour' | 'unitsPaid' | 'unitsEarned'
>;

/** The community figures are the metrics' own community sums (rounded). */
export type CommunityFigures = CommunityMetrics;

export interface RunFigures {
  households: Record<string, HouseFigures>;
  community: CommunityFigures;
}

export type RunMode = 'standalone' | 'managed';

export interface SimulationDocument {
  scenario: string;
  runs: Partial<Record<RunMode, RunFigures>>;
  oracle?: { receivedWh: number };
}

const r = (x: number, d: number) => {
  const f = 10 ** d;
  const v = Math.round(x * f) / f;
  return Object.is(v, -0) ? 0 : v;
};
const wh = (x: number) => r(x, 2);

/** Units actually paid and earned per household (from the ledger's settlements), when known. */
export type UnitsByHouse = Record<string, { paid: number; earned: number }>;

export function houseFigures(m: HouseMetrics, units?: { paid: number; earned: number }): HouseFigures {
  return {
    pvWh: wh(m.pvWh),
    demandWh: wh(m.demandWh),
    wastedPvWh: wh(m.wastedPvWh),
    unservedWh: wh(m.unservedWh),
    sentWh: wh(m.sentWh),
    receivedWh: wh(m.receivedWh),
    Eshp: r(m.Eshp, 4),
    Ereqp: r(m.Ereqp, 4),
    cycles: m.cycles,
    endSoc: m.endSoc === null ? null : r(m.endSoc, 4),
    firstFullHour: m.firstFullHour,
    unitsPaid: r(units ? units.paid : m.unitsPaid, 3),
    unitsEarned: r(units ? units.earned : m.unitsEarned, 3),
  };
}

/** Figures of one run; `units` (ledger settlements) replaces the metrics' price × energy estimate. */
export function runFigures(m: DayMetrics, units?: UnitsByHouse): RunFigures {
  const households: Record<string, HouseFigures> = {};
  for (const [id, h] of Object.entries(m.households)) households[id] = houseFigures(h, units ? (units[id] ?? { paid: 0, earned: 0 }) : undefined);
  const c = m.community;
  const all = Object.values(households);
  return {
    households,
    community: {
      pvWh: wh(c.pvWh),
      demandWh: wh(c.demandWh),
      wastedPvWh: wh(c.wastedPvWh),
      unservedWh: wh(c.unservedWh),
      sentWh: wh(c.sentWh),
      receivedWh: wh(c.receivedWh),
      Eshp: r(c.Eshp, 4),
      Ereqp: r(c.Ereqp, 4),
      unitsPaid: r(units ? all.reduce((a, h) => a + h.unitsPaid, 0) : c.unitsPaid, 3),
      unitsEarned: r(units ? all.reduce((a, h) => a + h.unitsEarned, 0) : c.unitsEarned, 3),
    },
  };
}

/** A plain-text summary (one line per household and run) for a terminal. */
export function summaryText(doc: SimulationDocument): string {
  const lines: string[] = [`scenario ${doc.scenario}`];
  const f = (x: number | null, d = 1) => (x === null ? '–' : x.toFixed(d));
  for (const [mode, run] of Object.entries(doc.runs) as [RunMode, RunFigures][]) {
    lines.push('', `${mode}:`, '  house          PV Wh  demand  wasted  unserved  sent  received  Eshp    Ereqp   cycles  endSOC  full  units -/+');
    for (const [id, h] of Object.entries(run.households)) {
      lines.push(
        `  ${id.padEnd(12)} ${f(h.pvWh).padStart(7)} ${f(h.demandWh).padStart(7)} ${f(h.wastedPvWh).padStart(7)} ${f(h.unservedWh).padStart(9)} ${f(h.sentWh).padStart(5)} ${f(h.receivedWh).padStart(9)}  ${(h.Eshp * 100).toFixed(1).padStart(5)} % ${(h.Ereqp * 100).toFixed(1).padStart(5)} % ${String(h.cycles).padStart(6)}  ${f(h.endSoc === null ? null : h.endSoc * 100, 0).padStart(4)} %  ${h.firstFullHour === null ? '  –' : String(h.firstFullHour).padStart(3)}   ${h.unitsPaid.toFixed(3)}/${h.unitsEarned.toFixed(3)}`,
      );
    }
    const c = run.community;
    lines.push(
      `  ${'community'.padEnd(12)} ${f(c.pvWh).padStart(7)} ${f(c.demandWh).padStart(7)} ${f(c.wastedPvWh).padStart(7)} ${f(c.unservedWh).padStart(9)} ${f(c.sentWh).padStart(5)} ${f(c.receivedWh).padStart(9)}  ${(c.Eshp * 100).toFixed(1).padStart(5)} % ${(c.Ereqp * 100).toFixed(1).padStart(5)} %`,
    );
  }
  if (doc.oracle) {
    lines.push('', `oracle (perfect foresight, secondary loads): ${doc.oracle.receivedWh.toFixed(2)} Wh received`);
    const m = doc.runs.managed;
    if (m && doc.oracle.receivedWh > 0) lines.push(`managed run: ${m.community.receivedWh.toFixed(2)} Wh = ${((m.community.receivedWh / doc.oracle.receivedWh) * 100).toFixed(1)} % of the oracle`);
  }
  return lines.join('\n') + '\n';
}

/**
 * A simple hourly village model (the scenario file's `model` rules) that
 * drives the REAL HEMTS decision function (firmware/coupling/hemts.ts) for
 * every house each hour, matches orders as the scenario's `market.matching`
 * says, and reports KPIs (eq. 7, eq. 8), wasted PV and battery cycles.
 * Plus a perfect-foresight LP oracle (HiGHS) for comparison.
 *
 * Energies here are float Wh (a model, not firmware); the HEMTS sees
 * integers (mWh, permille) exactly as on the device.
 */
import { decide, INITIAL_STATE, type HemtsState, type OrderDecision } from '../../../firmware/coupling/hemts';
import { DEFAULT_SETTINGS, validateSettings, type HemtsSettings, type Strategy } from '../../../firmware/coupling/settings';
import type { Appliance } from '../../../firmware/coupling/schedule';
import { hourlyDemand } from '../../../firmware/coupling/schedule';

export interface ScenarioLoad {
  name: string;
  kind: string;
  powerW: number;
  number: number;
  windows: number[][];
}
export interface ScenarioHouse {
  id: string;
  pv?: { hourlyWh: number[] };
  battery?: { voltage: number; capacityAh: number; initialSoc: number; minSoc: number };
  loads: ScenarioLoad[];
}
export interface Scenario {
  efficiency: { shsDirect: number; batteryDischarge: number; batteryCharge: number; link: number };
  market: { priceUnitsPerKWh: number };
  hemts: { socP: number; socPmin: number; socC: number; socCmax: number; offerThresholdWh: number; requestThresholdWh: number };
  households: ScenarioHouse[];
}

export type RunMode = 'standalone' | Strategy;

export interface HouseResult {
  id: string;
  pvWh: number;
  demandWh: number;
  sentWh: number;
  receivedWh: number;
  wastedPvWh: number;
  unservedWh: number;
  Eshp: number;
  Ereqp: number;
  endSoc: number;
  minSoc: number;
  firstFullAt: number | null;
  socHourly: number[];
  runs: string[];
  cycles: number;
  modes: string;
  exchangeHours: number[];
}

export interface DayResult {
  houses: Record<string, HouseResult>;
  community: { pvWh: number; demandWh: number; wastedPvWh: number; sentWh: number; receivedWh: number; unservedWh: number };
}

const DAY0 = 1_767_225_600_000; // 2026-01-01T00:00Z, an arbitrary local midnight

function appliancesOf(h: ScenarioHouse): Appliance[] {
  return h.loads.map((l) => ({
    name: l.name.slice(0, 32),
    kind: l.kind === 'secondary' ? 'secondary' : 'primary',
    powerMW: Math.round(l.powerW * 1000),
    number: l.number,
    windows: l.windows.map((w) => [w[0]!, w[1]!] as [number, number]),
  }));
}

/** HEMTS settings for one scenario house. */
export function settingsFor(sc: Scenario, h: ScenarioHouse, strategy: Strategy, extra: Partial<HemtsSettings> = {}): HemtsSettings {
  const b = h.battery!;
  const pm = (x: number) => Math.round(x * 1000);
  return validateSettings({
    ...DEFAULT_SETTINGS,
    strategy,
    socPPermille: pm(sc.hemts.socP),
    socPminPermille: pm(sc.hemts.socPmin),
    socCPermille: pm(sc.hemts.socC),
    socCmaxPermille: pm(sc.hemts.socCmax),
    minSocPermille: pm(b.minSoc),
    offerThresholdMWh: pm(sc.hemts.offerThresholdWh),
    requestThresholdMWh: pm(sc.hemts.requestThresholdWh),
    priceUnitsPerKWh: sc.market.priceUnitsPerKWh,
    batteryVoltageMV: pm(b.voltage),
    capacityMAh: pm(b.capacityAh),
    shsDirectPermille: pm(sc.efficiency.shsDirect),
    chargePermille: pm(sc.efficiency.batteryCharge),
    dischargePermille: pm(sc.efficiency.batteryDischarge),
    appliances: appliancesOf(h),
    pvProfileMWh: (h.pv?.hourlyWh ?? new Array(24).fill(0)).map((x) => Math.round(x * 1000)),
    ...extra,
  });
}

/** Charge/discharge runs of the hourly SOC (model.cycles) and the cycle count. */
export function cyclesOf(soc: number[]): { runs: string[]; cycles: number } {
  const raw: { dir: 'C' | 'D'; pts: number }[] = [];
  for (let h = 1; h < soc.length; h++) {
    const d = (soc[h]! - soc[h - 1]!) * 100;
    if (Math.abs(d) < 1e-9) continue;
    const dir = d > 0 ? 'C' : 'D';
    const last = raw[raw.length - 1];
    if (last && last.dir === dir) last.pts += Math.abs(d);
    else raw.push({ dir, pts: Math.abs(d) });
  }
  const runs: { dir: 'C' | 'D'; pts: number }[] = [];
  for (const r of raw) {
    if (r.pts < 1) continue;
    const last = runs[runs.length - 1];
    if (last && last.dir === r.dir) last.pts += r.pts;
    else runs.push({ ...r });
  }
  let cycles = 0;
  for (let i = 0; i + 1 < runs.length; i++) if (runs[i]!.dir === 'D' && runs[i + 1]!.dir === 'C') cycles++;
  return { runs: runs.map((r) => `${r.dir}${r.pts.toFixed(1)}`), cycles };
}

export interface RunOptions {
  /** Per-house PV forecast the HEMTS is given (Wh per hour); default = the actual PV. */
  forecastWh?: Record<string, number[]>;
  extra?: Partial<HemtsSettings>;
}

/** Run one day of the scenario: standalone, or every house under one HEMTS strategy. */
export function runDay(sc: Scenario, mode: RunMode, opts: RunOptions = {}): DayResult {
  const eff = sc.efficiency;
  const houses = sc.households.filter((h) => h.battery);
  const st = houses.map((h) => {
    const b = h.battery!;
    const cap = b.voltage * b.capacityAh;
    const hd = hourlyDemand(appliancesOf(h));
    const settings = mode === 'standalone' ? null : settingsFor(sc, h, mode, opts.extra);
    const fc = opts.forecastWh?.[h.id] ?? h.pv?.hourlyWh ?? new Array(24).fill(0);
    return {
      h,
      cap,
      floor: cap * b.minSoc,
      stored: cap * b.initialSoc,
      load: hd.primaryMWh.map((p, i) => (p + hd.secondaryMWh[i]!) / 1000),
      secondary: hd.secondaryMWh.map((x) => x / 1000),
      settings,
      forecastMWh: fc.map((x) => Math.round(x * 1000)),
      state: INITIAL_STATE as HemtsState,
      r: {
        id: h.id,
        pvWh: (h.pv?.hourlyWh ?? []).reduce((a, x) => a + x, 0),
        demandWh: 0,
        sentWh: 0,
        receivedWh: 0,
        wastedPvWh: 0,
        unservedWh: 0,
        Eshp: 0,
        Ereqp: 0,
        endSoc: 0,
        minSoc: 1,
        firstFullAt: null as number | null,
        socHourly: [b.initialSoc],
        runs: [] as string[],
        cycles: 0,
        modes: '',
        exchangeHours: [] as number[],
      },
    };
  });
  for (const x of st) x.r.demandWh = x.load.reduce((a, v) => a + v, 0);

  // Requests stay open until their toMs (a request may gather the next
  // hours' small needs); each hour one delivers at most that hour's need.
  let requests: { x: (typeof st)[number]; o: OrderDecision; left: number }[] = [];
  for (let hour = 0; hour < 24; hour++) {
    const nowMs = DAY0 + hour * 3_600_000;
    const offers: { x: (typeof st)[number]; o: OrderDecision; left: number }[] = [];
    for (const x of st) {
      if (!x.settings) continue;
      const socPermille = Math.max(0, Math.min(1000, Math.floor((x.stored / x.cap) * 1000 + 1e-9)));
      const pvTodayMWh = Math.round((x.h.pv?.hourlyWh ?? []).slice(0, hour).reduce((a, v) => a + v, 0) * 1000);
      const res = decide(x.settings, x.state, { node: x.h.id, nowMs, dayStartMs: DAY0, socPermille, pvForecastMWh: x.forecastMWh, activeRole: null, pvTodayMWh });
      x.state = res.state;
      for (const d of res.decisions) {
        if (d.kind === 'offer') offers.push({ x, o: d, left: d.energyMWh / 1000 });
        if (d.kind === 'request') requests.push({ x, o: d, left: d.energyMWh / 1000 });
      }
    }
    const sent = new Map<string, number>();
    const recv = new Map<string, number>();
    for (const rq of requests) {
      const x = rq.x;
      let needNow = Math.max(0, Math.min(x.secondary[hour]!, x.load[hour]! - (x.h.pv?.hourlyWh[hour] ?? 0) * eff.shsDirect));
      for (const of of offers) {
        if (rq.left <= 1e-12 || needNow <= 1e-12) break;
        if (of.left <= 1e-12 || of.x === rq.x) continue;
        // Contract energy is what the buyer receives (offers are sized so);
        // the seller sends it ÷ link.
        const delivered = Math.min(rq.left, of.left, needNow);
        rq.left -= delivered;
        of.left -= delivered;
        needNow -= delivered;
        sent.set(of.x.h.id, (sent.get(of.x.h.id) ?? 0) + delivered / eff.link);
        recv.set(rq.x.h.id, (recv.get(rq.x.h.id) ?? 0) + delivered);
      }
    }
    requests = requests.filter((rq) => rq.left > 1e-9 && rq.o.toMs > nowMs + 3_600_000);
    for (const x of st) {
      const u = (x.h.pv?.hourlyWh[hour] ?? 0) * eff.shsDirect;
      const s = sent.get(x.h.id) ?? 0;
      const rc = recv.get(x.h.id) ?? 0;
      const net = u - x.load[hour]! - s + rc;
      if (net > 0) {
        x.stored += net * eff.batteryCharge;
        if (x.stored > x.cap + 1e-9) {
          x.r.wastedPvWh += (x.stored - x.cap) / eff.batteryCharge / eff.shsDirect;
          x.stored = x.cap;
        }
      } else if (net < 0) {
        x.stored -= -net / eff.batteryDischarge;
        if (x.stored < x.floor) {
          x.r.unservedWh += (x.floor - x.stored) * eff.batteryDischarge;
          x.stored = x.floor;
        }
      }
      const soc = x.stored / x.cap;
      x.r.socHourly.push(soc);
      if (x.r.firstFullAt === null && soc >= 1 - 1e-9) x.r.firstFullAt = hour + 1; // index into socHourly
      x.r.sentWh += s;
      x.r.receivedWh += rc;
      if (s > 0 || rc > 0) x.r.exchangeHours.push(hour);
      x.r.modes += s > 0 ? 'P' : rc > 0 ? 'C' : 'A';
    }
  }
  const out: DayResult = { houses: {}, community: { pvWh: 0, demandWh: 0, wastedPvWh: 0, sentWh: 0, receivedWh: 0, unservedWh: 0 } };
  for (const x of st) {
    const r = x.r;
    r.endSoc = r.socHourly[24]!;
    r.minSoc = Math.min(...r.socHourly);
    r.Eshp = r.pvWh > 0 ? r.sentWh / eff.shsDirect / r.pvWh : 0; // eq. 7
    r.Ereqp = r.receivedWh / r.demandWh; // eq. 8
    const c = cyclesOf(r.socHourly);
    r.runs = c.runs;
    r.cycles = c.cycles;
    out.houses[r.id] = r;
    const k = out.community;
    k.pvWh += r.pvWh;
    k.demandWh += r.demandWh;
    k.wastedPvWh += r.wastedPvWh;
    k.sentWh += r.sentWh;
    k.receivedWh += r.receivedWh;
    k.unservedWh += r.unservedWh;
  }
  return out;
}

/**
 * Perfect-foresight LP oracle (scenario `model.oracle`, variant
 * secondaryLoads): the most energy that can reach the secondary loads of
 * houses that waste no PV standalone, with exporters (houses that waste PV
 * standalone) never below min(standalone end SOC, standalone daily min) and
 * ending at least at their standalone end SOC. Returns received Wh.
 */
export async function oracleReceivedWh(sc: Scenario, variant: 'secondaryLoads' | 'anyLoad' = 'secondaryLoads'): Promise<number> {
  const { default: loadHighs } = await import('highs');
  const highs = await loadHighs();
  const eff = sc.efficiency;
  const base = runDay(sc, 'standalone');
  const houses = sc.households.filter((h) => h.battery);
  const obj: string[] = [];
  const rows: string[] = [];
  const bounds: string[] = [];
  const bus: { send: string[]; recv: string[] }[] = Array.from({ length: 24 }, () => ({ send: [], recv: [] }));
  houses.forEach((h, j) => {
    const b = h.battery!;
    const cap = b.voltage * b.capacityAh;
    const hd = hourlyDemand(appliancesOf(h));
    const r = base.houses[h.id]!;
    const exporter = r.wastedPvWh > 1e-6;
    const lo = exporter ? Math.max(b.minSoc, Math.min(r.endSoc, r.minSoc)) * cap : b.minSoc * cap;
    bounds.push(`b${j}_0 = ${b.initialSoc * cap}`);
    for (let t = 0; t < 24; t++) {
      const u = (h.pv?.hourlyWh[t] ?? 0) * eff.shsDirect;
      const load = (hd.primaryMWh[t]! + hd.secondaryMWh[t]!) / 1000;
      // Received energy must reach loads: at most the hour's own deficit
      // (it does not charge the battery), and of that only secondary loads.
      const deficit = Math.max(0, load - u);
      const sec = Math.min(deficit, variant === 'anyLoad' ? load : hd.secondaryMWh[t]! / 1000);
      const v = (n: string) => `${n}${j}_${t}`;
      // u − load − s + r + un = c − d + w
      const flow = [`${v('c')}`, `- ${v('d')}`, `+ ${v('w')}`, `- ${v('un')}`];
      if (exporter) flow.push(`+ ${v('s')}`);
      else flow.push(`- ${v('r')}`);
      rows.push(`bal${j}_${t}: ${flow.join(' ')} = ${u - load}`);
      rows.push(`soc${j}_${t}: b${j}_${t + 1} - b${j}_${t} - ${eff.batteryCharge} ${v('c')} + ${1 / eff.batteryDischarge} ${v('d')} = 0`);
      bounds.push(`${lo} <= b${j}_${t + 1} <= ${cap}`);
      if (exporter) {
        bus[t]!.send.push(v('s'));
        bounds.push(`r${j}_${t} = 0`);
      } else {
        bus[t]!.recv.push(v('r'));
        obj.push(`+ ${v('r')}`);
        bounds.push(`0 <= ${v('r')} <= ${sec}`);
        bounds.push(`${v('w')} = 0`);
      }
      obj.push(`- 1000 ${v('un')}`);
    }
    if (exporter) rows.push(`end${j}: b${j}_24 >= ${r.endSoc * cap - 1e-6}`);
  });
  for (let t = 0; t < 24; t++) {
    const { send, recv } = bus[t]!;
    if (!recv.length) continue;
    rows.push(`bus${t}: ${recv.join(' + ')}${send.length ? ' - ' + send.map((s) => `${eff.link} ${s}`).join(' - ') : ''} <= 0`);
  }
  const lp = `Maximize\n obj: ${obj.join(' ')}\nSubject To\n ${rows.join('\n ')}\nBounds\n ${bounds.join('\n ')}\nEnd\n`;
  const res = highs.solve(lp, { output_flag: false } as never) as { Status: string; Columns: Record<string, { Primal: number }> };
  if (res.Status !== 'Optimal') throw new Error(`oracle LP: ${res.Status}`);
  let received = 0;
  for (const [name, col] of Object.entries(res.Columns)) if (name.startsWith('r')) received += col.Primal;
  return received;
}

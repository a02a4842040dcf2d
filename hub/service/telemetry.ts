/**
 * Telemetry kept by the hub (in memory; telemetry is informational, the
 * ledger holds what money depends on): the latest body per node, a history
 * of at most one point a minute over the last 24 h, and hourly energy sums
 * per node per UTC day for GET /api/energy.
 *
 * Energy is integrated from each sample's powers over the time to the next
 * sample (left rectangles), a gap longer than 5 min counting as 5 min, so a
 * node that was offline does not smear one reading over hours. mW × ms /
 * 3 600 000 = mWh. KPIs per day (paper): E_shp = Σ sent / Σ PV (eq. 7),
 * E_reqp = Σ received / Σ load (eq. 8, the load standing for E_td), and
 * battery cycles as Σ|ΔSOC| / 2000 (full equivalent cycles).
 */
import type { TelemetryBody } from '../../shared/protocol';

export interface HistoryPoint {
  atMs: number;
  socPermille: number;
  pvPowerMW: number;
  loadPowerMW: number;
  busPowerMW: number;
  mode: TelemetryBody['mode'];
}

interface HourSums {
  pvMWh: number;
  loadMWh: number;
  batteryMWh: number;
  sentMWh: number;
  receivedMWh: number;
  socPermille: number | null;
}

export interface HourView {
  hour: number;
  pvWh: number;
  loadWh: number;
  batteryWh: number;
  sentWh: number;
  receivedWh: number;
  socPermille: number | null;
}

export interface DayKpi {
  Eshp: number | null;
  Ereqp: number | null;
  cycles: number;
  wastedPvWh: number | null;
}

const MINUTE = 60_000;
const DAY = 24 * 3_600_000;
const MAX_GAP_MS = 5 * MINUTE;
const KEEP_DAYS = 8;

interface NodeTelemetry {
  latest: TelemetryBody;
  history: HistoryPoint[];
  days: Map<string, HourSums[]>;
  socTravel: Map<string, number>;
}

/** UTC day `YYYY-MM-DD` of an epoch ms. */
export function dayOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export class TelemetryStore {
  private readonly nodes = new Map<string, NodeTelemetry>();

  /** Record one telemetry body. */
  record(b: TelemetryBody): void {
    let n = this.nodes.get(b.node);
    if (!n) {
      n = { latest: b, history: [], days: new Map(), socTravel: new Map() };
      this.nodes.set(b.node, n);
    } else {
      if (b.atMs <= n.latest.atMs) return; // stale or repeated (retained) sample
      this.integrate(n, n.latest, b);
      n.latest = b;
    }
    const last = n.history[n.history.length - 1];
    if (!last || b.atMs - last.atMs >= MINUTE) {
      n.history.push({ atMs: b.atMs, socPermille: b.socPermille, pvPowerMW: b.pvPowerMW, loadPowerMW: b.loadPowerMW, busPowerMW: b.busPowerMW, mode: b.mode });
      const cut = b.atMs - DAY;
      let drop = 0;
      while (drop < n.history.length && n.history[drop]!.atMs < cut) drop++;
      if (drop) n.history.splice(0, drop);
    }
  }

  private integrate(n: NodeTelemetry, prev: TelemetryBody, next: TelemetryBody): void {
    const dt = Math.min(next.atMs - prev.atMs, MAX_GAP_MS);
    const day = dayOf(prev.atMs);
    let hours = n.days.get(day);
    if (!hours) {
      hours = Array.from({ length: 24 }, () => ({ pvMWh: 0, loadMWh: 0, batteryMWh: 0, sentMWh: 0, receivedMWh: 0, socPermille: null }));
      n.days.set(day, hours);
      if (n.days.size > KEEP_DAYS) n.days.delete(n.days.keys().next().value!);
    }
    const h = hours[new Date(prev.atMs).getUTCHours()]!;
    const e = (mW: number) => (mW * dt) / 3_600_000;
    h.pvMWh += e(prev.pvPowerMW);
    h.loadMWh += e(prev.loadPowerMW);
    h.batteryMWh += e((prev.batteryMV * prev.batteryMA) / 1000);
    if (prev.busPowerMW > 0) h.sentMWh += e(prev.busPowerMW);
    else h.receivedMWh += e(-prev.busPowerMW);
    h.socPermille = next.socPermille;
    n.socTravel.set(day, (n.socTravel.get(day) ?? 0) + Math.abs(next.socPermille - prev.socPermille));
  }

  latest(node: string): TelemetryBody | undefined {
    return this.nodes.get(node)?.latest;
  }

  history(node: string): HistoryPoint[] {
    return [...(this.nodes.get(node)?.history ?? [])];
  }

  /** Per hour sums (Wh, rounded) and the day's KPIs, or undefined when the node has no data that day. */
  day(node: string, day: string): { hours: HourView[]; kpi: DayKpi } | undefined {
    const n = this.nodes.get(node);
    const hours = n?.days.get(day);
    if (!n || !hours) return undefined;
    const wh = (mWh: number) => Math.round(mWh / 1000);
    let pv = 0;
    let load = 0;
    let sent = 0;
    let received = 0;
    const view = hours.map((h, hour) => {
      pv += h.pvMWh;
      load += h.loadMWh;
      sent += h.sentMWh;
      received += h.receivedMWh;
      return { hour, pvWh: wh(h.pvMWh), loadWh: wh(h.loadMWh), batteryWh: wh(h.batteryMWh), sentWh: wh(h.sentMWh), receivedWh: wh(h.receivedMWh), socPermille: h.socPermille };
    });
    const ratio = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 10_000) / 10_000 : null);
    return {
      hours: view,
      kpi: { Eshp: ratio(sent, pv), Ereqp: ratio(received, load), cycles: Math.round(((n.socTravel.get(day) ?? 0) / 2000) * 100) / 100, wastedPvWh: null },
    };
  }

  nodesWithData(): string[] {
    return [...this.nodes.keys()].sort();
  }
}

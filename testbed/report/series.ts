/**
 * Hourly energy flows per house from a run's log, as CSV and as SVG charts
 * in the manner of the paper's Figs. 18–20 (PV, load, battery, shared
 * energy per hour, SOC on the right axis). The SVG is written here as text:
 * a file export, no browser involved.
 */
import type { VillageLog } from '../metrics/log';
import type { Scenario } from '../scenario/types';

export interface HourRow {
  hour: number;
  pvWh: number;
  loadWh: number;
  primaryWh: number;
  secondaryWh: number;
  /** Energy into (+) or out of (−) the battery, from the SOC change (V·Ah·ΔSOC). */
  batteryWh: number;
  sentWh: number;
  receivedWh: number;
  wastedPvWh: number;
  unservedWh: number;
  /** SOC at the end of the hour (0..1), null without a battery. */
  soc: number | null;
}

/** Hourly rows of one house (the log may hold several days: hours run on). */
export function hourlyRows(log: VillageLog, scenario: Scenario, id: string): HourRow[] {
  const h = log.households.find((x) => x.id === id);
  if (!h) return [];
  const spec = scenario.households.find((x) => x.id === id);
  const capWh = spec?.battery ? spec.battery.voltage * spec.battery.capacityAh : 0;
  const per = Math.round(60 / log.stepMin);
  const rows: HourRow[] = [];
  const n = Math.floor(h.pvWh.length / per);
  const sum = (xs: number[], k: number) => xs.slice(k * per, (k + 1) * per).reduce((a, b) => a + b, 0);
  for (let k = 0; k < n; k++) {
    const soc0 = h.soc ? h.soc[k * per]! : null;
    const soc1 = h.soc ? h.soc[(k + 1) * per]! : null;
    const primaryWh = sum(h.primaryDemandWh, k);
    const secondaryWh = sum(h.secondaryDemandWh, k);
    rows.push({
      hour: k,
      pvWh: sum(h.pvWh, k),
      loadWh: primaryWh + secondaryWh,
      primaryWh,
      secondaryWh,
      batteryWh: soc0 !== null && soc1 !== null ? (soc1 - soc0) * capWh : 0,
      sentWh: sum(h.sentWh, k),
      receivedWh: sum(h.receivedWh, k),
      wastedPvWh: sum(h.wastedPvWh, k),
      unservedWh: sum(h.unservedWh, k),
      soc: soc1,
    });
  }
  return rows;
}

const COLUMNS: (keyof HourRow)[] = ['hour', 'pvWh', 'loadWh', 'primaryWh', 'secondaryWh', 'batteryWh', 'sentWh', 'receivedWh', 'wastedPvWh', 'unservedWh', 'soc'];

/** CSV of every house's hourly rows: `house,hour,pvWh,…,soc` (Wh to 0.001, SOC to 0.0001). */
export function hourlyCsv(log: VillageLog, scenario: Scenario): string {
  const lines = [['house', ...COLUMNS].join(',')];
  for (const h of log.households) {
    for (const row of hourlyRows(log, scenario, h.id)) {
      lines.push([h.id, ...COLUMNS.map((c) => {
        const v = row[c];
        if (v === null) return '';
        if (c === 'hour') return String(v);
        return c === 'soc' ? (v as number).toFixed(4) : (v as number).toFixed(3);
      })].join(','));
    }
  }
  return lines.join('\n') + '\n';
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * One house's day as an SVG chart: bars for battery (charge up, discharge
 * down) and shared energy (sent up, received down), lines for PV and load,
 * SOC dashed on the right axis.
 */
export function energySvg(rows: HourRow[], title: string): string {
  const W = 760;
  const H = 360;
  const L = 56;
  const R = 56;
  const T = 40;
  const B = 56;
  const pw = W - L - R;
  const ph = H - T - B;
  const n = Math.max(1, rows.length);
  const vals = rows.flatMap((r) => [r.pvWh, r.loadWh, r.batteryWh, r.sentWh, -r.receivedWh]);
  let max = Math.max(5, ...vals);
  let min = Math.min(0, ...vals);
  const step = niceStep((max - min) / 6);
  max = Math.ceil(max / step) * step;
  min = Math.floor(min / step) * step;
  const y = (v: number) => T + ((max - v) / (max - min)) * ph;
  const xc = (k: number) => L + ((k + 0.5) / n) * pw;
  const bw = (pw / n) * 0.35;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`);
  out.push(`<rect width="${W}" height="${H}" fill="#fff"/>`);
  out.push(`<text x="${W / 2}" y="20" text-anchor="middle" font-size="14">${esc(title)}</text>`);
  for (let v = min; v <= max + 1e-9; v += step) {
    out.push(`<line x1="${L}" x2="${L + pw}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="${Math.abs(v) < 1e-9 ? '#888' : '#eee'}"/>`);
    out.push(`<text x="${L - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${+v.toFixed(1)}</text>`);
  }
  for (let s = 0; s <= 100; s += 25) {
    const yy = T + ((100 - s) / 100) * ph;
    out.push(`<text x="${L + pw + 6}" y="${(yy + 4).toFixed(1)}">${s} %</text>`);
  }
  for (const [k, r] of rows.entries()) {
    const x = xc(k);
    const bar = (v: number, dx: number, color: string) => {
      if (Math.abs(v) < 1e-6) return;
      const y0 = y(Math.max(0, v));
      const h = Math.abs(y(v) - y(0));
      out.push(`<rect x="${(x + dx).toFixed(1)}" y="${y0.toFixed(1)}" width="${bw.toFixed(1)}" height="${h.toFixed(1)}" fill="${color}"/>`);
    };
    bar(r.batteryWh, -bw, '#7fb3d5');
    bar(r.sentWh - r.receivedWh, 0, '#f5b041');
    if (k % 2 === 0 || n <= 12) out.push(`<text x="${x.toFixed(1)}" y="${H - B + 16}" text-anchor="middle">${r.hour % 24}</text>`);
  }
  const line = (pick: (r: HourRow) => number | null, color: string, dash = '', scale = (v: number) => y(v)) => {
    const pts = rows.map((r, k) => [k, pick(r)] as const).filter(([, v]) => v !== null).map(([k, v]) => `${xc(k).toFixed(1)},${scale(v as number).toFixed(1)}`);
    if (pts.length) out.push(`<polyline fill="none" stroke="${color}" stroke-width="2"${dash ? ` stroke-dasharray="${dash}"` : ''} points="${pts.join(' ')}"/>`);
  };
  line((r) => r.pvWh, '#27ae60');
  line((r) => r.loadWh, '#c0392b');
  line((r) => r.soc, '#34495e', '5,4', (v) => T + (1 - v) * ph);
  out.push(`<text x="${L + pw / 2}" y="${H - B + 34}" text-anchor="middle">hour of the day</text>`);
  out.push(`<text transform="translate(16 ${T + ph / 2}) rotate(-90)" text-anchor="middle">Wh per hour</text>`);
  const legend: [string, string, boolean][] = [['PV', '#27ae60', false], ['load', '#c0392b', false], ['battery (+ charge)', '#7fb3d5', true], ['shared (+ sent, − received)', '#f5b041', true], ['SOC', '#34495e', false]];
  let lx = L;
  for (const [name, color, box] of legend) {
    out.push(box ? `<rect x="${lx}" y="${H - 14}" width="12" height="8" fill="${color}"/>` : `<line x1="${lx}" x2="${lx + 12}" y1="${H - 10}" y2="${H - 10}" stroke="${color}" stroke-width="2"/>`);
    out.push(`<text x="${lx + 16}" y="${H - 6}">${esc(name)}</text>`);
    lx += 26 + name.length * 6;
  }
  out.push('</svg>');
  return out.join('\n') + '\n';
}

function niceStep(raw: number): number {
  const p = 10 ** Math.floor(Math.log10(Math.max(raw, 1e-9)));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= raw) return m * p;
  return 10 * p;
}

/**
 * Human-readable numbers without Intl (a village phone's browser may lack
 * locale data offline): fixed decimals, thin-space thousands, SI steps.
 * Pure functions, unit-tested on Node (test/node/dashboard/format.test.ts).
 */

const THIN = '\u202f';
const MINUS = '\u2212';

/** `n` rounded to `decimals`, trailing zeros kept, thousands grouped with a thin space. */
export function fixed(n: number, decimals = 0): string {
  if (!Number.isFinite(n)) return '–';
  const neg = n < 0;
  const s = Math.abs(n).toFixed(decimals);
  const dot = s.indexOf('.');
  const int = dot < 0 ? s : s.slice(0, dot);
  const frac = dot < 0 ? '' : s.slice(dot);
  let grouped = int;
  if (int.length > 4) {
    grouped = '';
    for (let i = int.length; i > 0; i -= 3) grouped = int.slice(Math.max(0, i - 3), i) + (grouped ? THIN + grouped : '');
  }
  const out = grouped + frac;
  return neg && Number(s) !== 0 ? MINUS + out : out;
}

/** Significant decimals for a value shown with about three significant figures. */
function decimalsFor(abs: number): number {
  if (abs >= 100) return 0;
  if (abs >= 10) return 1;
  return 2;
}

/** Like fixed() with ~3 significant figures, trailing zeros after the point dropped. */
export function sig3(n: number): string {
  if (!Number.isFinite(n)) return '–';
  const d = decimalsFor(Math.abs(n));
  let s = fixed(n, d);
  if (d > 0) s = s.replace(/\.?0+$/, '');
  return s;
}

/** Energy in milliwatt-hours → "850 mWh", "35.6 Wh", "1.25 kWh", "12.5 MWh". */
export function energyMWh(mWh: number): string {
  const a = Math.abs(mWh);
  if (a === 0) return '0 Wh';
  if (a < 1000) return `${fixed(mWh)} mWh`;
  if (a < 1_000_000) return `${sig3(mWh / 1000)} Wh`;
  if (a < 1_000_000_000) return `${sig3(mWh / 1_000_000)} kWh`;
  return `${sig3(mWh / 1_000_000_000)} MWh`;
}

/** Energy in watt-hours → "35.6 Wh", "1.25 kWh". */
export function energyWh(wh: number): string {
  return energyMWh(Math.round(wh * 1000));
}

/** Power in milliwatts → "0 W", "12.3 W", "1.5 kW". */
export function powerMW(mW: number): string {
  const a = Math.abs(mW);
  if (a === 0) return '0 W';
  if (a < 1_000_000) return `${sig3(mW / 1000)} W`;
  return `${sig3(mW / 1_000_000)} kW`;
}

/** Voltage in millivolts → "12.84 V". */
export function voltageMV(mV: number): string {
  return `${fixed(mV / 1000, 2)} V`;
}

/** Current in milliamperes → "−1.25 A". */
export function currentMA(mA: number): string {
  return `${fixed(mA / 1000, 2)} A`;
}

/** State of charge in permille → "73.4 %". */
export function socPermille(p: number): string {
  return `${fixed(p / 10, 1)} %`;
}

/** A fraction (0.16) as a percentage "16.0 %". */
export function percent(fraction: number, decimals = 1): string {
  return `${fixed(fraction * 100, decimals)} %`;
}

/** Money in milli-units → "12.5 units", "1 unit", "−0.125 units". */
export function moneyMilli(milli: number): string {
  const units = milli / 1000;
  let s = fixed(units, 3).replace(/\.?0+$/, '');
  if (s === '' || s === MINUS) s = '0';
  return `${s} ${Math.abs(milli) === 1000 ? 'unit' : 'units'}`;
}

/** Price → "2 units/kWh". */
export function price(unitsPerKWh: number): string {
  return `${fixed(unitsPerKWh)} ${unitsPerKWh === 1 ? 'unit' : 'units'}/kWh`;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** Local clock time "14:05" (or "14:05:09" with seconds). */
export function clock(ms: number, seconds = false): string {
  const d = new Date(ms);
  const hm = `${pad2(d.getHours())}:${pad2(d.getMinutes())}`;
  return seconds ? `${hm}:${pad2(d.getSeconds())}` : hm;
}

/** Local date "2024-05-17". */
export function isoDay(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}`;
}

/** Date and time "2024-05-17 14:05", or only the time when `nowMs` is the same day. */
export function when(ms: number, nowMs?: number): string {
  if (nowMs !== undefined && isoDay(ms) === isoDay(nowMs)) return clock(ms);
  return `${isoDay(ms)} ${clock(ms)}`;
}

/** A duration → "45 s", "2 min 05 s", "1 h 03 min", "2 d 4 h". Negative durations count as 0. */
export function duration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 10) return `${m} min ${pad2(s % 60)} s`;
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ${pad2(m % 60)} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

/** A window "13:00–15:00" ("23:00–01:00 next day"; the date when not today). */
export function timeWindow(fromMs: number, toMs: number, nowMs?: number): string {
  const a = when(fromMs, nowMs);
  let b: string;
  if (isoDay(fromMs) === isoDay(toMs)) b = clock(toMs);
  else if (isoDay(fromMs + 86_400_000) === isoDay(toMs) && toMs - fromMs < 86_400_000) b = `${clock(toMs)} next day`;
  else b = when(toMs);
  return `${a}–${b}`;
}

/** Countdown of a contract window relative to now. */
export function countdown(beginMs: number, endMs: number, nowMs: number): string {
  if (nowMs < beginMs) return `starts in ${duration(beginMs - nowMs)}`;
  if (nowMs < endMs) return `ends in ${duration(endMs - nowMs)}`;
  return `ended ${duration(nowMs - endMs)} ago`;
}

/** "a1b2c3…e9f0": the start and end of a long hex string. */
export function shortHex(hex: string, keep = 6): string {
  return hex.length <= keep * 2 + 1 ? hex : `${hex.slice(0, keep)}…${hex.slice(-4)}`;
}

const MODES: Record<string, string> = { A: 'Autonomous', P: 'Prosumer', C: 'Consumer' };

/** "Autonomous" / "Prosumer" / "Consumer" / "unknown". */
export function modeName(mode: string | null | undefined): string {
  return (mode && MODES[mode]) || 'unknown';
}

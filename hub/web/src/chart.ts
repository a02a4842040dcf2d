/// <reference lib="dom" />
/**
 * The dashboard's charts, all drawn by uPlot: hourly energy flows as grouped
 * bars (the paper's Figs. 18–20: PV, load, battery, shared energy per hour,
 * with the SOC line) and a household's last 24 h as lines. Each chart sizes
 * itself to its container and follows it when the screen turns.
 */
import uPlot from 'uplot';
import { clock, fixed } from './format';

export const COLORS = {
  pv: '#d98e04',
  load: '#2f6fb3',
  battery: '#2e8b57',
  shared: '#8a3ffc',
  soc: '#222222',
  bus: '#8a3ffc',
};

export interface Chart {
  el: HTMLElement;
  update(data: uPlot.AlignedData): void;
  destroy(): void;
}

function sized(el: HTMLElement, make: (width: number) => uPlot): Chart {
  let plot: uPlot | null = null;
  let lastWidth = 0;
  const width = () => Math.max(240, Math.floor(el.clientWidth || 320));
  const ro = new ResizeObserver(() => {
    const w = width();
    if (!plot || w === lastWidth) return;
    lastWidth = w;
    plot.setSize({ width: w, height: plot.height });
  });
  ro.observe(el);
  return {
    el,
    update(data) {
      if (!plot) {
        lastWidth = width();
        plot = make(lastWidth);
        plot.setData(data);
      } else plot.setData(data);
    },
    destroy() {
      ro.disconnect();
      plot?.destroy();
      plot = null;
    },
  };
}

/** Grouped bars: series i of n sits at hour + pad + i·w, w wide (scale units). */
function groupedBars(index: number, count: number): uPlot.Series.PathBuilder {
  const slot = 0.84 / count;
  // x is the middle of the hour; the group spans [hour + 0.08, hour + 0.92]
  const x0 = (u: uPlot) => (u.data[0] as number[]).map((x) => x - 0.42 + index * slot);
  return uPlot.paths.bars!({
    size: [1],
    disp: {
      x0: { unit: 1, values: (u) => x0(u) },
      size: { unit: 1, values: (u) => (u.data[0] as number[]).map(() => slot) },
    },
  });
}

const axisFont = '12px sans-serif';

/**
 * Energy flows per hour of one household on one day: PV, load, battery
 * (+ charge / − discharge) and shared (+ sent / − received) in Wh as grouped
 * bars, SOC (%) at the end of each hour as a line on the right axis.
 * data = [hour + 0.5 (middle of the hour), pv, load, battery, shared, soc%].
 */
export function energyChart(el: HTMLElement, title: string): Chart {
  return sized(el, (width) => {
    const series: uPlot.Series[] = [
      { label: 'hour', value: (_u, v) => (v == null ? '–' : `${String(Math.floor(v)).padStart(2, '0')}:00`) },
    ];
    const bars: [string, string][] = [['PV Wh', COLORS.pv], ['load Wh', COLORS.load], ['battery Wh', COLORS.battery], ['shared Wh', COLORS.shared]];
    bars.forEach(([label, color], i) => {
      series.push({ label, fill: color, stroke: color, width: 0, paths: groupedBars(i, bars.length), points: { show: false }, value: (_u, v) => (v == null ? '–' : fixed(v, 1)) });
    });
    series.push({ label: 'SOC %', scale: '%', stroke: COLORS.soc, width: 2, points: { show: false }, value: (_u, v) => (v == null ? '–' : fixed(v, 1)) });
    return new uPlot({
      title,
      width,
      height: 220,
      series,
      scales: { x: { time: false, range: [0, 24] }, '%': { range: [0, 100] } },
      axes: [
        { font: axisFont, values: (_u, ticks) => ticks.map((t) => `${t}h`), incrs: [1, 2, 3, 6], space: 28 },
        { font: axisFont, label: 'Wh', labelFont: axisFont, size: 44, values: (_u, ticks) => ticks.map((t) => fixed(t)) },
        { font: axisFont, scale: '%', side: 1, grid: { show: false }, size: 50, values: (_u, ticks) => ticks.map((t) => `${t}%`) },
      ],
      cursor: { drag: { x: false, y: false } },
      legend: { live: false },
    }, undefined, el);
  });
}

/**
 * A household's last 24 h: PV, load and bus power in W (left axis), SOC % (right).
 * data = [tSeconds, pvW, loadW, busW, soc%].
 */
export function historyChart(el: HTMLElement, title: string): Chart {
  return sized(el, (width) => new uPlot({
    title,
    width,
    height: 220,
    series: [
      { label: 'time', value: (_u, v) => (v == null ? '–' : clock(v * 1000)) },
      { label: 'PV W', stroke: COLORS.pv, width: 2, points: { show: false }, value: (_u, v) => (v == null ? '–' : fixed(v, 1)) },
      { label: 'load W', stroke: COLORS.load, width: 2, points: { show: false }, value: (_u, v) => (v == null ? '–' : fixed(v, 1)) },
      { label: 'bus W', stroke: COLORS.bus, width: 2, dash: [6, 4], points: { show: false }, value: (_u, v) => (v == null ? '–' : fixed(v, 1)) },
      { label: 'SOC %', scale: '%', stroke: COLORS.soc, width: 2, points: { show: false }, value: (_u, v) => (v == null ? '–' : fixed(v, 1)) },
    ],
    scales: { x: { time: true }, '%': { range: [0, 100] } },
    axes: [
      // seconds on the axis only when the ticks are less than a minute apart
      { font: axisFont, space: 60, values: (_u, ticks) => ticks.map((t) => clock(t * 1000, ticks.length > 1 && ticks[1]! - ticks[0]! < 60)) },
      { font: axisFont, label: 'W', labelFont: axisFont, size: 44, values: (_u, ticks) => ticks.map((t) => fixed(t)) },
      { font: axisFont, scale: '%', side: 1, grid: { show: false }, size: 50, values: (_u, ticks) => ticks.map((t) => `${t}%`) },
    ],
    cursor: { drag: { x: false, y: false } },
    legend: { live: false },
  }, undefined, el));
}

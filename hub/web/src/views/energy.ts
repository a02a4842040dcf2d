/// <reference lib="dom" />
/**
 * Energy: per household and per day, the hourly energy flows (PV, load,
 * battery, shared energy, SOC — like the paper's Figs. 18–20) and the day's
 * KPIs E_shp (eq. 7), E_reqp (eq. 8), battery cycles and wasted PV. When a
 * simulation published both a standalone and a managed run, both are shown
 * side by side. Today's figures refresh once a minute while the view is open.
 */
import { h, replace, table } from '../dom';
import * as f from '../format';
import { api } from '../api';
import { energyChart, type Chart } from '../chart';
import type { EnergyDay, EnergyHousehold } from '../types';
import type { Store } from '../store';
import { heading, type View } from './view';

type Run = Record<string, EnergyHousehold>;

function isHousehold(x: unknown): x is EnergyHousehold {
  return !!x && typeof x === 'object' && Array.isArray((x as EnergyHousehold).hours) && !!(x as EnergyHousehold).kpi;
}

/** A run is `{households: {id: …}}` or `{id: …}` directly. */
export function runOf(x: unknown): Run | null {
  if (!x || typeof x !== 'object') return null;
  const o = (x as { households?: unknown }).households ?? x;
  if (!o || typeof o !== 'object') return null;
  const out: Run = {};
  for (const [id, v] of Object.entries(o as Record<string, unknown>)) if (isHousehold(v)) out[id] = v;
  return Object.keys(out).length ? out : null;
}

function empty(x: EnergyHousehold['hours'][number]): boolean {
  return (x.socPermille === null || x.socPermille === 0) && x.pvWh === 0 && x.loadWh === 0 && x.batteryWh === 0 && x.sentWh === 0 && x.receivedWh === 0;
}

function chartData(e: EnergyHousehold): [number[], number[], number[], number[], number[], (number | null)[]] {
  const hours = Array.from({ length: 24 }, (_, i) => i);
  const at = new Map(e.hours.map((x) => [x.hour, x]));
  const col = (fn: (x: EnergyHousehold['hours'][number]) => number) => hours.map((i) => { const x = at.get(i); return x ? fn(x) : 0; });
  return [
    hours.map((i) => i + 0.5),
    col((x) => x.pvWh),
    col((x) => x.loadWh),
    col((x) => x.batteryWh),
    col((x) => x.sentWh - x.receivedWh),
    // an hour with no telemetry at all has no SOC (not 0 %): leave a gap
    hours.map((i) => { const x = at.get(i); return x && !empty(x) && x.socPermille !== null ? x.socPermille / 10 : null; }),
  ];
}

function hourTable(e: EnergyHousehold, caption: string): HTMLElement {
  const rows = e.hours.filter((x) => !empty(x)).map((x) => [
    `${String(x.hour).padStart(2, '0')}:00`, f.energyWh(x.pvWh), f.energyWh(x.loadWh), f.energyWh(x.batteryWh),
    f.energyWh(x.sentWh), f.energyWh(x.receivedWh), x.socPermille === null ? '–' : f.socPermille(x.socPermille),
  ]);
  return h('details', { class: 'hours' }, h('summary', null, 'Hour by hour (table)'),
    table(caption, ['Hour', 'PV', 'Load', 'Battery', 'Sent', 'Received', 'SOC'], rows, 'no data'));
}

function kpiList(e: EnergyHousehold): HTMLElement {
  const k = e.kpi;
  return h('dl', { class: 'kpis' },
    h('div', null, h('dt', null, h('abbr', { title: 'energy shared / PV produced (eq. 7)' }, 'E_shp')), h('dd', null, f.percent(k.Eshp))),
    h('div', null, h('dt', null, h('abbr', { title: 'energy requested / daily demand (eq. 8)' }, 'E_reqp')), h('dd', null, f.percent(k.Ereqp))),
    h('div', null, h('dt', null, 'Cycles'), h('dd', null, f.fixed(k.cycles, Number.isInteger(k.cycles) ? 0 : 1))),
    h('div', null, h('dt', null, 'Wasted PV'), h('dd', null, f.energyWh(k.wastedPvWh))));
}

function totals(e: EnergyHousehold) {
  return e.hours.reduce((s, x) => ({ pv: s.pv + x.pvWh, load: s.load + x.loadWh, sent: s.sent + x.sentWh, received: s.received + x.receivedWh }), { pv: 0, load: 0, sent: 0, received: 0 });
}

function label(store: Store, id: string): string {
  const hh = store.households.get(id);
  return hh?.name && hh.name !== id ? `${hh.name} (${id})` : id;
}

export function energyView(): View {
  let charts: Chart[] = [];
  let timer: number | undefined;
  let day = '';

  const clearCharts = () => {
    charts.forEach((c) => c.destroy());
    charts = [];
  };

  return {
    mount(root, { store, query }) {
      const today = f.isoDay(store.now());
      day = query.get('day') ?? today;
      const input = h('input', { type: 'date', id: 'energy-day', value: day, max: today });
      const form = h('form', { class: 'inline', 'aria-label': 'Choose a day' },
        h('label', { for: 'energy-day' }, 'Day'), input,
        h('button', { type: 'submit' }, 'Show'));
      const info = h('p', { class: 'summary', role: 'status' }, 'Loading…');
      const body = h('div');
      replace(root, heading('Energy'), form, info, body);

      const load = async () => {
        let data: EnergyDay;
        try {
          data = await api.energy(day);
        } catch (e) {
          info.textContent = `Could not load ${day}: ${(e as Error).message}`;
          return;
        }
        clearCharts();
        const ids = Object.keys(data.households).sort();
        const standalone = runOf(data.runs?.standalone);
        const managed = runOf(data.runs?.managed);
        info.textContent = ids.length
          ? `${day}: ${ids.length} households${standalone && managed ? ', standalone and managed runs' : ''}${day === f.isoDay(store.now()) ? ` (so far, ${f.clock(store.now())})` : ''}`
          : `${day}: no energy recorded.`;
        const sections: HTMLElement[] = [];
        const draws: (() => void)[] = [];
        if (standalone && managed) sections.push(compare(store, standalone, managed));
        for (const id of ids) {
          const e = data.households[id]!;
          const sec = h('section', { class: 'card energy', 'aria-labelledby': `en-${id}` });
          const tt = totals(e);
          sec.append(
            h('h3', { id: `en-${id}` }, label(store, id)),
            kpiList(e),
            h('p', { class: 'muted' }, `PV ${f.energyWh(tt.pv)}, load ${f.energyWh(tt.load)}, sent ${f.energyWh(tt.sent)}, received ${f.energyWh(tt.received)}`),
          );
          const variants: [string, EnergyHousehold][] = standalone?.[id] && managed?.[id]
            ? [['Standalone', standalone[id]!], ['Managed', managed[id]!]]
            : [['Energy per hour', e]];
          const row = h('div', { class: variants.length > 1 ? 'two' : '' });
          for (const [name, v] of variants) {
            const box = h('div', { class: 'chart', role: 'img', 'aria-label': `${name}: energy per hour of ${id} on ${day}` });
            const wrap = h('div', null, box, variants.length > 1 ? kpiList(v) : null, hourTable(v, `${name}, ${id}, ${day}`));
            row.append(wrap);
            const c = energyChart(box, `${name}: PV, load, battery (+charge), shared (+sent/−received); SOC`);
            charts.push(c);
            draws.push(() => c.update(chartData(v)));
          }
          sec.append(row);
          sections.push(sec);
        }
        replace(body, sections);
        // charts size themselves from their box: draw once it is in the page
        for (const d of draws) d();
      };

      form.addEventListener('submit', (ev) => {
        ev.preventDefault();
        if (input.value) {
          day = input.value;
          history.replaceState(null, '', `#/energy?day=${day}`);
          void load();
        }
      });
      void load();
      timer = window.setInterval(() => {
        if (day === f.isoDay(store.now()) && document.visibilityState === 'visible') void load();
      }, 60000);
    },
    unmount() {
      clearCharts();
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
    },
  };
}

function compare(store: Store, a: Run, b: Run): HTMLElement {
  const ids = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  const rows = ids.map((id) => {
    const x = a[id]?.kpi, y = b[id]?.kpi;
    const pct = (v: number | undefined) => (v === undefined ? '–' : f.percent(v));
    const wh = (v: number | undefined) => (v === undefined ? '–' : f.energyWh(v));
    return [label(store, id), `${pct(x?.Eshp)} → ${pct(y?.Eshp)}`, `${pct(x?.Ereqp)} → ${pct(y?.Ereqp)}`,
      `${x ? f.fixed(x.cycles, 1) : '–'} → ${y ? f.fixed(y.cycles, 1) : '–'}`, `${wh(x?.wastedPvWh)} → ${wh(y?.wastedPvWh)}`];
  });
  return h('section', { class: 'card' }, h('h3', null, 'Standalone → managed'),
    table('KPIs of the day, standalone → managed', ['Household', 'E_shp', 'E_reqp', 'Cycles', 'Wasted PV'], rows));
}

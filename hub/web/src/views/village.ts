/// <reference lib="dom" />
/**
 * Village: one card per household — mode, SOC bar, PV / load / bus power,
 * battery, presence, balance, open faults — updated in place from the live
 * telemetry. `#/village/<id>` shows one household's last 24 h as a chart.
 */
import { h, reconcile, replace } from '../dom';
import * as f from '../format';
import type { Household } from '../types';
import { heading, type View, type ViewContext } from './view';
import { historyChart, type Chart } from '../chart';
import { api } from '../api';

interface Card {
  el: HTMLElement;
  mode: HTMLElement;
  socBar: HTMLElement;
  socFill: HTMLElement;
  socText: HTMLElement;
  pv: HTMLElement;
  load: HTMLElement;
  bus: HTMLElement;
  battery: HTMLElement;
  balance: HTMLElement;
  presence: HTMLElement;
  faults: HTMLElement;
  title: HTMLElement;
}

function busText(mW: number): string {
  if (mW > 0) return `${f.powerMW(mW)} to the bus`;
  if (mW < 0) return `${f.powerMW(-mW)} from the bus`;
  return '0 W';
}

function batteryText(t: NonNullable<Household['telemetry']>): string {
  const dir = t.batteryMA > 0 ? 'charging' : t.batteryMA < 0 ? 'discharging' : 'idle';
  return `${f.voltageMV(t.batteryMV)}, ${f.currentMA(Math.abs(t.batteryMA))} ${dir}`;
}

function presenceText(hh: Household, nowMs: number): string {
  if (hh.online) return 'online';
  if (hh.offlineSinceMs != null) return `offline since ${f.when(hh.offlineSinceMs, nowMs)} (${f.duration(nowMs - hh.offlineSinceMs)})`;
  return hh.lastSeenMs ? `offline, last seen ${f.when(hh.lastSeenMs, nowMs)}` : 'never seen';
}

function makeCard(id: string): Card {
  const uid = `hh-${id}`;
  const title = h('h3', { id: `${uid}-title` });
  const mode = h('span', { class: 'badge' });
  const presence = h('p', { class: 'presence' });
  const socFill = h('span', { class: 'bar-fill' });
  const socBar = h('span', { class: 'bar', role: 'meter', 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-label': 'Battery state of charge' }, socFill);
  const socText = h('span', { class: 'soc-text' });
  const dd = () => h('dd');
  const pv = dd(), load = dd(), bus = dd(), battery = dd(), balance = dd();
  const faults = h('div', { class: 'faults' });
  const el = h('article', { class: 'card house', 'aria-labelledby': `${uid}-title`, 'data-household': id },
    h('header', { class: 'card-head' }, title, mode),
    presence,
    h('div', { class: 'soc' }, h('span', { class: 'soc-label' }, 'SOC'), socBar, socText),
    h('dl', { class: 'metrics' },
      h('dt', null, 'PV'), pv,
      h('dt', null, 'Load'), load,
      h('dt', null, 'Bus'), bus,
      h('dt', null, 'Battery'), battery,
      h('dt', null, 'Balance'), balance),
    faults,
    h('p', { class: 'card-links' }, h('a', { href: `#/village/${encodeURIComponent(id)}` }, 'Last 24 h', h('span', { class: 'sr-only' }, ` of ${id}`))),
  );
  return { el, mode, socBar, socFill, socText, pv, load, bus, battery, balance, presence, faults, title };
}

function fillCard(c: Card, hh: Household, nowMs: number): void {
  c.title.textContent = hh.name || hh.id;
  if (hh.name && hh.name !== hh.id) c.title.appendChild(h('small', null, ` ${hh.id}`));
  const mode = hh.mode ?? hh.telemetry?.mode ?? null;
  c.mode.textContent = f.modeName(mode);
  c.mode.className = `badge mode-${mode ?? 'none'}`;
  c.presence.textContent = presenceText(hh, nowMs);
  c.presence.className = `presence ${hh.online ? 'online' : 'offline'}`;
  const t = hh.telemetry;
  const soc = t ? t.socPermille : null;
  if (soc === null) {
    c.socFill.style.width = '0';
    c.socText.textContent = '–';
    c.socBar.removeAttribute('aria-valuenow');
    c.socBar.setAttribute('aria-valuetext', 'unknown');
  } else {
    c.socFill.style.width = `${soc / 10}%`;
    c.socFill.className = `bar-fill ${soc < 300 ? 'low' : soc < 600 ? 'mid' : 'high'}`;
    c.socText.textContent = f.socPermille(soc);
    c.socBar.setAttribute('aria-valuenow', String(soc / 10));
    c.socBar.setAttribute('aria-valuetext', f.socPermille(soc));
  }
  c.pv.textContent = t ? f.powerMW(t.pvPowerMW) : '–';
  c.load.textContent = t ? f.powerMW(t.loadPowerMW) : '–';
  c.bus.textContent = t ? busText(t.busPowerMW) : '–';
  c.battery.textContent = t ? batteryText(t) : '–';
  const avail = hh.balanceMilliUnits - hh.reservedMilliUnits;
  c.balance.textContent = hh.reservedMilliUnits ? `${f.moneyMilli(hh.balanceMilliUnits)} (${f.moneyMilli(avail)} free)` : f.moneyMilli(hh.balanceMilliUnits);
  const items = hh.faults.map((x) => h('li', null, h('strong', null, x.code), ` since ${f.when(x.atMs, nowMs)}`, x.detail ? ` — ${x.detail}` : ''));
  if (hh.clock?.drifting) items.push(h('li', null, h('strong', null, 'CLOCK'), ` drifting ${f.fixed(hh.clock.offsetMs / 1000, 1)} s`));
  if (items.length) replace(c.faults, h('p', { class: 'faults-title' }, `Open faults (${hh.faults.length})`), h('ul', null, items));
  else replace(c.faults);
  c.el.classList.toggle('has-faults', items.length > 0);
  c.el.classList.toggle('is-offline', !hh.online);
}

export function villageView(): View {
  let off: (() => void) | null = null;
  let timer: number | undefined;
  let chart: Chart | null = null;
  let mounts = 0;

  function mountList(root: HTMLElement, ctx: ViewContext): void {
    const { store } = ctx;
    const summary = h('p', { class: 'summary', role: 'status' });
    const grid = h('div', { class: 'cards' });
    const empty = h('p', { class: 'empty' }, 'Loading households…');
    replace(root, heading('Village'), summary, empty, grid);
    const cards = new Map<string, Card>();
    const render = () => {
      const now = store.now();
      const list = [...store.households.values()].sort((a, b) => a.id.localeCompare(b.id));
      const online = list.filter((x) => x.online).length;
      const faults = list.reduce((n, x) => n + x.faults.length, 0);
      summary.textContent = `${list.length} households, ${online} online, ${faults} open ${faults === 1 ? 'fault' : 'faults'}` +
        (store.status ? ` · village ${store.status.village} · hub time ${f.clock(now)}` : '');
      empty.hidden = list.length > 0 || !store.loaded;
      if (store.loaded && list.length === 0) {
        empty.hidden = false;
        empty.textContent = 'No households yet: admit one in Admin.';
      } else if (!store.loaded) empty.textContent = 'Loading households…';
      for (const id of cards.keys()) if (!store.households.has(id)) cards.delete(id);
      const els = list.map((hh) => {
        let c = cards.get(hh.id);
        if (!c) {
          c = makeCard(hh.id);
          cards.set(hh.id, c);
        }
        fillCard(c, hh, now);
        return c.el;
      });
      reconcile(grid, els);
    };
    off = store.on(['households', 'status'], render);
    render();
    // "offline since … (3 min)" ages without events
    timer = window.setInterval(render, 15000);
  }

  function mountDetail(root: HTMLElement, ctx: ViewContext, id: string): void {
    const { store } = ctx;
    const title = heading(`Household ${id}`);
    const info = h('p', { class: 'summary', role: 'status' }, 'Loading the last 24 h…');
    const box = h('div', { class: 'chart' });
    const card = makeCard(id);
    card.el.querySelector('.card-links')?.remove();
    replace(root, h('p', { class: 'crumbs' }, h('a', { href: '#/village' }, '← Village')), title, h('div', { class: 'cards one' }, card.el), info, box);
    const fill = () => {
      const hh = store.households.get(id);
      if (!hh) return;
      fillCard(card, hh, store.now());
      title.textContent = `Household ${hh.name || id}`;
    };
    fill();
    const offCard = store.on(['households'], fill);
    chart = historyChart(box, 'Last 24 h: power and state of charge');
    off = () => offCard();
    let points: { atMs: number; socPermille: number; pvPowerMW: number; loadPowerMW: number; busPowerMW: number }[] = [];
    const draw = () => {
      chart?.update([
        points.map((p) => p.atMs / 1000),
        points.map((p) => p.pvPowerMW / 1000),
        points.map((p) => p.loadPowerMW / 1000),
        points.map((p) => p.busPowerMW / 1000),
        points.map((p) => p.socPermille / 10),
      ]);
      const last = points[points.length - 1];
      const hh = store.households.get(id);
      title.textContent = `Household ${hh?.name ?? id}`;
      info.textContent = last
        ? `${points.length} ${points.length === 1 ? 'point' : 'points'} since ${f.when(points[0]!.atMs, store.now())}; latest ${f.clock(last.atMs, true)}: SOC ${f.socPermille(last.socPermille)}, PV ${f.powerMW(last.pvPowerMW)}, load ${f.powerMW(last.loadPowerMW)}, bus ${busText(last.busPowerMW)}`
        : 'No telemetry in the last 24 h.';
    };
    // the latest telemetry joins the history (kept at one point a minute, like the hub's)
    const addLatest = (): boolean => {
      const t = store.households.get(id)?.telemetry;
      if (!t) return false;
      const last = points[points.length - 1];
      if (last && t.atMs <= last.atMs) return false;
      if (liveTail && last && t.atMs - last.atMs < 60000) points[points.length - 1] = t;
      else points.push(t);
      liveTail = true;
      return true;
    };
    let liveTail = false;
    const token = ++mounts;
    api.household(id).then((d) => {
      if (token !== mounts) return; // the view was left meanwhile
      points = d.history.slice();
      addLatest();
      draw();
      const offPoints = store.on(['households'], () => {
        if (addLatest()) draw();
      });
      off = () => {
        offCard();
        offPoints();
      };
    }, (e: Error) => {
      info.textContent = `Could not load ${id}: ${e.message}`;
    });
  }

  return {
    mount(root, ctx) {
      if (ctx.param) mountDetail(root, ctx, ctx.param);
      else mountList(root, ctx);
    },
    unmount() {
      mounts++;
      off?.();
      off = null;
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
      chart?.destroy();
      chart = null;
    },
  };
}

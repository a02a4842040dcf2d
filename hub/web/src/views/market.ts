/// <reference lib="dom" />
/**
 * Market: the order book (offers and requests), contracts with a live
 * countdown to begin / end and the energy delivered so far, and the recent
 * settlements. Only the countdown cells tick every second; tables rebuild
 * when the book or a contract changes.
 */
import { h, replace, table } from '../dom';
import * as f from '../format';
import type { Contract, Order } from '../types';
import type { Store } from '../store';
import { heading, type View } from './view';

const OPEN_STATES = new Set(['issued', 'acked', 'running', 'ended']);

function nameOf(store: Store, node: string): string {
  const hh = store.households.get(node);
  return hh && hh.name && hh.name !== node ? `${hh.name} (${node})` : node;
}

function orderRows(store: Store, list: Order[], now: number) {
  return list.map((o) => [
    nameOf(store, o.node),
    o.remainingMWh !== o.energyMWh ? `${f.energyMWh(o.remainingMWh)} of ${f.energyMWh(o.energyMWh)}` : f.energyMWh(o.energyMWh),
    f.price(o.priceUnitsPerKWh),
    f.timeWindow(o.fromMs, o.toMs, now),
    h('code', null, o.id),
  ]);
}

function progress(done: number, total: number, label: string): HTMLElement {
  const pct = total > 0 ? Math.min(100, (done / total) * 100) : 0;
  return h('span', { class: 'progress' },
    h('span', { class: 'bar small', role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': Math.round(pct), 'aria-label': label },
      h('span', { class: 'bar-fill high', style: `width:${pct}%` })),
    h('span', null, `${f.energyMWh(done)} of ${f.energyMWh(total)}`));
}

const STATE_TEXT: Record<string, string> = {
  issued: 'issued, waiting for acks',
  acked: 'acknowledged',
  running: 'delivering',
  ended: 'ended, waiting for meters',
  settled: 'settled',
  disputed: 'disputed',
};

function stateText(c: Contract): string {
  let s = STATE_TEXT[c.state] ?? c.state;
  if (c.state === 'issued') {
    const missing = [!c.acks.seller && 'seller', !c.acks.buyer && 'buyer'].filter(Boolean);
    if (missing.length) s = `issued, waiting for ${missing.join(' and ')}`;
  }
  return s;
}

export function marketView(): View {
  let off: (() => void) | null = null;
  let timer: number | undefined;

  return {
    mount(root, { store }) {
      const book = h('section', { 'aria-labelledby': 'book-h' });
      const contracts = h('section', { 'aria-labelledby': 'contracts-h' });
      const settlements = h('section', { 'aria-labelledby': 'settle-h' });
      replace(root, heading('Market'), book, contracts, settlements);
      const ticks: { el: HTMLElement; c: Contract }[] = [];

      // a window opening or closing changes the contract's state on the hub: read it once then
      const crossed = new Set<string>();
      const tick = () => {
        const now = store.now();
        for (const t of ticks) {
          t.el.textContent = OPEN_STATES.has(t.c.state) ? f.countdown(t.c.beginMs, t.c.endMs, now) : '';
          for (const [edge, at] of [['begin', t.c.beginMs], ['end', t.c.endMs]] as const) {
            const key = `${t.c.id}/${edge}`;
            if (now >= at && now - at < 60_000 && !crossed.has(key)) {
              crossed.add(key);
              store.refreshContracts();
            }
          }
        }
      };

      const renderBook = () => {
        const now = store.now();
        const head = ['Household', 'Energy', 'Price', 'Window', 'Order'];
        replace(book,
          h('h3', { id: 'book-h' }, 'Order book'),
          h('div', { class: 'two' },
            table(`Offers (${store.book.offers.length})`, head, orderRows(store, [...store.book.offers].sort((a, b) => a.priceUnitsPerKWh - b.priceUnitsPerKWh), now), 'no offers'),
            table(`Requests (${store.book.requests.length})`, head, orderRows(store, [...store.book.requests].sort((a, b) => b.priceUnitsPerKWh - a.priceUnitsPerKWh), now), 'no requests')));
      };

      const renderContracts = () => {
        const now = store.now();
        const all = [...store.contracts.values()].sort((a, b) => b.seq - a.seq);
        const open = all.filter((c) => OPEN_STATES.has(c.state));
        ticks.length = 0;
        const rows = open.map((c) => {
          const cd = h('span', { class: 'countdown' });
          ticks.push({ el: cd, c });
          return [
            h('code', null, c.id),
            `${nameOf(store, c.seller)} → ${nameOf(store, c.buyer)}`,
            f.energyMWh(c.energyMWh),
            f.price(c.priceUnitsPerKWh),
            h('span', null, f.timeWindow(c.beginMs, c.endMs, now), h('br'), cd),
            h('span', { class: `state state-${c.state}` }, stateText(c)),
            progress(c.deliveredMWh, c.energyMWh, `energy delivered for ${c.id}`),
          ];
        });
        replace(contracts, h('h3', { id: 'contracts-h' }, 'Contracts'),
          table(`Open contracts (${open.length})`, ['Contract', 'Seller → buyer', 'Energy', 'Price', 'Window', 'State', 'Delivered'], rows, 'no open contracts'));
        tick();

        const done = all.filter((c) => c.settlement).slice(0, 20);
        const srows = done.map((c) => {
          const s = c.settlement!;
          return [
            h('code', null, c.id),
            `${nameOf(store, c.seller)} → ${nameOf(store, c.buyer)}`,
            `${f.energyMWh(s.deliveredMWh)} / ${f.energyMWh(s.consumedMWh)}`,
            f.moneyMilli(s.paidMilliUnits),
            s.disputed ? h('span', { class: 'state state-disputed' }, `disputed${s.reason ? `: ${s.reason}` : ''}`) : h('span', { class: 'state state-settled' }, 'settled'),
            `#${s.height}`,
          ];
        });
        replace(settlements, h('h3', { id: 'settle-h' }, 'Recent settlements'),
          table(`Settled (${done.length}${done.length === 20 ? ', newest' : ''})`, ['Contract', 'Seller → buyer', 'Delivered / consumed', 'Paid', 'Outcome', 'Block'], srows, 'nothing settled yet'));
      };

      // telemetry changes households every few seconds; only a change of names matters here
      let names = '';
      const namesChanged = () => {
        const now = [...store.households.values()].map((x) => `${x.id}=${x.name}`).join();
        const changed = now !== names;
        names = now;
        return changed;
      };
      namesChanged();
      const offs = [
        store.on(['book'], renderBook),
        store.on(['contracts'], renderContracts),
        store.on(['households'], (changed) => {
          if (!namesChanged()) return;
          if (!changed.has('book')) renderBook();
          if (!changed.has('contracts')) renderContracts();
        }),
      ];
      off = () => offs.forEach((o) => o());
      renderBook();
      renderContracts();
      timer = window.setInterval(tick, 1000);
    },
    unmount() {
      off?.();
      off = null;
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
    },
  };
}

/// <reference lib="dom" />
/**
 * The dashboard's entry: header with the view links and the live indicator,
 * hash routing (`#/village`, `#/market`, `#/energy`, `#/ledger`, `#/admin`),
 * keys 1–5 to switch views, and the live event stream.
 */
import { Store } from './store';
import { Live } from './live';
import { villageView } from './views/village';
import { marketView } from './views/market';
import { energyView } from './views/energy';
import { ledgerView } from './views/ledger';
import { adminView } from './views/admin';
import type { View } from './views/view';
import * as f from './format';

const VIEWS: { id: string; title: string; make: () => View }[] = [
  { id: 'village', title: 'Village', make: villageView },
  { id: 'market', title: 'Market', make: marketView },
  { id: 'energy', title: 'Energy', make: energyView },
  { id: 'ledger', title: 'Ledger', make: ledgerView },
  { id: 'admin', title: 'Admin', make: adminView },
];

function parseHash(hash: string): { id: string; param: string | null; query: URLSearchParams } {
  const raw = hash.replace(/^#\/?/, '');
  const [path = '', q = ''] = raw.split('?');
  const [id = '', ...rest] = path.split('/');
  const known = VIEWS.some((v) => v.id === id);
  return { id: known ? id : 'village', param: known && rest.length ? decodeURIComponent(rest.join('/')) : null, query: new URLSearchParams(q) };
}

function start(): void {
  const store = new Store();
  const main = document.getElementById('main') as HTMLElement;
  const indicator = document.getElementById('live') as HTMLElement;
  const hubInfo = document.getElementById('hub-info') as HTMLElement;
  const hubTime = document.getElementById('hub-time') as HTMLElement;
  const links = Array.from(document.querySelectorAll<HTMLAnchorElement>('nav a[data-view]'));
  let current: View | null = null;
  let currentKey = '';

  const route = (focus: boolean) => {
    const r = parseHash(location.hash);
    const key = `${r.id}/${r.param ?? ''}?${r.query.toString()}`;
    if (key === currentKey) return;
    currentKey = key;
    current?.unmount();
    const def = VIEWS.find((v) => v.id === r.id)!;
    current = def.make();
    for (const a of links) {
      if (a.dataset.view === r.id) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    }
    document.title = `${def.title} · swarmgrid`;
    current.mount(main, { store, param: r.param, query: r.query });
    if (focus) (main.querySelector('h2') as HTMLElement | null)?.focus();
  };
  window.addEventListener('hashchange', () => route(true));

  // keys 1–5 switch views when no field has the focus
  document.addEventListener('keydown', (ev) => {
    if (ev.altKey || ev.ctrlKey || ev.metaKey || ev.shiftKey) return;
    const t = ev.target as HTMLElement | null;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    const n = Number(ev.key);
    if (Number.isInteger(n) && n >= 1 && n <= VIEWS.length) {
      ev.preventDefault();
      location.hash = `#/${VIEWS[n - 1]!.id}`;
    }
  });

  const showConnection = () => {
    const s = store.connection;
    indicator.dataset.state = s;
    indicator.textContent = s === 'live' ? 'live' : s === 'reconnecting' ? 'reconnecting…' : 'connecting…';
    indicator.title = s === 'live' ? 'receiving live updates from the hub' : store.lastError ?? 'waiting for the hub';
  };
  store.on(['connection'], showConnection);
  const showStatus = () => {
    const st = store.status;
    if (!st) return;
    hubInfo.textContent = `${st.village} · block ${st.height}`;
    hubTime.textContent = `· hub ${f.clock(store.now())}`;
  };
  store.on(['status'], showStatus);
  window.setInterval(showStatus, 30000);
  showConnection();
  route(false);

  const live = new Live(store);
  live.start();
  // show the snapshots even when the event stream is slow to open
  window.setTimeout(() => {
    if (!store.loaded) store.load().catch((e: Error) => { store.lastError = e.message; showConnection(); });
  }, 3000);
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();

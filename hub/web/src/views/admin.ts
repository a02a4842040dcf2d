/// <reference lib="dom" />
/**
 * Admin: asks for the hub's admin token (kept in sessionStorage, gone with
 * the tab), admits a household (POST /api/members) and shows what to put on
 * its boards, and sets the village's price band and endowment (PUT /api/rules).
 */
import { h, replace } from '../dom';
import * as f from '../format';
import { api, adminToken, ApiError } from '../api';
import type { Rules } from '../types';
import { heading, type View } from './view';

let uid = 0;

/** A read-only text block with a Copy button (works on plain http, where navigator.clipboard is absent). */
export function copyable(label: string, text: string): HTMLElement {
  const id = `copy-${++uid}`;
  const area = h('textarea', { id, readonly: true, rows: Math.min(16, text.split('\n').length + 1), spellcheck: 'false', class: 'mono' });
  area.value = text;
  const done = h('span', { class: 'muted', role: 'status' });
  const btn = h('button', { type: 'button' }, `Copy ${label}`);
  btn.addEventListener('click', async () => {
    let ok = false;
    try {
      if (navigator.clipboard && window.isSecureContext) {
        await navigator.clipboard.writeText(text);
        ok = true;
      }
    } catch {
      ok = false;
    }
    if (!ok) {
      area.focus();
      area.select();
      ok = document.execCommand('copy');
    }
    done.textContent = ok ? 'Copied.' : 'Selected: press Ctrl+C to copy.';
  });
  return h('div', { class: 'copyable' }, h('label', { for: id }, label), area, h('div', { class: 'row' }, btn, done));
}

function errorText(e: unknown): string {
  if (e instanceof ApiError) {
    if (e.status === 401) return 'The hub refused the admin token (E_API_AUTH). Check it and enter it again.';
    return `${e.code}: ${e.message}`;
  }
  return (e as Error).message;
}

/** The provisioning bundle: the whole JSON, then each part that goes on one board on its own. */
function bundleView(bundle: Record<string, unknown>): HTMLElement {
  const parts: HTMLElement[] = [];
  for (const [k, v] of Object.entries(bundle)) {
    if (v && typeof v === 'object') parts.push(copyable(k, JSON.stringify(v, null, 2)));
    else if (typeof v === 'string' && (v.includes('\n') || v.length > 60)) parts.push(copyable(k, v));
  }
  return h('div', { class: 'bundle' },
    copyable('provisioning bundle (JSON)', JSON.stringify(bundle, null, 2)),
    parts.length ? h('details', null, h('summary', null, 'Each part on its own'), parts) : null,
    h('p', { class: 'muted' }, 'It holds secret keys: put it on the boards, then close this page. The hub does not show it again.'));
}

function field(id: string, label: string, attrs: Record<string, string | number | boolean>, hint?: string): HTMLElement {
  const input = h('input', { id, name: id, ...attrs, 'aria-describedby': hint ? `${id}-hint` : undefined });
  return h('div', { class: 'field' }, h('label', { for: id }, label), input, hint ? h('small', { id: `${id}-hint` }, hint) : null);
}

function val(form: HTMLFormElement, name: string): string {
  return ((form.elements.namedItem(name) as HTMLInputElement | null)?.value ?? '').trim();
}

export function adminView(): View {
  return {
    mount(root) {
      const tokenBox = h('section', { class: 'card', 'aria-labelledby': 'tok-h' });
      const admit = h('section', { class: 'card', 'aria-labelledby': 'admit-h' });
      const rules = h('section', { class: 'card', 'aria-labelledby': 'rules-h' });
      replace(root, heading('Admin'), tokenBox, admit, rules);

      const renderToken = () => {
        const has = adminToken.get() !== null;
        if (has) {
          const forget = h('button', { type: 'button' }, 'Forget token');
          forget.addEventListener('click', () => {
            adminToken.clear();
            renderToken();
            (document.getElementById('admin-token') as HTMLInputElement | null)?.focus();
          });
          replace(tokenBox, h('h3', { id: 'tok-h' }, 'Admin token'), h('p', { role: 'status' }, 'Token set for this tab (kept until the tab closes). '), forget);
        } else {
          const form = h('form', { class: 'inline' },
            h('label', { for: 'admin-token' }, 'Admin token'),
            h('input', { id: 'admin-token', type: 'password', autocomplete: 'off', required: true }),
            h('button', { type: 'submit', class: 'primary' }, 'Use token'));
          form.addEventListener('submit', (ev) => {
            ev.preventDefault();
            const v = (document.getElementById('admin-token') as HTMLInputElement).value.trim();
            if (!v) return;
            adminToken.set(v);
            renderToken();
          });
          replace(tokenBox, h('h3', { id: 'tok-h' }, 'Admin token'),
            h('p', { class: 'muted' }, 'Admitting households and changing rules needs the hub\'s admin token (printed by the hub at start). It stays in this tab only.'),
            form);
        }
      };
      renderToken();

      // admit a household
      const admitOut = h('div', { 'aria-live': 'polite' });
      const admitForm = h('form', { class: 'stack' },
        field('household', 'Household id', { required: true, pattern: '[a-z0-9][a-z0-9\\-]{0,31}', autocomplete: 'off', placeholder: 'house-c' }, 'lowercase letters, digits and -, up to 32'),
        field('name', 'Name', { required: true, autocomplete: 'off', placeholder: 'House C' }),
        field('nodeKey', 'Coupling node public key (optional)', { autocomplete: 'off', pattern: '0[23][0-9a-f]{64}' }, 'leave empty and the hub generates a key pair'),
        field('meterKey', 'Meter public key (optional)', { autocomplete: 'off', pattern: '0[23][0-9a-f]{64}' }),
        h('button', { type: 'submit', class: 'primary' }, 'Admit household'));
      admitForm.addEventListener('submit', async (ev) => {
        ev.preventDefault();
        const body: { household: string; name: string; nodeKey?: string; meterKey?: string } = { household: val(admitForm, 'household'), name: val(admitForm, 'name') };
        const nk = val(admitForm, 'nodeKey');
        const mk = val(admitForm, 'meterKey');
        if (nk) body.nodeKey = nk;
        if (mk) body.meterKey = mk;
        replace(admitOut, h('p', null, 'Admitting…'));
        try {
          const bundle = await api.admit(body);
          replace(admitOut, h('p', { class: 'ok', role: 'status' }, `✓ Admitted ${body.household}. Put this on its boards:`), bundleView(bundle));
          admitForm.reset();
        } catch (e) {
          replace(admitOut, h('p', { class: 'bad', role: 'alert' }, errorText(e)));
        }
      });
      replace(admit, h('h3', { id: 'admit-h' }, 'Admit a household'), admitForm, admitOut);

      // rules
      const current = h('p', { class: 'muted', role: 'status' }, 'Loading the current rules…');
      const rulesOut = h('div', { 'aria-live': 'polite' });
      const rulesForm = h('form', { class: 'stack' },
        h('fieldset', null, h('legend', null, 'Price band (units per kWh)'),
          field('minPrice', 'Lowest price', { type: 'number', min: 0, step: 1, inputmode: 'numeric' }),
          field('maxPrice', 'Highest price', { type: 'number', min: 0, step: 1, inputmode: 'numeric' })),
        field('endowment', 'Endowment of a new member (units)', { type: 'number', min: 0, step: 0.001, inputmode: 'decimal' }, 'account units each admitted household starts with'),
        h('button', { type: 'submit', class: 'primary' }, 'Save rules'));
      const showRules = (r: Rules) => {
        const band = r.priceBand;
        current.textContent = `Now: price band ${band ? `${f.price(band.minPriceUnitsPerKWh)} – ${f.price(band.maxPriceUnitsPerKWh)}` : 'not set'}; endowment ${r.endowmentMilliUnits !== undefined ? f.moneyMilli(r.endowmentMilliUnits) : 'not set'}.`;
        const set = (name: string, v: number | undefined) => {
          const el = rulesForm.elements.namedItem(name) as HTMLInputElement | null;
          if (el && v !== undefined) el.value = String(v);
        };
        set('minPrice', band?.minPriceUnitsPerKWh);
        set('maxPrice', band?.maxPriceUnitsPerKWh);
        set('endowment', r.endowmentMilliUnits === undefined ? undefined : r.endowmentMilliUnits / 1000);
      };
      api.rules().then(showRules, (e) => {
        current.textContent = `Could not load the rules: ${errorText(e)}`;
      });
      rulesForm.addEventListener('submit', async (ev) => {
        ev.preventDefault();
        const body: { priceBand?: { minPriceUnitsPerKWh: number; maxPriceUnitsPerKWh: number }; endowmentMilliUnits?: number } = {};
        const min = val(rulesForm, 'minPrice'), max = val(rulesForm, 'maxPrice'), endow = val(rulesForm, 'endowment');
        if (min !== '' || max !== '') {
          if (min === '' || max === '') return replace(rulesOut, h('p', { class: 'bad', role: 'alert' }, 'Give both the lowest and the highest price.'));
          const lo = Number(min), hi = Number(max);
          if (!Number.isInteger(lo) || !Number.isInteger(hi) || lo < 0 || hi < lo) return replace(rulesOut, h('p', { class: 'bad', role: 'alert' }, 'Prices are whole units per kWh, lowest ≤ highest.'));
          body.priceBand = { minPriceUnitsPerKWh: lo, maxPriceUnitsPerKWh: hi };
        }
        if (endow !== '') {
          const e = Math.round(Number(endow) * 1000);
          if (!Number.isSafeInteger(e) || e < 0) return replace(rulesOut, h('p', { class: 'bad', role: 'alert' }, 'The endowment is a number of units ≥ 0.'));
          body.endowmentMilliUnits = e;
        }
        replace(rulesOut, h('p', null, 'Saving…'));
        try {
          const r = await api.putRules(body);
          showRules(r);
          replace(rulesOut, h('p', { class: 'ok', role: 'status' }, '✓ Rules saved on the ledger.'));
        } catch (e) {
          replace(rulesOut, h('p', { class: 'bad', role: 'alert' }, errorText(e)));
        }
      });
      replace(rules, h('h3', { id: 'rules-h' }, 'Village rules'), current, rulesForm, rulesOut);
    },
    unmount() {},
  };
}

/// <reference lib="dom" />
/**
 * Ledger: balances, blocks newest first with every signature shown checked
 * (✓ / ✗ from the hub's sigValid), each block's transactions on demand, and
 * "Audit now", which replays the whole chain on the hub (GET /api/ledger/audit,
 * the same check as `swarmgrid ledger audit`).
 */
import { h, reconcile, replace, table } from '../dom';
import * as f from '../format';
import { api } from '../api';
import type { Block } from '../types';
import type { Store } from '../store';
import { heading, type View } from './view';

export function sigMark(valid: boolean): HTMLElement {
  return valid
    ? h('span', { class: 'sig ok', title: 'signature verified' }, '✓ verified')
    : h('span', { class: 'sig bad', title: 'signature does not verify' }, '✗ invalid');
}

/** A signer's public key as a person knows it: the hub, or a household's node. */
function signerName(store: Store, key: string): HTMLElement | string {
  if (store.status && key === store.status.hubKey) return 'hub';
  for (const hh of store.households.values()) if (hh.nodeKey === key) return `${hh.name || hh.id} (node)`;
  return /^[0-9a-f]{40,}$/.test(key) ? h('code', { title: key }, f.shortHex(key)) : key;
}

function txTable(store: Store, b: Block): HTMLElement {
  const rows = (b.txs ?? []).map((t) => [t.kind, signerName(store, t.signer), h('code', { title: t.hash }, f.shortHex(t.hash)), sigMark(t.sigValid), t.summary]);
  return table(`Transactions of block ${b.height}`, ['Kind', 'Signer', 'Hash', 'Signature', 'What'], rows, 'no transactions');
}

function blockItem(store: Store, b: Block, open: Set<number>): HTMLElement {
  const now = store.now();
  const body = h('div', { class: 'block-body' });
  const det = h('details', { class: `block${b.sigValid ? '' : ' invalid'}`, 'data-height': b.height },
    h('summary', null,
      h('strong', null, `Block ${b.height}`), ' · ', f.when(b.timeMs, now), ' · ',
      `${b.txCount} ${b.txCount === 1 ? 'transaction' : 'transactions'}`, ' · ', sigMark(b.sigValid)),
    body);
  const fill = async () => {
    if (!b.txs) {
      replace(body, h('p', { class: 'muted' }, 'Loading transactions…'));
      try {
        const got = await api.blocks(b.height, 1);
        const mine = got.find((x) => x.height === b.height);
        if (mine?.txs) b.txs = mine.txs;
      } catch (e) {
        replace(body, h('p', { class: 'error' }, (e as Error).message));
        return;
      }
    }
    replace(body,
      h('p', { class: 'hashes' }, 'hash ', h('code', { title: b.hash }, f.shortHex(b.hash, 10)), ' · prev ', h('code', { title: b.prev }, f.shortHex(b.prev, 10)), ' · state ', h('code', { title: b.stateHash }, f.shortHex(b.stateHash, 10))),
      txTable(store, b));
  };
  det.addEventListener('toggle', () => {
    if (det.open) {
      open.add(b.height);
      void fill();
    } else open.delete(b.height);
  });
  if (open.has(b.height)) {
    det.open = true;
  }
  return det;
}

export function ledgerView(): View {
  let off: (() => void) | null = null;

  return {
    mount(root, { store }) {
      const auditOut = h('div', { class: 'audit-result', role: 'status', 'aria-live': 'polite' });
      const auditBtn = h('button', { type: 'button', class: 'primary' }, 'Audit now');
      const balances = h('section', { 'aria-labelledby': 'bal-h' });
      const list = h('div', { class: 'blocks' });
      const more = h('button', { type: 'button' }, 'Older blocks');
      const info = h('p', { class: 'summary' });
      replace(root, heading('Ledger'),
        h('section', { class: 'card audit', 'aria-labelledby': 'audit-h' },
          h('h3', { id: 'audit-h' }, 'Audit'),
          h('p', { class: 'muted' }, 'Replays every block and transaction from the start: hashes, signatures, rules and balances.'),
          auditBtn, auditOut),
        balances,
        h('section', { 'aria-labelledby': 'blocks-h' }, h('h3', { id: 'blocks-h' }, 'Blocks'), info, list, more));

      auditBtn.addEventListener('click', async () => {
        auditBtn.disabled = true;
        replace(auditOut, 'Auditing…');
        try {
          const r = await api.audit();
          if (r.ok) replace(auditOut, h('p', { class: 'ok' }, `✓ Ledger verified: ${r.blocks} blocks, ${r.txs} transactions, ${r.balances} balances, height ${r.height}.`));
          else replace(auditOut, h('p', { class: 'bad' }, `✗ Audit failed at block ${r.height}, transaction ${r.index}: ${r.code} — ${r.message}`));
        } catch (e) {
          replace(auditOut, h('p', { class: 'bad' }, `Audit could not run: ${(e as Error).message}`));
        } finally {
          auditBtn.disabled = false;
        }
      });

      const open = new Set<number>();
      const renderBalances = () => {
        const rows = [...store.balances].sort((a, b) => a.household.localeCompare(b.household)).map((b) => {
          const hh = store.households.get(b.household);
          return [hh?.name && hh.name !== b.household ? `${hh.name} (${b.household})` : b.household,
            f.moneyMilli(b.balanceMilliUnits), f.moneyMilli(b.reservedMilliUnits), f.moneyMilli(b.balanceMilliUnits - b.reservedMilliUnits)];
        });
        replace(balances, h('h3', { id: 'bal-h' }, 'Balances'), table('Account balances', ['Household', 'Balance', 'Reserved', 'Free'], rows, 'no accounts'));
      };
      let noOlder = false;
      const renderBlocks = () => {
        const top = store.blocks[0];
        info.textContent = top ? `Height ${top.height}; showing ${store.blocks.length} ${store.blocks.length === 1 ? 'block' : 'blocks'}, newest first.` : 'No blocks yet.';
        // keep the element of a block that did not change (its open state and focus survive)
        const old = new Map<number, HTMLElement>();
        for (const el of Array.from(list.children) as HTMLElement[]) old.set(Number(el.dataset.height), el);
        const els = store.blocks.map((b) => old.get(b.height) ?? blockItem(store, b, open));
        reconcile(list, els);
        more.hidden = noOlder || !store.blocks.length || store.blocks[store.blocks.length - 1]!.height <= 1;
      };
      more.addEventListener('click', async () => {
        more.disabled = true;
        try {
          if ((await store.loadOlderBlocks(20)) === 0) {
            noOlder = true;
            renderBlocks();
          }
        } catch (e) {
          info.textContent = `Could not load older blocks: ${(e as Error).message}`;
        } finally {
          more.disabled = false;
        }
      });
      const offs = [store.on(['balances'], renderBalances), store.on(['blocks'], renderBlocks)];
      off = () => offs.forEach((o) => o());
      renderBalances();
      renderBlocks();
      store.loadLedger().catch((e: Error) => {
        info.textContent = `Could not load the ledger: ${e.message}`;
      });
    },
    unmount() {
      off?.();
      off = null;
    },
  };
}

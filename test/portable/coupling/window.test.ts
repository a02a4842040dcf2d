import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Interlock } from '../../../firmware/coupling/interlock';
import { WindowExecutor, type WindowTick } from '../../../firmware/coupling/window';
import type { SettingsStore } from '../../../firmware/coupling/settings';
import type { SwarmError } from '../../../shared/errors';

const limits = { sellerMinPermille: 800, buyerMaxPermille: 900 };

function rig(store = memStore()) {
  const writes: string[] = [];
  const il = new Interlock({ write: (a, b) => writes.push(`${a ? 1 : 0}${b ? 1 : 0}`) }, 0);
  const ex = new WindowExecutor(il, store);
  const tick = (t: Partial<WindowTick> & { nowMs: number }) => {
    const ev = ex.tick({ socPermille: 850, meter: null, limits, allowed: true, ...t });
    il.tick(t.nowMs);
    return ev;
  };
  return { il, ex, writes, tick, store };
}

function memStore(): SettingsStore & { data: Map<string, unknown> } {
  const data = new Map<string, unknown>();
  return { data, get: (k) => data.get(k) as number | undefined, set: (k, v) => void data.set(k, v) };
}

const code = (fn: () => unknown) => {
  try {
    fn();
    return 'none';
  } catch (e) {
    return (e as SwarmError).code;
  }
};

const w = (o: Record<string, unknown> = {}) => ({ id: 'c-000001', seq: 1, role: 'seller', energyMWh: 10_000, beginMs: 1000, endMs: 61_000, ...o });

const run = suite('delivery window: execution');

run('a seller closes RL1 at beginMs and opens on the quantity reached', () => {
  const r = rig();
  r.ex.accept(w(), 0);
  assert.equal(r.tick({ nowMs: 999 }), []);
  assert.equal(r.tick({ nowMs: 1000, meter: { exportMWh: 500, importMWh: 0 } }), [{ kind: 'start', id: 'c-000001', role: 'seller', atMs: 1000 }]);
  assert.is(r.il.state.target, 'rl1');
  assert.is(r.il.state.rl1, true);
  assert.equal(r.tick({ nowMs: 20_000, meter: { exportMWh: 6_000, importMWh: 0 } }), []);
  assert.is(r.ex.active?.deliveredMWh, 5_500);
  assert.equal(r.tick({ nowMs: 30_000, meter: { exportMWh: 10_500, importMWh: 0 } }), [
    { kind: 'stop', id: 'c-000001', role: 'seller', atMs: 30_000, reason: 'quantity', deliveredMWh: 10_000 },
  ]);
  assert.is(r.il.state.rl1, false);
});

run('a buyer closes RL2 and opens at the window end by the local clock (no meter, no hub)', () => {
  const r = rig();
  r.ex.accept(w({ role: 'buyer' }), 0);
  r.tick({ nowMs: 1000, socPermille: 500 });
  assert.is(r.il.state.rl2, true);
  const ev = r.tick({ nowMs: 61_000, socPermille: 500 });
  assert.equal(ev, [{ kind: 'stop', id: 'c-000001', role: 'buyer', atMs: 61_000, reason: 'end', deliveredMWh: 0 }]);
  assert.is(r.il.state.rl2, false);
});

run('a seller below SOC_pmin does not start; a buyer above SOC_cmax does not start', () => {
  const r = rig();
  r.ex.accept(w(), 0);
  assert.equal(r.tick({ nowMs: 1000, socPermille: 799 }), [{ kind: 'skip', id: 'c-000001', atMs: 1000, reason: 'soc' }]);
  r.ex.accept(w({ id: 'c-000002', seq: 2, role: 'buyer' }), 1000);
  assert.equal(r.tick({ nowMs: 1000, socPermille: 901 }), [{ kind: 'skip', id: 'c-000002', atMs: 1000, reason: 'soc' }]);
  assert.equal(r.writes, ['00']);
});

run('a seller stops when its SOC drops below the limit mid-window', () => {
  const r = rig();
  r.ex.accept(w(), 0);
  r.tick({ nowMs: 1000 });
  assert.equal(r.tick({ nowMs: 5000, socPermille: 790 }).map((e) => e.kind + ':' + ('reason' in e ? e.reason : '')), ['stop:soc']);
});

run('switching from a sell window to a buy window goes through the dead time', () => {
  const r = rig();
  r.ex.accept(w({ endMs: 10_000 }), 0);
  r.ex.accept(w({ id: 'c-000002', seq: 2, role: 'buyer', beginMs: 10_000, endMs: 20_000 }), 0);
  r.tick({ nowMs: 1000 });
  r.tick({ nowMs: 10_000 });
  assert.equal([r.il.state.rl1, r.il.state.rl2], [false, false]);
  r.tick({ nowMs: 10_150 });
  assert.equal([r.il.state.rl1, r.il.state.rl2], [false, true]);
  assert.equal(r.writes, ['00', '10', '00', '01']);
});

run('a window whose end passed before it could start is skipped as missed', () => {
  const r = rig();
  r.ex.accept(w(), 0);
  assert.equal(r.tick({ nowMs: 70_000 }), [{ kind: 'skip', id: 'c-000001', atMs: 70_000, reason: 'missed' }]);
});

run('abort opens the relays and drops the pending windows', () => {
  const r = rig();
  r.ex.accept(w(), 0);
  r.ex.accept(w({ id: 'c-000002', seq: 2, beginMs: 100_000, endMs: 200_000 }), 0);
  r.tick({ nowMs: 1000 });
  const ev = r.ex.abort(2000);
  assert.equal(ev.map((e) => e.kind), ['stop', 'skip']);
  assert.is(r.il.state.rl1, false);
  assert.is(r.ex.pendingCount, 0);
});

const acc = suite('delivery window: acceptance');

acc('replays are refused, also after a reboot (seq persisted)', () => {
  const store = memStore();
  const r = rig(store);
  r.ex.accept(w({ seq: 7 }), 0);
  assert.is(code(() => r.ex.accept(w({ seq: 7 }), 0)), 'E_WINDOW_REPLAY');
  assert.is(code(() => r.ex.accept(w({ seq: 3 }), 0)), 'E_WINDOW_REPLAY');
  const again = rig(store);
  assert.is(again.ex.highestSeq, 7);
  assert.is(code(() => again.ex.accept(w({ seq: 7 }), 0)), 'E_WINDOW_REPLAY');
  assert.is(again.ex.accept(w({ seq: 8 }), 0).seq, 8);
});

acc('windows already ended, without a role, or malformed are refused', () => {
  const r = rig();
  assert.is(code(() => r.ex.accept(w({ beginMs: 100, endMs: 500 }), 600)), 'E_WINDOW_ENDED');
  assert.is(code(() => r.ex.accept(w({ role: undefined }), 0)), 'E_WINDOW_ROLE');
  assert.is(code(() => r.ex.accept(w({ role: 'both' }), 0)), 'E_WINDOW_ROLE');
  assert.is(code(() => r.ex.accept(w({ energyMWh: 0 }), 0)), 'E_WINDOW_SHAPE');
  assert.is(code(() => r.ex.accept(w({ energyMWh: 1.5 }), 0)), 'E_WINDOW_SHAPE');
  assert.is(code(() => r.ex.accept(w({ beginMs: 5000, endMs: 5000 }), 0)), 'E_WINDOW_SHAPE');
  assert.is(code(() => r.ex.accept(null, 0)), 'E_WINDOW_SHAPE');
  assert.is(r.ex.highestSeq, 0);
});

acc('the pending queue is bounded', () => {
  const r = rig();
  for (let i = 1; i <= 8; i++) r.ex.accept(w({ id: `c-${i}`, seq: i }), 0);
  assert.is(code(() => r.ex.accept(w({ id: 'c-9', seq: 9 }), 0)), 'E_WINDOW_QUEUE');
});

run.run();
acc.run();

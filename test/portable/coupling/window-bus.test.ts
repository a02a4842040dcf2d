// Delivery windows on a real bus (link losses, a seller that stops): a buyer
// leaves a dead bus, a seller sends until the buyer stops drawing or energy ÷
// link, and the settings that drive both. Portable: Node and XS.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { publicKeyOf } from '../../../shared/sign';
import { Interlock } from '../../../firmware/coupling/interlock';
import { WindowExecutor, type BusSample, type FlowRules, type WindowEvent, type WindowTick } from '../../../firmware/coupling/window';
import { DEFAULT_SETTINGS, SettingsPersister, validateSettings } from '../../../firmware/coupling/settings';
import type { NodeEvent } from '../../../firmware/coupling/node';
import type { SwarmError } from '../../../shared/errors';
import { DAY0, H, HUB_SK, memStore, NodeRig, signedContract } from './node-rig';

const hubPk = publicKeyOf(HUB_SK);
const limits = { sellerMinPermille: 800, buyerMaxPermille: 900 };
const rules: FlowRules = { linkPermille: 800, deadBusMV: 6000, idleMA: 50, debounceMs: 3000 };

/** Executor + interlock; `feed` ticks every 100 ms with one meter sample a second. */
function rig(role: 'seller' | 'buyer', energyMWh = 10_000) {
  const il = new Interlock({ write: () => undefined }, 0);
  const ex = new WindowExecutor(il, memStore());
  ex.accept({ id: 'c-000001', seq: 1, role, energyMWh, beginMs: 1000, endMs: 601_000 }, 0);
  const events: WindowEvent[] = [];
  let nowMs = 0;
  let sample: BusSample | null = null;
  let meter = { exportMWh: 0, importMWh: 0 };
  const tick = (extra: Partial<WindowTick> = {}) => {
    for (const e of ex.tick({ nowMs, socPermille: 850, meter, limits, allowed: true, sample, flow: rules, ...extra })) events.push(e);
    il.tick(nowMs);
  };
  return {
    il,
    ex,
    events,
    get nowMs() {
      return nowMs;
    },
    /** Run until `untilMs`: a sample `s` (or none) each whole second, counters moved by `dE` mWh a second. */
    feed(untilMs: number, s: { busMV: number; currentMA: number } | null, dE = 0) {
      while (nowMs < untilMs) {
        nowMs += 100;
        if (nowMs % 1000 === 0) {
          if (s) sample = { atMs: nowMs, busMV: s.busMV, currentMA: s.currentMA };
          meter = role === 'seller' ? { exportMWh: meter.exportMWh + dE, importMWh: 0 } : { exportMWh: 0, importMWh: meter.importMWh + dE };
        }
        tick();
      }
    },
    stops: () => events.filter((e) => e.kind === 'stop'),
  };
}

const ex = suite('delivery window: dead bus and link losses (executor)');

ex('a buyer on a dead bus opens RL2 after the debounce with reason supply-lost', () => {
  const r = rig('buyer');
  r.feed(10_000, { busMV: 9500, currentMA: -4000 }, 10);
  assert.is(r.il.state.rl2, true);
  r.feed(12_900, { busMV: 0, currentMA: 0 }); // first dead sample at 11 000
  assert.is(r.il.state.rl2, true, 'not before the debounce');
  r.feed(14_000, { busMV: 0, currentMA: 0 });
  assert.is(r.il.state.rl2, false);
  assert.equal(r.stops(), [{ kind: 'stop', id: 'c-000001', role: 'buyer', atMs: 14_000, reason: 'supply-lost', deliveredMWh: 90 }]);
  assert.is(r.ex.active, null);
});

ex('a live sample in between restarts the dead-bus debounce; a low but live bus is not dead', () => {
  const r = rig('buyer');
  r.feed(3000, { busMV: 0, currentMA: 0 });
  r.feed(4000, { busMV: 9500, currentMA: -4000 });
  r.feed(6000, { busMV: 0, currentMA: 0 });
  r.feed(7000, { busMV: 6000, currentMA: -100 }); // at the threshold: live
  r.feed(9000, { busMV: 5999, currentMA: 0 });
  assert.is(r.il.state.rl2, true);
  assert.equal(r.stops(), []);
  r.feed(11_000, { busMV: 5999, currentMA: 0 });
  assert.equal(r.stops().map((e) => e.kind === 'stop' && [e.atMs, e.reason]), [[11_000, 'supply-lost']]);
});

ex('a buyer ends at its consumed quantity (the contract energy), not at energy ÷ link', () => {
  const r = rig('buyer', 2000);
  r.feed(60_000, { busMV: 9500, currentMA: -4000 }, 100); // 2 000 mWh after 20 s
  assert.equal(r.stops().map((e) => e.kind === 'stop' && [e.atMs, e.reason, e.deliveredMWh]), [[21_000, 'quantity', 2000]]);
  assert.is(r.il.state.rl2, false);
});

ex('a seller sends past the contract energy while the buyer draws and stops at energy ÷ link', () => {
  const r = rig('seller', 2000);
  r.feed(22_000, { busMV: 12_000, currentMA: 5000 }, 100); // 2 100 mWh sent
  assert.is(r.il.state.rl1, true, 'still closed after the contract energy: the buyer got only 80 % of it');
  r.feed(40_000, { busMV: 12_000, currentMA: 5000 }, 100);
  assert.equal(r.stops().map((e) => e.kind === 'stop' && [e.atMs, e.reason, e.deliveredMWh]), [[26_000, 'quantity', 2500]]);
  assert.is(r.il.state.rl1, false);
});

ex('a seller whose export falls to zero (the buyer opened RL2) stops after the debounce: demand-ended', () => {
  const r = rig('seller', 1800); // 1 900 mWh sent ≥ the contract energy: the buyer may have its quantity
  r.feed(20_000, { busMV: 12_000, currentMA: 5000 }, 100);
  r.feed(21_000, { busMV: 12_000, currentMA: 50 }); // ≤ idleMA from 21 000
  r.feed(23_900, { busMV: 12_000, currentMA: 0 });
  assert.is(r.il.state.rl1, true);
  r.feed(25_000, { busMV: 12_000, currentMA: 0 });
  assert.equal(r.stops(), [{ kind: 'stop', id: 'c-000001', role: 'seller', atMs: 24_000, reason: 'demand-ended', deliveredMWh: 1900 }]);
  assert.is(r.il.state.rl1, false);
});

ex('a pause of the buyer\'s loads before the contract energy is sent keeps the seller\'s RL1 closed', () => {
  const r = rig('seller', 2000);
  r.feed(30_000, { busMV: 12_000, currentMA: 0 }); // the buyer's TV is not on yet
  r.feed(40_000, { busMV: 12_000, currentMA: 5000 }, 100); // 1 000 mWh
  r.feed(70_000, { busMV: 12_000, currentMA: 0 }); // a 30 s pause
  assert.is(r.il.state.rl1, true);
  assert.equal(r.stops(), []);
  r.feed(80_000, { busMV: 12_000, currentMA: 5000 }, 100); // 2 000 mWh: the contract energy
  r.feed(85_000, { busMV: 12_000, currentMA: 0 });
  assert.equal(r.stops(), [{ kind: 'stop', id: 'c-000001', role: 'seller', atMs: 84_000, reason: 'demand-ended', deliveredMWh: 2000 }]);
  assert.is(r.il.state.rl1, false);
});

ex('a silent meter never ends a window early: stale samples and no samples keep it to endMs', () => {
  const r = rig('buyer');
  r.feed(3000, { busMV: 0, currentMA: 0 }); // one dead sample at 1 000 (the start), 2 000 and 3 000
  r.feed(600_000, null); // then the meter falls silent
  assert.equal(r.stops(), []);
  r.feed(601_000, null);
  assert.equal(r.stops().map((e) => e.kind === 'stop' && e.reason), ['end']);
  const s = rig('seller');
  s.feed(601_000, null);
  assert.equal(s.stops().map((e) => e.kind === 'stop' && e.reason), ['end']);
});

ex('without flow rules the executor keeps its original behaviour (seller stops at the energy)', () => {
  const r = rig('seller', 2000);
  let nowMs = 1000;
  r.ex.tick({ nowMs, socPermille: 850, meter: { exportMWh: 0, importMWh: 0 }, limits, allowed: true });
  nowMs = 5000;
  const ev = r.ex.tick({ nowMs, socPermille: 850, meter: { exportMWh: 2000, importMWh: 0 }, limits, allowed: true, sample: { atMs: 4000, busMV: 0, currentMA: 0 } });
  assert.equal(ev.map((e) => e.kind === 'stop' && e.reason), ['quantity']);
});

ex.run();

// ---- the coupling node ---------------------------------------------------

const node = suite('coupling node: delivery windows on the bus');

const BEGIN = DAY0 + 10 * H + 5000;

/** A rig whose meter samples the test drives (bus voltage and current), one a second. */
function nodeRig(role: 'seller' | 'buyer') {
  const r = new NodeRig({ hubPk });
  r.run(1000);
  const other = 'house-b';
  r.deliver(signedContract(role === 'seller' ? { energyMWh: 1000 } : { energyMWh: 1000, seller: other, buyer: 'house-a' }));
  r.run(4000); // RL closes at BEGIN
  const drive = (ms: number, busMV: number, currentMA: number) => {
    const end = r.nowMs + ms;
    while (r.nowMs < end) {
      r.run(1000);
      r.node.meterSample({ atMs: r.nowMs, busMV, currentMA });
    }
  };
  const stops = () =>
    r.events.filter((e): e is Extract<NodeEvent, { kind: 'window' }> => e.kind === 'window' && e.event.kind === 'stop').map((e) => e.event);
  return { r, drive, stops };
}

node('a buyer node on a dead bus opens RL2 within the debounce and reports supply-lost', () => {
  const { r, drive, stops } = nodeRig('buyer');
  assert.is(r.nowMs, BEGIN);
  assert.is(r.relays.rl2, true);
  drive(10_000, 9600, -2000); // 19 W from the bus
  assert.is(r.relays.rl2, true);
  drive(3000, 0, 0); // the seller opened RL1
  assert.is(r.relays.rl2, true);
  drive(2000, 0, 0);
  assert.is(r.relays.rl2, false);
  const s = stops();
  assert.is(s.length, 1);
  assert.ok(s[0]!.kind === 'stop' && s[0]!.reason === 'supply-lost' && s[0]!.role === 'buyer');
  assert.is(r.node.activeWindow, null);
  r.run(2000);
  assert.equal(r.relays.readBack(), { rl1: false, rl2: false });
});

node('a buyer node ends at the consumed quantity', () => {
  const { r, drive, stops } = nodeRig('buyer');
  drive(60_000, 9600, -5000); // 48 W: 1 000 mWh in 75 s
  assert.is(r.relays.rl2, true);
  drive(20_000, 9600, -5000);
  assert.is(r.relays.rl2, false);
  const s = stops()[0]!;
  assert.ok(s.kind === 'stop' && s.reason === 'quantity' && s.deliveredMWh >= 1000 && s.deliveredMWh < 1020);
});

node('a seller node sends energy ÷ link (default 800 ‰) and stops there as a safety cap', () => {
  const { r, drive, stops } = nodeRig('seller');
  drive(80_000, 12_000, 4000); // 48 W: 1 000 mWh after 75 s, 1 250 after 93.75 s
  assert.is(r.relays.rl1, true);
  assert.ok(r.node.activeWindow!.deliveredMWh > 1000);
  drive(20_000, 12_000, 4000);
  assert.is(r.relays.rl1, false);
  const s = stops()[0]!;
  assert.ok(s.kind === 'stop' && s.reason === 'quantity' && s.deliveredMWh >= 1250 && s.deliveredMWh < 1270, JSON.stringify(s));
});

node('a seller node stops when the buyer stops drawing (export ≈ 0 for 3 s) after the contract energy, not in a pause before it', () => {
  const { r, drive, stops } = nodeRig('seller');
  drive(30_000, 12_000, 4000); // 48 W: 400 mWh
  drive(10_000, 12_000, 0); // a pause of the buyer's loads
  assert.is(r.relays.rl1, true);
  assert.equal(stops(), []);
  drive(50_000, 12_000, 4000); // ≈ 1 070 mWh: above the contract energy, below energy ÷ link
  drive(2000, 12_000, 20);
  assert.is(r.relays.rl1, true);
  drive(3000, 12_000, 0);
  assert.is(r.relays.rl1, false);
  const s = stops()[0]!;
  assert.ok(s.kind === 'stop' && s.reason === 'demand-ended' && s.deliveredMWh >= 1000 && s.deliveredMWh < 1250, JSON.stringify(s));
});

node('linkPermille set at run time moves the seller cap', () => {
  const { r, drive, stops } = nodeRig('seller');
  r.node.applySettings({ linkPermille: 1000 }, r.nowMs);
  drive(80_000, 12_000, 4000);
  assert.is(r.relays.rl1, false);
  const s = stops()[0]!;
  assert.ok(s.kind === 'stop' && s.reason === 'quantity' && s.deliveredMWh >= 1000 && s.deliveredMWh < 1020, JSON.stringify(s));
});

node.run();

// ---- settings ------------------------------------------------------------

const set = suite('coupling settings: link and flow rules');

const code = (fn: () => unknown) => {
  try {
    fn();
    return 'none';
  } catch (e) {
    return (e as SwarmError).code;
  }
};

set('defaults: link 800 ‰, dead bus below 500 ‰ of the battery voltage, idle ≤ 50 mA, debounce 3 s', () => {
  assert.equal([DEFAULT_SETTINGS.linkPermille, DEFAULT_SETTINGS.deadBusPermille, DEFAULT_SETTINGS.idleCurrentMA, DEFAULT_SETTINGS.flowDebounceMs], [800, 500, 50, 3000]);
});

set('out-of-range values are refused with E_HEMTS_SETTING', () => {
  assert.is(code(() => validateSettings({ ...DEFAULT_SETTINGS, linkPermille: 499 })), 'E_HEMTS_SETTING');
  assert.is(code(() => validateSettings({ ...DEFAULT_SETTINGS, linkPermille: 1001 })), 'E_HEMTS_SETTING');
  assert.is(code(() => validateSettings({ ...DEFAULT_SETTINGS, linkPermille: 850.5 })), 'E_HEMTS_SETTING');
  assert.is(code(() => validateSettings({ ...DEFAULT_SETTINGS, deadBusPermille: -1 })), 'E_HEMTS_SETTING');
  assert.is(code(() => validateSettings({ ...DEFAULT_SETTINGS, idleCurrentMA: 100_001 })), 'E_HEMTS_SETTING');
  assert.is(code(() => validateSettings({ ...DEFAULT_SETTINGS, flowDebounceMs: 999 })), 'E_HEMTS_SETTING');
  assert.is(code(() => validateSettings({ ...DEFAULT_SETTINGS, linkPermille: 500, deadBusPermille: 0, flowDebounceMs: 600_000 })), 'none');
});

set('they persist under short Preference keys and are read back after a reboot', () => {
  const store = memStore();
  const p = new SettingsPersister(store);
  p.update({ linkPermille: 900, deadBusPermille: 400, idleCurrentMA: 80, flowDebounceMs: 5000 }, 0);
  assert.equal([store.data.get('linkPm'), store.data.get('deadBusPm'), store.data.get('idleMA'), store.data.get('flowDebMs')], [900, 400, 80, 5000]);
  const q = new SettingsPersister(store).settings;
  assert.equal([q.linkPermille, q.deadBusPermille, q.idleCurrentMA, q.flowDebounceMs], [900, 400, 80, 5000]);
  store.data.set('linkPm', 200); // out of range in the store: the default stays
  assert.is(new SettingsPersister(store).settings.linkPermille, 800);
});

set.run();

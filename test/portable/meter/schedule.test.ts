import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import v from '../../vectors/meter/report.json';
import v1 from '../../vectors/meter/checkpoint-v1.json';
import { MeterNode, type MeterNodeOptions, type Outgoing } from '../../../firmware/meter/node';
import { MemoryStore, type PreferenceStore } from '../../../firmware/meter/record';
import { verifyReport, type MeterContractPart, type MeterReportBody, type MeterReportEnvelope } from '../../../firmware/meter/reports';
import { FaultyStore } from '../../../firmware/meter/faulty-store';
import { fromHex } from '../../../shared/bytes';

// The hour 12:00 of the village day; windows as the hub issues them.
const T0 = 1_718_798_400_000;
const SEC = 1000;
const MIN = 60 * SEC;

function make(store: PreferenceStore, extra: Partial<MeterNodeOptions> = {}): MeterNode {
  return new MeterNode({ meterId: 'm-house-b', nodeId: 'house-b', secretKeyHex: v.secretKey, store, reportEveryMs: 5 * MIN, retryMs: 3600 * SEC, ...extra });
}

function bodies(node: MeterNode): MeterReportBody[] {
  return node.drain().publish.map((o: Outgoing) => {
    const env = JSON.parse(o.payload) as MeterReportEnvelope;
    assert.ok(verifyReport(env, v.publicKey), `report ${o.seq} verifies`);
    return env.body;
  });
}

function finals(bs: MeterReportBody[]): MeterContractPart[] {
  return bs.filter((b) => b.contract?.final).map((b) => b.contract!);
}

/** 1 Hz samples of constant power from `fromS` to `toS` seconds after T0 (inclusive), ticking every second. */
function run(node: MeterNode, fromS: number, toS: number, currentMA: number, busMV = 12000): void {
  for (let s = fromS; s <= toS; s++) {
    node.sample({ atMs: T0 + s * SEC, busMV, currentMA });
    node.tick(T0 + s * SEC);
  }
}

// 24 W import (12 V, 2 A from the bus): 6.667 mWh a second, 6 Wh in 15 min.
const IMPORT_24W = -2000;
// 36 W export: exactly 10 mWh a second.
const EXPORT_36W = 3000;

const C3 = { id: 'c-000003', beginMs: T0 + 1 * MIN, endMs: T0 + 16 * MIN };
const C4 = { id: 'c-000004', beginMs: T0 + 16 * MIN, endMs: T0 + 33 * MIN };

const sched = suite('meter node: contract schedule');

sched('two contracts received at once, back to back: each window gets its own final report', () => {
  const node = make(new MemoryStore());
  node.connected(true, T0);
  assert.is(node.beginContract(C3, T0), 'new');
  assert.is(node.beginContract(C4, T0), 'new');
  assert.equal(node.status().schedule.map((c) => [c.id, c.active]), [['c-000003', false], ['c-000004', false]]);
  run(node, 0, 35 * 60, IMPORT_24W);
  const bs = bodies(node);
  assert.equal(finals(bs), [
    { id: 'c-000003', exportMWh: 0, importMWh: 6000, fromMs: C3.beginMs, toMs: C3.endMs, final: true },
    { id: 'c-000004', exportMWh: 0, importMWh: 6800, fromMs: C4.beginMs, toMs: C4.endMs, final: true },
  ]);
  // the two final reports follow each other, at the end of each window
  const fin = bs.filter((b) => b.contract?.final);
  assert.equal(fin.map((b) => b.atMs), [C3.endMs, C4.endMs]);
  // periodic reports carry the window open at the time: none at 12:00, c-000003 at 12:05 … 12:15, c-000004 from 12:20
  const periodic = bs.filter((b) => !b.contract?.final);
  assert.equal(
    periodic.map((b) => [(b.atMs - T0) / MIN, b.contract?.id ?? null]),
    [[5, 'c-000003'], [10, 'c-000003'], [15, 'c-000003'], [20, 'c-000004'], [25, 'c-000004'], [30, 'c-000004'], [35, null]],
  );
  assert.equal(node.status().schedule, []);
  assert.equal(node.status().closedIds, ['c-000003', 'c-000004']);
});

sched('three contracts in a row with a gap: energy in the gap goes to no contract', () => {
  const node = make(new MemoryStore(), { reportEveryMs: MIN });
  node.connected(true, T0);
  // received in another order than they run
  node.beginContract({ id: 'c-c', beginMs: T0 + 400 * SEC, endMs: T0 + 700 * SEC }, T0);
  node.beginContract({ id: 'c-a', beginMs: T0 + 100 * SEC, endMs: T0 + 200 * SEC }, T0);
  node.beginContract({ id: 'c-b', beginMs: T0 + 200 * SEC, endMs: T0 + 250 * SEC }, T0);
  assert.equal(node.status().schedule.map((c) => c.id), ['c-a', 'c-b', 'c-c']);
  run(node, 0, 800, EXPORT_36W);
  const bs = bodies(node);
  assert.equal(
    finals(bs).map((p) => [p.id, p.exportMWh, p.importMWh, (p.fromMs - T0) / SEC, (p.toMs - T0) / SEC]),
    [['c-a', 1000, 0, 100, 200], ['c-b', 500, 0, 200, 250], ['c-c', 3000, 0, 400, 700]],
  );
  const at = (s: number) => bs.find((b) => b.atMs === T0 + s * SEC && !b.contract?.final)!;
  assert.is(at(300).contract, null, 'the gap (250 s, 400 s] is metered as lifetime only');
  assert.is(at(300).lifetime.exportMWh, 3000);
  assert.is(at(480).contract?.exportMWh, 800);
  assert.is(at(780).lifetime.exportMWh, 7800);
  assert.is(node.status().exportMWh, 8000);
});

sched('endContract during the first window leaves the second scheduled', () => {
  const node = make(new MemoryStore());
  node.connected(true, T0);
  node.beginContract({ id: 'c-1', beginMs: T0 + 10 * SEC, endMs: T0 + 100 * SEC }, T0);
  node.beginContract({ id: 'c-2', beginMs: T0 + 100 * SEC, endMs: T0 + 200 * SEC }, T0);
  run(node, 0, 50, EXPORT_36W);
  node.endContract(T0 + 50 * SEC);
  assert.equal(finals(bodies(node)), [{ id: 'c-1', exportMWh: 400, importMWh: 0, fromMs: T0 + 10 * SEC, toMs: T0 + 50 * SEC, final: true }]);
  assert.equal(node.status().schedule.map((c) => [c.id, c.active]), [['c-2', false]]);
  run(node, 51, 60, EXPORT_36W);
  node.endContract(T0 + 60 * SEC); // nothing open: c-2 has not begun
  assert.equal(finals(bodies(node)), []);
  assert.equal(node.status().schedule.map((c) => c.id), ['c-2']);
  run(node, 61, 250, EXPORT_36W);
  assert.equal(finals(bodies(node)), [{ id: 'c-2', exportMWh: 1000, importMWh: 0, fromMs: T0 + 100 * SEC, toMs: T0 + 200 * SEC, final: true }]);
});

sched('a contract sent again after it closed is ignored, not only the last one closed', () => {
  const node = make(new MemoryStore());
  node.connected(true, T0);
  for (let i = 1; i <= 5; i++) node.beginContract({ id: `c-${i}`, beginMs: T0 + i * 10 * SEC, endMs: T0 + (i * 10 + 5) * SEC }, T0);
  run(node, 0, 60, EXPORT_36W);
  const first = finals(bodies(node));
  assert.equal(first.map((p) => [p.id, p.exportMWh]), [['c-1', 50], ['c-2', 50], ['c-3', 50], ['c-4', 50], ['c-5', 50]]);
  assert.equal(node.status().closedIds, ['c-1', 'c-2', 'c-3', 'c-4', 'c-5']);
  for (let i = 1; i <= 5; i++) assert.is(node.beginContract({ id: `c-${i}`, beginMs: T0 + i * 10 * SEC, endMs: T0 + (i * 10 + 5) * SEC }, T0 + 61 * SEC), 'closed');
  run(node, 61, 120, EXPORT_36W);
  assert.equal(finals(bodies(node)), [], 'no second final report for any of them');
  assert.equal(node.status().schedule, []);
});

sched('a full schedule refuses the ninth window with E_METER_SCHEDULE and meters the eight', () => {
  const node = make(new MemoryStore(), { reportEveryMs: 10 * MIN });
  node.connected(true, T0);
  const w = (i: number) => ({ id: `c-${i}`, beginMs: T0 + i * 60 * SEC, endMs: T0 + (i * 60 + 30) * SEC });
  for (let i = 1; i <= 8; i++) assert.is(node.beginContract(w(i), T0), 'new');
  assert.is(node.beginContract(w(9), T0), 'full');
  assert.is(node.beginContract(w(3), T0), 'same', 'a re-sent scheduled window is not a refusal');
  const out = node.drain();
  assert.equal(out.faults, ['E_METER_SCHEDULE']);
  assert.is(node.status().schedule.length, 8);
  run(node, 1, 520, EXPORT_36W);
  const bs = bodies(node);
  assert.equal(finals(bs).map((p) => [p.id, p.exportMWh]), [1, 2, 3, 4, 5, 6, 7, 8].map((i) => [`c-${i}`, 300]));
  assert.ok(bs[0]!.faults.includes('E_METER_SCHEDULE'), 'the hub learns of the refusal');
  assert.not.ok(bs[1]!.faults.includes('E_METER_SCHEDULE'), 'once');
  // room again: the refused id was never closed, so it may come back
  assert.is(node.beginContract(w(9), T0 + 520 * SEC), 'new');
  run(node, 521, 600, EXPORT_36W);
  assert.equal(finals(bodies(node)).map((p) => [p.id, p.exportMWh]), [['c-9', 300]]);
});

sched('a reboot keeps the open window, the pending ones and the closed ids', () => {
  const store = new MemoryStore();
  const a = make(store);
  a.connected(true, T0);
  a.beginContract({ id: 'c-000002', beginMs: T0 - 10 * MIN, endMs: T0 }, T0 - 20 * MIN);
  a.beginContract(C3, T0);
  a.beginContract(C4, T0);
  run(a, 0, 300, IMPORT_24W); // the periodic report at 300 s checkpoints
  const before = bodies(a);
  assert.equal(finals(before).map((p) => [p.id, p.importMWh]), [['c-000002', 0]]);
  for (const x of before) a.ack(x.seq);
  const b = make(store);
  const st = b.status();
  assert.equal(st.schedule.map((c) => [c.id, c.active]), [['c-000003', true], ['c-000004', false]]);
  assert.equal(st.closedIds, ['c-000002']);
  assert.is(st.restoredGen > 0, true);
  assert.is(b.beginContract({ id: 'c-000002', beginMs: T0 - 10 * MIN, endMs: T0 }, T0 + 300 * SEC), 'closed');
  assert.is(b.beginContract(C4, T0 + 300 * SEC), 'same');
  b.connected(true, T0 + 300 * SEC);
  run(b, 300, 35 * 60, IMPORT_24W); // no energy lost: the checkpoint was at the last sample
  assert.equal(
    finals(bodies(b)).map((p) => [p.id, p.importMWh, p.fromMs, p.toMs]),
    [['c-000003', 6000, C3.beginMs, C3.endMs], ['c-000004', 6800, C4.beginMs, C4.endMs]],
  );
});

sched('a version 1 checkpoint restores its pending contract and last closed id', () => {
  const store = new MemoryStore();
  store.set('swg-meter', 'ck0', fromHex(v1.records[1]!.hex).slice().buffer);
  const node = make(store);
  const st = node.status();
  assert.is(st.seq, 42);
  assert.is(st.importMWh, 6000);
  assert.ok(st.faultLatched);
  assert.equal(st.schedule.map((c) => [c.id, c.active, c.beginMs, c.endMs]), [['c-000004', false, C4.beginMs, C4.endMs]]);
  assert.equal(st.closedIds, ['c-000003']);
  assert.is(node.beginContract(C3, T0 + 10 * MIN), 'closed');
  node.connected(true, T0 + 16 * MIN);
  run(node, 16 * 60, 34 * 60, IMPORT_24W);
  assert.equal(finals(bodies(node)).map((p) => [p.id, p.importMWh]), [['c-000004', 6800]]);
  // the next checkpoint is written as version 2 and still holds the ring
  assert.equal(make(store).status().closedIds, ['c-000003', 'c-000004']);
});

const edge = suite('meter node: contract schedule edge cases');

edge('a contract arriving after its window ended gets a zero final report at once', () => {
  const node = make(new MemoryStore());
  node.connected(true, T0);
  run(node, 0, 100, EXPORT_36W);
  bodies(node);
  assert.is(node.beginContract({ id: 'c-late', beginMs: T0 + 10 * SEC, endMs: T0 + 50 * SEC }, T0 + 100 * SEC), 'new');
  const bs = bodies(node);
  assert.equal(finals(bs), [{ id: 'c-late', exportMWh: 0, importMWh: 0, fromMs: T0 + 10 * SEC, toMs: T0 + 50 * SEC, final: true }]);
  assert.is(bs[0]!.atMs, T0 + 100 * SEC);
  assert.equal(node.status().schedule, []);
});

edge('a late window lying before the open one is closed at zero without cutting the open one', () => {
  const node = make(new MemoryStore());
  node.connected(true, T0);
  node.beginContract({ id: 'c-open', beginMs: T0 + 100 * SEC, endMs: T0 + 300 * SEC }, T0);
  run(node, 0, 150, EXPORT_36W);
  assert.is(node.beginContract({ id: 'c-old', beginMs: T0 + 10 * SEC, endMs: T0 + 60 * SEC }, T0 + 150 * SEC), 'new');
  assert.equal(finals(bodies(node)).map((p) => [p.id, p.exportMWh, p.toMs - T0]), [['c-old', 0, 60 * SEC]]);
  run(node, 151, 400, EXPORT_36W);
  assert.equal(finals(bodies(node)).map((p) => [p.id, p.exportMWh]), [['c-open', 2000]]);
});

edge('overlapping windows: the open one closes where the next begins, no energy counted twice', () => {
  const node = make(new MemoryStore());
  node.connected(true, T0);
  node.beginContract({ id: 'c-1', beginMs: T0, endMs: T0 + 200 * SEC }, T0);
  node.beginContract({ id: 'c-2', beginMs: T0 + 100 * SEC, endMs: T0 + 300 * SEC }, T0);
  run(node, 0, 400, EXPORT_36W);
  assert.equal(
    finals(bodies(node)).map((p) => [p.id, p.exportMWh, (p.fromMs - T0) / SEC, (p.toMs - T0) / SEC]),
    [['c-1', 1000, 0, 100], ['c-2', 2000, 100, 300]],
  );
});

edge('windows that passed during a sample gap each get their final report, in order', () => {
  const node = make(new MemoryStore());
  node.connected(true, T0);
  node.beginContract({ id: 'c-1', beginMs: T0 + 10 * SEC, endMs: T0 + 20 * SEC }, T0);
  node.beginContract({ id: 'c-2', beginMs: T0 + 20 * SEC, endMs: T0 + 30 * SEC }, T0);
  node.beginContract({ id: 'c-3', beginMs: T0 + 30 * SEC, endMs: T0 + 90 * SEC }, T0);
  run(node, 0, 15, EXPORT_36W);
  run(node, 40, 100, EXPORT_36W); // sensor silent from 15 s to 40 s (a gap: not integrated)
  const bs = bodies(node);
  assert.equal(finals(bs).map((p) => [p.id, p.exportMWh]), [['c-1', 50], ['c-2', 0], ['c-3', 500]]);
  assert.ok(bs.some((b) => b.faults.includes('E_METER_GAP')));
  assert.equal(bs.filter((b) => b.contract?.final).map((b) => b.atMs - T0), [40 * SEC, 40 * SEC, 90 * SEC], 'both missed ends reported at the first sample after the gap');
});

edge('a refused final write is retried and the next window still starts at the boundary', () => {
  const store = new FaultyStore();
  const node = make(store);
  node.connected(true, T0);
  node.beginContract({ id: 'c-1', beginMs: T0, endMs: T0 + 30 * SEC }, T0);
  node.beginContract({ id: 'c-2', beginMs: T0 + 30 * SEC, endMs: T0 + 60 * SEC }, T0);
  run(node, 0, 29, EXPORT_36W);
  store.failNext('refuse');
  run(node, 30, 30, EXPORT_36W);
  const out = node.drain();
  assert.equal(out.publish, []);
  assert.ok(out.faults.includes('E_METER_STORE'));
  assert.equal(node.status().schedule.map((c) => c.id), ['c-1', 'c-2']);
  run(node, 31, 70, EXPORT_36W);
  assert.equal(
    finals(bodies(node)).map((p) => [p.id, p.exportMWh, (p.fromMs - T0) / SEC, (p.toMs - T0) / SEC]),
    [['c-1', 300, 0, 30], ['c-2', 300, 30, 60]],
  );
});

edge('scheduleCapacity is configurable within 1 … 16', () => {
  const node = make(new MemoryStore(), { scheduleCapacity: 2 });
  assert.is(node.beginContract({ id: 'c-1', beginMs: T0 + 10 * SEC, endMs: T0 + 20 * SEC }, T0), 'new');
  assert.is(node.beginContract({ id: 'c-2', beginMs: T0 + 20 * SEC, endMs: T0 + 30 * SEC }, T0), 'new');
  assert.is(node.beginContract({ id: 'c-3', beginMs: T0 + 30 * SEC, endMs: T0 + 40 * SEC }, T0), 'full');
  for (const c of [0, 17]) {
    try {
      make(new MemoryStore(), { scheduleCapacity: c });
      assert.unreachable(String(c));
    } catch (e) {
      assert.is((e as { code?: string }).code, 'E_METER_CONFIG');
    }
  }
});

sched.run();
edge.run();

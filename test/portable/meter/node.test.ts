import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import v from '../../vectors/meter/report.json';
import { MeterNode, type MeterNodeOptions, type Outgoing } from '../../../firmware/meter/node';
import { MemoryStore, type PreferenceStore } from '../../../firmware/meter/record';
import { verifyReport, type MeterReportEnvelope } from '../../../firmware/meter/reports';
import { FaultyStore } from '../../../firmware/meter/faulty-store';

const T0 = 1_718_784_000_000;
const SEC = 1000;
const MIN = 60 * SEC;

function make(store: PreferenceStore, extra: Partial<MeterNodeOptions> = {}): MeterNode {
  return new MeterNode({ meterId: 'm-house-a', nodeId: 'house-a', secretKeyHex: v.secretKey, store, reportEveryMs: MIN, retryMs: 3600 * SEC, ...extra });
}

function parse(o: Outgoing): MeterReportEnvelope {
  const env = JSON.parse(o.payload) as MeterReportEnvelope;
  assert.ok(verifyReport(env, v.publicKey), `report ${o.seq} verifies`);
  assert.is(env.body.seq, o.seq);
  return env;
}

/** 1 Hz samples of constant power from `fromS` to `toS` seconds (inclusive), ticking every second. */
function run(node: MeterNode, fromS: number, toS: number, busMV: number, currentMA: number): void {
  for (let s = fromS; s <= toS; s++) {
    node.sample({ atMs: T0 + s * SEC, busMV, currentMA });
    node.tick(T0 + s * SEC);
  }
}

const flow = suite('meter node: reports');

flow('periodic signed reports with strictly increasing seq and exact lifetime counters', () => {
  const node = make(new MemoryStore());
  node.connected(true, T0);
  run(node, 0, 180, 12000, 5000); // 60 W export
  const out = node.drain();
  const bodies = out.publish.map((o) => parse(o).body);
  assert.equal(bodies.map((b) => b.seq), [1, 2, 3]);
  assert.equal(bodies.map((b) => b.atMs), [T0 + 60 * SEC, T0 + 120 * SEC, T0 + 180 * SEC]);
  // 60 W for 60 s = 1 Wh = 1000 mWh per minute
  assert.equal(bodies.map((b) => b.lifetime.exportMWh), [1000, 2000, 3000]);
  assert.ok(bodies.every((b) => b.lifetime.importMWh === 0 && b.contract === null && b.node === 'house-a' && b.meter === 'm-house-a'));
  assert.equal(out.faults, []);
  assert.ok(out.writes >= 6, 'each report writes a queue record and a checkpoint');
});

flow('a contract window gets its own counters and one final report at its end', () => {
  const node = make(new MemoryStore());
  node.connected(true, T0);
  node.beginContract({ id: 'c-000042', beginMs: T0 + 30 * SEC, endMs: T0 + 150 * SEC }, T0);
  run(node, 0, 200, 12000, 5000);
  const bodies = node.drain().publish.map((o) => parse(o).body);
  const finals = bodies.filter((b) => b.contract?.final);
  assert.is(finals.length, 1);
  // (30 s, 150 s] at 60 W = 120 s · 60 W = 2 Wh
  assert.equal(finals[0]!.contract, { id: 'c-000042', exportMWh: 2000, importMWh: 0, fromMs: T0 + 30 * SEC, toMs: T0 + 150 * SEC, final: true });
  const periodic = bodies.filter((b) => b.contract && !b.contract.final);
  assert.equal(periodic.map((b) => b.contract!.exportMWh), [500, 1500]); // at 60 s and 120 s
  assert.is(bodies[bodies.length - 1]!.contract, null, 'after the final report');
  assert.is(node.status().contract, null);
});

flow('endContract closes early; a new contract id restarts the per-contract counters', () => {
  const node = make(new MemoryStore());
  node.connected(true, T0);
  assert.is(node.beginContract({ id: 'c-1', beginMs: T0, endMs: T0 + 3600 * SEC }, T0), 'new');
  run(node, 0, 30, 12000, 5000);
  node.endContract(T0 + 30 * SEC);
  assert.is(node.beginContract({ id: 'c-2', beginMs: T0 + 30 * SEC, endMs: T0 + 3600 * SEC }), 'new');
  run(node, 31, 90, 12000, 5000);
  assert.is(node.beginContract({ id: 'c-3', beginMs: T0 + 90 * SEC, endMs: T0 + 3600 * SEC }), 'new'); // overlaps c-2: cuts it at 90 s
  assert.is(node.beginContract({ id: 'c-1', beginMs: T0, endMs: T0 + 3600 * SEC }), 'closed', 'already closed: ignored');
  run(node, 91, 91, 12000, 5000);
  assert.is(node.beginContract({ id: 'c-2', beginMs: T0 + 30 * SEC, endMs: T0 + 3600 * SEC }), 'closed');
  const bodies = node.drain().publish.map((o) => parse(o).body);
  const finals = bodies.filter((b) => b.contract?.final).map((b) => [b.contract!.id, b.contract!.exportMWh, b.contract!.toMs - T0]);
  assert.equal(finals, [['c-1', 500, 30 * SEC], ['c-2', 1000, 90 * SEC]]);
  assert.is(node.status().contract?.id, 'c-3');
  assert.ok(node.status().contract?.active);
});

const offline = suite('meter node: store and forward');

offline('reports queue while disconnected, publish in order on connect, and leave on ack', () => {
  const node = make(new MemoryStore(), { retryMs: 30 * SEC });
  run(node, 0, 240, 12000, -2500); // 30 W import, broker down
  assert.equal(node.drain().publish, []);
  assert.is(node.status().queued, 4);
  node.connected(true, T0 + 241 * SEC);
  const sent = node.drain().publish;
  assert.equal(sent.map((o) => o.seq), [1, 2, 3, 4]);
  assert.equal(sent.map((o) => parse(o).body.lifetime.importMWh), [500, 1000, 1500, 2000]);
  node.ack(1);
  node.ack(2);
  node.tick(T0 + 300 * SEC); // retry of 3 and 4 after retryMs, plus a new periodic report
  const again = node.drain().publish.map((o) => o.seq);
  assert.ok(again.includes(3) && again.includes(4) && again.includes(5));
  for (const s of [3, 4, 5]) node.ack(s);
  assert.is(node.status().queued, 0);
});

offline('the queue survives a reboot and is republished on connect', () => {
  const store = new MemoryStore();
  const a = make(store);
  run(a, 0, 130, 12000, 5000);
  const b = make(store);
  assert.equal(b.queued().map((q) => q.seq), [1, 2]);
  b.connected(true, T0 + 200 * SEC);
  assert.equal(b.drain().publish.map((o) => o.seq), [1, 2]);
});

const reboot = suite('meter node: reboot and crashes');

reboot('after a reboot seq continues and counters resume from the last checkpoint, never higher', () => {
  const store = new MemoryStore();
  const a = make(store);
  a.connected(true, T0);
  run(a, 0, 150, 12000, 5000);
  const before = a.drain().publish.map((o) => parse(o).body);
  const last = before[before.length - 1]!;
  assert.is(last.seq, 2);
  // The meter reboots at 150 s: 30 s (500 mWh) since the last report is lost, not doubled.
  const b = make(store);
  assert.is(b.status().seq, 2);
  assert.is(b.status().exportMWh, 2000);
  b.connected(true, T0 + 150 * SEC);
  run(b, 151, 211, 12000, 5000);
  const after = b.drain().publish.map((o) => parse(o).body);
  const fresh = after.filter((x) => x.seq > 2);
  assert.is(fresh[0]!.seq, 3);
  assert.is(fresh[0]!.atMs, T0 + 211 * SEC);
  assert.ok(fresh[0]!.lifetime.exportMWh >= last.lifetime.exportMWh);
  // 2000 restored + (151 s, 211 s] = 3000; the 31 s before the first sample after the reboot are lost
  assert.is(fresh[0]!.lifetime.exportMWh, 3000);
});

reboot('a crash while writing the checkpoint of a report: nothing published, older state restored', () => {
  const store = new FaultyStore();
  const a = make(store);
  a.connected(true, T0);
  run(a, 0, 60, 12000, 5000); // report 1
  const first = a.drain().publish.map((o) => o.payload);
  assert.is(first.length, 1);
  run(a, 61, 119, 12000, 5000);
  store.failNext('torn', 1); // the queue record lands, the checkpoint tears
  a.tick(T0 + 120 * SEC);
  const out = a.drain();
  assert.equal(out.publish, []);
  assert.ok(out.faults.includes('E_METER_STORE'));
  store.revive();
  const b = make(store);
  assert.is(b.status().seq, 1, 'seq 2 was never published, so it may be issued again');
  assert.equal(b.queued().map((q) => q.payload), first, 'the orphan queue record is gone');
  b.connected(true, T0 + 130 * SEC);
  assert.equal(b.drain().publish.map((o) => o.payload), first, 'report 1 again, same bytes');
  b.ack(1);
  run(b, 130, 190, 12000, 5000);
  const next = b.drain().publish.map((o) => parse(o).body);
  assert.is(next[0]!.seq, 2);
  assert.ok(next[0]!.lifetime.exportMWh >= 1000);
});

reboot('a final report whose write fails is retried, and its contract is not lost', () => {
  const store = new FaultyStore();
  const a = make(store);
  a.connected(true, T0);
  a.beginContract({ id: 'c-7', beginMs: T0, endMs: T0 + 30 * SEC }, T0);
  run(a, 0, 29, 12000, 5000);
  store.failNext('refuse');
  a.sample({ atMs: T0 + 30 * SEC, busMV: 12000, currentMA: 5000 });
  a.tick(T0 + 30 * SEC);
  assert.equal(a.drain().publish.filter((o) => o.final), []);
  assert.is(a.status().contract?.id, 'c-7');
  a.tick(T0 + 31 * SEC);
  const finals = a.drain().publish.filter((o) => o.final).map((o) => parse(o).body.contract);
  assert.equal(finals, [{ id: 'c-7', exportMWh: 500, importMWh: 0, fromMs: T0, toMs: T0 + 30 * SEC, final: true }]);
});

const faults = suite('meter node: faults');

faults('reverse current in Prosumer mode raises E_REVERSE_CURRENT, survives reboot, clears only explicitly', () => {
  const store = new MemoryStore();
  const a = make(store, { diode: { reverseThresholdMA: 50, debounceMs: 2000 } });
  a.setMode('prosumer');
  run(a, 0, 5, 12000, 3000);
  assert.equal(a.drain().faults, []);
  run(a, 6, 9, 12000, -500);
  assert.equal(a.drain().faults, ['E_REVERSE_CURRENT']);
  const b = make(store);
  assert.ok(b.status().faultLatched);
  assert.equal(b.drain().faults, ['E_REVERSE_CURRENT'], 'announced again after reboot');
  b.connected(true, T0 + 10 * SEC);
  run(b, 10, 70, 12000, 3000);
  const body = parse(b.drain().publish[0]!).body;
  assert.ok(body.faults.includes('E_REVERSE_CURRENT'));
  b.clearFault(T0 + 61 * SEC);
  assert.not.ok(make(store).status().faultLatched);
});

faults('gaps, clock jumps and bad samples appear once in the next report', () => {
  const node = make(new MemoryStore());
  node.connected(true, T0);
  node.sample({ atMs: T0, busMV: 12000, currentMA: 1000 });
  node.sample({ atMs: T0 + 10 * SEC, busMV: 12000, currentMA: 1000 }); // gap
  node.sample({ atMs: T0 + 5 * SEC, busMV: 12000, currentMA: 1000 }); // backwards
  node.sample({ atMs: T0 + 6 * SEC, busMV: 12000.5, currentMA: 1000 }); // not an integer
  node.tick(T0);
  node.tick(T0 + 60 * SEC);
  node.tick(T0 + 120 * SEC);
  const out = node.drain();
  assert.equal(out.faults, ['E_METER_GAP', 'E_METER_CLOCK', 'E_METER_SAMPLE']);
  const bodies = out.publish.map((o) => parse(o).body);
  assert.equal(bodies.map((b) => b.faults), [['E_METER_GAP', 'E_METER_CLOCK', 'E_METER_SAMPLE'], []]);
  assert.is(node.status().gaps, 1);
  assert.is(node.status().clockJumps, 1);
});

flow.run();
offline.run();
reboot.run();
faults.run();

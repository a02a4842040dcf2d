import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import v from '../../vectors/meter/report.json';
import { CLOSED_RING, ContractBook, DEFAULT_SCHEDULE, FaultLog, MAX_SCHEDULE, reportPayload, signReport, verifyReport, type MeterReportBody } from '../../../firmware/meter/reports';
import { UNITS_PER_MWH } from '../../../firmware/meter/integrator';
import { SwarmError } from '../../../shared/errors';

const reports = suite('meter reports');

for (const r of v.reports) {
  reports(`seq ${r.body.seq}: same signature and payload bytes on every runtime`, () => {
    const env = signReport(r.body as MeterReportBody, v.secretKey);
    assert.is(env.sig, r.sig);
    assert.is(reportPayload(env), r.payload);
    assert.ok(verifyReport(env, v.publicKey));
    assert.equal(JSON.parse(r.payload), env);
  });
}

reports('a changed counter or a report signed for another domain does not verify', () => {
  const r = v.reports[0]!;
  const env = signReport(r.body as MeterReportBody, v.secretKey);
  const forged = { ...env, body: { ...env.body, lifetime: { exportMWh: env.body.lifetime.exportMWh + 1, importMWh: 0 } } };
  assert.not.ok(verifyReport(forged, v.publicKey));
  assert.not.ok(verifyReport({ ...env, kind: 'offer' as 'meter-report' }, v.publicKey));
});

const book = suite('contract bookkeeping');
const zero = { mWh: 0, rem: 0 };

book('per-contract counters are lifetime differences from the window opening', () => {
  const b = new ContractBook();
  assert.is(b.begin({ id: 'c-1', beginMs: 1000, endMs: 5000 }), 'new');
  assert.is(b.part(zero, zero, 900, false), null, 'not open yet');
  assert.is(b.next(1000, true), null, 'opens strictly after beginMs');
  assert.is(b.next(1500, true), 'open');
  b.open(1500, 1000, { mWh: 100, rem: UNITS_PER_MWH - 1 }, { mWh: 5, rem: 0 });
  assert.ok(b.isOpen);
  assert.is(b.next(1500, true), null);
  assert.equal(b.part({ mWh: 350, rem: 0 }, { mWh: 5, rem: 1 }, 3000, false), { id: 'c-1', exportMWh: 249, importMWh: 0, fromMs: 1000, toMs: 3000, final: false });
  assert.is(b.next(5000, true), null, 'a segment ending at endMs still belongs to the window');
  assert.is(b.next(5001, true), 5000);
  assert.is(b.next(5000, false), 5000, 'a tick at endMs closes');
});

book('the same id is ignored, a closed id is refused, a new window restarts the counters', () => {
  const b = new ContractBook();
  b.begin({ id: 'c-1', beginMs: 0, endMs: 100 });
  b.open(10, 0, { mWh: 10, rem: 0 }, zero);
  assert.is(b.begin({ id: 'c-1', beginMs: 0, endMs: 100 }), 'same');
  assert.is(b.current?.startExport.mWh, 10);
  b.close();
  assert.is(b.lastClosedId, 'c-1');
  assert.is(b.size, 0);
  assert.is(b.begin({ id: 'c-1', beginMs: 0, endMs: 100 }), 'closed');
  assert.is(b.begin({ id: 'c-2', beginMs: 200, endMs: 300 }), 'new');
  b.open(250, 240, { mWh: 40, rem: 0 }, { mWh: 3, rem: 0 });
  assert.equal(b.part({ mWh: 40, rem: 0 }, { mWh: 3, rem: 0 }, 260, false), { id: 'c-2', exportMWh: 0, importMWh: 0, fromMs: 240, toMs: 260, final: false });
});

book('the closed ring remembers the last 16 ids, oldest forgotten first', () => {
  const b = new ContractBook();
  for (let i = 1; i <= CLOSED_RING + 2; i++) {
    assert.is(b.begin({ id: `c-${i}`, beginMs: i * 100, endMs: i * 100 + 50 }), 'new');
    b.close();
  }
  const closed = b.state().closedIds;
  assert.is(closed.length, CLOSED_RING);
  assert.is(closed[0], 'c-3');
  assert.is(b.lastClosedId, `c-${CLOSED_RING + 2}`);
  assert.is(b.begin({ id: 'c-3', beginMs: 300, endMs: 350 }), 'closed', 'sixteenth-last still remembered');
  assert.is(b.begin({ id: 'c-5', beginMs: 500, endMs: 550 }), 'closed');
  assert.is(b.begin({ id: 'c-2', beginMs: 200, endMs: 250 }), 'new', 'beyond the ring');
});

book('windows are kept in beginMs order and never placed ahead of the open head', () => {
  const b = new ContractBook();
  b.begin({ id: 'c-b', beginMs: 2000, endMs: 3000 });
  b.begin({ id: 'c-c', beginMs: 3000, endMs: 4000 });
  b.begin({ id: 'c-a', beginMs: 1000, endMs: 2000 });
  assert.equal(b.state().schedule.map((c) => c.id), ['c-a', 'c-b', 'c-c']);
  b.open(1500, 1400, zero, zero);
  b.begin({ id: 'c-0', beginMs: 500, endMs: 900 }); // arrived late, wholly before the open head
  assert.equal(b.state().schedule.map((c) => c.id), ['c-a', 'c-0', 'c-b', 'c-c']);
  assert.is(b.next(1600, false), 'lapsed', 'closed apart, the open head is left alone');
  assert.equal(b.part(zero, zero, 900, true, 1), { id: 'c-0', exportMWh: 0, importMWh: 0, fromMs: 500, toMs: 900, final: true });
  b.close(1);
  assert.equal(b.state().schedule.map((c) => c.id), ['c-a', 'c-b', 'c-c']);
  assert.ok(b.isOpen);
  assert.is(b.next(1600, false), null);
  assert.is(b.begin({ id: 'c-x', beginMs: 1500, endMs: 1800 }), 'new'); // overlaps the open head
  assert.is(b.next(1500, true), null);
  assert.is(b.next(1600, true), 1500, 'an overlapping window cuts the open head at its begin');
});

book('a back-to-back window closes the head at its end, then opens after its own begin', () => {
  const b = new ContractBook();
  b.begin({ id: 'c-3', beginMs: 60_000, endMs: 960_000 });
  b.begin({ id: 'c-4', beginMs: 960_000, endMs: 1_980_000 });
  b.open(61_000, 60_000, zero, zero);
  assert.is(b.next(960_000, true), null);
  assert.is(b.next(960_000, false), 960_000);
  b.close();
  assert.is(b.next(960_000, false), null, 'c-4 waits for a time strictly after its begin');
  assert.is(b.next(961_000, true), 'open');
});

book('a full schedule refuses the newcomer and keeps what it holds', () => {
  const b = new ContractBook(null, 3);
  for (let i = 1; i <= 3; i++) assert.is(b.begin({ id: `c-${i}`, beginMs: i * 1000, endMs: i * 1000 + 500 }), 'new');
  assert.is(b.begin({ id: 'c-0', beginMs: 100, endMs: 200 }), 'full');
  assert.is(b.begin({ id: 'c-2', beginMs: 2000, endMs: 2500 }), 'same', 'a re-sent scheduled window is not refused');
  assert.equal(b.state().schedule.map((c) => c.id), ['c-1', 'c-2', 'c-3']);
  b.close();
  assert.is(b.begin({ id: 'c-0', beginMs: 100, endMs: 200 }), 'new');
});

book('the schedule capacity is 1 … 16 (E_METER_CONFIG)', () => {
  assert.is(new ContractBook().capacity, DEFAULT_SCHEDULE);
  assert.is(new ContractBook(null, MAX_SCHEDULE).capacity, 16);
  for (const c of [0, 17, 2.5]) {
    try {
      new ContractBook(null, c);
      assert.unreachable(String(c));
    } catch (e) {
      assert.is((e as SwarmError).code, 'E_METER_CONFIG');
    }
  }
});

book('state and restore copy the book, so an undo restores it exactly', () => {
  const b = new ContractBook();
  b.begin({ id: 'c-1', beginMs: 0, endMs: 100 });
  b.begin({ id: 'c-2', beginMs: 100, endMs: 200 });
  b.open(10, 0, { mWh: 7, rem: 1 }, zero);
  const before = b.state();
  b.close();
  assert.equal(b.state().schedule.map((c) => c.id), ['c-2']);
  b.restore(before);
  assert.equal(b.state(), before);
  before.schedule[0]!.startExport.mWh = 99;
  assert.is(b.current?.startExport.mWh, 7, 'restore copied');
});

book('a window that never opened still gets a final part with zero energy', () => {
  const b = new ContractBook();
  b.begin({ id: 'c-9', beginMs: 1000, endMs: 2000 });
  assert.equal(b.part(zero, zero, 2000, true), { id: 'c-9', exportMWh: 0, importMWh: 0, fromMs: 1000, toMs: 2000, final: true });
});

book('bad windows are E_METER_CONTRACT', () => {
  const b = new ContractBook();
  for (const w of [{ id: '', beginMs: 0, endMs: 1 }, { id: 'c 1', beginMs: 0, endMs: 1 }, { id: 'c-1', beginMs: 5, endMs: 5 }, { id: 'c-1', beginMs: 0.5, endMs: 9 }]) {
    try {
      b.begin(w);
      assert.unreachable(JSON.stringify(w));
    } catch (e) {
      assert.is((e as SwarmError).code, 'E_METER_CONTRACT');
    }
  }
});

book('faults are reported once per report, in first-seen order', () => {
  const f = new FaultLog();
  assert.ok(f.note('E_METER_GAP'));
  assert.not.ok(f.note('E_METER_GAP'));
  f.note('E_REVERSE_CURRENT');
  assert.equal(f.take(), ['E_METER_GAP', 'E_REVERSE_CURRENT']);
  assert.equal(f.take(), []);
});

reports.run();
book.run();

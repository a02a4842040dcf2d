import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import v from '../../vectors/meter/report.json';
import { ContractBook, FaultLog, reportPayload, signReport, verifyReport, type MeterReportBody } from '../../../firmware/meter/reports';
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
  assert.not.ok(b.openIfDue(1000, 900, zero, zero), 'opens strictly after beginMs');
  assert.ok(b.openIfDue(1500, 1000, { mWh: 100, rem: UNITS_PER_MWH - 1 }, { mWh: 5, rem: 0 }));
  assert.equal(b.part({ mWh: 350, rem: 0 }, { mWh: 5, rem: 1 }, 3000, false), { id: 'c-1', exportMWh: 249, importMWh: 0, fromMs: 1000, toMs: 3000, final: false });
  assert.not.ok(b.endedBy(5000, true));
  assert.ok(b.endedBy(5001, true));
  assert.ok(b.endedBy(5000, false));
});

book('a new contract id resets the counters; the same id is ignored; a closed id is refused', () => {
  const b = new ContractBook();
  b.begin({ id: 'c-1', beginMs: 0, endMs: 100 });
  b.openIfDue(10, 0, { mWh: 10, rem: 0 }, zero);
  assert.is(b.begin({ id: 'c-1', beginMs: 0, endMs: 100 }), 'same');
  assert.is(b.current?.startExport.mWh, 10);
  b.close();
  assert.is(b.lastClosedId, 'c-1');
  assert.is(b.begin({ id: 'c-1', beginMs: 0, endMs: 100 }), 'closed');
  assert.is(b.begin({ id: 'c-2', beginMs: 200, endMs: 300 }), 'new');
  b.openIfDue(250, 240, { mWh: 40, rem: 0 }, { mWh: 3, rem: 0 });
  assert.equal(b.part({ mWh: 40, rem: 0 }, { mWh: 3, rem: 0 }, 260, false), { id: 'c-2', exportMWh: 0, importMWh: 0, fromMs: 240, toMs: 260, final: false });
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

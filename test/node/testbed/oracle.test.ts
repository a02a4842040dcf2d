import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { buildOracleLp, loadHighs, solveOracle } from '../../../testbed/oracle/oracle';
import { expected, near, paper } from './helpers';

const oracle = suite('LP oracle (HiGHS)');
const want = expected(paper()).computed.oracle;

oracle('secondaryLoads bound ≈ 35.63 Wh, sent 44.54 Wh, 1.86 Wh PV still wasted', async () => {
  const r = await solveOracle(paper(), 'secondaryLoads');
  assert.ok(near(r.receivedWh, want.secondaryLoads.receivedWh, 0.01), `received ${r.receivedWh}`);
  assert.ok(near(r.sentWh, want.secondaryLoads.sentWh, 0.01));
  assert.ok(near(r.sentPvWh, want.secondaryLoads.sentPvWh, 0.01));
  assert.ok(near(r.EshpExporters, want.secondaryLoads.EshpExporters, 0.0005));
  const s = r.exporters.supplier!;
  assert.ok(near(s.remainingWastedPvWh, want.secondaryLoads.exporters.supplier.remainingWastedPvWh, 0.01));
  assert.equal(s.hours, [13, 14]);
  assert.equal(Object.keys(r.importers), ['requester']);
});

oracle('anyLoad bound ≈ 36.64 Wh, and the hourly flows add up', async () => {
  const highs = await loadHighs();
  const r = await solveOracle(paper(), 'anyLoad', highs);
  assert.ok(near(r.receivedWh, want.anyLoad.receivedWh, 0.01), `received ${r.receivedWh}`);
  assert.ok(near(r.sentWh, want.anyLoad.sentWh, 0.01));
  assert.ok(near(r.flows.reduce((a, f) => a + f.receivedWh, 0), r.receivedWh, 1e-9));
  for (const f of r.flows) assert.ok(near(f.sentWh * 0.8, f.receivedWh, 1e-9));
});

oracle('exporters never end below their standalone SOC', async () => {
  const r = await solveOracle(paper(), 'anyLoad');
  const soc = r.exporters.supplier!.socHourly!;
  assert.ok(soc[24]! >= 0.3991 - 1e-4);
  assert.ok(Math.min(...soc) >= 0.3991 - 1e-4);
});

oracle('the LP names exporters and importers from the standalone run', () => {
  const { lp, exporters, importers } = buildOracleLp(paper(), 'secondaryLoads');
  assert.equal(exporters.map((h) => h.id), ['supplier']);
  assert.equal(importers.map((h) => h.id), ['requester']);
  assert.match(lp, /^Maximize/);
  assert.match(lp, /imp_0_13: x_0_0_13 <= 25\.398/);
});

oracle.run();

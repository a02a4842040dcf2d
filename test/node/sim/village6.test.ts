/**
 * A generated six-house village (testbed/scenarios/village-6.json), managed
 * with the forecast strategy and the firmware in the loop (on Node, for
 * time): the exchange reaches most of the perfect-foresight oracle, every
 * contract settles undisputed, the exporter keeps its standalone end SOC and
 * no household is served worse than standalone.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { fileURLToPath } from 'node:url';
import { loadScenario } from '../../../testbed/scenario/load';
import { simulateScenario, type SimulateResult } from '../../../hub/cli/simulate';

const scenario = loadScenario(fileURLToPath(new URL('../../../testbed/scenarios/village-6.json', import.meta.url)));
const s = suite('simulate: six-house village, forecast strategy, firmware in the loop');
let r: SimulateResult;

s.before(async () => {
  r = await simulateScenario(scenario, { modes: ['standalone', 'managed'], engine: 'node', strategy: 'forecast', oracle: true });
});

s('the managed day delivers at least 85 % of the oracle to the households', () => {
  const got = r.document.runs.managed!.community.receivedWh;
  const oracle = r.document.oracle!.receivedWh;
  assert.ok(oracle > 30, `oracle ${oracle} Wh`);
  assert.ok(got >= 0.85 * oracle, `received ${got} Wh of ${oracle} Wh`);
  assert.ok(got <= oracle * 1.2, `received ${got} Wh is implausibly above the oracle ${oracle} Wh`);
});

s('every contract settles undisputed, paid from the buyer\'s measured consumption', () => {
  const c = r.managed!.contracts;
  assert.ok(c.length >= 3, `${c.length} contracts`);
  for (const x of c) {
    assert.is(x.state, 'settled', `${x.id}: ${x.state}`);
    assert.ok(x.consumedMWh <= x.energyMWh + 50, `${x.id}: consumed ${x.consumedMWh} of ${x.energyMWh} mWh`);
  }
  assert.is(r.managed!.audit.ok, true);
  const paid = Object.values(r.document.runs.managed!.households).reduce((a, h) => a + h.unitsPaid, 0);
  const earned = Object.values(r.document.runs.managed!.households).reduce((a, h) => a + h.unitsEarned, 0);
  assert.ok(paid > 0);
  assert.ok(Math.abs(paid - earned) < 1e-9);
});

s('exporters end at their standalone SOC; no house has more unserved load or more cycles than standalone', () => {
  const sa = r.document.runs.standalone!.households;
  const mg = r.document.runs.managed!.households;
  for (const id of Object.keys(mg)) {
    const a = sa[id]!;
    const b = mg[id]!;
    if (b.sentWh > 0) assert.ok(b.endSoc! >= a.endSoc! - 0.001, `${id}: end SOC ${b.endSoc} vs ${a.endSoc} standalone`);
    assert.ok(b.unservedWh <= a.unservedWh + 0.05, `${id}: unserved ${b.unservedWh} vs ${a.unservedWh} Wh`);
    assert.ok(b.cycles <= Math.max(1, a.cycles), `${id}: ${b.cycles} cycles vs ${a.cycles}`);
  }
});

s.run();

// The paper's two-house testbed (Table 1, Figs. 18–20) reproduced with the
// real firmware in the loop (Node engine: the same modules the XS machine
// runs, see xs.test.ts), a real hub, real MQTT, real ledger.
//
// Tolerances, and why:
// - E_shp (supplier) 0.15–0.17, E_reqp (requester) 0.10–0.12: the paper has
//   16 % / 11 %. The contract energy is what the requester consumes; the
//   seller sends until the requester stops drawing (cap energy ÷ link,
//   `linkPermille` 800 = the scenario's link 0.8), as the reference model:
//   16.0 % / 11.05 % measured (sent 44.6 Wh, received 35.7 Wh; reference
//   44.54 / 35.63).
// - supplier not full before 17:00 (paper: 18:00). It now peaks at 99.3 % at
//   18:00 and is never quite full: the reference is full at 18:00 by a 1.9 Wh
//   margin, and in the testbed's minute physics sending ~49 W against ~38 W
//   of PV in 13:00–13:40 runs ~3.4 Wh through the battery (discharge 0.8).
// - requester cycles: no more than standalone (2). The paper's hourly model
//   gets 1: it nets PV, bus supply and load within each hour. With minute
//   physics the requester's secondary loads run from the bus while RL2 is
//   closed (PV charges the battery meanwhile) and from the battery once the
//   window ends at its quantity (13:34, 14:17): two ~1.1-point dips, just over
//   the metric's 1-point run threshold.
// - supplier end SOC within 1 point of standalone (0.3923 vs 0.3991 measured):
//   while the requester draws ~56 W at the seller (45 W / link 0.8) against
//   ~38 W of PV, the difference runs through the seller's battery at 0.8
//   discharge efficiency and is recharged later from PV.
// - unserved < 1 Wh: a requester whose bus dies leaves the window
//   (`supply-lost`) and ends at its consumed quantity, so its secondary loads
//   are never left on a dead bus (0 Wh measured; 12.7 Wh before that fix).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { fileURLToPath } from 'node:url';
import { loadScenario } from '../../../testbed/scenario/load';
import { contractsText, simulateScenario, type SimulateResult } from '../../../hub/cli/simulate';

const file = fileURLToPath(new URL('../../../testbed/scenarios/paper-two-house.json', import.meta.url));
const scenario = loadScenario(file);
const s = suite('simulate: paper two-house day, paper strategy, firmware in the loop');
let r: SimulateResult;
const hourOf = (ms: number, day0: number) => (ms - day0) / 3_600_000;

s.before(async () => {
  r = await simulateScenario(scenario, { modes: ['standalone', 'managed'], engine: 'node', strategy: 'paper' });
});

s('standalone: the supplier is full at 15:00 and wastes PV afterwards', () => {
  const sup = r.document.runs.standalone!.households.supplier!;
  assert.is(sup.firstFullHour, 15);
  assert.ok(sup.wastedPvWh > 30, `wasted ${sup.wastedPvWh} Wh`);
  assert.is(sup.sentWh, 0);
});

s('managed: the requester turns Consumer at 13:00 and the supplier is Prosumer by then', () => {
  const day0 = r.managed!.dayStartMs;
  const firstConsumer = r.managed!.events.requester!.find((e) => e.kind === 'mode' && e.mode === 'consumer');
  assert.ok(firstConsumer);
  assert.is(Math.floor(hourOf(firstConsumer.atMs, day0) * 60), 13 * 60, 'in the minute 13:00');
  const prosumer = r.managed!.events.supplier!.find((e) => e.kind === 'mode' && e.mode === 'prosumer');
  assert.ok(prosumer);
  const h = hourOf(prosumer.atMs, day0);
  assert.ok(h >= 12 && h <= 13, `supplier Prosumer at ${h} h`);
});

s('managed: energy flows at 13:00–15:00 only, the supplier fills later, the requester adds no cycle', () => {
  const m = r.metrics.managed!.households;
  assert.equal(m.supplier!.exchangeHours, [13, 14]);
  assert.equal(m.requester!.exchangeHours, [13, 14]);
  const sup = r.document.runs.managed!.households.supplier!;
  const req = r.document.runs.managed!.households.requester!;
  assert.ok(sup.firstFullHour === null || sup.firstFullHour >= 17, `supplier full at ${sup.firstFullHour}`);
  assert.is(r.document.runs.standalone!.households.requester!.cycles, 2);
  assert.ok(req.cycles <= 2, `requester cycles ${req.cycles}`);
  assert.ok(sup.Eshp >= 0.15 && sup.Eshp <= 0.17, `E_shp ${sup.Eshp}`);
  assert.ok(req.Ereqp >= 0.1 && req.Ereqp <= 0.12, `E_reqp ${req.Ereqp}`);
  assert.ok(sup.wastedPvWh < r.document.runs.standalone!.households.supplier!.wastedPvWh / 2);
  assert.ok(r.document.runs.managed!.community.unservedWh < 1, `unserved ${r.document.runs.managed!.community.unservedWh} Wh`);
});

s('managed: the exporter ends no lower than standalone; contracts settle and the ledger audits', () => {
  const a = r.document.runs.managed!.households.supplier!.endSoc!;
  const b = r.document.runs.standalone!.households.supplier!.endSoc!;
  assert.ok(a >= b - 0.01, `supplier end SOC ${a} vs standalone ${b}`);
  const c = r.managed!.contracts;
  assert.ok(c.length >= 1);
  for (const x of c) {
    assert.is(x.seller, 'supplier');
    assert.is(x.buyer, 'requester');
    assert.is(x.state, 'settled');
    assert.ok(x.deliveredMWh > 0 && x.consumedMWh > 0);
  }
  assert.is(r.managed!.audit.ok, true);
  const paid = r.document.runs.managed!.households.requester!.unitsPaid;
  assert.is(paid, r.document.runs.managed!.households.supplier!.unitsEarned);
  assert.ok(paid > 0);
});

s('the contracts report has one line per contract with both sides\' stop reasons and the settlement', () => {
  const text = contractsText(r.managed!);
  const lines = text.trim().split('\n');
  const c = r.managed!.contracts;
  assert.is(lines[0], `contracts (${c.length})`);
  assert.match(lines[1]!, /^contract\s+seller→buyer\s+window\s+energy Wh\s+seller stop\s+buyer stop\s+delivered Wh\s+consumed Wh\s+paid units\s+state$/);
  assert.is(lines.length, 2 + c.length);
  c.forEach((x, i) => {
    const row = lines[2 + i]!;
    assert.ok(row.startsWith(`${x.id}  supplier→requester  13:`) || row.startsWith(`${x.id}  supplier→requester  14:`), row);
    assert.match(row, /\d\d:\d\d (quantity|demand-ended|end|supply-lost|soc|aborted)/);
    assert.ok(row.includes((x.deliveredMWh / 1000).toFixed(2)) && row.includes((x.consumedMWh / 1000).toFixed(2)), row);
    assert.ok(row.endsWith('settled'), row);
  });
});

s.run();

// Same scenario + same options → the same run: the simulated clock stands
// still while MQTT is in flight, so message timing on the host does not leak
// into the result.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { fileURLToPath } from 'node:url';
import { loadScenario } from '../../../testbed/scenario/load';
import { VillageSim } from '../../../testbed/sim/village-sim';
import { startSimHub } from '../../../hub/cli/sim-hub';

const scenario = loadScenario(fileURLToPath(new URL('../../../testbed/scenarios/paper-two-house.json', import.meta.url)));
const DAY0 = Date.UTC(2024, 3, 14);

async function runTo(hours: number) {
  let sim: VillageSim | undefined;
  const hub = await startSimHub({ village: 'det', nowMs: () => (sim ? sim.nowMs() : DAY0), lossTolerancePermille: 250 });
  try {
    sim = await VillageSim.create({ scenario, hub: hub.sim, engine: 'node', strategy: 'paper', dayStartMs: DAY0, seed: 7 });
    await sim.runUntil(DAY0 + hours * 3_600_000);
    await hub.hub.idle();
    return {
      log: await sim.log(),
      events: scenario.households.map((h) => sim!.events(h.id)),
      contracts: hub.hub.contractViews('all').map((c) => ({ ...c })),
      published: sim.stats.published,
    };
  } finally {
    await sim?.close();
    await hub.stop();
  }
}

const s = suite('simulate: determinism');

s('two runs of the paper morning up to the first delivery window agree exactly', async () => {
  const a = await runTo(13.5);
  const b = await runTo(13.5);
  assert.ok(a.contracts.length >= 1, 'a contract was made and its window is running');
  assert.equal(a.log, b.log);
  assert.equal(a.events, b.events);
  assert.equal(a.contracts, b.contracts);
  assert.is(a.published, b.published);
});

s.run();

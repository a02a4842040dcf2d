/**
 * A simulated village day with the firmware in the loop (the village
 * machine: models + Victron emulators + every house's coupling and meter
 * boards) on a real hub over real MQTT, as fast as possible (--fast):
 * wall time, simulated-to-real ratio, XS compute per house-second.
 *
 * - paper two-house day on XS;
 * - 12-house village (+ shop) on Node for a whole day, and on XS for the
 *   first simulated hours (extrapolated to a day; SWARMGRID_BENCH_FULL=1 runs
 *   the whole XS day, ~20 min on a 2-core machine).
 */
import { fileURLToPath } from 'node:url';
import { loadScenario } from '../../testbed/scenario/load';
import type { Scenario } from '../../testbed/scenario/types';
import type { EngineKind } from '../../testbed/sim/engine';
import { VillageSim } from '../../testbed/sim/village-sim';
import { startSimHub } from '../../hub/cli/sim-hub';

const DAY0 = Date.UTC(2024, 3, 14);
const scenarioFile = (name: string) => fileURLToPath(new URL(`../../testbed/scenarios/${name}.json`, import.meta.url));

async function day(scenario: Scenario, engine: EngineKind, hours: number): Promise<void> {
  let sim: VillageSim | undefined;
  const hub = await startSimHub({ village: 'bench', nowMs: () => (sim ? sim.nowMs() : DAY0), lossTolerancePermille: Math.round((1 - scenario.efficiency.link) * 1000) + 50 });
  try {
    sim = await VillageSim.create({ scenario, hub: hub.sim, engine, dayStartMs: DAY0 });
    const t0 = performance.now();
    await sim.runUntil(DAY0 + hours * 3_600_000);
    const wall = performance.now() - t0;
    const st = sim.stats;
    const n = scenario.households.length;
    const perHouseSecond = st.xsCompute / n / (st.simulatedMs / 1000);
    const dayWall = (wall / hours) * 24;
    console.log(
      `${scenario.name} (${n} houses) on ${engine}: ${hours} h simulated in ${(wall / 1000).toFixed(1)} s (×${((hours * 3_600_000) / wall).toFixed(0)} real time)` +
        `${hours < 24 ? `, a day ≈ ${(dayWall / 1000).toFixed(0)} s` : ''}; machine ${(st.machineMs / 1000).toFixed(1)} s, MQTT ${(st.mqttMs / 1000).toFixed(1)} s, ${st.commands} commands, ${st.published} publishes` +
        (engine === 'xs' ? `; XS ${(perHouseSecond / 1000).toFixed(0)}k compute per house-second` : ''),
    );
  } finally {
    await sim?.close();
    await hub.stop();
  }
}

export async function run(): Promise<void> {
  const paper = loadScenario(scenarioFile('paper-two-house'));
  const v12 = loadScenario(scenarioFile('village-12-shop'));
  await day(paper, 'xs', 24);
  await day(v12, 'node', 24);
  await day(v12, 'xs', process.env.SWARMGRID_BENCH_FULL === '1' ? 24 : 1);
}

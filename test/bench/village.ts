/**
 * A simulated village day with the firmware in the loop (the village
 * machine: models + Victron emulators + every house's coupling and meter
 * boards) on a real hub over real MQTT, as fast as possible (--fast):
 * wall time, simulated-to-real ratio, XS compute per house-second.
 *
 * - the village machine alone (no hub, no MQTT: boards publish into the
 *   void), 12 houses + shop, 10 simulated minutes from 00:00 and from
 *   12:00, on XS: compute per
 *   house-second and wall per simulated second, extrapolated to a day
 *   (the noon run starts its clock at 12:00, batteries at their initial SOC);
 * - paper two-house day on XS;
 * - 12-house village (+ shop) on Node for a whole day, and on XS for the
 *   first simulated hour (extrapolated to a day; SWARMGRID_BENCH_FULL=1 runs
 *   the whole XS day), on one XS machine and on two (machines: 2).
 * - the machine-alone figures also on two XS machines (houses split as
 *   testbed/sim/village-sim.ts splitPoint says): wall per simulated second
 *   and each machine's compute.
 *
 * SWARMGRID_BENCH_VILLAGE=machine runs only the machine-alone figures.
 */
import { fileURLToPath } from 'node:url';
import { loadScenario } from '../../testbed/scenario/load';
import type { Scenario } from '../../testbed/scenario/types';
import { startMachine, startMachinePair, type EngineKind, type FirmwareMachine } from '../../testbed/sim/engine';
import { settingsFor } from '../../testbed/sim/settings';
import { splitPoint, VillageSim } from '../../testbed/sim/village-sim';
import { frame, unframe } from '../../testbed/house-firmware/machine';
import type { HouseConfig } from '../../testbed/house-firmware/host';
import type { RunReply } from '../../testbed/house-firmware/village-machine';
import { publicKeyOf } from '../../shared/sign';
import { startSimHub } from '../../hub/cli/sim-hub';

const DAY0 = Date.UTC(2024, 3, 14);
const scenarioFile = (name: string) => fileURLToPath(new URL(`../../testbed/scenarios/${name}.json`, import.meta.url));

async function day(scenario: Scenario, engine: EngineKind, hours: number, machines: 1 | 2 = 1): Promise<void> {
  let sim: VillageSim | undefined;
  const hub = await startSimHub({ village: 'bench', nowMs: () => (sim ? sim.nowMs() : DAY0), lossTolerancePermille: Math.round((1 - scenario.efficiency.link) * 1000) + 50 });
  try {
    sim = await VillageSim.create({ scenario, hub: hub.sim, engine, dayStartMs: DAY0, machines });
    const t0 = performance.now();
    await sim.runUntil(DAY0 + hours * 3_600_000);
    const wall = performance.now() - t0;
    const st = sim.stats;
    const n = scenario.households.length;
    const perHouseSecond = st.xsCompute / n / (st.simulatedMs / 1000);
    const dayWall = (wall / hours) * 24;
    console.log(
      `${scenario.name} (${n} houses) on ${engine}${machines === 2 ? ' ×2 machines' : ''}: ${hours} h simulated in ${(wall / 1000).toFixed(1)} s (×${((hours * 3_600_000) / wall).toFixed(0)} real time)` +
        `${hours < 24 ? `, a day ≈ ${(dayWall / 1000).toFixed(0)} s` : ''}; machine ${(st.machineMs / 1000).toFixed(1)} s, MQTT ${(st.mqttMs / 1000).toFixed(1)} s, ${st.commands} commands, ${st.published} publishes` +
        (engine === 'xs' ? `; XS ${(perHouseSecond / 1000).toFixed(0)}k compute per house-second` : ''),
    );
  } finally {
    await sim?.close();
    await hub.stop();
  }
}

/**
 * The village machine alone on XS for `seconds` from `hour`:00 (no hub:
 * nothing answers the boards); with `split`, on two machines, houses
 * [split, n) on the second.
 */
async function machineOnly(scenario: Scenario, hour: number, seconds: number, split?: number): Promise<{ perHouseSecond: number; msPerSecond: number; computeA: number; computeB: number }> {
  const dayStartMs = DAY0;
  const startMs = DAY0 + hour * 3_600_000;
  const hubPublicKeyHex = publicKeyOf('11'.repeat(32));
  const houses: HouseConfig[] = scenario.households.map((h, i) => ({
    village: 'bench',
    nodeId: h.id,
    meterId: `m-${h.id}`,
    nodeSecretKeyHex: (0x20 + i).toString(16).repeat(32),
    meterSecretKeyHex: (0x60 + i).toString(16).repeat(32),
    hubPublicKeyHex,
    startMs,
    settings: settingsFor(scenario, h, 'forecast'),
    hasBmv: !!h.battery,
    initialSocPermille: h.battery ? Math.round(h.battery.initialSoc * 1000) : 0,
    trading: true,
    telemetryEveryMs: 60_000,
  }));
  let m: FirmwareMachine;
  let b: FirmwareMachine | undefined;
  if (split === undefined) m = await startMachine('xs', 'bench-village-machine');
  else [m, b] = await startMachinePair('xs', 'bench-village-pair');
  try {
    const init = unframe<{ nowMs: number }>(
      await m.command(frame({ op: 'init', scenario, dayStartMs, startMs, seed: 1, vedEverySec: 1, houses, ...(b ? { remoteFrom: split } : {}) }, [])),
    );
    const start = init.header.nowMs;
    let held = false;
    if (b) {
      await b.command(frame({ op: 'group', first: split, startMs: start, houses: houses.slice(split) }, []));
      held = unframe<{ published: boolean }>(await b.command(frame({ op: 'deliver', nowMs: start, inbox: [] }, []))).header.published;
    }
    let now = start;
    let computeA = 0;
    let computeB = 0;
    const runTo = async (untilMs: number): Promise<void> => {
      now = unframe<RunReply>(await m.command(frame({ op: 'run', untilMs, inbox: [], ...(held ? { held } : {}) }, []))).header.nowMs;
      held = false;
      computeA += m.lastCompute;
      if (b) {
        await b.command(frame({ op: 'collect' }, []));
        computeB += b.lastCompute;
      }
    };
    // Warm up (boards come up, first blocks), then measure.
    while (now < start + 10_000) await runTo(start + 10_000);
    computeA = 0;
    computeB = 0;
    const from = now;
    const t0 = performance.now();
    while (now < from + seconds * 1000) await runTo(Math.min(now + 30_000, from + seconds * 1000));
    const wall = performance.now() - t0;
    const simulated = (now - from) / 1000;
    return { perHouseSecond: (computeA + computeB) / houses.length / simulated, msPerSecond: wall / simulated, computeA: computeA / simulated, computeB: computeB / simulated };
  } finally {
    await m.close();
    await b?.close();
  }
}

export async function run(): Promise<void> {
  const paper = loadScenario(scenarioFile('paper-two-house'));
  const v12 = loadScenario(scenarioFile('village-12-shop'));
  const seconds = 600;
  const n = v12.households.length;
  const k = splitPoint(n);
  for (const hour of [0, 12]) {
    for (const split of [undefined, k]) {
      const r = await machineOnly(v12, hour, seconds, split);
      console.log(
        `village machine alone (${n} houses, XS${split === undefined ? '' : `, 2 machines: ${split} + ${n - split} boards`}), ${seconds / 60} min from ${String(hour).padStart(2, '0')}:00: ${(r.perHouseSecond / 1000).toFixed(1)}k compute per house-second, ` +
          `${r.msPerSecond.toFixed(2)} ms wall per simulated second (a day at this rate ≈ ${((r.msPerSecond * 86_400) / 1000).toFixed(0)} s)` +
          (split === undefined ? '' : `; per simulated second A ${(r.computeA / 1000).toFixed(0)}k, B ${(r.computeB / 1000).toFixed(0)}k compute`),
      );
    }
  }
  if (process.env.SWARMGRID_BENCH_VILLAGE === 'machine') return;
  await day(paper, 'xs', 24);
  await day(v12, 'node', 24);
  const hours = process.env.SWARMGRID_BENCH_FULL === '1' ? 24 : 1;
  await day(v12, 'xs', hours);
  await day(v12, 'xs', hours, 2);
}

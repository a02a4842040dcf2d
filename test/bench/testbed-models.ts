/**
 * Wall time of the physical models: a standalone 12-house day (the
 * committed village-12-shop scenario, 13 households with the shop) at 1 s
 * and 10 s steps, the paper's two houses at 1 s, and the LP oracle.
 */
import { fileURLToPath } from 'node:url';
import { loadScenario } from '../../testbed/scenario/load';
import { simulateStandalone } from '../../testbed/metrics/standalone';
import { loadHighs, solveOracle } from '../../testbed/oracle/oracle';

const root = fileURLToPath(new URL('../..', import.meta.url));

export async function run(): Promise<void> {
  const village = loadScenario(`${root}testbed/scenarios/village-12-shop.json`);
  const paper = loadScenario(`${root}testbed/scenarios/paper-two-house.json`);
  simulateStandalone(paper, { dtMs: 10_000 }); // warm-up
  for (const [name, sc, dtMs] of [['village-12-shop', village, 1000], ['village-12-shop', village, 10_000], ['paper-two-house', paper, 1000]] as const) {
    const t = performance.now();
    simulateStandalone(sc, { dtMs });
    const ms = performance.now() - t;
    const houseSteps = sc.households.length * (86_400_000 / dtMs);
    console.log(`standalone day ${name} (${sc.households.length} houses) at ${dtMs / 1000} s steps: ${ms.toFixed(0)} ms wall, ${((ms * 1e6) / houseSteps).toFixed(0)} ns per house-step`);
  }
  const highs = await loadHighs();
  for (const [name, sc] of [['paper-two-house', paper], ['village-12-shop', village]] as const) {
    const t = performance.now();
    await solveOracle(sc, 'secondaryLoads', highs);
    console.log(`oracle ${name}: ${(performance.now() - t).toFixed(0)} ms wall`);
  }
}

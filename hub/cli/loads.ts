/**
 * `swarmgrid loads generate`: a village scenario with stochastic household
 * load profiles (LoadProGen/RAMP-style), written as shs-p2p-scenario/1.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { generateVillage } from '../../testbed/loads/generate';
import { solveOracle } from '../../testbed/oracle/oracle';
import { scenarioFail } from '../../testbed/scenario/errors';
import type { Command } from './main';

function list(text: string | undefined, what: string): number[] | undefined {
  if (text === undefined) return undefined;
  const xs = text.split(',').map((x) => Number(x.trim()));
  if (!xs.length || xs.some((x) => !Number.isFinite(x) || x < 0)) scenarioFail('E_LOADS_ARG', `--${what} must be a comma-separated list of numbers ≥ 0, got "${text}"`);
  return xs;
}

function int(text: string | undefined, what: string): number | undefined {
  if (text === undefined) return undefined;
  const x = Number(text);
  if (!Number.isSafeInteger(x) || x < 0) scenarioFail('E_LOADS_ARG', `--${what} must be an integer ≥ 0, got "${text}"`);
  return x;
}

export const command: Command = {
  summary: 'Generate a village scenario with stochastic household load profiles (LoadProGen/RAMP-style).',
  usage:
    'swarmgrid loads generate --households N [--seed S] [--pv-wp 150,80,0] [--battery-ah 40,40,0] [--shop] [--pv-level 0.32] [--name NAME] [--oracle] [--out FILE]',
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        households: { type: 'string' },
        seed: { type: 'string' },
        'pv-wp': { type: 'string' },
        'battery-ah': { type: 'string' },
        shop: { type: 'boolean', default: false },
        'pv-level': { type: 'string' },
        name: { type: 'string' },
        oracle: { type: 'boolean', default: false },
        out: { type: 'string' },
      },
      strict: true,
    });
    const households = int(values.households, 'households');
    if (households === undefined) scenarioFail('E_LOADS_ARG', '--households N is required');
    const pvWp = list(values['pv-wp'], 'pv-wp');
    const batteryAh = list(values['battery-ah'], 'battery-ah');
    const seed = int(values.seed, 'seed');
    const level = values['pv-level'] === undefined ? undefined : Number(values['pv-level']);
    const scenario = generateVillage({
      households,
      shop: values.shop,
      ...(seed !== undefined ? { seed } : {}),
      ...(pvWp ? { pvWp } : {}),
      ...(batteryAh ? { batteryAh } : {}),
      ...(level !== undefined ? { pvLevel: level } : {}),
      ...(values.name ? { name: values.name } : {}),
    });
    if (values.oracle) {
      const oracle: Record<string, unknown> = {};
      for (const variant of ['secondaryLoads', 'anyLoad'] as const) {
        const r = await solveOracle(scenario, variant);
        oracle[variant] = {
          receivedWh: Number(r.receivedWh.toFixed(2)),
          sentWh: Number(r.sentWh.toFixed(2)),
          EshpExporters: Number(r.EshpExporters.toFixed(4)),
          exporters: Object.keys(r.exporters),
          importers: Object.fromEntries(Object.entries(r.importers).filter(([, v]) => v.receivedWh > 0.005).map(([k, v]) => [k, Number(v.receivedWh.toFixed(2))])),
        };
      }
      const expected = scenario.expected as { computed: Record<string, unknown> };
      expected.computed.oracle = oracle;
    }
    const text = JSON.stringify(scenario, null, 1) + '\n';
    if (values.out) {
      writeFileSync(values.out, text);
      const demand = scenario.households.reduce((a, h) => a + h.dailyDemandWh, 0);
      process.stderr.write(`wrote ${values.out}: ${scenario.households.length} households, ${demand.toFixed(0)} Wh/day demand\n`);
    } else process.stdout.write(text);
    return 0;
  },
};

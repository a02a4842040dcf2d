/**
 * `swarmgrid simulate SCENARIO.json`: one village day, standalone (the
 * physical models, every house autonomous) and/or managed (the real
 * firmware of every house's coupling and meter boards, inside XS by
 * default, trading through a real hub: embedded broker, matching,
 * hub-signed contracts, metered delivery windows, settlement on the
 * ledger), with the KPIs per household and for the community.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Strategy } from '../../firmware/coupling/settings';
import { computeMetrics, type DayMetrics } from '../../testbed/metrics/metrics';
import { simulateStandalone } from '../../testbed/metrics/standalone';
import type { VillageLog } from '../../testbed/metrics/log';
import { solveOracle } from '../../testbed/oracle/oracle';
import { loadScenario } from '../../testbed/scenario/load';
import type { Scenario } from '../../testbed/scenario/types';
import { runFigures, summaryText, type RunMode, type SimulationDocument, type UnitsByHouse } from '../../testbed/report/document';
import { ProgressBar } from '../../testbed/report/progress';
import { energySvg, hourlyCsv, hourlyRows } from '../../testbed/report/series';
import type { EngineKind } from '../../testbed/sim/engine';
import { simFail } from '../../testbed/sim/errors';
import { VillageSim } from '../../testbed/sim/village-sim';
import type { NodeEvent } from '../../firmware/coupling/node';
import { startSimHub } from './sim-hub';
import type { Command } from './main';

export interface SimulateOptions {
  modes: RunMode[];
  engine?: EngineKind;
  strategy?: Strategy;
  seed?: number;
  /** Simulated seconds per real second; undefined = as fast as possible. */
  speed?: number;
  /** Machines the village's firmware runs on (default: VillageSim's; 2 = both cores). */
  machines?: 1 | 2;
  oracle?: boolean;
  /** Called with the managed run's progress in [0, 1]. */
  onProgress?: (done: number) => void;
}

export interface ManagedDetail {
  /** Node events per house (mode changes, faults, contracts, windows). */
  events: Record<string, NodeEvent[]>;
  contracts: Array<{ id: string; seller: string; buyer: string; energyMWh: number; beginMs: number; endMs: number; state: string; deliveredMWh: number; consumedMWh: number; paidMilliUnits: number | null }>;
  audit: Record<string, unknown>;
  dayStartMs: number;
  stats: VillageSim['stats'];
}

export interface SimulateResult {
  document: SimulationDocument;
  logs: Partial<Record<RunMode, VillageLog>>;
  metrics: Partial<Record<RunMode, DayMetrics>>;
  managed?: ManagedDetail;
}

/** `--machines 1|2` (undefined when not given). */
export function parseMachines(v: string | undefined): 1 | 2 | undefined {
  if (v === undefined) return undefined;
  if (v !== '1' && v !== '2') simFail('E_SIM_ARG', `--machines ${v}: 1 or 2`);
  return v === '1' ? 1 : 2;
}

/** Village id for a scenario name (ids are `[a-z0-9][a-z0-9-]{0,31}`). */
export function villageIdOf(name: string): string {
  const id = name.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+/, '').slice(0, 32).replace(/-+$/, '');
  return id || 'village';
}

/** Run the managed day: hub (temp data dir) + virtual village with the firmware in the loop. */
export async function runManaged(scenario: Scenario, o: Omit<SimulateOptions, 'modes' | 'oracle'> = {}): Promise<{ log: VillageLog; units: UnitsByHouse; detail: ManagedDetail }> {
  let sim: VillageSim | undefined;
  const dayStartMs = Date.UTC(2024, 3, 14);
  const hub = await startSimHub({
    village: villageIdOf(scenario.name),
    nowMs: () => (sim ? sim.nowMs() : dayStartMs),
    // The scenario's bus loses (1 − link) of what a seller sends: settlement tolerates that much more.
    lossTolerancePermille: Math.round((1 - scenario.efficiency.link) * 1000) + 50,
  });
  try {
    sim = await VillageSim.create({ scenario, hub: hub.sim, engine: o.engine ?? 'xs', strategy: o.strategy ?? 'forecast', seed: o.seed ?? 1, dayStartMs, ...(o.machines ? { machines: o.machines } : {}) });
    const end = dayStartMs + 86_400_000;
    await sim.runUntil(end, {
      ...(o.speed ? { speed: o.speed } : {}),
      onProgress: (s) => o.onProgress?.((s.nowMs() - dayStartMs) / 86_400_000),
    });
    // Contracts of the day's last windows settle after the grace period: let the hub finish them.
    await hub.hub.tick();
    await hub.hub.idle();
    const log = await sim.log();
    const units: UnitsByHouse = {};
    for (const h of scenario.households) units[h.id] = { paid: 0, earned: 0 };
    const contracts = hub.hub.contractViews('all');
    for (const c of contracts) {
      const paid = c.settlement?.paidMilliUnits ?? 0;
      units[c.buyer]!.paid += paid / 1000;
      units[c.seller]!.earned += paid / 1000;
    }
    const events: Record<string, NodeEvent[]> = {};
    for (const h of scenario.households) events[h.id] = sim.events(h.id);
    const audit = await hub.hub.audit();
    return {
      log,
      units,
      detail: {
        events,
        contracts: contracts.map((c) => ({ id: c.id, seller: c.seller, buyer: c.buyer, energyMWh: c.energyMWh, beginMs: c.beginMs, endMs: c.endMs, state: c.state, deliveredMWh: c.deliveredMWh, consumedMWh: c.consumedMWh, paidMilliUnits: c.settlement?.paidMilliUnits ?? null })),
        audit,
        dayStartMs,
        stats: { ...sim.stats },
      },
    };
  } finally {
    await sim?.close();
    await hub.stop();
  }
}

/** The whole `simulate` job as a function (tests and benches call it). */
export async function simulateScenario(scenario: Scenario, o: SimulateOptions): Promise<SimulateResult> {
  const doc: SimulationDocument = { scenario: scenario.name, runs: {} };
  const logs: SimulateResult['logs'] = {};
  const metrics: SimulateResult['metrics'] = {};
  let managed: ManagedDetail | undefined;
  for (const mode of o.modes) {
    if (mode === 'standalone') {
      const r = simulateStandalone(scenario, { dtMs: 1000 });
      logs.standalone = r.log;
      metrics.standalone = r.metrics;
      doc.runs.standalone = runFigures(r.metrics);
    } else {
      const r = await runManaged(scenario, o);
      logs.managed = r.log;
      metrics.managed = computeMetrics(r.log);
      doc.runs.managed = runFigures(metrics.managed, r.units);
      managed = r.detail;
    }
  }
  if (o.oracle) {
    const or = await solveOracle(scenario, 'secondaryLoads');
    doc.oracle = { receivedWh: Math.round(or.receivedWh * 100) / 100 };
  }
  return { document: doc, logs, metrics, ...(managed ? { managed } : {}) };
}

/** Village clock time of a simulated instant (the managed day starts at 00:00 UTC). */
function clockOf(ms: number, dayStartMs: number): string {
  const m = Math.floor((ms - dayStartMs) / 60_000);
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

/**
 * One line per contract of the managed day: window, planned energy, when and
 * why each side's window stopped (the firmware's stop reason), what the two
 * meters reported and what the ledger settled.
 */
export function contractsText(d: ManagedDetail): string {
  const wh = (mWh: number) => (mWh / 1000).toFixed(2);
  const stopOf = (house: string, id: string) => {
    for (const e of d.events[house] ?? []) {
      if (e.kind === 'window' && e.event.id === id && e.event.kind === 'stop') return `${clockOf(e.event.atMs, d.dayStartMs)} ${e.event.reason}`;
      if (e.kind === 'window' && e.event.id === id && e.event.kind === 'skip') return `skip ${e.event.reason}`;
    }
    return '-';
  };
  const rows = d.contracts.map((c) => [
    c.id,
    `${c.seller}→${c.buyer}`,
    `${clockOf(c.beginMs, d.dayStartMs)}–${clockOf(c.endMs, d.dayStartMs)}`,
    wh(c.energyMWh),
    stopOf(c.seller, c.id),
    stopOf(c.buyer, c.id),
    wh(c.deliveredMWh),
    wh(c.consumedMWh),
    c.paidMilliUnits === null ? '-' : (c.paidMilliUnits / 1000).toFixed(3),
    c.state,
  ]);
  const head = ['contract', 'seller→buyer', 'window', 'energy Wh', 'seller stop', 'buyer stop', 'delivered Wh', 'consumed Wh', 'paid units', 'state'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((x, i) => x.padEnd(widths[i]!)).join('  ').trimEnd() + '\n';
  return `\ncontracts (${rows.length})\n` + line(head) + rows.map(line).join('');
}

function writeSeries(r: SimulateResult, scenario: Scenario, csvDir: string | undefined, plotDir: string | undefined): string[] {
  const written: string[] = [];
  for (const [mode, log] of Object.entries(r.logs) as [RunMode, VillageLog][]) {
    if (csvDir) {
      mkdirSync(csvDir, { recursive: true });
      const f = join(csvDir, `${villageIdOf(scenario.name)}-${mode}.csv`);
      writeFileSync(f, hourlyCsv(log, scenario));
      written.push(f);
    }
    if (plotDir) {
      mkdirSync(plotDir, { recursive: true });
      for (const h of scenario.households) {
        const f = join(plotDir, `${villageIdOf(scenario.name)}-${mode}-${h.id}.svg`);
        writeFileSync(f, energySvg(hourlyRows(log, scenario, h.id), `${scenario.name} · ${h.id} · ${mode}`));
        written.push(f);
      }
    }
  }
  return written;
}

export const command: Command = {
  summary: 'Simulate a village day: standalone models and/or the real firmware (XS) trading through a real hub; KPIs per house.',
  usage:
    'swarmgrid simulate SCENARIO.json [--mode standalone|managed|both] [--json] [--csv DIR] [--plot DIR] [--seed N] [--oracle] ' +
    '[--engine xs|node] [--strategy forecast|paper] [--speed N|--fast] [--machines 1|2] [--contracts]',
  async run(args) {
    let parsed;
    try {
      parsed = parseArgs({
        args,
        allowPositionals: true,
        strict: true,
        options: {
          mode: { type: 'string', default: 'both' },
          json: { type: 'boolean', default: false },
          csv: { type: 'string' },
          plot: { type: 'string' },
          seed: { type: 'string' },
          oracle: { type: 'boolean', default: false },
          engine: { type: 'string', default: 'xs' },
          strategy: { type: 'string', default: 'forecast' },
          speed: { type: 'string' },
          fast: { type: 'boolean', default: false },
          contracts: { type: 'boolean', default: false },
          machines: { type: 'string' },
        },
      });
    } catch (e) {
      return simFail('E_SIM_ARG', (e as Error).message);
    }
    const { values: v, positionals } = parsed;
    if (positionals.length !== 1) simFail('E_SIM_ARG', 'give exactly one scenario file');
    const modes: RunMode[] = v.mode === 'both' ? ['standalone', 'managed'] : v.mode === 'standalone' || v.mode === 'managed' ? [v.mode] : simFail('E_SIM_ARG', `--mode ${v.mode}: standalone, managed or both`);
    if (v.engine !== 'xs' && v.engine !== 'node') simFail('E_SIM_ARG', `--engine ${v.engine}: xs or node`);
    if (v.strategy !== 'forecast' && v.strategy !== 'paper') simFail('E_SIM_ARG', `--strategy ${v.strategy}: forecast or paper`);
    if (v.speed !== undefined && v.fast) simFail('E_SIM_ARG', '--speed and --fast exclude each other');
    const speed = v.speed === undefined ? undefined : Number(v.speed);
    if (speed !== undefined && !(speed > 0 && Number.isFinite(speed))) simFail('E_SIM_ARG', `--speed ${v.speed}: a positive number of simulated seconds per real second`);
    const seed = v.seed === undefined ? 1 : Number(v.seed);
    if (!Number.isSafeInteger(seed)) simFail('E_SIM_ARG', `--seed ${v.seed}: an integer`);
    const machines = parseMachines(v.machines);
    const scenario = loadScenario(positionals[0]!);
    const bar = new ProgressBar(process.stderr, `${scenario.name} managed (${v.engine})`);
    const r = await simulateScenario(scenario, {
      modes,
      engine: v.engine,
      strategy: v.strategy,
      seed,
      oracle: v.oracle,
      ...(speed ? { speed } : {}),
      ...(machines ? { machines } : {}),
      onProgress: (d) => bar.update(d),
    });
    bar.done();
    const written = writeSeries(r, scenario, v.csv, v.plot);
    if (v.json) {
      process.stdout.write(JSON.stringify(r.document, null, 2) + '\n');
    } else {
      process.stdout.write(summaryText(r.document));
      if (r.managed) {
        const s = r.managed.stats;
        process.stdout.write(`\nmanaged: ${r.managed.contracts.length} contracts, ${r.managed.contracts.filter((c) => c.state === 'settled').length} settled; ledger audit ${r.managed.audit.ok ? 'ok' : `FAILED ${String(r.managed.audit.code)}`}; ` +
          `${(s.simulatedMs / 1000).toFixed(0)} simulated s in ${(s.wallMs / 1000).toFixed(1)} s (×${(s.simulatedMs / Math.max(1, s.wallMs)).toFixed(0)}), ${s.published} messages published\n`);
      }
      if (r.managed && v.contracts) process.stdout.write(contractsText(r.managed));
      for (const f of written) process.stdout.write(`wrote ${f}\n`);
    }
    return 0;
  },
};

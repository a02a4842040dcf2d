/**
 * `swarmgrid start` (`npm start`): the hub (embedded MQTT broker, ledger in
 * a data folder, HTTP API and dashboard) and a virtual village running the
 * real firmware of every house's coupling and meter boards (inside XS by
 * default) on the hub's simulated clock, day after day, at a watchable
 * speed. Prints where to look, then one status line per house (redrawn on a
 * terminal, an hourly snapshot otherwise). Ctrl-C / SIGTERM stop cleanly.
 */
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadScenario } from '../../testbed/scenario/load';
import { simFail } from '../../testbed/sim/errors';
import { parseMachines } from './simulate';
import { VillageSim, type HouseStatus } from '../../testbed/sim/village-sim';
import { startSimHub } from './sim-hub';
import { villageIdOf } from './simulate';
import type { Command } from './main';

const root = fileURLToPath(new URL('../..', import.meta.url));
export const DEFAULT_SCENARIO = join(root, 'testbed/scenarios/paper-two-house.json');

const MODE: Record<string, string> = { autonomous: 'A', prosumer: 'P', consumer: 'C' };

/** One status line of a house. */
export function statusLine(s: HouseStatus, width = 12): string {
  const relay = (on: boolean) => (on ? 'on ' : 'off');
  return `${s.id.padEnd(width)} SOC ${String(Math.round(s.socPermille / 10)).padStart(3)} %  mode ${MODE[s.mode] ?? '?'}  RL1 ${relay(s.relays.rl1)} RL2 ${relay(s.relays.rl2)}  PV ${s.pvW.toFixed(0).padStart(4)} W  load ${s.loadW.toFixed(0).padStart(3)} W  sent ${s.sentWh.toFixed(1).padStart(6)} Wh  received ${s.receivedWh.toFixed(1).padStart(6)} Wh`;
}

function clock(ms: number, dayStartMs: number): string {
  const day = Math.floor((ms - dayStartMs) / 86_400_000) + 1;
  return `day ${day} ${new Date(ms).toISOString().slice(11, 19)} UTC`;
}

export const command: Command = {
  summary: 'Start the hub (embedded broker, ledger, API, dashboard) and a virtual village running the real firmware, day after day.',
  usage: 'swarmgrid start [--scenario FILE] [--speed N] [--data DIR] [--http-port N] [--engine xs|node] [--machines 1|2]',
  async run(args) {
    let parsed;
    try {
      parsed = parseArgs({
        args,
        strict: true,
        options: {
          scenario: { type: 'string', default: DEFAULT_SCENARIO },
          speed: { type: 'string', default: '60' },
          data: { type: 'string' },
          'http-port': { type: 'string', default: '8080' },
          engine: { type: 'string', default: 'xs' },
          machines: { type: 'string' },
        },
      });
    } catch (e) {
      return simFail('E_SIM_ARG', (e as Error).message);
    }
    const v = parsed.values;
    const speed = Number(v.speed);
    if (!(speed > 0 && Number.isFinite(speed))) simFail('E_SIM_ARG', `--speed ${v.speed}: a positive number of simulated seconds per real second`);
    const httpPort = Number(v['http-port']);
    if (!Number.isInteger(httpPort) || httpPort < 0 || httpPort > 65535) simFail('E_SIM_ARG', `--http-port ${v['http-port']}: 0..65535`);
    if (v.engine !== 'xs' && v.engine !== 'node') simFail('E_SIM_ARG', `--engine ${v.engine}: xs or node`);
    const machines = parseMachines(v.machines);
    if (v.data !== undefined && existsSync(v.data) && readdirSync(v.data).length > 0) {
      simFail('E_SIM_DATA', `${v.data} is not empty: the virtual boards do not keep their flash between runs (their sequence numbers would be refused as replays); give a new or empty folder`);
    }
    if (v.data !== undefined) mkdirSync(v.data, { recursive: true });
    const scenario = loadScenario(v.scenario);
    const village = villageIdOf(scenario.name);
    const now = Date.now();
    const dayStartMs = now - (now % 86_400_000);
    const out = process.stdout;
    const tty = !!out.isTTY;

    let sim: VillageSim | undefined;
    const hub = await startSimHub({
      village,
      nowMs: () => (sim ? sim.nowMs() : dayStartMs),
      httpPort,
      timePublishMs: 10_000,
      lossTolerancePermille: Math.round((1 - scenario.efficiency.link) * 1000) + 50,
      sync: true,
      ...(v.data !== undefined ? { dataDir: v.data } : {}),
      log: (level, message) => {
        if (level !== 'info') process.stderr.write(`hub ${level}: ${message}\n`);
      },
    });
    let stopping = false;
    const stop = () => {
      if (stopping) process.exit(130); // a second Ctrl-C: leave at once
      stopping = true;
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    let code = 0;
    try {
      sim = await VillageSim.create({ scenario, hub: hub.sim, engine: v.engine, strategy: 'forecast', dayStartMs, telemetryEverySec: 10, hubTickEverySec: 1, ...(machines ? { machines } : {}) });
      const port = hub.hub.addresses.httpPort;
      out.write(
        [
          `swarmgrid: village ${village} (${scenario.households.length} households, scenario ${scenario.name}), firmware on ${v.engine === 'xs' ? 'XS' : 'Node'}, ${speed} simulated s per s`,
          `  dashboard  http://localhost:${port}/`,
          `  API        http://localhost:${port}/api/status  (households, book, contracts, ledger …)`,
          `  MQTT       ${hub.sim.mqttUrl}  (read-only user "${hub.hub.dashboardCredentials.username}")`,
          `  data       ${hub.dataDir}${v.data === undefined ? ' (temporary, removed on exit; --data DIR keeps it)' : ''}`,
          `  Ctrl-C stops.`,
          '',
        ].join('\n') + '\n',
      );
      let lastDrawMs = 0;
      let nextHourMs = dayStartMs + 3_600_000;
      let drawn = 0;
      const width = Math.max(...scenario.households.map((h) => h.id.length), 8) + 1;
      await sim.runUntil(Number.MAX_SAFE_INTEGER, {
        speed,
        stop: () => stopping,
        onProgress: (s) => {
          const t = s.nowMs();
          if (tty) {
            if (Date.now() - lastDrawMs < 500) return;
            lastDrawMs = Date.now();
            const lines = [clock(t, dayStartMs), ...s.status().map((x) => statusLine(x, width))];
            out.write((drawn ? `\x1b[${drawn}A` : '') + lines.map((l) => `\r${l}\x1b[K`).join('\n') + '\n');
            drawn = lines.length;
          } else if (t >= nextHourMs) {
            nextHourMs += 3_600_000;
            out.write(`${clock(t, dayStartMs)}\n${s.status().map((x) => `  ${statusLine(x, width)}`).join('\n')}\n`);
          }
        },
      });
    } catch (e) {
      if (!stopping) {
        process.stderr.write(`swarmgrid start: ${(e as Error).message}\n`);
        code = 1;
      }
    } finally {
      out.write('swarmgrid: stopping …\n');
      await sim?.close();
      await hub.stop();
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      if (v.data === undefined) rmSync(hub.dataDir, { recursive: true, force: true });
      out.write('swarmgrid: stopped\n');
    }
    return code;
  },
};

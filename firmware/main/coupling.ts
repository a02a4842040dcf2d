/**
 * Coupling node entry point (manifests/coupling.json): MPPT on UART 1, BMV
 * on UART 2 (UART 0 is xsbug's), RL1/RL2 drivers with contact read-back,
 * telemetry over MQTT. Thin on purpose: pins from the board provider,
 * adapters built once, the core injected: the full CouplingNode (HEMTS
 * orders, verified contracts, delivery windows, fail-safe). Its state
 * (settings, contract seq, message and order seqs) lives in the Preference
 * domain `swg-coupling`. For a measuring-only board, swap in
 * `new SafeCouplingCore(relays, now, { village, nodeId })` on the core line.
 */
import board from 'swarmgrid/board';
import { nodeInboxFilter, publicFilter } from '../../shared/protocol/index';
import type { DigitalCtor, SerialCtor } from '../platform/moddable/io';
import { DigitalReadBack, DigitalRelays } from '../platform/moddable/relays';
import { openSerial } from '../platform/moddable/serial';
import { CouplingNode } from '../coupling/node';
import { CouplingApp, protocolWire } from './coupling-app';
import { COUPLING_PINS, pinOr, requireIo, requirePins } from './pins';
import { startRuntime } from './runtime';

/** Preference domain of the coupling node's own state. */
const COUPLING_DOMAIN = 'swg-coupling';

export default function main(): void {
  try {
    start();
  } catch (e) {
    // Stay up and idle (relays open): an unhandled exception would restart the board in a loop.
    trace(`coupling: start failed: ${String(e)}\n`);
  }
}

function start(): void {
  // Relays first, before anything that can fail slowly: both open from the first instant.
  const pins = requirePins(board, COUPLING_PINS);
  const Digital = requireIo<DigitalCtor>(board, 'Digital');
  const Serial = requireIo<SerialCtor>(board, 'Serial');
  const relays = new DigitalRelays(Digital, { rl1: pins.rl1, rl2: pins.rl2, activeLow: pinOr(board, 'relayActiveLow', 0) === 1 });
  const readBack = new DigitalReadBack(Digital, { rl1: pins.rl1Sense, rl2: pins.rl2Sense });

  const rt = startRuntime('coupling');
  const p = rt.provisioning;
  const mppt = openSerial(Serial, { port: pinOr(board, 'mpptUart', 1), receive: pins.mpptRx, transmit: pins.mpptTx });
  const bmv = openSerial(Serial, { port: pinOr(board, 'bmvUart', 2), receive: pins.bmvRx, transmit: pins.bmvTx });

  const store = { get: (k: string) => rt.store.get(COUPLING_DOMAIN, k), set: (k: string, v: number | string | boolean | ArrayBuffer) => rt.store.set(COUPLING_DOMAIN, k, v) };
  const core = new CouplingNode(relays, rt.clock.nowMs(), { village: p.village, nodeId: p.nodeId, wire: protocolWire(p.secretKeyHex, p.hubPublicKeyHex), store, onEvent: (e) => rt.log(e.kind === 'fault' ? 'warn' : 'info', `coupling: ${JSON.stringify(e)}`) });
  const app = new CouplingApp(core, { mppt, bmv }, readBack, rt.mqtt, rt.clock, rt.timers, rt.log, [
    nodeInboxFilter(p.village, p.nodeId),
    publicFilter(p.village),
  ]);
  app.start();
  rt.log('info', `coupling: relays open, VE.Direct on UART ${pinOr(board, 'mpptUart', 1)} (MPPT) and ${pinOr(board, 'bmvUart', 2)} (BMV), board ${board.name ?? '?'}`);
  rt.timers.repeat(() => {
    const c = app.counters;
    rt.log('debug', `coupling: blocks mppt ${app.stats.mpptBlocks} bmv ${app.stats.bmvBlocks}, checksum errors ${c.mppt.checksumErrors + c.bmv.checksumErrors}, SOC ${core.socPermille}‰, faults ${core.faults(rt.clock.nowMs()).join(' ') || 'none'}, published ${app.stats.published}`);
  }, 10_000);
}

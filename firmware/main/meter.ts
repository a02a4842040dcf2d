/**
 * Meter node entry point (manifests/meter.json): INA226 on I2C at the
 * coupling point, the MeterNode core, reports over MQTT. Thin on purpose:
 * pins from the board provider, adapters built once, the core injected.
 */
import board from 'swarmgrid/board';
import { Ina226 } from '../meter/ina226';
import { MeterNode } from '../meter/node';
import { INA226_DEFAULT_ADDRESS, openI2c } from '../platform/moddable/i2c';
import type { I2cCtor } from '../platform/moddable/io';
import { MeterApp } from './meter-app';
import { METER_PINS, pinOr, requireIo, requirePins } from './pins';
import { startRuntime } from './runtime';

export default function main(): void {
  try {
    start();
  } catch (e) {
    // Stay up and idle (relays open): an unhandled exception would restart the board in a loop.
    trace(`meter: start failed: ${String(e)}\n`);
  }
}

function start(): void {
  const pins = requirePins(board, METER_PINS);
  const I2C = requireIo<I2cCtor>(board, 'I2C');
  const rt = startRuntime('meter');
  const p = rt.provisioning;
  const num = (key: string, fallback: number): number => (typeof rt.config[key] === 'number' ? (rt.config[key] as number) : fallback);

  const bus = openI2c(I2C, { data: pins.sda, clock: pins.scl, address: pinOr(board, 'inaAddress', INA226_DEFAULT_ADDRESS) });
  const sensor = new Ina226(bus, { shuntMicroOhm: num('shuntMicroOhm', 10_000), maxCurrentMA: num('maxCurrentMA', 8_000) });
  sensor.init();
  rt.log('info', `meter: INA226 ready on GPIO ${pins.sda}/${pins.scl}, CAL ${sensor.cal}, LSB ${sensor.currentLsbNA} nA (board ${board.name ?? '?'})`);

  const core = new MeterNode({ meterId: p.meterId, nodeId: p.nodeId, secretKeyHex: p.secretKeyHex, store: rt.store, reportEveryMs: num('reportEveryMs', 300_000) });
  const app = new MeterApp(core, sensor, rt.mqtt, rt.clock, rt.timers, rt.log, {
    village: p.village,
    nodeId: p.nodeId,
    hubPublicKeyHex: p.hubPublicKeyHex,
    sampleMs: num('sampleMs', 1000),
  });
  rt.whenTimeKnown(() => {
    app.start();
    rt.log('info', `meter: sampling every ${num('sampleMs', 1000)} ms`);
  });
  rt.timers.repeat(() => {
    const s = core.status();
    rt.log('debug', `meter: seq ${s.seq} export ${s.exportMWh} mWh import ${s.importMWh} mWh queued ${s.queued} samples ${app.stats.samples} published ${app.stats.published}`);
  }, num('statusEveryMs', 10_000));
}

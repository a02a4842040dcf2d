/** telemetry (node → hub, unsigned): what the coupling node measures, for the dashboard and the market. */
import { bool, codeItem, int, list, ms, nodeId, object, bad } from '../fields';
import { KIB, nodeMisfit, type KindSpec } from '../spec';

/** HEMTS mode: Autonomous (RL1, RL2 open), Prosumer (RL1 closed), Consumer (RL2 closed). */
export type Mode = 'A' | 'P' | 'C';

export interface TelemetryBody {
  node: string;
  atMs: number;
  mode: Mode;
  /** Battery state of charge, 0..1000 (eq. 2). */
  socPermille: number;
  /** Battery voltage, millivolts. */
  batteryMV: number;
  /** Battery current, milliamperes; > 0 charging, < 0 discharging. */
  batteryMA: number;
  /** PV power at the MPPT, milliwatts. */
  pvPowerMW: number;
  /** Power drawn by the house's loads, milliwatts. */
  loadPowerMW: number;
  /** Power on the coupling to the bus, milliwatts; > 0 leaves the house, < 0 comes from the bus. */
  busPowerMW: number;
  /** Relay states as read back (both true is a fault, and is reported as such). */
  relays: { rl1: boolean; rl2: boolean };
  /** Stable fault codes active now. */
  faults: string[];
}

const KEYS = ['node', 'atMs', 'mode', 'socPermille', 'batteryMV', 'batteryMA', 'pvPowerMW', 'loadPowerMW', 'busPowerMW', 'relays', 'faults'];
const POWER = 100_000_000; // 100 kW: far beyond any solar home system

export const telemetry: KindSpec<TelemetryBody> = {
  kind: 'telemetry',
  signed: false,
  maxBytes: KIB,
  read(v, path) {
    const o = object(v, path, KEYS);
    const mode = o.mode;
    if (mode !== 'A' && mode !== 'P' && mode !== 'C') bad(`${path}.mode`, 'must be "A", "P" or "C"');
    const r = object(o.relays, `${path}.relays`, ['rl1', 'rl2']);
    return {
      node: nodeId(o, 'node', path),
      atMs: ms(o, 'atMs', path),
      mode,
      socPermille: int(o, 'socPermille', path, 0, 1000),
      batteryMV: int(o, 'batteryMV', path, 0, 1_000_000),
      batteryMA: int(o, 'batteryMA', path, -10_000_000, 10_000_000),
      pvPowerMW: int(o, 'pvPowerMW', path, 0, POWER),
      loadPowerMW: int(o, 'loadPowerMW', path, 0, POWER),
      busPowerMW: int(o, 'busPowerMW', path, -POWER, POWER),
      relays: { rl1: bool(r, 'rl1', `${path}.relays`), rl2: bool(r, 'rl2', `${path}.relays`) },
      faults: list(o, 'faults', path, 16, codeItem),
    };
  },
  misfit: (topic, b) => nodeMisfit(topic, b.node),
};

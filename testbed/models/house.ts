/**
 * One household: PV emulator → MPPT → battery, the DC load module on the
 * MPPT load output, the coupling device (RL1/RL2 + diode) and the meter's
 * V·I sensor at the coupling point.
 *
 * Firmware-facing surface:
 * - inputs: `coupling.set('rl1'|'rl2', on)` / `coupling.command(rl1, rl2)`
 *   (the relay coils); fault injection `coupling.injectStuck(...)`;
 * - outputs: `readings()` — battery V/I/SOC, PV power and voltage, MPPT
 *   charge and load currents, load power, meter V·I (bus side), contacts.
 *
 * A step is two phases so a village can resolve the bus in between:
 * `begin(dtMs)` (advance contacts, PV and load demand; report what the house
 * can offer the bus and what its secondary loads ask of it) then
 * `finish(dtMs, sentUJ, receivedUJ, bus)`. Standalone, `step(dtMs)` does both.
 */
import type { SimClockReader } from './clock';
import type { ScenarioEfficiency, ScenarioHousehold } from '../scenario/types';
import { Battery } from './battery';
import { CouplingDevice, type CouplingOptions } from './coupling';
import { LoadModule } from './loads';
import { ViSensor, type MeterNoise } from './meter';
import { Mppt, type MpptFlows } from './mppt';
import { PvEmulator, type CloudOptions } from './pv';

export interface HouseOptions {
  clock: SimClockReader;
  clouds?: CloudOptions;
  meterNoise?: MeterNoise;
  coupling?: CouplingOptions;
  chargeLimitMA?: number;
  loadLimitMA?: number;
}

/** Cumulative energy counters since the start of the run, µJ. */
export interface HouseCounters {
  pvUJ: number;
  usefulUJ: number;
  conversionLossUJ: number;
  curtailedUJ: number;
  chargeLossUJ: number;
  dischargeLossUJ: number;
  primaryDemandUJ: number;
  secondaryDemandUJ: number;
  /** Loads served in total (own output + bus). */
  servedUJ: number;
  unservedUJ: number;
  sentUJ: number;
  receivedUJ: number;
  /** Time with the battery at 100 %, and the first time it got there (ms since epoch, null = never). */
  firstFullAtMs: number | null;
}

/** What the house brings to the bus this step. */
export interface BusPort {
  /** RL1 contact closed: most it can send this step (µJ); 0 when open. */
  exportCapacityUJ: number;
  /** RL2 contact closed: its secondary demand this step (µJ); 0 when open. */
  importDemandUJ: number;
  /** Battery voltage behind the diode, mV. */
  sourceVoltageMV: number;
}

/** Bus conditions for `finish`. */
export interface BusView {
  sourceVoltageMV: number;
  sinkVoltageMV: number;
}

/** Snapshot the firmware (through the VE.Direct emulators and the meter) can read. */
export interface HouseReadings {
  atMs: number;
  battery: null | { voltageMV: number; currentMA: number; socPermille: number; soc: number; atCutoff: boolean };
  pv: { powerMW: number; voltageMV: number };
  mppt: { chargeCurrentMA: number; loadCurrentMA: number; loadOutputOn: boolean; yieldMWh: number; state: 'off' | 'bulk' | 'float' };
  /** Average demand over the last step; secondary loads hang on the bus when RL2 is closed. */
  load: { primaryMW: number; secondaryMW: number; secondaryOnBus: boolean };
  meter: { voltageMV: number; currentMA: number };
  relays: { rl1Coil: boolean; rl2Coil: boolean; rl1Contact: boolean; rl2Contact: boolean };
}

const DIODE_DROP_MV = 400;
/** A PV-direct house (no battery): its load output's regulated voltage. */
const PV_DIRECT_OUTPUT_MV = 12_000;

export class House {
  readonly id: string;
  readonly spec: ScenarioHousehold;
  readonly clock: SimClockReader;
  readonly pv: PvEmulator;
  readonly battery: Battery | null;
  readonly mppt: Mppt;
  readonly loads: LoadModule;
  readonly coupling: CouplingDevice;
  readonly meter: ViSensor;
  readonly counters: HouseCounters = {
    pvUJ: 0, usefulUJ: 0, conversionLossUJ: 0, curtailedUJ: 0, chargeLossUJ: 0, dischargeLossUJ: 0,
    primaryDemandUJ: 0, secondaryDemandUJ: 0, servedUJ: 0, unservedUJ: 0, sentUJ: 0, receivedUJ: 0, firstFullAtMs: null,
  };
  /** Battery energy at the start, µJ (for the balance). */
  readonly initialStoredUJ: number;

  // State of the step in progress (between begin and finish).
  private pending: null | { dtMs: number; pvUJ: number; primaryUJ: number; secondaryUJ: number; rl1: boolean; rl2: boolean } = null;
  private lastFlows: MpptFlows | null = null;
  private lastDtMs = 0;
  private lastSecondaryOnBus = false;
  private lastPrimaryUJ = 0;
  private lastSecondaryUJ = 0;

  constructor(spec: ScenarioHousehold, efficiency: ScenarioEfficiency, options: HouseOptions) {
    this.id = spec.id;
    this.spec = spec;
    this.clock = options.clock;
    const hourly = spec.pv?.hourlyWh ?? new Array<number>(24).fill(0);
    const clouds = options.clouds ? { ...options.clouds, seed: `${options.clouds.seed}/${spec.id}` } : undefined;
    this.pv = new PvEmulator(hourly, spec.pv?.peakW ?? 0, { clock: options.clock, ...(clouds ? { clouds } : {}) });
    this.battery = spec.battery
      ? new Battery(spec.battery, { charge: efficiency.batteryCharge, discharge: efficiency.batteryDischarge })
      : null;
    this.mppt = new Mppt({
      efficiency: efficiency.shsDirect,
      ...(options.chargeLimitMA !== undefined ? { chargeLimitMA: options.chargeLimitMA } : {}),
      ...(options.loadLimitMA !== undefined ? { loadLimitMA: options.loadLimitMA } : {}),
    });
    this.loads = new LoadModule(spec.loads, options.clock);
    this.coupling = new CouplingDevice(options.coupling);
    this.meter = new ViSensor(options.meterNoise ? { ...options.meterNoise, seed: `${options.meterNoise.seed}/${spec.id}` } : undefined);
    this.initialStoredUJ = this.battery?.energyUJ ?? 0;
  }

  /** Phase 1 of a step over [now, now + dtMs). */
  begin(dtMs: number): BusPort {
    if (this.pending) throw new Error(`house ${this.id}: begin() twice without finish()`);
    this.coupling.step(dtMs);
    const { rl1, rl2 } = this.coupling.contacts();
    const pvUJ = this.pv.step(dtMs);
    const { primaryUJ, secondaryUJ } = this.loads.step(dtMs);
    this.pending = { dtMs, pvUJ, primaryUJ, secondaryUJ, rl1, rl2 };
    const ownLoadUJ = primaryUJ + (rl2 ? 0 : secondaryUJ);
    return {
      exportCapacityUJ: rl1 ? this.mppt.exportCapacityUJ(pvUJ, ownLoadUJ, this.battery, dtMs) : 0,
      importDemandUJ: rl2 ? secondaryUJ : 0,
      sourceVoltageMV: this.outputVoltageMV(),
    };
  }

  /** Phase 2: serve loads and the bus share, charge or discharge, update counters and the meter. */
  finish(sentUJ: number, receivedUJ: number, bus: BusView): void {
    const p = this.pending;
    if (!p) throw new Error(`house ${this.id}: finish() without begin()`);
    this.pending = null;
    const ownLoadUJ = p.primaryUJ + (p.rl2 ? 0 : p.secondaryUJ);
    const f = this.mppt.dispatch(p.pvUJ, ownLoadUJ, sentUJ, this.battery, p.dtMs);
    const c = this.counters;
    c.pvUJ += f.pvUJ;
    c.usefulUJ += f.usefulUJ;
    c.conversionLossUJ += f.conversionLossUJ;
    c.curtailedUJ += f.curtailedUJ;
    c.chargeLossUJ += f.chargeLossUJ;
    c.dischargeLossUJ += f.dischargeLossUJ;
    c.primaryDemandUJ += p.primaryUJ;
    c.secondaryDemandUJ += p.secondaryUJ;
    const busUnserved = p.rl2 ? p.secondaryUJ - receivedUJ : 0;
    c.servedUJ += f.loadServedUJ + (p.rl2 ? receivedUJ : 0);
    c.unservedUJ += f.loadUnservedUJ + busUnserved;
    c.sentUJ += sentUJ;
    c.receivedUJ += receivedUJ;
    const endMs = this.clock.nowMs() + p.dtMs;
    if (c.firstFullAtMs === null && this.battery?.full) c.firstFullAtMs = endMs;
    this.lastFlows = f;
    this.lastDtMs = p.dtMs;
    this.lastSecondaryOnBus = p.rl2;
    this.lastPrimaryUJ = p.primaryUJ;
    this.lastSecondaryUJ = p.secondaryUJ;
    // Meter at the coupling point (bus side); + = export.
    let v = 0;
    let i = 0;
    if (p.rl1 && sentUJ > 0) {
      v = Math.max(0, this.outputVoltageMV() - DIODE_DROP_MV);
      i = v > 0 ? Math.round((sentUJ / p.dtMs / v) * 1000) : 0;
    } else if (p.rl2) {
      v = bus.sinkVoltageMV;
      i = v > 0 ? -Math.round((receivedUJ / p.dtMs / v) * 1000) : 0;
    } else {
      v = p.rl1 ? bus.sourceVoltageMV : bus.sinkVoltageMV;
    }
    this.meter.setTrue(v, i);
  }

  /** Voltage behind the coupling diode: the battery's, or the regulated output of a PV-direct house. */
  private outputVoltageMV(): number {
    return this.battery ? this.battery.voltageMV() : PV_DIRECT_OUTPUT_MV;
  }

  /** A whole step with no bus (autonomous, or RL1/RL2 closed onto a dead bus). */
  step(dtMs: number): void {
    this.begin(dtMs);
    this.finish(0, 0, { sourceVoltageMV: 0, sinkVoltageMV: 0 });
  }

  /** SOC 0..1 (0 without a battery). */
  soc(): number {
    return this.battery?.soc ?? 0;
  }

  /** Stored battery energy, µJ. */
  storedUJ(): number {
    return this.battery?.energyUJ ?? 0;
  }

  /**
   * Energy balance since the start (µJ), which must be 0:
   * PV in − (loads served + Δbattery + losses + sent − received).
   * Losses = conversion (η_SHSD) + curtailed PV + battery charge/discharge.
   */
  balanceUJ(): number {
    const c = this.counters;
    const losses = c.conversionLossUJ + c.curtailedUJ + c.chargeLossUJ + c.dischargeLossUJ;
    return c.pvUJ - (c.servedUJ + (this.storedUJ() - this.initialStoredUJ) + losses + c.sentUJ - c.receivedUJ);
  }

  readings(): HouseReadings {
    const f = this.lastFlows;
    const dt = this.lastDtMs;
    const b = this.battery;
    const vbat = b ? b.voltage() : 0;
    const pvMW = this.pv.powerMW();
    const chargeMW = f && dt > 0 ? (f.directUJ + f.chargeUJ) / dt : 0;
    const loadOutMW = f && dt > 0 ? (f.loadServedUJ + f.sentUJ) / dt : 0;
    const nominal = b?.nominalV ?? 12;
    const coils = this.coupling.coils();
    const contacts = this.coupling.contacts();
    return {
      atMs: this.clock.nowMs(),
      battery: b ? { voltageMV: b.voltageMV(), currentMA: b.currentMA(), socPermille: b.socPermille(), soc: b.soc, atCutoff: b.atCutoff } : null,
      // A 36-cell panel for a 12 V system sits near 17.5 V at its maximum power point.
      pv: { powerMW: pvMW, voltageMV: pvMW > 0 ? Math.round((17_500 * nominal) / 12) : 0 },
      mppt: {
        chargeCurrentMA: vbat > 0 ? Math.round(chargeMW / vbat) : 0,
        loadCurrentMA: vbat > 0 ? Math.round(loadOutMW / vbat) : 0,
        loadOutputOn: !(f && f.loadUnservedUJ > 0) && !(b?.atCutoff && pvMW === 0),
        yieldMWh: Math.round(this.mppt.yieldUJ / 3_600_000),
        state: pvMW <= 0 ? 'off' : f && f.curtailedUJ > 0 ? 'float' : 'bulk',
      },
      load: {
        primaryMW: dt > 0 ? Math.round(this.lastPrimaryUJ / dt) : 0,
        secondaryMW: dt > 0 ? Math.round(this.lastSecondaryUJ / dt) : 0,
        secondaryOnBus: this.lastSecondaryOnBus,
      },
      meter: this.meter.read(),
      relays: { rl1Coil: coils.rl1, rl2Coil: coils.rl2, rl1Contact: contacts.rl1, rl2Contact: contacts.rl2 },
    };
  }
}

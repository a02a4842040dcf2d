/**
 * One virtual household's boards, hosted: the coupling node (CouplingApp +
 * CouplingNode) and the meter node (MeterApp + MeterNode) exactly as
 * firmware/main/coupling.ts and firmware/main/meter.ts wire them on a board,
 * with the board's edges replaced by simulated ones:
 *
 * - clock and timers: a simulated clock moved only by {@link HouseFirmware.step};
 *   the apps' repeating timers (control loop 100 ms, meter sampling 1 s)
 *   fire at their due times inside each step;
 * - serial: VE.Direct bytes from the Victron emulators (MPPT on port 1,
 *   BMV-700 on port 2), pushed at the start of a step;
 * - relays: coils recorded; contact read-back follows the coils after the
 *   coupling device's contact travel (20 ms), as the house model does;
 * - meter sensor: the house model's bus-side V·I reading of the step;
 * - MQTT: two in-memory transports (node and meter: two clients on the
 *   board) whose publishes are handed out, and whose inboxes are filled by
 *   the host (Node bridges them to real mqtt.js connections).
 *
 * Portable (runs inside XS and on Node): no Node APIs here.
 */
import { CouplingApp, protocolWire } from '../../firmware/main/coupling-app';
import { MeterApp, type MeterCore } from '../../firmware/main/meter-app';
import { CouplingNode, type NodeEvent } from '../../firmware/coupling/node';
import type { HemtsSettings } from '../../firmware/coupling/settings';
import { MeterNode } from '../../firmware/meter/node';
import { MemoryStore } from '../../firmware/meter/record';
import type { RelayOutputs, RelayReadBack } from '../../firmware/coupling/interlock';
import type { Clock, LinkState, PublishOptions, Qos, SerialPort, Timers, Transport } from '../../firmware/platform/types';
import { nodeInboxFilter, publicFilter } from '../../shared/protocol/index';
import { Verifier } from '../../shared/sign';

/** Everything one house's boards are provisioned with. */
export interface HouseConfig {
  village: string;
  nodeId: string;
  meterId: string;
  nodeSecretKeyHex: string;
  meterSecretKeyHex: string;
  hubPublicKeyHex: string;
  /** Simulated epoch ms at power-on. */
  startMs: number;
  /** HEMTS settings the coupling board is flashed with. */
  settings: HemtsSettings;
  /** A BMV-700 is wired (houses without a battery have none). */
  hasBmv: boolean;
  /** SOC the coupling node assumes before its first BMV reading, ‰. */
  initialSocPermille: number;
  /** false: the HEMTS never posts orders (standalone run with the firmware in the loop). */
  trading: boolean;
  controlPeriodMs?: number;
  meterPeriodMs?: number;
  telemetryEveryMs?: number;
  reportEveryMs?: number;
}

/** Which of the house's two MQTT clients. */
export type ClientName = 'node' | 'meter';

export interface InboxMessage {
  to: ClientName;
  topic: string;
  payload: Uint8Array;
}

export interface StepInput {
  /** Run the boards up to this simulated time (exclusive); equal to now: deliver only. */
  untilMs: number;
  /** VE.Direct bytes arriving now on UART 1 (MPPT) and UART 2 (BMV). */
  mppt?: Uint8Array;
  bmv?: Uint8Array;
  /** The meter sensor's reading for this step (positive current = export). */
  meter?: { busMV: number; currentMA: number };
  /** Broker link changes (connected / lost), applied first. */
  link?: { node?: boolean; meter?: boolean };
  /** MQTT messages that arrived for the node or the meter, delivered now (before the bytes). */
  inbox?: InboxMessage[];
}

export interface Publish {
  from: ClientName;
  topic: string;
  payload: Uint8Array;
  qos: Qos;
  retain: boolean;
}

export interface StepOutput {
  /** Coil state at the end of the step. */
  coils: { rl1: boolean; rl2: boolean };
  publishes: Publish[];
  socPermille: number;
  mode: string;
  /** Node events during the step (mode changes, faults, contracts, window starts and stops). */
  events: NodeEvent[];
}

/** Contact travel of the coupling device's relays (testbed/models/coupling.ts). */
const CONTACT_SETTLE_MS = 20;

interface SimTimer {
  id: number;
  dueMs: number;
  periodMs: number;
  fn: () => void;
}

/** Timers on the simulated clock, fired in due order (ties: creation order). */
export class SimTimers implements Timers {
  #now: number;
  #next = 1;
  readonly #list: SimTimer[] = [];

  constructor(nowMs: number) {
    this.#now = nowMs;
  }

  nowMs(): number {
    return this.#now;
  }

  set(fn: () => void, delayMs: number): unknown {
    const t = { id: this.#next++, dueMs: this.#now + Math.max(0, delayMs), periodMs: 0, fn };
    this.#list.push(t);
    return t.id;
  }

  repeat(fn: () => void, intervalMs: number): unknown {
    const t = { id: this.#next++, dueMs: this.#now + Math.max(1, intervalMs), periodMs: Math.max(1, intervalMs), fn };
    this.#list.push(t);
    return t.id;
  }

  clear(handle: unknown): void {
    const i = this.#list.findIndex((t) => t.id === handle);
    if (i >= 0) this.#list.splice(i, 1);
  }

  /** Fire every timer due before `untilMs`, in order; then the clock reads `untilMs`. */
  advanceTo(untilMs: number): void {
    const list = this.#list;
    for (;;) {
      // The list is in creation order (ids increase), so the first timer with
      // the earliest due time is also the lowest id among those due then.
      let best: SimTimer | undefined;
      let bestDue = untilMs;
      for (let k = 0; k < list.length; k++) {
        const t = list[k]!;
        if (t.dueMs < bestDue) {
          best = t;
          bestDue = t.dueMs;
        }
      }
      if (best === undefined) break;
      if (bestDue > this.#now) this.#now = bestDue;
      if (best.periodMs > 0) best.dueMs += best.periodMs;
      else this.clear(best.id);
      best.fn();
    }
    if (untilMs > this.#now) this.#now = untilMs;
  }
}

/** An in-memory MQTT transport: publishes go to an outbox, the host fills the inbox. */
export class SimTransport implements Transport {
  state: LinkState = 'down';
  readonly filters: string[] = [];
  readonly #msg: ((topic: string, payload: Uint8Array) => void)[] = [];
  readonly #st: ((state: LinkState) => void)[] = [];
  readonly #out: Publish[];
  readonly #from: ClientName;

  constructor(from: ClientName, outbox: Publish[]) {
    this.#from = from;
    this.#out = outbox;
  }

  publish(topic: string, payload: Uint8Array, options?: PublishOptions): boolean {
    if (this.state !== 'up') return false;
    this.#out.push({ from: this.#from, topic, payload: payload.slice(), qos: options?.qos ?? 0, retain: options?.retain ?? false });
    return true;
  }

  subscribe(filter: string): void {
    if (!this.filters.includes(filter)) this.filters.push(filter);
  }

  onMessage(listener: (topic: string, payload: Uint8Array) => void): void {
    this.#msg.push(listener);
  }

  onState(listener: (state: LinkState) => void): void {
    this.#st.push(listener);
  }

  close(): void {
    this.setState('down');
  }

  setState(state: LinkState): void {
    if (state === this.state) return;
    this.state = state;
    for (const l of this.#st) l(state);
  }

  deliver(topic: string, payload: Uint8Array): void {
    for (const l of this.#msg) l(topic, payload);
  }
}

/** Relay coils with contacts that follow them after the contact travel time. */
export class SimRelays implements RelayOutputs {
  coils = { rl1: false, rl2: false };
  #contacts = { rl1: false, rl2: false };
  #changedMs = { rl1: -Infinity, rl2: -Infinity };
  readonly #clock: Clock;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  write(rl1: boolean, rl2: boolean): void {
    const now = this.#clock.nowMs();
    this.#settle(now);
    if (rl1 !== this.coils.rl1) this.#changedMs.rl1 = now;
    if (rl2 !== this.coils.rl2) this.#changedMs.rl2 = now;
    this.coils = { rl1, rl2 };
  }

  #settle(now: number): void {
    if (now - this.#changedMs.rl1 >= CONTACT_SETTLE_MS) this.#contacts.rl1 = this.coils.rl1;
    if (now - this.#changedMs.rl2 >= CONTACT_SETTLE_MS) this.#contacts.rl2 = this.coils.rl2;
  }

  read(): RelayReadBack {
    this.#settle(this.#clock.nowMs());
    return { rl1: this.#contacts.rl1, rl2: this.#contacts.rl2 };
  }
}

/** A serial port the host pushes bytes into. */
class SimSerial implements SerialPort {
  #listener: ((bytes: Uint8Array) => void) | undefined;
  onBytes(listener: (bytes: Uint8Array) => void): void {
    this.#listener = listener;
  }
  push(bytes: Uint8Array): void {
    if (this.#listener && bytes.length) this.#listener(bytes);
  }
  write(bytes: Uint8Array): number {
    return bytes.length;
  }
  close(): void {}
}

/** The Preference-shaped store of the coupling board, seen as one domain. */
class DomainStore {
  readonly #store: MemoryStore;
  readonly #domain: string;
  constructor(store: MemoryStore, domain: string) {
    this.#store = store;
    this.#domain = domain;
  }
  get(key: string): number | string | boolean | ArrayBuffer | undefined {
    return this.#store.get(this.#domain, key);
  }
  set(key: string, value: number | string | boolean | ArrayBuffer): void {
    this.#store.set(this.#domain, key, value);
  }
}

/** One house's coupling board and meter board. */
export class HouseFirmware {
  readonly config: HouseConfig;
  readonly timers: SimTimers;
  readonly node: CouplingNode;
  readonly relays: SimRelays;
  readonly #nodeLink: SimTransport;
  readonly #meterLink: SimTransport;
  readonly #mpptPort = new SimSerial();
  readonly #bmvPort = new SimSerial();
  readonly #outbox: Publish[] = [];
  readonly #events: NodeEvent[] = [];
  #reading = { busMV: 0, currentMA: 0 };

  constructor(config: HouseConfig, hubVerifier?: Verifier) {
    this.config = config;
    const timers = new SimTimers(config.startMs);
    this.timers = timers;
    const clock: Clock = { nowMs: () => timers.nowMs() };
    const log = (): void => undefined;
    this.relays = new SimRelays(clock);
    const store = new MemoryStore();
    this.#nodeLink = new SimTransport('node', this.#outbox);
    this.#meterLink = new SimTransport('meter', this.#outbox);
    const settings = config.trading ? config.settings : { ...config.settings, offerThresholdMWh: 1_000_000_000, requestThresholdMWh: 1_000_000_000 };
    this.node = new CouplingNode(this.relays, config.startMs, {
      nodeId: config.nodeId,
      village: config.village,
      wire: protocolWire(config.nodeSecretKeyHex, hubVerifier ?? config.hubPublicKeyHex),
      store: new DomainStore(store, 'swg-coupling'),
      settings,
      hasBmv: config.hasBmv,
      initialSocPermille: config.initialSocPermille,
      ...(config.telemetryEveryMs ? { telemetryEveryMs: config.telemetryEveryMs } : {}),
      onEvent: (e) => this.#events.push(e),
    });
    const app = new CouplingApp(this.node, { mppt: this.#mpptPort, bmv: this.#bmvPort }, this.relays, this.#nodeLink, clock, timers, log, [
      nodeInboxFilter(config.village, config.nodeId),
      publicFilter(config.village),
    ]);
    const meter = new MeterNode({
      meterId: config.meterId,
      nodeId: config.nodeId,
      secretKeyHex: config.meterSecretKeyHex,
      store,
      ...(config.reportEveryMs ? { reportEveryMs: config.reportEveryMs } : {}),
    });
    // The meter's readings and faults also reach the coupling node (quantity, diode latch).
    const node = this.node;
    const core: MeterCore = {
      meterId: meter.meterId,
      sample: (s) => {
        meter.sample(s);
        node.meterSample(s);
      },
      tick: (n) => meter.tick(n),
      ack: (seq) => meter.ack(seq),
      connected: (up, atMs) => meter.connected(up, atMs),
      beginContract: (w, atMs) => meter.beginContract(w, atMs),
      noteFault: (code) => meter.noteFault(code),
      drain: () => {
        const out = meter.drain();
        for (const f of out.faults) node.meterFault(f, timers.nowMs());
        return out;
      },
    };
    const meterApp = new MeterApp(core, { read: () => this.#reading }, this.#meterLink, clock, timers, log, {
      village: config.village,
      nodeId: config.nodeId,
      hubPublicKeyHex: config.hubPublicKeyHex,
      sampleMs: config.meterPeriodMs ?? 1000,
    });
    app.start(config.controlPeriodMs ?? 100);
    meterApp.start();
  }

  /** Filters each client subscribes to (the bridge subscribes its MQTT connection to them). */
  subscriptions(): Record<ClientName, string[]> {
    return { node: this.#nodeLink.filters.slice(), meter: this.#meterLink.filters.slice() };
  }

  step(input: StepInput): StepOutput {
    const link = input.link;
    if (link !== undefined) {
      if (link.node !== undefined) this.#nodeLink.setState(link.node ? 'up' : 'down');
      if (link.meter !== undefined) this.#meterLink.setState(link.meter ? 'up' : 'down');
    }
    const inbox = input.inbox;
    if (inbox !== undefined) for (let k = 0; k < inbox.length; k++) {
      const m = inbox[k]!;
      (m.to === 'node' ? this.#nodeLink : this.#meterLink).deliver(m.topic, m.payload);
    }
    if (input.meter !== undefined) this.#reading = input.meter;
    if (input.mppt !== undefined) this.#mpptPort.push(input.mppt);
    if (input.bmv !== undefined) this.#bmvPort.push(input.bmv);
    this.timers.advanceTo(input.untilMs);
    const publishes = this.#outbox.length > 0 ? this.#outbox.splice(0) : [];
    const events = this.#events.length > 0 ? this.#events.splice(0) : [];
    const coils = this.relays.coils;
    return { coils: { rl1: coils.rl1, rl2: coils.rl2 }, publishes, socPermille: this.node.socPermille, mode: this.node.mode, events };
  }
}

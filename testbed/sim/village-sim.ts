/**
 * The virtual village with the real firmware in the loop, on the hub.
 *
 * One simulated clock drives the models, the firmware and the hub (the hub
 * is built with `nowMs` = {@link VillageSim.nowMs}). The village machine
 * (testbed/house-firmware/village-machine.ts: models, Victron emulators and
 * every house's coupling + meter boards, inside XS or on Node) advances
 * second by second until some board publishes; then, with the clock
 * standing still, the hub ticks, the publishes go out over the boards' own
 * MQTT connections, everything in flight is delivered and handled
 * (bridge.ts), messages for the boards are handed to their firmware at the
 * same instant, their answers go out, until nothing is left in flight.
 * The hub's housekeeping runs every `hubTickEverySec` simulated seconds.
 * Same scenario + same options → same result.
 *
 * `machines: 2` splits the village over two machines (two cores,
 * testbed/house-firmware/split.ts): machine A keeps the models, the
 * emulators and the boards of houses [0, k); machine B the boards of
 * houses [k, n), stepped by A every simulated second in parallel with A's
 * own. Per `run`, B first gets the messages for its boards (`deliver`, only
 * when there are some; if one of its boards answers, A does not advance),
 * A runs (steering B second by second), then B hands over what its boards
 * published (`collect`). Same result as one machine, byte for byte.
 */
import type { Strategy } from '../../firmware/coupling/settings';
import type { NodeEvent } from '../../firmware/coupling/node';
import type { HouseConfig } from '../house-firmware/host';
import { frame, unframe } from '../house-firmware/machine';
import type { RunInboxHeader, RunReply } from '../house-firmware/village-machine';
import type { VillageLog } from '../metrics/log';
import type { Scenario } from '../scenario/types';
import { MqttBridge, type SimHub } from './bridge';
import { availableParallelism } from 'node:os';
import type { GroupHouseReply } from '../house-firmware/split';
import { startMachine, startMachinePair, type EngineKind, type FirmwareMachine } from './engine';
import { settingsFor } from './settings';

export interface VillageSimOptions {
  scenario: Scenario;
  hub: SimHub;
  /** Where the firmware runs (default xs). */
  engine?: EngineKind;
  /** HEMTS strategy flashed on every board (default forecast). */
  strategy?: Strategy;
  /** false: boards never post orders (standalone with the firmware in the loop). Default true. */
  trading?: boolean;
  /** Seed of the meters' sensor noise (and nothing else: the PV is the scenario's). Default 1. */
  seed?: number;
  /** Simulated epoch ms of the first day's 00:00 (default 2024-04-14 UTC). */
  dayStartMs?: number;
  /** VE.Direct blocks every this many simulated seconds (default 1; at most 4: the firmware calls a stream stale after 5 s). */
  vedEverySec?: number;
  /** Telemetry period of the coupling boards, simulated seconds (default 60; the boards' own default is 10, which `start` uses). */
  telemetryEverySec?: number;
  /** Hub housekeeping every this many simulated seconds (default 30; `start` uses 1). */
  hubTickEverySec?: number;
  /**
   * Machines the village runs on: 1, or 2 (two cores; the houses split as
   * {@link splitPoint} says). Same result either way. Default: {@link defaultMachines}.
   */
  machines?: 1 | 2;
  /** Every publish of a board as it goes out, in order (tests compare runs with it). */
  onPublish?: (house: number, from: 'node' | 'meter', topic: string, payload: Uint8Array) => void;
}

/**
 * Default machine count: 2 only when asked for (environment
 * SWARMGRID_MACHINES=2, so the CLI's simulate and start can use it) and the
 * host has two cores; else 1. Two XS machines measured 1.3–1.5× faster on
 * the 12-house day (test/bench/village.ts), short of the 1.5× that would
 * make them the default.
 */
export function defaultMachines(env: Record<string, string | undefined> = process.env): 1 | 2 {
  return env.SWARMGRID_MACHINES === '2' && availableParallelism() >= 2 ? 2 : 1;
}

/**
 * First house whose boards run on machine B: A also steps the models and
 * every house's emulators, worth about `modelShare` of a house's boards
 * per house, so A gets fewer boards.
 */
export function splitPoint(houses: number, modelShare = 0.1): number {
  return Math.max(1, Math.min(houses - 1, Math.round((houses - houses * modelShare) / 2)));
}

/** One house's live view (for status lines and the dashboard-less progress). */
export interface HouseStatus {
  id: string;
  socPermille: number;
  mode: string;
  relays: { rl1: boolean; rl2: boolean };
  pvW: number;
  loadW: number;
  sentWh: number;
  receivedWh: number;
}

export interface SimStats {
  simulatedMs: number;
  wallMs: number;
  commands: number;
  xsCompute: number;
  published: number;
  delivered: number;
  /** Real ms spent in the village machine (models + firmware) and in carrying MQTT to quiescence. */
  machineMs: number;
  mqttMs: number;
}

export class VillageSim {
  readonly scenario: Scenario;
  readonly #hub: SimHub;
  readonly #bridge: MqttBridge;
  readonly #o: VillageSimOptions;
  #machine: FirmwareMachine | undefined;
  /** Machine B (two machines): boards of houses [#remoteFrom, n). */
  #peer: FirmwareMachine | undefined;
  #remoteFrom = 0;
  /** B's boards have not come up on the broker yet (their first `deliver`). */
  #peerFresh = false;
  #ids: string[] = [];
  #now = 0;
  #dayStartMs = 0;
  #nextTickMs = 0;
  #last: RunReply | undefined;
  readonly #events = new Map<string, NodeEvent[]>();
  readonly stats: SimStats = { simulatedMs: 0, wallMs: 0, commands: 0, xsCompute: 0, published: 0, delivered: 0, machineMs: 0, mqttMs: 0 };

  private constructor(o: VillageSimOptions) {
    this.scenario = o.scenario;
    this.#o = o;
    this.#hub = o.hub;
    this.#bridge = new MqttBridge(o.hub);
  }

  /** Admit the households, start the village machine, connect every board to the broker. */
  static async create(o: VillageSimOptions): Promise<VillageSim> {
    const sim = new VillageSim(o);
    try {
      await sim.#start();
    } catch (e) {
      await sim.close();
      throw e;
    }
    return sim;
  }

  /** The simulated clock (epoch ms): give it to the hub as `nowMs`. */
  nowMs(): number {
    return this.#now;
  }

  get dayStartMs(): number {
    return this.#dayStartMs;
  }

  async #start(): Promise<void> {
    const o = this.#o;
    const sc = o.scenario;
    this.#dayStartMs = o.dayStartMs ?? Date.UTC(2024, 3, 14);
    this.#now = this.#dayStartMs;
    const configs: HouseConfig[] = [];
    const creds = [];
    for (const h of sc.households) {
      // A display name, not the scenario's long role note: "Supplier house".
      const c = await o.hub.admit(h.id, `${h.id.charAt(0).toUpperCase()}${h.id.slice(1)} house`.slice(0, 64));
      creds.push(c);
      configs.push({
        village: o.hub.village,
        nodeId: h.id,
        meterId: c.meter.id,
        nodeSecretKeyHex: c.node.secretKey,
        meterSecretKeyHex: c.meter.secretKey,
        hubPublicKeyHex: o.hub.hubPublicKey,
        startMs: this.#now,
        settings: settingsFor(sc, h, o.strategy ?? 'forecast'),
        hasBmv: !!h.battery,
        initialSocPermille: h.battery ? Math.round(h.battery.initialSoc * 1000) : 0,
        trading: o.trading !== false,
        telemetryEveryMs: Math.max(1, o.telemetryEverySec ?? 60) * 1000,
      });
      this.#events.set(h.id, []);
    }
    this.#ids = configs.map((c) => c.nodeId);
    const engine = o.engine ?? 'xs';
    const n = configs.length;
    const machines = n < 2 ? 1 : (o.machines ?? defaultMachines());
    const name = `village-${sc.name}`.slice(0, 40);
    if (machines === 2) [this.#machine, this.#peer] = await startMachinePair(engine, name);
    else this.#machine = await startMachine(engine, name);
    this.#remoteFrom = machines === 2 ? splitPoint(n) : n;
    const vedEverySec = Math.max(1, Math.min(4, Math.floor(o.vedEverySec ?? 1)));
    type Subs = Record<'node' | 'meter', string[]>[];
    const init = unframe<{ nowMs: number; subscriptions: Subs }>(
      await this.#machine.command(
        frame({ op: 'init', scenario: sc, dayStartMs: this.#dayStartMs, seed: o.seed ?? 1, vedEverySec, houses: configs, ...(this.#peer ? { remoteFrom: this.#remoteFrom } : {}) }, []),
      ),
    );
    this.#now = init.header.nowMs;
    this.#nextTickMs = this.#now;
    const subscriptions = init.header.subscriptions.slice();
    if (this.#peer) {
      const group = unframe<{ subscriptions: Subs }>(
        await this.#peer.command(frame({ op: 'group', first: this.#remoteFrom, startMs: this.#now, houses: configs.slice(this.#remoteFrom) }, [])),
      );
      subscriptions.push(...group.header.subscriptions);
      this.#peerFresh = true;
    }
    for (const [i, c] of creds.entries()) {
      await this.#bridge.connect(i, 'node', c.node, subscriptions[i]!.node);
      await this.#bridge.connect(i, 'meter', c.meter, subscriptions[i]!.meter);
    }
    await this.#bridge.settle();
  }

  /** One command to the machine: deliver the inbox at now, then run to `untilMs` or the first publish. */
  async #run(untilMs: number): Promise<RunReply> {
    const m = this.#machine!;
    const peer = this.#peer;
    const k = this.#remoteFrom;
    const inbox: RunInboxHeader[] = [];
    const sections: Uint8Array[] = [];
    const peerInbox: RunInboxHeader[] = [];
    const peerSections: Uint8Array[] = [];
    for (const i of this.#ids.keys()) {
      for (const msg of this.#bridge.takeInbox(i)) {
        (i < k ? inbox : peerInbox).push({ house: i, to: msg.to, topic: msg.topic, len: msg.payload.length });
        (i < k ? sections : peerSections).push(msg.payload);
      }
    }
    this.stats.delivered += inbox.length + peerInbox.length;
    const t0 = performance.now();
    let held = false;
    if (peer && (peerInbox.length > 0 || this.#peerFresh)) {
      this.#peerFresh = false;
      held = unframe<{ published: boolean }>(await peer.command(frame({ op: 'deliver', nowMs: this.#now, inbox: peerInbox }, peerSections))).header.published;
      this.stats.commands++;
      this.stats.xsCompute += peer.lastCompute;
    }
    const out = await m.command(frame({ op: 'run', untilMs, inbox, ...(held ? { held } : {}) }, sections));
    this.stats.commands++;
    this.stats.xsCompute += m.lastCompute;
    const { header, take } = unframe<RunReply>(out);
    let fromPeer: { houses: GroupHouseReply[]; take: (n: number) => Uint8Array } | undefined;
    if (peer) {
      const c = unframe<{ houses: GroupHouseReply[] }>(await peer.command(frame({ op: 'collect' }, [])));
      fromPeer = { houses: c.header.houses, take: c.take };
      this.stats.commands++;
      this.stats.xsCompute += peer.lastCompute;
    }
    this.stats.machineMs += performance.now() - t0;
    this.stats.simulatedMs += header.nowMs - this.#now;
    this.#now = header.nowMs;
    header.houses.forEach((h, i) => {
      let read = take;
      if (fromPeer && i >= k) {
        // The peer's boards: their publishes, events and state; the models' values from A.
        const b = fromPeer.houses[i - k]!;
        Object.assign(h, { coils: b.coils, soc: b.soc, mode: b.mode, events: b.events, pubs: b.pubs });
        read = fromPeer.take;
      }
      this.#events.get(this.#ids[i]!)!.push(...h.events);
      for (const p of h.pubs) {
        const payload = read(p.len);
        this.#o.onPublish?.(i, p.from, p.topic, payload);
        this.#bridge.publish(i, p.from, p.topic, payload, p.qos, p.retain);
        this.stats.published++;
      }
    });
    this.#last = header;
    return header;
  }

  /**
   * Run until the simulated clock reaches `untilMs`. `speed` = simulated
   * seconds per real second (undefined: as fast as possible). `onProgress`
   * is called after every command; `stop()` returning true ends early.
   */
  async runUntil(untilMs: number, o: { speed?: number; onProgress?: (sim: VillageSim) => void; stop?: () => boolean } = {}): Promise<void> {
    const wall0 = Date.now();
    const sim0 = this.#now;
    const every = Math.max(1, Math.floor(this.#o.hubTickEverySec ?? 30)) * 1000;
    let bounces = 0;
    while (this.#now < untilMs || this.#bridge.hasInbox) {
      if (o.stop?.()) break;
      if (this.#now >= this.#nextTickMs) {
        this.#nextTickMs = this.#now + every;
        await this.#hub.tick();
      }
      // Paced runs advance at most a second per command so the wait below keeps the pace.
      const step = o.speed && o.speed > 0 ? 1000 : every;
      const before = this.#now;
      // Messages that arrived are delivered first; if the boards answer, the clock does not move.
      await this.#run(Math.max(this.#now, Math.min(untilMs, this.#nextTickMs, this.#now + step)));
      const t0 = performance.now();
      await this.#bridge.settle();
      this.stats.mqttMs += performance.now() - t0;
      bounces = this.#now === before ? bounces + 1 : 0;
      if (bounces > 100) throw new Error('messages kept bouncing between the boards and the hub (100 exchanges in one instant)');
      o.onProgress?.(this);
      if (o.speed && o.speed > 0) {
        const wait = wall0 + (this.#now - sim0) / o.speed - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      }
    }
    this.stats.wallMs += Date.now() - wall0;
  }

  /** Run to the end of the current simulated day. */
  async runDay(o: { speed?: number; onProgress?: (sim: VillageSim) => void; stop?: () => boolean } = {}): Promise<void> {
    const day = Math.floor((this.#now - this.#dayStartMs) / 86_400_000);
    await this.runUntil(this.#dayStartMs + (day + 1) * 86_400_000, o);
  }

  /** The models' log (hourly intervals since the start) for the metrics. */
  async log(): Promise<VillageLog> {
    const out = await this.#machine!.command(frame({ op: 'log' }, []));
    return unframe<{ log: VillageLog }>(out).header.log;
  }

  /** Node events of a house (mode changes, faults, contracts, windows). */
  events(id: string): NodeEvent[] {
    return this.#events.get(id) ?? [];
  }

  /** Latest view of every house. */
  status(): HouseStatus[] {
    return this.#ids.map((id, i) => {
      const h = this.#last?.houses[i];
      return {
        id,
        socPermille: h?.soc ?? 0,
        mode: h?.mode ?? 'autonomous',
        relays: { rl1: h?.coils[0] ?? false, rl2: h?.coils[1] ?? false },
        pvW: (h?.pvMW ?? 0) / 1000,
        loadW: (h?.loadMW ?? 0) / 1000,
        sentWh: (h?.sentUJ ?? 0) / 3.6e9,
        receivedWh: (h?.receivedUJ ?? 0) / 3.6e9,
      };
    });
  }

  async close(): Promise<void> {
    await this.#bridge.close();
    await this.#machine?.close().catch(() => undefined);
    await this.#peer?.close().catch(() => undefined);
  }
}

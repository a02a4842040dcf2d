/**
 * A whole virtual village in one machine (one XS machine, or Node): the
 * physical models (testbed/models), the Victron emulators and every house's
 * boards (./host.ts), stepped together second by second on one simulated
 * clock. Only MQTT leaves the machine: a `run` command advances until its
 * end time or until a second in which some board published, so the host
 * can carry the messages to the hub while the clock stands still.
 *
 * Each simulated second [t, t+1 s):
 *   1. each house's readings at t → VE.Direct text blocks (MPPT on UART 1,
 *      BMV-700 on UART 2) and the meter sensor's reading;
 *   2. the boards run [t, t+1 s): control loop every 100 ms, meter sample
 *      every second;
 *   3. the models step [t, t+1 s) with the relays as commanded before t;
 *      the coils the boards hold at t+1 s are applied then (≤ 1 s relay
 *      latency; contacts settle 20 ms later, in the model and in the
 *      boards' read-back alike).
 *
 * Two machines (two cores, ./split.ts): with `remoteFrom: k` the boards of
 * houses [k, n) run on a peer machine (a HouseGroup); in step 2 this
 * machine sends the peer its houses' inputs first, steps its own boards and
 * then the models (step 3) while the peer steps its boards, and takes the
 * peer's coils (and whether a peer board published) before applying the
 * coils at t+1 s. The rule "stop after the second in which some board
 * published" spans both machines. Same inputs, same order: byte-identical
 * results with one or two machines.
 *
 * Commands (framed as in ./machine.ts):
 *   init {op:"init", scenario, dayStartMs?, startMs?, seed, vedEverySec, houses:[HouseConfig], remoteFrom?}
 *        → {ok, nowMs, subscriptions:[{node:[…], meter:[…]}]}  (local houses only)
 *   run  {op:"run", untilMs, inbox:[{house, to, topic, len}], held?} + payloads
 *        → {nowMs, houses:[{coils, soc, mode, events, pubs:[…], pvMW, loadMW, sentUJ, receivedUJ}]} + payloads
 *        (held: a peer board published while its inbox was delivered: do not advance; the
 *        peer's houses come back with their models' values and coils only — the host
 *        collects their publishes, events, SOC and mode from the peer)
 *   log  {op:"log"} → {log: VillageLog}
 *   group / deliver / collect, and binary step messages: the peer's side (./split.ts).
 *
 * Portable (XS and Node).
 */
import { Verifier } from '../../shared/sign';
import type { HouseReadings } from '../models/house';
import { Village } from '../models/village';
import type { Scenario } from '../scenario/types';
import { BmvEmulator } from '../victron/bmv';
import { MpptEmulator } from '../victron/mppt';
import { HouseFirmware, type ClientName, type HouseConfig, type InboxMessage, type StepInput, type StepOutput } from './host';
import { frame, unframe } from './machine';
import { HouseGroup, isStep, readAnswer, StepWriter, type Peer } from './split';
import { MpptDay, updateBmvState } from './vedirect-state';

export interface RunInboxHeader {
  house: number;
  to: ClientName;
  topic: string;
  len: number;
}

export interface InitCommand {
  scenario: Scenario;
  /** 00:00 of the simulated day (epoch ms). */
  dayStartMs?: number;
  /** Where the clock starts (default dayStartMs). */
  startMs?: number;
  seed: number;
  vedEverySec: number;
  houses: HouseConfig[];
  /** Houses [remoteFrom, n) have their boards on the peer machine (default n: all here). */
  remoteFrom?: number;
}

export interface HouseReply {
  coils: [boolean, boolean];
  soc: number;
  mode: string;
  events: StepOutput['events'];
  pubs: { from: ClientName; topic: string; qos: 0 | 1 | 2; retain: boolean; len: number }[];
  pvMW: number;
  loadMW: number;
  sentUJ: number;
  receivedUJ: number;
}

export interface RunReply {
  nowMs: number;
  seconds: number;
  houses: HouseReply[];
}

interface Slot {
  /** null: the board runs on the peer machine. */
  fw: HouseFirmware | null;
  mppt: MpptEmulator;
  day: MpptDay;
  bmv: BmvEmulator | null;
  /** Both BMV blocks of a second, back to back (room for two blocks at the parser's caps). */
  bmvBytes: Uint8Array;
  capacityAh: number;
  link: { node: boolean; meter: boolean } | undefined;
}

export class VillageMachine {
  #village: Village | undefined;
  readonly #slots: Slot[] = [];
  #vedEvery = 1;
  #second = 0;
  /** First house whose boards run on the peer (n: none). */
  #remoteFrom = 0;
  readonly #peer: Peer | undefined;
  readonly #writer = new StepWriter();
  /** The peer's coils as of its last answer (rl1 | rl2 << 1 per remote house). */
  #remoteCoils = new Uint8Array(0);
  /** This machine as the peer (machine B): the boards of some houses only. */
  #group: HouseGroup | undefined;

  /** `peer`: the machine hosting houses [remoteFrom, n) when init names some. */
  constructor(peer?: Peer) {
    this.#peer = peer;
  }

  handle(bytes: Uint8Array): Uint8Array {
    if (isStep(bytes)) return this.#g().step(bytes);
    const { header, take } = unframe<{ op: string } & Record<string, unknown>>(bytes);
    switch (header.op) {
      case 'init':
        return this.#init(header as unknown as InitCommand);
      case 'run':
        return this.#run(header as unknown as { untilMs: number; inbox: RunInboxHeader[]; held?: boolean }, take);
      case 'log':
        return frame({ log: this.#v().log() }, []);
      case 'group': {
        const o = header as unknown as { first: number; startMs: number; houses: HouseConfig[] };
        this.#group = new HouseGroup(o.first, o.startMs, o.houses);
        return frame({ ok: true, subscriptions: this.#group.subscriptions() }, []);
      }
      case 'deliver': {
        const o = header as unknown as { nowMs: number; inbox: RunInboxHeader[] };
        return this.#g().deliver(o.nowMs, o.inbox, take);
      }
      case 'collect':
        return this.#g().collect();
      default:
        throw new Error(`unknown op ${header.op}`);
    }
  }

  #g(): HouseGroup {
    if (!this.#group) throw new Error('group first');
    return this.#group;
  }

  #v(): Village {
    if (!this.#village) throw new Error('init first');
    return this.#village;
  }

  #init(o: InitCommand): Uint8Array {
    const village = new Village(o.scenario, {
      ...(o.dayStartMs !== undefined ? { dayStartMs: o.dayStartMs } : {}),
      ...(o.startMs !== undefined ? { startMs: o.startMs } : {}),
      meterNoise: { seed: o.seed, voltageSigmaMV: 5, currentSigmaMA: 3 },
    });
    this.#village = village;
    this.#vedEvery = o.vedEverySec;
    const remoteFrom = Math.max(0, Math.min(o.houses.length, o.remoteFrom ?? o.houses.length));
    if (remoteFrom < o.houses.length && !this.#peer) throw new Error('remote houses need a peer machine');
    this.#remoteFrom = remoteFrom;
    this.#remoteCoils = new Uint8Array(o.houses.length - remoteFrom);
    const verifiers = new Map<string, Verifier>();
    o.houses.forEach((c, i) => {
      let v = verifiers.get(c.hubPublicKeyHex);
      if (!v) {
        v = new Verifier(c.hubPublicKeyHex);
        verifiers.set(c.hubPublicKeyHex, v);
      }
      const spec = o.scenario.households[i]!;
      this.#slots.push({
        fw: i < remoteFrom ? new HouseFirmware({ ...c, startMs: village.clock.nowMs() }, v) : null,
        mppt: new MpptEmulator({ serial: `HQ2419${String(i).padStart(5, '0')}` }),
        day: new MpptDay(),
        bmv: spec.battery ? new BmvEmulator() : null,
        bmvBytes: new Uint8Array(spec.battery ? 4096 : 0),
        capacityAh: spec.battery?.capacityAh ?? 0,
        link: { node: true, meter: true },
      });
    });
    return frame({ ok: true, nowMs: village.clock.nowMs(), subscriptions: this.#slots.slice(0, remoteFrom).map((s) => s.fw!.subscriptions()) }, []);
  }

  #run(o: { untilMs: number; inbox: RunInboxHeader[]; held?: boolean }, take: (n: number) => Uint8Array): Uint8Array {
    const village = this.#v();
    const clock = village.clock;
    const n = this.#slots.length;
    const local = this.#remoteFrom;
    const remote = n - local;
    const peer = this.#peer;
    const writer = this.#writer;
    const remoteCoils = this.#remoteCoils;
    const outs: StepOutput[][] = this.#slots.map(() => []);
    // Messages that arrived: handed to the boards now, before time moves.
    const inbox: InboxMessage[][] = this.#slots.map(() => []);
    for (const m of o.inbox) {
      if (m.house >= local) throw new Error(`house ${m.house}: its boards run on the peer machine`);
      inbox[m.house]!.push({ to: m.to, topic: m.topic, payload: take(m.len).slice() });
    }
    // A peer board that published at delivery holds the clock as a board here would.
    let published = o.held === true;
    for (let i = 0; i < local; i++) {
      const s = this.#slots[i]!;
      if (inbox[i]!.length === 0 && !s.link) continue;
      const out = s.fw!.step({ untilMs: clock.nowMs(), inbox: inbox[i]!, ...(s.link ? { link: s.link } : {}) });
      s.link = undefined;
      outs[i]!.push(out);
      if (out.publishes.length) published = true;
    }
    let seconds = 0;
    const coils: { rl1: boolean; rl2: boolean }[] = [];
    while (!published && clock.nowMs() < o.untilMs) {
      const t = clock.nowMs();
      const until = t + 1000;
      const day = Math.floor((t - clock.dayStartMs) / 86_400_000);
      const withVed = this.#second % this.#vedEvery === 0;
      // The peer's houses first: their inputs go out before this machine steps its own boards.
      if (remote > 0) {
        writer.begin(until, remote);
        for (let i = local; i < n; i++) {
          const s = this.#slots[i]!;
          const r = village.houses[i]!.readings();
          let mppt: Uint8Array | undefined;
          let bmv: Uint8Array | undefined;
          if (withVed) {
            mppt = this.#mpptBlock(s, r, day);
            bmv = this.#bmvBlocks(s, r);
          }
          writer.house(r.meter.voltageMV, r.meter.currentMA, mppt, bmv);
        }
        peer!.send(writer.bytes());
      }
      for (let i = 0; i < local; i++) {
        const s = this.#slots[i]!;
        const r = village.houses[i]!.readings();
        const input: StepInput = { untilMs: until, meter: { busMV: r.meter.voltageMV, currentMA: r.meter.currentMA } };
        if (withVed) {
          input.mppt = this.#mpptBlock(s, r, day);
          const bmv = this.#bmvBlocks(s, r);
          if (bmv !== undefined) input.bmv = bmv;
        }
        const out = s.fw!.step(input);
        // Only steps with something to report are kept (the reply reads the coils from the boards).
        if (out.publishes.length > 0 || out.events.length > 0) outs[i]!.push(out);
        coils[i] = out.coils;
        if (out.publishes.length > 0) published = true;
      }
      village.step(1000);
      if (remote > 0) {
        const a = readAnswer(peer!.receive());
        if (a.published) published = true;
        remoteCoils.set(a.coils);
      }
      for (let i = 0; i < local; i++) village.houses[i]!.coupling.command(coils[i]!.rl1, coils[i]!.rl2);
      for (let k = 0; k < remote; k++) {
        const c = remoteCoils[k]!;
        village.houses[local + k]!.coupling.command((c & 1) !== 0, (c & 2) !== 0);
      }
      this.#second++;
      seconds++;
    }
    const sections: Uint8Array[] = [];
    const houses: HouseReply[] = this.#slots.map((s, i) => {
      const list = outs[i]!;
      const house = village.houses[i]!;
      const r = house.readings();
      const pubs: HouseReply['pubs'] = [];
      const events: StepOutput['events'] = [];
      for (const out of list) {
        events.push(...out.events);
        for (const p of out.publishes) {
          pubs.push({ from: p.from, topic: p.topic, qos: p.qos, retain: p.retain, len: p.payload.length });
          sections.push(p.payload);
        }
      }
      const fw = s.fw;
      const c = i < local ? 0 : remoteCoils[i - local]!;
      return {
        coils: fw ? [fw.relays.coils.rl1, fw.relays.coils.rl2] : [(c & 1) !== 0, (c & 2) !== 0],
        soc: fw ? fw.node.socPermille : 0,
        mode: fw ? fw.node.mode : '',
        events,
        pubs,
        pvMW: r.pv.powerMW,
        loadMW: r.load.primaryMW + r.load.secondaryMW,
        sentUJ: house.counters.sentUJ,
        receivedUJ: house.counters.receivedUJ,
      };
    });
    const reply: RunReply = { nowMs: clock.nowMs(), seconds, houses };
    return frame(reply, sections);
  }

  /** The MPPT's block at `r` (a view on the emulator's buffer). */
  #mpptBlock(s: Slot, r: HouseReadings, day: number): Uint8Array {
    s.day.update(s.mppt.state, r, day);
    return s.mppt.textBlockView();
  }

  /** Both BMV blocks at `r` back to back, or undefined without a BMV. */
  #bmvBlocks(s: Slot, r: HouseReadings): Uint8Array | undefined {
    if (!s.bmv || !r.battery) return undefined;
    updateBmvState(s.bmv.state, r, s.capacityAh);
    const a = s.bmv.mainBlockView();
    const b = s.bmv.historyBlockView();
    s.bmvBytes.set(a);
    s.bmvBytes.set(b, a.length);
    return s.bmvBytes.subarray(0, a.length + b.length);
  }
}

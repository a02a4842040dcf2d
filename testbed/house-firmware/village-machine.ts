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
 * Commands (framed as in ./machine.ts):
 *   init {op:"init", scenario, dayStartMs?, startMs?, seed, vedEverySec, houses:[HouseConfig]}
 *        → {ok, nowMs, subscriptions:[{node:[…], meter:[…]}]}
 *   run  {op:"run", untilMs, inbox:[{house, to, topic, len}]} + payloads
 *        → {nowMs, houses:[{coils, soc, mode, events, pubs:[…], pvMW, loadMW, sentUJ, receivedUJ}]} + payloads
 *   log  {op:"log"} → {log: VillageLog}
 *
 * Portable (XS and Node).
 */
import { Verifier } from '../../shared/sign';
import { Village } from '../models/village';
import type { Scenario } from '../scenario/types';
import { BmvEmulator } from '../victron/bmv';
import { MpptEmulator } from '../victron/mppt';
import { HouseFirmware, type ClientName, type HouseConfig, type InboxMessage, type StepInput, type StepOutput } from './host';
import { frame, unframe } from './machine';
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
  fw: HouseFirmware;
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

  handle(bytes: Uint8Array): Uint8Array {
    const { header, take } = unframe<{ op: string } & Record<string, unknown>>(bytes);
    switch (header.op) {
      case 'init':
        return this.#init(header as unknown as InitCommand);
      case 'run':
        return this.#run(header as unknown as { untilMs: number; inbox: RunInboxHeader[] }, take);
      case 'log':
        return frame({ log: this.#v().log() }, []);
      default:
        throw new Error(`unknown op ${header.op}`);
    }
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
    const verifiers = new Map<string, Verifier>();
    o.houses.forEach((c, i) => {
      let v = verifiers.get(c.hubPublicKeyHex);
      if (!v) {
        v = new Verifier(c.hubPublicKeyHex);
        verifiers.set(c.hubPublicKeyHex, v);
      }
      const spec = o.scenario.households[i]!;
      this.#slots.push({
        fw: new HouseFirmware({ ...c, startMs: village.clock.nowMs() }, v),
        mppt: new MpptEmulator({ serial: `HQ2419${String(i).padStart(5, '0')}` }),
        day: new MpptDay(),
        bmv: spec.battery ? new BmvEmulator() : null,
        bmvBytes: new Uint8Array(spec.battery ? 4096 : 0),
        capacityAh: spec.battery?.capacityAh ?? 0,
        link: { node: true, meter: true },
      });
    });
    return frame({ ok: true, nowMs: village.clock.nowMs(), subscriptions: this.#slots.map((s) => s.fw.subscriptions()) }, []);
  }

  #run(o: { untilMs: number; inbox: RunInboxHeader[] }, take: (n: number) => Uint8Array): Uint8Array {
    const village = this.#v();
    const clock = village.clock;
    const n = this.#slots.length;
    const outs: StepOutput[][] = this.#slots.map(() => []);
    // Messages that arrived: handed to the boards now, before time moves.
    const inbox: InboxMessage[][] = this.#slots.map(() => []);
    for (const m of o.inbox) inbox[m.house]!.push({ to: m.to, topic: m.topic, payload: take(m.len).slice() });
    let published = false;
    for (let i = 0; i < n; i++) {
      const s = this.#slots[i]!;
      if (inbox[i]!.length === 0 && !s.link) continue;
      const out = s.fw.step({ untilMs: clock.nowMs(), inbox: inbox[i]!, ...(s.link ? { link: s.link } : {}) });
      s.link = undefined;
      outs[i]!.push(out);
      if (out.publishes.length) published = true;
    }
    let seconds = 0;
    while (!published && clock.nowMs() < o.untilMs) {
      const t = clock.nowMs();
      const until = t + 1000;
      const day = Math.floor((t - clock.dayStartMs) / 86_400_000);
      const withVed = this.#second % this.#vedEvery === 0;
      const coils: { rl1: boolean; rl2: boolean }[] = [];
      for (let i = 0; i < n; i++) {
        const s = this.#slots[i]!;
        const r = village.houses[i]!.readings();
        let mppt: Uint8Array | undefined;
        let bmv: Uint8Array | undefined;
        if (withVed) {
          s.day.update(s.mppt.state, r, day);
          mppt = s.mppt.textBlockView();
          if (s.bmv && r.battery) {
            updateBmvState(s.bmv.state, r, s.capacityAh);
            const a = s.bmv.mainBlockView();
            const b = s.bmv.historyBlockView();
            s.bmvBytes.set(a);
            s.bmvBytes.set(b, a.length);
            bmv = s.bmvBytes.subarray(0, a.length + b.length);
          }
        }
        const input: StepInput = { untilMs: until, meter: { busMV: r.meter.voltageMV, currentMA: r.meter.currentMA } };
        if (mppt !== undefined) input.mppt = mppt;
        if (bmv !== undefined) input.bmv = bmv;
        const out = s.fw.step(input);
        // Only steps with something to report are kept (the reply reads the coils from the boards).
        if (out.publishes.length > 0 || out.events.length > 0) outs[i]!.push(out);
        coils.push(out.coils);
        if (out.publishes.length > 0) published = true;
      }
      village.step(1000);
      for (let i = 0; i < n; i++) village.houses[i]!.coupling.command(coils[i]!.rl1, coils[i]!.rl2);
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
      return {
        coils: [s.fw.relays.coils.rl1, s.fw.relays.coils.rl2],
        soc: s.fw.node.socPermille,
        mode: s.fw.node.mode,
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
}

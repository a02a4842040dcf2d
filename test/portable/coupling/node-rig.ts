/**
 * Test rig for the coupling node: VE.Direct bytes made by the testbed's MPPT
 * and BMV emulators (test/vectors/replay/vedirect.json) through the firmware parser, a fake relay driver with
 * read-back, an in-memory Preference store, a hub key that signs contracts.
 * Portable (runs on Node and inside XS).
 */
import { CouplingNode, type CouplingNodeOptions, type NodeEvent, type NodeWire } from '../../../firmware/coupling/node';
import { protocolWire } from '../../../firmware/main/coupling-app';
import { FakeRelays } from '../../../firmware/coupling/relays';
import type { SettingsStore } from '../../../firmware/coupling/settings';
import { VeDirectParser, VictronRecord } from '../../../firmware/vedirect/index';
import { decode, encode, inTopic, type ContractBody, type Message } from '../../../shared/protocol/index';
import { fromHex } from '../../../shared/bytes';
import devices from '../../vectors/replay/vedirect.json';

export const HUB_SK = '1f'.repeat(32);
export const NODE_SK = '2e'.repeat(32);
export const FORGER_SK = '3d'.repeat(32);
/** 2024-06-01 00:00 UTC. */
export const DAY0 = 1_717_200_000_000;
export const H = 3_600_000;

export function memStore(): SettingsStore & { data: Map<string, number | string | boolean | ArrayBuffer> } {
  const data = new Map<string, number | string | boolean | ArrayBuffer>();
  return { data, get: (k) => data.get(k), set: (k, v) => void data.set(k, v) };
}

export interface Published {
  atMs: number;
  topic: string;
  msg: Message;
}

export interface RigOptions {
  startMs?: number;
  store?: ReturnType<typeof memStore>;
  relays?: FakeRelays;
  node?: Partial<CouplingNodeOptions>;
  hubPk: string;
  nodeId?: string;
  /** Share one wire (its Verifier) across rigs. */
  wire?: NodeWire;
  /** Relay writes go here too (property checks). */
  onWrite?: (atMs: number, rl1: boolean, rl2: boolean) => void;
}

/** A node with its emulated devices; `run(ms)` advances time in 100 ms control steps. */
export class NodeRig {
  readonly relays: FakeRelays;
  readonly store: ReturnType<typeof memStore>;
  /** Device states sent each second (names in vedirect.json). */
  mpptState: keyof typeof devices.mppt = 'sunny';
  bmvState: keyof typeof devices.bmv = 'full';
  readonly events: NodeEvent[] = [];
  readonly published: Published[] = [];
  /** Every relay coil write as "rl1rl2" bits with its time. */
  readonly writes: { atMs: number; bits: string }[] = [];
  node: CouplingNode;
  nowMs: number;
  /** Feed VE.Direct at all (false: the serial lines fall silent). */
  vedirect = true;
  /** Meter current (mA, + = export) sampled every second at 24 V, or null for no meter. */
  meterMA: number | null = null;
  readonly #mpptParser: VeDirectParser;
  readonly #bmvParser: VeDirectParser;
  readonly #opts: RigOptions;
  readonly #wire: NodeWire;
  #nextBlockMs: number;

  constructor(o: RigOptions) {
    this.#opts = o;
    this.#wire = o.wire ?? protocolWire(NODE_SK, o.hubPk);
    this.nowMs = o.startMs ?? DAY0 + 10 * H;
    this.store = o.store ?? memStore();
    this.relays = o.relays ?? new FakeRelays();
    this.node = this.#make();
    const mr = new VictronRecord();
    const br = new VictronRecord();
    this.#mpptParser = new VeDirectParser({ block: (b) => { mr.apply(b, this.nowMs); this.node.mppt(mr, this.nowMs); } });
    this.#bmvParser = new VeDirectParser({ block: (b) => { br.apply(b, this.nowMs); this.node.bmv(br, this.nowMs); } });
    this.#nextBlockMs = this.nowMs;
  }

  #make(): CouplingNode {
    const relays = {
      write: (a: boolean, b: boolean) => {
        this.relays.write(a, b);
        this.writes.push({ atMs: this.nowMs, bits: `${a ? 1 : 0}${b ? 1 : 0}` });
        if (this.#opts.onWrite) this.#opts.onWrite(this.nowMs, a, b);
      },
    };
    return new CouplingNode(relays, this.nowMs, {
      nodeId: this.#opts.nodeId ?? 'house-a',
      village: 'demo',
      wire: this.#wire,
      store: this.store,
      linkUp: true,
      settings: { strategy: 'paper', pvProfileMWh: pvProfile() },
      onEvent: (e) => this.events.push(e),
      ...this.#opts.node,
    });
  }

  /** Reboot: a new node on the same store and relays. */
  reboot(): void {
    this.node = this.#make();
  }

  #collect(list: { topic: string; payload: Uint8Array }[]): void {
    for (const p of list) this.published.push({ atMs: this.nowMs, topic: p.topic, msg: decode(p.topic, p.payload) });
  }

  /** Advance `ms` in 100 ms steps: VE.Direct once a second, meter samples once a second, a tick every step. */
  run(ms: number): void {
    const end = this.nowMs + ms;
    while (this.nowMs < end) {
      this.nowMs += 100;
      if (this.nowMs >= this.#nextBlockMs) {
        this.#nextBlockMs += 1000;
        if (this.vedirect) {
          this.#mpptParser.push(fromHex(devices.mppt[this.mpptState]));
          const [b1, b2] = devices.bmv[this.bmvState];
          this.#bmvParser.push(fromHex(b1!));
          this.#bmvParser.push(fromHex(b2!));
        }
        if (this.meterMA !== null) this.node.meterSample({ atMs: this.nowMs, busMV: 24_000, currentMA: this.meterMA });
      }
      this.#collect(this.node.tick(this.nowMs, this.relays.readBack()));
    }
  }

  /** Deliver a contract payload on this node's inbox. */
  deliver(payload: Uint8Array, nodeId = this.#opts.nodeId ?? 'house-a'): void {
    this.#collect(this.node.message(inTopic('demo', nodeId, 'contract'), payload, this.nowMs));
  }

  of(kind: string): Published[] {
    return this.published.filter((p) => p.msg.kind === kind);
  }
}

/** 100 Wh per hour from 8 to 16 h. */
export function pvProfile(): number[] {
  const p: number[] = [];
  for (let h = 0; h < 24; h++) p.push(h >= 8 && h < 16 ? 100_000 : 0);
  return p;
}

export function contractBody(o: Partial<ContractBody> = {}): ContractBody {
  return {
    id: 'c-000001',
    seq: 1,
    village: 'demo',
    seller: 'house-a',
    buyer: 'house-b',
    energyMWh: 1000,
    priceUnitsPerKWh: 2,
    beginMs: DAY0 + 10 * H + 5000,
    endMs: DAY0 + 10 * H + 305_000,
    circuit: { kind: 'bus' },
    issuedMs: DAY0 + 10 * H,
    ...o,
  };
}

export function signedContract(o: Partial<ContractBody> = {}, sk = HUB_SK): Uint8Array {
  return encode('contract', contractBody(o), sk);
}

/**
 * The village over two machines (two cores): machine A keeps the physical
 * models, the Victron emulators and the boards of houses [0, k); machine B
 * hosts the boards of houses [k, n) only (a {@link HouseGroup}). Every
 * simulated second A hands B its houses' inputs (VE.Direct bytes, the
 * meter sensor's reading, the end of the step) through a {@link Peer},
 * steps its own boards and the models while B steps its boards, then
 * takes B's coils (and whether a B board published) before applying the
 * coils at t+1 s — the same second, the same inputs, the same order of
 * everything each board sees as in one machine.
 *
 * Per-second messages are binary (no JSON on the hot path):
 *   A → B  STEP_MAGIC(4) untilMs:f64 count:u16 { busMV:f64 currentMA:f64 mpptLen:u32 mppt bmvLen:u32 bmv }×count
 *   B → A  status:u8 (0 ok; else a UTF-8 error follows) flags:u8 (bit0 published, bit1 events or
 *          publishes kept) { coils:u8 (bit0 rl1, bit1 rl2) }×count
 * Framed commands of a group (./machine.ts), sent by the host:
 *   group   {op:"group", first, startMs, houses:[HouseConfig]} → {ok, subscriptions}
 *   deliver {op:"deliver", nowMs, inbox:[{house, to, topic, len}]} + payloads → {published}
 *           (houses with messages, or whose link is new, run at now: nothing moves)
 *   collect {op:"collect"} → {houses:[{coils, soc, mode, events, pubs}]} + payloads
 *           (what B's boards published or reported since the last collect)
 *
 * Portable (XS and Node).
 */
import { utf8Decode, utf8Encode } from '../../shared/bytes';
import { Verifier } from '../../shared/sign';
import { HouseFirmware, type ClientName, type HouseConfig, type InboxMessage, type StepInput, type StepOutput } from './host';
import { frame } from './machine';

/** The other machine, as machine A sees it. */
export interface Peer {
  /** Hand a step message to the peer; returns at once (the peer works meanwhile). */
  send(bytes: Uint8Array): void;
  /** The peer's answer to the last message sent (waits for it). */
  receive(): Uint8Array;
}

/** First four bytes of a per-second step message (no framed command has a 4 GiB header). */
export const STEP_MAGIC = 0xffffffff;
/** The query machine A issues to receive the peer's answer (testbed/xs/worker.js). */
export const RECEIVE_QUERY = Uint8Array.of(0xfe, 0xff, 0xff, 0xff);

/** True if `bytes` is a per-second step message (not a framed command). */
export function isStep(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0xff && bytes[1] === 0xff && bytes[2] === 0xff && bytes[3] === 0xff;
}

/** Writes A → B step messages into one growing buffer. */
export class StepWriter {
  #buf = new Uint8Array(8192);
  #view = new DataView(this.#buf.buffer);
  #o = 0;

  begin(untilMs: number, count: number): void {
    this.#o = 0;
    this.#room(14);
    const v = this.#view;
    v.setUint32(0, STEP_MAGIC, true);
    v.setFloat64(4, untilMs, true);
    v.setUint16(12, count, true);
    this.#o = 14;
  }

  house(busMV: number, currentMA: number, mppt: Uint8Array | undefined, bmv: Uint8Array | undefined): void {
    const ml = mppt === undefined ? 0 : mppt.length;
    const bl = bmv === undefined ? 0 : bmv.length;
    this.#room(24 + ml + bl);
    const v = this.#view;
    let o = this.#o;
    v.setFloat64(o, busMV, true);
    v.setFloat64(o + 8, currentMA, true);
    v.setUint32(o + 16, ml, true);
    o += 20;
    if (mppt !== undefined) this.#buf.set(mppt, o);
    o += ml;
    v.setUint32(o, bl, true);
    o += 4;
    if (bmv !== undefined) this.#buf.set(bmv, o);
    this.#o = o + bl;
  }

  /** The message so far (a view, valid until the next begin). */
  bytes(): Uint8Array {
    return this.#buf.subarray(0, this.#o);
  }

  #room(n: number): void {
    if (this.#o + n <= this.#buf.length) return;
    const next = new Uint8Array(Math.max(this.#buf.length * 2, this.#o + n));
    next.set(this.#buf.subarray(0, this.#o));
    this.#buf = next;
    this.#view = new DataView(next.buffer);
  }
}

/** B's answer to a step: coils per house and whether a board published. */
export interface StepAnswer {
  published: boolean;
  /** Some board published or reported an event (the host collects them after the run). */
  kept: boolean;
  /** rl1 | rl2 << 1 per house. */
  coils: Uint8Array;
}

/** Read B's answer (throws what B threw). */
export function readAnswer(bytes: Uint8Array): StepAnswer {
  if (bytes.length < 2 || bytes[0] !== 0) throw new Error(`peer machine failed: ${utf8Decode(bytes.subarray(1))}`);
  const flags = bytes[1]!;
  return { published: (flags & 1) !== 0, kept: (flags & 2) !== 0, coils: bytes.subarray(2) };
}

/** The error answer of a step that threw. */
export function errorAnswer(message: string): Uint8Array {
  const m = utf8Encode(message);
  const out = new Uint8Array(1 + m.length);
  out[0] = 1;
  out.set(m, 1);
  return out;
}

export interface GroupHouseReply {
  coils: [boolean, boolean];
  soc: number;
  mode: string;
  events: StepOutput['events'];
  pubs: { from: ClientName; topic: string; qos: 0 | 1 | 2; retain: boolean; len: number }[];
}

/** Machine B: the boards of houses [first, first + houses.length), stepped by A's messages. */
export class HouseGroup {
  readonly first: number;
  readonly #fw: HouseFirmware[] = [];
  readonly #kept: StepOutput[][] = [];
  readonly #link: boolean[] = [];
  readonly #answer: Uint8Array;

  constructor(first: number, startMs: number, houses: HouseConfig[]) {
    this.first = first;
    const verifiers = new Map<string, Verifier>();
    for (const c of houses) {
      let v = verifiers.get(c.hubPublicKeyHex);
      if (!v) {
        v = new Verifier(c.hubPublicKeyHex);
        verifiers.set(c.hubPublicKeyHex, v);
      }
      this.#fw.push(new HouseFirmware({ ...c, startMs }, v));
      this.#kept.push([]);
      this.#link.push(true);
    }
    this.#answer = new Uint8Array(2 + houses.length);
  }

  subscriptions(): Record<ClientName, string[]>[] {
    return this.#fw.map((f) => f.subscriptions());
  }

  /** Messages that arrived (global house indices), at now; houses whose link is new come up first. */
  deliver(nowMs: number, inbox: { house: number; to: ClientName; topic: string; len: number }[], take: (n: number) => Uint8Array): Uint8Array {
    const per: InboxMessage[][] = this.#fw.map(() => []);
    for (const m of inbox) per[m.house - this.first]!.push({ to: m.to, topic: m.topic, payload: take(m.len).slice() });
    let published = false;
    for (let i = 0; i < this.#fw.length; i++) {
      const fw = this.#fw[i]!;
      if (per[i]!.length === 0 && !this.#link[i]) continue;
      const out = fw.step({ untilMs: nowMs, inbox: per[i]!, ...(this.#link[i] ? { link: { node: true, meter: true } } : {}) });
      this.#link[i] = false;
      this.#kept[i]!.push(out);
      if (out.publishes.length > 0) published = true;
    }
    return frame({ published }, []);
  }

  /** One second of every board (a message from {@link StepWriter}); the answer for {@link readAnswer}. */
  step(bytes: Uint8Array): Uint8Array {
    const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const untilMs = v.getFloat64(4, true);
    const count = v.getUint16(12, true);
    if (count !== this.#fw.length) throw new Error(`step for ${count} houses, group has ${this.#fw.length}`);
    const answer = this.#answer;
    let flags = 0;
    let o = 14;
    for (let i = 0; i < count; i++) {
      const meter = { busMV: v.getFloat64(o, true), currentMA: v.getFloat64(o + 8, true) };
      const ml = v.getUint32(o + 16, true);
      o += 20;
      const mppt = ml > 0 ? bytes.subarray(o, o + ml) : undefined;
      o += ml;
      const bl = v.getUint32(o, true);
      o += 4;
      const bmv = bl > 0 ? bytes.subarray(o, o + bl) : undefined;
      o += bl;
      const input: StepInput = { untilMs, meter };
      if (mppt !== undefined) input.mppt = mppt;
      if (bmv !== undefined) input.bmv = bmv;
      const out = this.#fw[i]!.step(input);
      if (out.publishes.length > 0 || out.events.length > 0) {
        this.#kept[i]!.push(out);
        flags |= 2;
        if (out.publishes.length > 0) flags |= 1;
      }
      answer[2 + i] = (out.coils.rl1 ? 1 : 0) | (out.coils.rl2 ? 2 : 0);
    }
    answer[0] = 0;
    answer[1] = flags;
    return answer;
  }

  /** What the boards published and reported since the last collect, and their state now. */
  collect(): Uint8Array {
    const sections: Uint8Array[] = [];
    const houses: GroupHouseReply[] = this.#fw.map((fw, i) => {
      const pubs: GroupHouseReply['pubs'] = [];
      const events: StepOutput['events'] = [];
      for (const out of this.#kept[i]!) {
        for (const e of out.events) events.push(e);
        for (const p of out.publishes) {
          pubs.push({ from: p.from, topic: p.topic, qos: p.qos, retain: p.retain, len: p.payload.length });
          sections.push(p.payload);
        }
      }
      this.#kept[i] = [];
      return { coils: [fw.relays.coils.rl1, fw.relays.coils.rl2], soc: fw.node.socPermille, mode: fw.node.mode, events, pubs };
    });
    return frame({ houses }, sections);
  }
}

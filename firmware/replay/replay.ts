/**
 * Replay core: feeds a timed event script (a field log, a test scenario)
 * into a coupling or meter node — the same glue the device runs
 * (CouplingApp / MeterApp) with fake serial ports, transport, clock and
 * relays — and turns everything the node does into JSON lines.
 *
 * Portable (no Node APIs): `swarmgrid firmware replay` runs it on Node or,
 * bundled, inside XS, and both print the same bytes.
 *
 * Input: one JSON object per line, `atMs` (integer, non-decreasing) and one
 * of the event keys below; blank lines and lines starting with `#` or `//`
 * are skipped.
 *   {"config":{…}}                       node options; first, once (again only after a reboot is pointless)
 *   {"serial":{"port":1|2,"hex":"…"}}    VE.Direct bytes (port 1 MPPT, 2 BMV); or "text" (JS string, \r\n escaped)
 *   {"sample":{"busMV":…,"currentMA":…}} a meter reading (+ = house → bus)
 *   {"meterFault":"E_REVERSE_CURRENT"}   a fault from the meter (coupling node)
 *   {"mqtt":{"topic":"…","payloadText":"…"}} or "payloadHex": a message for the node
 *   {"readback":{"rl1":false,"rl2":false}} relay contact read-back from now on
 *   {"link":true|false}                  broker up / down
 *   {"reboot":true}                      a new node instance on the same store
 * Between events the clock advances in `tickMs` steps (default 100) from
 * the config's `atMs`, each one a control step (coupling) or a `tick`
 * (meter); the event itself happens at its own `atMs`, after the steps ≤ it.
 *
 * Output lines, in order of occurrence, each `{"atMs":…, <one key>}`:
 *   "relay":{"rl1","rl2"}                     a relay coil write
 *   "publish":{"topic","qos","kind","body"}   a published message, decoded; "dropped":true
 *             while the link is down (the transport refused it)
 *             (or {"topic","error","hex"} if it does not decode)
 *   "event":{…}                               mode change, fault, contract decision, window start/stop/skip
 *   "boot":{"node"}                           a node instance started (config, reboot)
 */
import { fail } from '../../shared/errors';
import { fromHex, toHex, utf8Encode } from '../../shared/bytes';
import { decode, nodeInboxFilter, publicFilter } from '../../shared/protocol/index';
import { Verifier } from '../../shared/sign';
import { CouplingNode, type NodeEvent } from '../coupling/node';
import type { HemtsSettings } from '../coupling/settings';
import { CouplingApp, protocolWire } from '../main/coupling-app';
import { MeterApp } from '../main/meter-app';
import { MeterNode } from '../meter/node';
import { MemoryStore } from '../meter/record';
import type { LinkState, PublishOptions, SerialPort, Transport } from '../platform/types';

export type ReplayNodeKind = 'coupling' | 'meter';

/** `config` event: node options at start (keys as in the README's event table). */
export interface ReplayConfig {
  node: string;
  village: string;
  secretKeyHex: string;
  hubPublicKeyHex: string;
  /** Meter id (meter node; default `<node>-m`). */
  meter?: string;
  settings?: Partial<HemtsSettings>;
  telemetryEveryMs?: number;
  hemtsEveryMs?: number;
  initialSocPermille?: number;
  hasBmv?: boolean;
  utcOffsetMs?: number;
  faultHoldMs?: number;
  /** Meter report period (default 300 000). */
  reportEveryMs?: number;
  /** Control step period (default 100 ms). */
  tickMs?: number;
}

interface Event {
  atMs: number;
  config?: ReplayConfig;
  serial?: { port: number; hex?: string; text?: string };
  sample?: { busMV: number; currentMA: number };
  meterFault?: string;
  mqtt?: { topic: string; payloadText?: string; payloadHex?: string };
  readback?: { rl1: boolean; rl2: boolean };
  link?: boolean;
  reboot?: boolean;
}

const KEYS = ['config', 'serial', 'sample', 'meterFault', 'mqtt', 'readback', 'link', 'reboot'];

function bad(lineNo: number, msg: string): never {
  fail('E_REPLAY_INPUT', `line ${lineNo}: ${msg}`);
}

function isInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v);
}

/** Parse and check one event line; null for a blank or comment line. */
export function parseEvent(line: string, lineNo: number): Event | null {
  const t = line.trim();
  if (t === '' || t.startsWith('#') || t.startsWith('//')) return null;
  let v: unknown;
  try {
    v = JSON.parse(t);
  } catch {
    return bad(lineNo, 'not JSON');
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) bad(lineNo, 'not a JSON object');
  const o = v as Record<string, unknown>;
  if (!isInt(o.atMs) || o.atMs < 0) bad(lineNo, 'atMs must be a non-negative integer');
  const keys = Object.keys(o).filter((k) => k !== 'atMs');
  if (keys.length !== 1 || !KEYS.includes(keys[0]!)) bad(lineNo, `exactly one of ${KEYS.join(', ')} besides atMs`);
  const e = o as unknown as Event;
  if (e.serial !== undefined) {
    const s = e.serial;
    if (!s || (s.port !== 1 && s.port !== 2)) bad(lineNo, 'serial.port must be 1 (MPPT) or 2 (BMV)');
    if ((typeof s.hex === 'string') === (typeof s.text === 'string')) bad(lineNo, 'serial needs one of hex or text');
    if (typeof s.hex === 'string' && !/^([0-9a-fA-F]{2})*$/.test(s.hex)) bad(lineNo, 'serial.hex must be an even number of hex digits');
  }
  if (e.sample !== undefined && (!e.sample || !isInt(e.sample.busMV) || !isInt(e.sample.currentMA))) bad(lineNo, 'sample needs integer busMV and currentMA');
  if (e.mqtt !== undefined) {
    const m = e.mqtt;
    if (!m || typeof m.topic !== 'string') bad(lineNo, 'mqtt.topic must be a string');
    if ((typeof m.payloadText === 'string') === (typeof m.payloadHex === 'string')) bad(lineNo, 'mqtt needs one of payloadText or payloadHex');
    if (typeof m.payloadHex === 'string' && !/^([0-9a-fA-F]{2})*$/.test(m.payloadHex)) bad(lineNo, 'mqtt.payloadHex must be hex');
  }
  if (e.readback !== undefined && (!e.readback || typeof e.readback.rl1 !== 'boolean' || typeof e.readback.rl2 !== 'boolean')) bad(lineNo, 'readback needs booleans rl1 and rl2');
  if (e.link !== undefined && typeof e.link !== 'boolean') bad(lineNo, 'link must be true or false');
  if (e.reboot !== undefined && e.reboot !== true) bad(lineNo, 'reboot must be true');
  if (e.meterFault !== undefined && (typeof e.meterFault !== 'string' || !/^[A-Z][A-Z0-9_]{0,47}$/.test(e.meterFault))) bad(lineNo, 'meterFault must be a code');
  if (e.config !== undefined) {
    const c = e.config;
    if (!c || typeof c !== 'object') bad(lineNo, 'config must be an object');
    for (const k of ['node', 'village', 'secretKeyHex', 'hubPublicKeyHex'] as const) if (typeof c[k] !== 'string') bad(lineNo, `config.${k} must be a string`);
    if (c.tickMs !== undefined && (!isInt(c.tickMs) || c.tickMs < 10 || c.tickMs > 60_000)) bad(lineNo, 'config.tickMs must be an integer in 10..60000');
  }
  return e;
}

/** Fake transport: publishes are recorded, messages and link states are pushed in. */
class ReplayTransport implements Transport {
  state: LinkState = 'down';
  #onMessage: ((topic: string, payload: Uint8Array) => void) | null = null;
  #onState: ((s: LinkState) => void) | null = null;
  readonly #sink: (topic: string, payload: Uint8Array, qos: number) => void;

  constructor(sink: (topic: string, payload: Uint8Array, qos: number) => void) {
    this.#sink = sink;
  }

  publish(topic: string, payload: Uint8Array, options?: PublishOptions): boolean {
    this.#sink(topic, payload, options?.qos ?? 0);
    return this.state === 'up';
  }

  subscribe(): void {}

  onMessage(l: (topic: string, payload: Uint8Array) => void): void {
    this.#onMessage = l;
  }

  onState(l: (s: LinkState) => void): void {
    this.#onState = l;
  }

  close(): void {}

  deliver(topic: string, payload: Uint8Array): void {
    if (this.#onMessage) this.#onMessage(topic, payload);
  }

  setState(s: LinkState): void {
    this.state = s;
    if (this.#onState) this.#onState(s);
  }
}

class ReplayPort implements SerialPort {
  #l: ((b: Uint8Array) => void) | null = null;
  onBytes(l: (b: Uint8Array) => void): void {
    this.#l = l;
  }
  write(b: Uint8Array): number {
    return b.length;
  }
  close(): void {}
  push(b: Uint8Array): void {
    if (this.#l) this.#l(b);
  }
}

/** One node being replayed: either kind behind the same small surface. */
interface Target {
  step(nowMs: number): void;
  serial(port: number, bytes: Uint8Array): void;
  sample(atMs: number, busMV: number, currentMA: number): void;
  meterFault(code: string, atMs: number): void;
  message(topic: string, payload: Uint8Array): void;
}

/**
 * The replay machine: `line()` takes one input line and returns the output
 * lines it caused (JSON text); `end()` finishes. Throws E_REPLAY_INPUT.
 */
export class Replay {
  readonly kind: ReplayNodeKind;
  #out: string[] = [];
  #lineNo = 0;
  #nowMs = -1;
  #nextTickMs = 0;
  #tickMs = 100;
  #config: ReplayConfig | null = null;
  #target: Target | null = null;
  #transport: ReplayTransport | null = null;
  #readBack: { rl1: boolean; rl2: boolean } | null = null;
  #link = false;
  readonly #couplingStore = new Map<string, number | string | boolean | ArrayBuffer>();
  readonly #meterStore = new MemoryStore();
  #verifier: Verifier | null = null;

  constructor(kind: ReplayNodeKind) {
    if (kind !== 'coupling' && kind !== 'meter') fail('E_REPLAY_ENGINE', `unknown node kind "${String(kind)}" (coupling or meter)`);
    this.kind = kind;
  }

  /** Feed one line of the event file; returns output lines. */
  line(text: string): string[] {
    this.#lineNo++;
    const e = parseEvent(text, this.#lineNo);
    if (e) this.#apply(e);
    return this.#take();
  }

  /** Feed many lines (a chunk of the file). */
  lines(text: string): string[] {
    const out: string[] = [];
    for (const l of text.split('\n')) for (const o of this.line(l)) out.push(o);
    return out;
  }

  end(): string[] {
    if (!this.#config) bad(this.#lineNo, 'no config event in the file');
    return this.#take();
  }

  #take(): string[] {
    const o = this.#out;
    this.#out = [];
    return o;
  }

  #emit(atMs: number, key: string, value: unknown): void {
    this.#out.push(JSON.stringify({ atMs, [key]: value }));
  }

  #apply(e: Event): void {
    if (e.atMs < this.#nowMs) bad(this.#lineNo, `atMs ${e.atMs} goes back in time (last ${this.#nowMs})`);
    if (e.config) {
      if (this.#config) bad(this.#lineNo, 'a second config event');
      this.#config = e.config;
      this.#tickMs = e.config.tickMs ?? 100;
      this.#nowMs = e.atMs;
      this.#nextTickMs = e.atMs + this.#tickMs;
      this.#boot(e.atMs);
      return;
    }
    if (!this.#config || !this.#target) return bad(this.#lineNo, 'the first event must be config');
    while (this.#nextTickMs <= e.atMs) {
      this.#nowMs = this.#nextTickMs;
      this.#target.step(this.#nowMs);
      this.#nextTickMs += this.#tickMs;
    }
    this.#nowMs = e.atMs;
    const t = this.#target;
    if (e.serial) t.serial(e.serial.port, typeof e.serial.hex === 'string' ? fromHex(e.serial.hex.toLowerCase()) : latin1(e.serial.text as string));
    else if (e.sample) t.sample(e.atMs, e.sample.busMV, e.sample.currentMA);
    else if (e.meterFault) t.meterFault(e.meterFault, e.atMs);
    else if (e.mqtt) t.message(e.mqtt.topic, typeof e.mqtt.payloadHex === 'string' ? fromHex(e.mqtt.payloadHex.toLowerCase()) : utf8Encode(e.mqtt.payloadText as string));
    else if (e.readback) this.#readBack = { rl1: e.readback.rl1, rl2: e.readback.rl2 };
    else if (e.link !== undefined) {
      this.#link = e.link;
      (this.#transport as ReplayTransport).setState(e.link ? 'up' : 'down');
    } else if (e.reboot) this.#boot(e.atMs);
  }

  #publish(topic: string, payload: Uint8Array, qos: number): void {
    let value: unknown;
    try {
      const m = decode(topic, payload);
      value = { topic, qos, kind: m.kind, body: m.body, ...(this.#link ? {} : { dropped: true }) };
    } catch (err) {
      value = { topic, error: (err as { code?: string }).code ?? 'E_MSG_JSON', hex: toHex(payload) };
    }
    this.#emit(this.#nowMs, 'publish', value);
  }

  #boot(atMs: number): void {
    const c = this.#config as ReplayConfig;
    this.#emit(atMs, 'boot', { node: this.kind });
    const transport = new ReplayTransport((topic, payload, qos) => this.#publish(topic, payload, qos));
    this.#transport = transport;
    this.#verifier ??= new Verifier(c.hubPublicKeyHex);
    const clock = { nowMs: () => this.#nowMs };
    const timers = { set: () => 0, repeat: () => 0, clear: () => undefined };
    const log = () => undefined;
    if (this.kind === 'coupling') {
      const store = this.#couplingStore;
      const relays = { write: (rl1: boolean, rl2: boolean) => this.#emit(this.#nowMs, 'relay', { rl1, rl2 }) };
      const node = new CouplingNode(relays, atMs, {
        nodeId: c.node,
        village: c.village,
        wire: protocolWire(c.secretKeyHex, this.#verifier),
        store: { get: (k) => store.get(k), set: (k, v) => void store.set(k, v) },
        ...(c.settings ? { settings: c.settings } : {}),
        ...(c.telemetryEveryMs !== undefined ? { telemetryEveryMs: c.telemetryEveryMs } : {}),
        ...(c.hemtsEveryMs !== undefined ? { hemtsEveryMs: c.hemtsEveryMs } : {}),
        ...(c.initialSocPermille !== undefined ? { initialSocPermille: c.initialSocPermille } : {}),
        ...(c.hasBmv !== undefined ? { hasBmv: c.hasBmv } : {}),
        ...(c.utcOffsetMs !== undefined ? { utcOffsetMs: c.utcOffsetMs } : {}),
        ...(c.faultHoldMs !== undefined ? { faultHoldMs: c.faultHoldMs } : {}),
        linkUp: this.#link,
        onEvent: (ev: NodeEvent) => this.#emit(ev.atMs, 'event', eventValue(ev)),
      });
      const mppt = new ReplayPort();
      const bmv = new ReplayPort();
      const readBack = { read: () => { if (!this.#readBack) throw new Error('no read-back'); return this.#readBack; } };
      const app = new CouplingApp(node, { mppt, bmv }, readBack, transport, clock, timers, log, [nodeInboxFilter(c.village, c.node), publicFilter(c.village)]);
      transport.state = this.#link ? 'up' : 'down';
      this.#target = {
        step: () => app.step(),
        serial: (port, bytes) => (port === 1 ? mppt : bmv).push(bytes),
        sample: (at, busMV, currentMA) => node.meterSample({ atMs: at, busMV, currentMA }),
        meterFault: (code, at) => node.meterFault(code, at),
        message: (topic, payload) => transport.deliver(topic, payload),
      };
      return;
    }
    const meterId = c.meter ?? `${c.node}-m`;
    const core = new MeterNode({ meterId, nodeId: c.node, secretKeyHex: c.secretKeyHex, store: this.#meterStore, ...(c.reportEveryMs !== undefined ? { reportEveryMs: c.reportEveryMs } : {}) });
    new MeterApp(core, { read: () => ({ busMV: 0, currentMA: 0 }) }, transport, clock, timers, log, { village: c.village, nodeId: c.node, hubPublicKeyHex: c.hubPublicKeyHex });
    if (this.#link) transport.setState('up');
    const flush = (nowMs: number) => {
      const out = core.drain();
      for (const r of out.publish) this.#publish(`swarmgrid/v1/${c.village}/${c.node}/meter-report`, utf8Encode(r.payload), 1);
      for (const f of out.faults) this.#emit(nowMs, 'event', { kind: 'fault', code: f });
    };
    this.#target = {
      step: (nowMs) => {
        core.tick(nowMs);
        flush(nowMs);
      },
      serial: () => undefined,
      sample: (at, busMV, currentMA) => {
        // What MeterApp.step does, with the faults printed instead of logged.
        core.sample({ atMs: at, busMV, currentMA });
        core.tick(at);
        flush(at);
      },
      meterFault: (code) => core.noteFault(code as never),
      message: (topic, payload) => {
        transport.deliver(topic, payload);
        flush(this.#nowMs);
      },
    };
  }
}

function eventValue(ev: NodeEvent): Record<string, unknown> {
  if (ev.kind === 'window') {
    const { kind, atMs: _a, ...rest } = ev.event;
    return { kind: 'window', window: kind, ...rest };
  }
  const { atMs: _at, ...rest } = ev;
  return rest;
}

/** A JS string as bytes, one byte per char code (VE.Direct is 8-bit ASCII). */
function latin1(s: string): Uint8Array {
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i) & 0xff;
  return b;
}

/** Replay a whole file's text; returns every output line. */
export function replayText(kind: ReplayNodeKind, text: string): string[] {
  const r = new Replay(kind);
  const out = r.lines(text);
  for (const l of r.end()) out.push(l);
  return out;
}

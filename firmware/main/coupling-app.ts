/**
 * Glue for the coupling node: two VE.Direct UARTs (MPPT on UART 1, BMV-700
 * on UART 2) → streaming parsers → typed records → the coupling core, which
 * owns SOC, HEMTS and the relay interlock; a control timer ticks the core
 * with the relay read-back and publishes what it returns.
 *
 * `CouplingCore` is the seam: `SafeCouplingCore` below wires what exists
 * today (SOC estimate from the BMV, interlock held in Autonomous, staleness
 * watch, telemetry). The full coupling node (HEMTS orders, contract window
 * executor) implements the same interface and replaces it with one line in
 * firmware/main/coupling.ts. No SDK imports here.
 */
import { decodeEnvelope, encode, nodeTopic, type ContractBody, type OrderBody, type TelemetryBody } from '../../shared/protocol/index';
import { fail } from '../../shared/errors';
import { Verifier } from '../../shared/sign';
import type { NodeKind, NodeWire } from '../coupling/node';
import { Interlock, type RelayOutputs, type RelayReadBack } from '../coupling/interlock';
import { DEFAULT_SOC_CONFIG, SocEstimator, type SocConfig } from '../coupling/soc';
import { VeDirectParser, VictronRecord } from '../vedirect/index';
import type { Clock, Log, ReadBackInputs, SerialPort, TimerHandle, Timers, Transport } from '../platform/types';

/**
 * The real {@link NodeWire} of the CouplingNode: shared/protocol encoding,
 * signatures with the node's secret key, contracts checked against the
 * pinned hub key (a fixed-key Verifier: pass one to share its tables).
 * It lives here, not in firmware/coupling (preloaded on the device), because
 * it reaches the SHA-256 and curve code.
 */
export function protocolWire(secretKeyHex: string, hub: string | Verifier): NodeWire {
  if (typeof secretKeyHex !== 'string' || !/^[0-9a-f]{64}$/.test(secretKeyHex)) fail('E_NODE_CONFIG', 'the node secret key must be 64 lowercase hex characters');
  const verifier = typeof hub === 'string' ? new Verifier(hub) : hub;
  return {
    encode(kind: NodeKind, body: unknown): Uint8Array {
      // Every kind but telemetry is signed by the node (encode validates the body against its kind).
      return kind === 'telemetry' ? encode('telemetry', body as TelemetryBody) : encode(kind as 'offer', body as OrderBody, secretKeyHex);
    },
    contract(payload: Uint8Array): { body: ContractBody; valid: boolean } {
      const msg = decodeEnvelope(payload, 'contract');
      const sig = (msg as { sig?: string }).sig ?? '';
      const body = msg.body as ContractBody;
      return { body, valid: verifier.verify('contract', body, sig) };
    },
  };
}

/** One message to publish. */
export interface CouplingPublish {
  topic: string;
  payload: Uint8Array;
  qos: 0 | 1;
}

/** What the glue drives; the future CouplingNode implements this too. */
export interface CouplingCore {
  mppt(record: VictronRecord, atMs: number): void;
  bmv(record: VictronRecord, atMs: number): void;
  /** Control step: interlock, staleness, mode. Returns what to publish now. */
  tick(nowMs: number, readBack: RelayReadBack | undefined): CouplingPublish[];
  /** A message from the node's inbox or the public topics. */
  message(topic: string, payload: Uint8Array, nowMs: number): CouplingPublish[];
  linkState(up: boolean, nowMs: number): void;
  /** A reading of the coupling's meter, when the board carries one (positive current = house → bus). */
  meterSample?(s: { atMs: number; busMV: number; currentMA: number }): void;
  /** A fault code from that meter (e.g. E_REVERSE_CURRENT). */
  meterFault?(code: string, atMs: number): void;
}

export interface SafeCoreOptions {
  village: string;
  nodeId: string;
  soc?: Partial<SocConfig>;
  /** A VE.Direct stream silent for longer than this is stale (default 5 000 ms). */
  staleMs?: number;
  telemetryEveryMs?: number;
}

/**
 * The fail-safe core: measures, reports, and keeps both relays open
 * (Autonomous). It never closes a relay: that needs a verified contract and
 * the window executor, which the full coupling node brings.
 */
export class SafeCouplingCore implements CouplingCore {
  readonly #o: SafeCoreOptions;
  readonly #soc: SocEstimator;
  readonly #interlock: Interlock;
  readonly #telemetryTopic: string;
  #mppt: VictronRecord | undefined;
  #bmv: VictronRecord | undefined;
  #mpptAtMs = -Infinity;
  #bmvAtMs = -Infinity;
  #nextTelemetryMs = 0;
  #readBack: RelayReadBack = { rl1: false, rl2: false };

  constructor(relays: RelayOutputs, nowMs: number, options: SafeCoreOptions) {
    this.#o = options;
    this.#soc = new SocEstimator({ ...DEFAULT_SOC_CONFIG, ...options.soc }, 500);
    this.#interlock = new Interlock(relays, nowMs);
    this.#interlock.command('none', nowMs);
    this.#telemetryTopic = nodeTopic(options.village, options.nodeId, 'telemetry');
  }

  get socPermille(): number {
    return this.#soc.socPermille;
  }

  mppt(record: VictronRecord, atMs: number): void {
    this.#mppt = record;
    this.#mpptAtMs = atMs;
  }

  bmv(record: VictronRecord, atMs: number): void {
    this.#bmv = record;
    this.#bmvAtMs = atMs;
    if (record.socPermille !== null) this.#soc.bmv(record.socPermille, atMs);
    if (record.voltageMV !== null && record.currentMA !== null) this.#soc.sample({ atMs, voltageMV: record.voltageMV, currentMA: record.currentMA });
  }

  faults(nowMs: number): string[] {
    const f: string[] = [];
    const stale = this.#o.staleMs ?? 5000;
    if (nowMs - this.#bmvAtMs > stale || nowMs - this.#mpptAtMs > stale) f.push('E_VED_STALE');
    const lf = this.#interlock.fault;
    if (lf) f.push(lf.code);
    return f;
  }

  tick(nowMs: number, readBack: RelayReadBack | undefined): CouplingPublish[] {
    if (readBack) this.#readBack = readBack;
    this.#interlock.command('none', nowMs);
    this.#interlock.tick(nowMs, readBack);
    if (nowMs < this.#nextTelemetryMs) return [];
    this.#nextTelemetryMs = nowMs + (this.#o.telemetryEveryMs ?? 10_000);
    return [{ topic: this.#telemetryTopic, payload: encode('telemetry', this.telemetry(nowMs)), qos: 0 }];
  }

  telemetry(nowMs: number): TelemetryBody {
    const b = this.#bmv;
    const m = this.#mppt;
    const loadMA = m?.loadCurrentMA ?? 0;
    const batteryMV = b?.voltageMV ?? m?.voltageMV ?? 0;
    return {
      node: this.#o.nodeId,
      atMs: nowMs,
      mode: 'A',
      socPermille: Math.max(0, Math.min(1000, this.#soc.socPermille)),
      batteryMV: Math.max(0, batteryMV),
      batteryMA: b?.currentMA ?? 0,
      pvPowerMW: Math.max(0, m?.panelPowerMW ?? 0),
      loadPowerMW: Math.max(0, Math.round((loadMA * batteryMV) / 1000)),
      busPowerMW: 0,
      relays: { rl1: this.#readBack.rl1, rl2: this.#readBack.rl2 },
      faults: this.faults(nowMs),
    };
  }

  message(): CouplingPublish[] {
    return [];
  }

  linkState(): void {}
}

/** Wires ports, parsers, core, read-back and transport; owns the control timer. */
export class CouplingApp {
  readonly #core: CouplingCore;
  readonly #readBack: ReadBackInputs | undefined;
  readonly #transport: Transport;
  readonly #clock: Clock;
  readonly #timers: Timers;
  readonly #log: Log;
  readonly #mpptParser: VeDirectParser;
  readonly #bmvParser: VeDirectParser;
  readonly #mpptRecord = new VictronRecord();
  readonly #bmvRecord = new VictronRecord();
  #timer: TimerHandle | undefined;
  readonly stats = { mpptBlocks: 0, bmvBlocks: 0, published: 0, refused: 0 };

  constructor(
    core: CouplingCore,
    ports: { mppt: SerialPort; bmv: SerialPort },
    readBack: ReadBackInputs | undefined,
    transport: Transport,
    clock: Clock,
    timers: Timers,
    log: Log,
    subscriptions: readonly string[],
  ) {
    this.#core = core;
    this.#readBack = readBack;
    this.#transport = transport;
    this.#clock = clock;
    this.#timers = timers;
    this.#log = log;
    this.#mpptParser = new VeDirectParser({
      block: (block) => {
        const now = this.#clock.nowMs();
        this.#mpptRecord.apply(block, now);
        this.stats.mpptBlocks++;
        this.#core.mppt(this.#mpptRecord, now);
      },
    });
    this.#bmvParser = new VeDirectParser({
      block: (block) => {
        const now = this.#clock.nowMs();
        this.#bmvRecord.apply(block, now);
        this.stats.bmvBlocks++;
        this.#core.bmv(this.#bmvRecord, now);
      },
    });
    ports.mppt.onBytes((bytes) => this.#mpptParser.push(bytes));
    ports.bmv.onBytes((bytes) => this.#bmvParser.push(bytes));
    transport.onState((state) => this.#core.linkState(state === 'up', this.#clock.nowMs()));
    transport.onMessage((topic, payload) => this.#send(this.#core.message(topic, payload, this.#clock.nowMs())));
    for (const filter of subscriptions) transport.subscribe(filter, 1);
  }

  /** Parser counters (checksum errors, resyncs …) for trace. */
  get counters(): { mppt: VeDirectParser['counters']; bmv: VeDirectParser['counters'] } {
    return { mppt: this.#mpptParser.counters, bmv: this.#bmvParser.counters };
  }

  /** Start the control loop (default every 100 ms: at most the interlock's dead time). */
  start(periodMs = 100): void {
    if (this.#timer !== undefined) return;
    this.#timer = this.#timers.repeat(() => this.step(), periodMs);
  }

  stop(): void {
    this.#timers.clear(this.#timer);
    this.#timer = undefined;
  }

  /** One control step (the timer's body; public for tests). */
  step(): void {
    let readBack: RelayReadBack | undefined;
    try {
      readBack = this.#readBack?.read();
    } catch (e) {
      this.#log('warn', `coupling: read-back failed: ${String(e)}`);
    }
    this.#send(this.#core.tick(this.#clock.nowMs(), readBack));
  }

  #send(list: CouplingPublish[]): void {
    for (const p of list) {
      if (this.#transport.publish(p.topic, p.payload, { qos: p.qos })) this.stats.published++;
      else this.stats.refused++;
    }
  }
}

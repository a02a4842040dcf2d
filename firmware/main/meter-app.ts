/**
 * Glue between the meter's pure core (`MeterNode`, firmware/meter) and the
 * injected edges: samples the sensor on a timer, ticks the core, publishes
 * what it drains, feeds acks and contracts from the household's inbox back
 * in. No SDK imports: the same class runs on the device, in the lin
 * simulator and under Node tests with fakes.
 *
 * Topics (shared/protocol/topics): publishes `…/<node>/meter-report`
 * (QoS 1); subscribes `…/<node>/in/#` (ack from the hub; contract, signed
 * by the hub key, whose window the meter then meters).
 */
import { utf8Encode } from '../../shared/bytes';
import { verify } from '../../shared/sign';
import { decode, nodeInboxFilter, nodeTopic, type Message } from '../../shared/protocol/index';
import type { ErrorCode } from '../../shared/errors';
import type { Clock, LinkState, Log, TimerHandle, Timers, Transport } from '../platform/types';

/** The parts of MeterNode the glue drives (MeterNode implements it). */
export interface MeterCore {
  readonly meterId: string;
  sample(s: { atMs: number; busMV: number; currentMA: number }): void;
  tick(nowMs: number): void;
  ack(seq: number): void;
  connected(up: boolean, atMs?: number): void;
  beginContract(w: { id: string; beginMs: number; endMs: number }, atMs?: number): void;
  noteFault(code: ErrorCode): void;
  drain(): { publish: { seq: number; final: boolean; payload: string }[]; faults: string[]; writes: number };
}

/** A sensor reading (Ina226.read()). */
export interface MeterSensor {
  read(): { busMV: number; currentMA: number };
}

export interface MeterAppOptions {
  village: string;
  nodeId: string;
  hubPublicKeyHex: string;
  /** Sensor period (default 1 000 ms). */
  sampleMs?: number;
}

export class MeterApp {
  readonly #core: MeterCore;
  readonly #sensor: MeterSensor;
  readonly #transport: Transport;
  readonly #clock: Clock;
  readonly #timers: Timers;
  readonly #log: Log;
  readonly #o: MeterAppOptions;
  readonly #reportTopic: string;
  #timer: TimerHandle | undefined;
  /** Counters for trace and tests. */
  readonly stats = { samples: 0, sensorErrors: 0, published: 0, refused: 0, acks: 0, contracts: 0, rejected: 0 };

  constructor(core: MeterCore, sensor: MeterSensor, transport: Transport, clock: Clock, timers: Timers, log: Log, options: MeterAppOptions) {
    this.#core = core;
    this.#sensor = sensor;
    this.#transport = transport;
    this.#clock = clock;
    this.#timers = timers;
    this.#log = log;
    this.#o = options;
    this.#reportTopic = nodeTopic(options.village, options.nodeId, 'meter-report');
    transport.onState((state: LinkState) => {
      this.#core.connected(state === 'up', this.#clock.nowMs());
      this.#flush();
    });
    transport.onMessage((topic, payload) => this.#onMessage(topic, payload));
    transport.subscribe(nodeInboxFilter(options.village, options.nodeId), 1);
  }

  /** Start sampling (call once the wall clock is synced: samples carry wall-clock times). */
  start(): void {
    if (this.#timer !== undefined) return;
    this.#timer = this.#timers.repeat(() => this.step(), this.#o.sampleMs ?? 1000);
  }

  stop(): void {
    this.#timers.clear(this.#timer);
    this.#timer = undefined;
  }

  /** One sample + tick + publish (the timer's body; public for tests). */
  step(): void {
    const atMs = this.#clock.nowMs();
    try {
      const r = this.#sensor.read();
      this.#core.sample({ atMs, busMV: r.busMV, currentMA: r.currentMA });
      this.stats.samples++;
    } catch {
      this.stats.sensorErrors++;
      this.#core.noteFault('E_SENSOR_IO');
    }
    this.#core.tick(atMs);
    this.#flush();
  }

  #flush(): void {
    const out = this.#core.drain();
    for (const r of out.publish) {
      if (this.#transport.publish(this.#reportTopic, utf8Encode(r.payload), { qos: 1 })) this.stats.published++;
      else this.stats.refused++; // the core re-sends from its queue after retryMs
    }
    for (const f of out.faults) this.#log('warn', `meter: fault ${f}`);
  }

  #onMessage(topic: string, payload: Uint8Array): void {
    let msg: Message;
    try {
      msg = decode(topic, payload);
    } catch (e) {
      this.stats.rejected++;
      this.#log('warn', `meter: rejected message on ${topic}: ${String(e)}`);
      return;
    }
    if (msg.kind === 'ack') {
      if (msg.body.meter === this.#core.meterId) {
        this.stats.acks++;
        this.#core.ack(msg.body.seq);
      }
    } else if (msg.kind === 'contract') {
      const c = msg.body;
      if (!verify('contract', c, msg.sig, this.#o.hubPublicKeyHex)) {
        this.stats.rejected++;
        this.#log('warn', `meter: contract ${c.id} does not verify against the hub key`);
        return;
      }
      if (c.seller !== this.#o.nodeId && c.buyer !== this.#o.nodeId) return;
      this.stats.contracts++;
      this.#core.beginContract({ id: c.id, beginMs: c.beginMs, endMs: c.endMs }, this.#clock.nowMs());
      this.#flush();
    }
  }
}

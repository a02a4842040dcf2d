/**
 * MQTT transport over the SDK's ECMA-419 client (`embedded:network/mqtt/client`,
 * examples/io/tcp/mqttclient/mqttclient.js): QoS 0–2, no reconnect of its
 * own, a write that throws "overflow" when the socket is full, incoming
 * payloads delivered in fragments (`onReadable(count, {topic, byteLength,
 * more})`). This adapter
 * - reconnects after every error with exponential backoff (the client
 *   closes itself after `onError`; a connect that hangs errors after 30 s);
 * - re-subscribes every remembered filter after each CONNACK;
 * - keeps a small bounded output queue, flushed from `onWritable`;
 * - reassembles fragments into one `Uint8Array` per message and drops
 *   messages larger than `maxMessageBytes` (read and discarded).
 */
import type { LinkState, Log, PublishOptions, Qos, TimerHandle, Timers, Transport } from '../types';
import { Backoff } from './backoff';
import type { MqttClientIo, MqttClientOptions, MqttCtor, MqttReadOptions } from './io';

export interface MqttOptions {
  host: string;
  port?: number;
  /** Client id (the node id). */
  id: string;
  user?: string;
  password?: string;
  keepaliveMs?: number;
  /** `device.network.mqtt`-style bundles: `{ io: Resolver, servers, socket: { io: UDP } }` and `{ io: TCP }`. */
  dns: object;
  socket: object;
  will?: { topic: string; message: Uint8Array; qos?: Qos; retain?: boolean };
  maxMessageBytes?: number;
  queueLength?: number;
  backoffMinMs?: number;
  backoffMaxMs?: number;
}

interface Outgoing {
  topic: string;
  payload: Uint8Array;
  qos: Qos;
  retain: boolean;
}

interface Incoming {
  topic: string;
  bytes: Uint8Array;
  offset: number;
  drop: boolean;
}

export class MqttTransport implements Transport {
  readonly #MQTT: MqttCtor;
  readonly #options: MqttOptions;
  readonly #timers: Timers;
  readonly #log: Log;
  readonly #backoff: Backoff;
  readonly #subscriptions = new Map<string, Qos>();
  readonly #queue: Outgoing[] = [];
  #client: MqttClientIo | undefined;
  #retry: TimerHandle | undefined;
  #incoming: Incoming | undefined;
  #subscribed = false;
  #closed = false;
  #messageListener: ((topic: string, payload: Uint8Array) => void) | undefined;
  #stateListener: ((state: LinkState) => void) | undefined;
  state: LinkState = 'down';

  constructor(MQTT: MqttCtor, options: MqttOptions, timers: Timers, log: Log) {
    if (!options.host) throw new Error('mqtt: no broker host provisioned');
    this.#MQTT = MQTT;
    this.#options = options;
    this.#timers = timers;
    this.#log = log;
    this.#backoff = new Backoff(options.backoffMinMs ?? 1000, options.backoffMaxMs ?? 60_000);
  }

  onMessage(listener: (topic: string, payload: Uint8Array) => void): void {
    this.#messageListener = listener;
  }

  onState(listener: (state: LinkState) => void): void {
    this.#stateListener = listener;
  }

  /** Connect now (call when the network is up); later drops reconnect by themselves. */
  start(): void {
    this.#closed = false;
    if (this.#client || this.#retry !== undefined) return;
    this.#connect();
  }

  subscribe(filter: string, qos: Qos = 1): void {
    this.#subscriptions.set(filter, qos);
    this.#subscribed = false;
    if (this.state === 'up') this.#flush();
  }

  publish(topic: string, payload: Uint8Array, options: PublishOptions = {}): boolean {
    if (this.state !== 'up') return false;
    if (this.#queue.length >= (this.#options.queueLength ?? 8)) return false;
    this.#queue.push({ topic, payload, qos: options.qos ?? 0, retain: options.retain ?? false });
    this.#flush();
    return true;
  }

  close(): void {
    this.#closed = true;
    this.#timers.clear(this.#retry);
    this.#retry = undefined;
    this.#drop();
  }

  #connect(): void {
    this.#set('connecting');
    const o = this.#options;
    const self = this;
    const options: MqttClientOptions = {
      host: o.host,
      id: o.id,
      clean: true,
      keepalive: o.keepaliveMs ?? 60_000,
      dns: o.dns,
      socket: o.socket,
      onControl(msg) {
        if (msg.operation === self.#MQTT.CONNACK) self.#onConnected();
      },
      onReadable(count, info) {
        self.#onReadable(this, count, info);
      },
      onWritable() {
        self.#flush();
      },
      onError() {
        self.#onError();
      },
    };
    if (o.port !== undefined) options.port = o.port;
    if (o.user !== undefined) options.user = o.user;
    if (o.password !== undefined) options.password = o.password;
    if (o.will) options.will = { topic: o.will.topic, message: copy(o.will.message), QoS: o.will.qos ?? 0, retain: o.will.retain ?? false };
    try {
      this.#client = new this.#MQTT(options);
    } catch (e) {
      this.#log('warn', `mqtt: ${String(e)}`);
      this.#onError();
    }
  }

  #onConnected(): void {
    this.#backoff.reset();
    this.#subscribed = false;
    this.#log('info', `mqtt: connected to ${this.#options.host}`);
    this.#set('up');
    this.#flush();
  }

  #onError(): void {
    this.#client = undefined; // the client closes itself after onError
    this.#incoming = undefined;
    this.#queue.length = 0;
    this.#set('down');
    if (this.#closed) return;
    const delay = this.#backoff.next();
    this.#log('warn', `mqtt: link down, reconnecting in ${delay} ms`);
    this.#timers.clear(this.#retry);
    this.#retry = this.#timers.set(() => {
      this.#retry = undefined;
      this.#connect();
    }, delay);
  }

  #flush(): void {
    const client = this.#client;
    if (!client || this.state !== 'up') return;
    try {
      if (!this.#subscribed && this.#subscriptions.size > 0) {
        const items: { topic: string; QoS: number }[] = [];
        for (const [topic, QoS] of this.#subscriptions) items.push({ topic, QoS });
        client.write(null, { operation: this.#MQTT.SUBSCRIBE, items });
        this.#subscribed = true;
      }
      while (this.#queue.length > 0) {
        const m = this.#queue[0]!;
        client.write(m.payload, { topic: m.topic, QoS: m.qos, retain: m.retain });
        this.#queue.shift();
      }
    } catch {
      // "overflow": the socket is full; onWritable calls #flush again.
    }
  }

  #onReadable(client: MqttClientIo, count: number, info: MqttReadOptions): void {
    if (info.topic !== undefined) {
      const size = info.byteLength ?? count;
      const drop = size > (this.#options.maxMessageBytes ?? 4096);
      if (drop) this.#log('warn', `mqtt: dropped ${size} B message on ${info.topic}`);
      this.#incoming = { topic: info.topic, bytes: new Uint8Array(drop ? 0 : size), offset: 0, drop };
    }
    const chunk = client.read(count);
    const m = this.#incoming;
    if (!m) return;
    if (!m.drop && chunk) {
      m.bytes.set(new Uint8Array(chunk), m.offset);
      m.offset += chunk.byteLength;
    }
    if (!info.more) {
      this.#incoming = undefined;
      if (!m.drop) this.#messageListener?.(m.topic, m.bytes);
    }
  }

  #drop(): void {
    const client = this.#client;
    this.#client = undefined;
    this.#queue.length = 0;
    client?.close();
    this.#set('down');
  }

  #set(state: LinkState): void {
    if (state === this.state) return;
    this.state = state;
    this.#stateListener?.(state);
  }
}

function copy(bytes: Uint8Array): ArrayBuffer {
  const out = new ArrayBuffer(bytes.length);
  new Uint8Array(out).set(bytes);
  return out;
}

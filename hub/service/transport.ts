/**
 * The hub's MQTT client (mqtt.js), the same for the embedded broker and an
 * external one: a persistent session (clean: false, fixed client id) so
 * QoS 1 messages sent while the hub restarts are delivered when it is back,
 * and a retained last will that marks the hub offline on `public/presence`.
 */
import mqtt, { type MqttClient } from 'mqtt';

export interface TransportOptions {
  url: string;
  username: string;
  password: string;
  clientId: string;
  will?: { topic: string; payload: Uint8Array; qos: 0 | 1; retain: boolean };
}

export type MessageHandler = (topic: string, payload: Uint8Array) => void;

export class Transport {
  private constructor(private readonly client: MqttClient) {}

  /** The underlying mqtt.js client (for a simulation that must watch what is in flight). */
  get mqttClient(): MqttClient {
    return this.client;
  }

  /** Connect (and keep reconnecting every second after a drop). */
  static connect(o: TransportOptions): Promise<Transport> {
    return new Promise((resolve, reject) => {
      const client = mqtt.connect(o.url, {
        username: o.username,
        password: o.password,
        clientId: o.clientId,
        clean: false,
        reconnectPeriod: 1_000,
        connectTimeout: 5_000,
        will: o.will ? { topic: o.will.topic, payload: Buffer.from(o.will.payload), qos: o.will.qos, retain: o.will.retain } : undefined,
      });
      const onError = (err: Error) => {
        client.end(true);
        reject(err);
      };
      client.once('error', onError);
      // No Nagle on the hub's own socket (small packets, loopback or LAN).
      client.on('connect', () => (client.stream as { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true));
      client.once('connect', () => {
        client.off('error', onError);
        client.on('error', () => undefined); // reconnects; the hub's status shows it
        resolve(new Transport(client));
      });
    });
  }

  get connected(): boolean {
    return this.client.connected;
  }

  onMessage(handler: MessageHandler): void {
    this.client.on('message', (topic, payload) => handler(topic, payload));
  }

  async subscribe(filters: string[], qos: 0 | 1 = 1): Promise<void> {
    const granted = await this.client.subscribeAsync(filters, { qos });
    for (const g of granted) if (g.qos === 128) throw new Error(`subscription to ${g.topic} refused`);
  }

  publish(topic: string, payload: Uint8Array, qos: 0 | 1, retain = false): Promise<void> {
    return new Promise((resolve) => {
      this.client.publish(topic, Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength), { qos, retain }, () => resolve());
    });
  }

  /** Publish `payload` (e.g. the offline presence) and disconnect cleanly. */
  async close(last?: { topic: string; payload: Uint8Array; retain: boolean }): Promise<void> {
    if (last && this.client.connected) await this.publish(last.topic, last.payload, 1, last.retain);
    await this.client.endAsync(false);
  }
}

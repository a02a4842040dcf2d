/**
 * Test kit for the hub: a hub on loopback with a controllable clock, a temp
 * data directory, and households whose node and meter are real mqtt.js
 * clients signing with their own keys.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { decode, encode, inTopic, nodeInboxFilter, nodeTopic, publicFilter, type Message, type OrderBody, type MeterReportBody, type Bodies, type Kind } from '../../../shared/protocol';
import { Hub } from '../../../hub/service/hub';
import type { HubOptions } from '../../../hub/service/types';
import type { ProvisioningBundle } from '../../../hub/service/members';

export const VILLAGE = 'testvillage';
export const T0 = Date.UTC(2025, 5, 1, 8, 0, 0);

export function tempDir(prefix = 'swarmgrid-hub-'): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A clock the test moves. */
export class TestClock {
  constructor(public ms = T0) {}
  now = (): number => this.ms;
  advance(ms: number): number {
    this.ms += ms;
    return this.ms;
  }
}

export function hubOptions(dataDir: string, clock: TestClock, extra: Partial<HubOptions> = {}): HubOptions {
  return {
    dataDir,
    village: VILLAGE,
    nowMs: clock.now,
    mqtt: { mode: 'embedded', host: '127.0.0.1', port: 0, wsPort: 0 },
    httpPort: 0,
    httpHost: '127.0.0.1',
    sntpPort: null,
    adminToken: 'test-admin-token',
    publicHost: '127.0.0.1',
    settlementGraceMs: 60_000,
    contractResendMs: 5_000,
    timePublishMs: 10_000,
    loopMs: 0,
    sync: false,
    ...extra,
  };
}

export async function waitFor<T>(what: string, f: () => T | undefined | null | false | Promise<T | undefined | null | false>, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export interface Received {
  topic: string;
  msg: Message | null;
  raw: Buffer;
}

/** One MQTT client acting for a household (its node or its meter). */
export class Device {
  readonly got: Received[] = [];
  private seq = 0;
  constructor(
    readonly client: MqttClient,
    readonly village: string,
    readonly node: string,
    readonly secretKey: string,
  ) {
    client.on('message', (topic, raw) => {
      let msg: Message | null = null;
      try {
        msg = decode(topic, raw);
      } catch {
        msg = null;
      }
      this.got.push({ topic, msg, raw });
    });
  }

  static connect(url: string, username: string, password: string, village: string, node: string, secretKey: string, opts: { will?: boolean; subscribe?: boolean } = {}): Promise<Device> {
    return new Promise((resolve, reject) => {
      const c = mqtt.connect(url, {
        username,
        password,
        reconnectPeriod: 0,
        connectTimeout: 3_000,
        clientId: `${username}-${Math.random().toString(36).slice(2, 8)}`,
        will: opts.will ? { topic: nodeTopic(village, node, 'presence'), payload: Buffer.from(encode('presence', { node, online: false, atMs: T0 })), qos: 1, retain: true } : undefined,
      });
      c.once('error', reject);
      c.once('connect', async () => {
        (c.stream as { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true);
        c.off('error', reject);
        c.on('error', () => undefined);
        const d = new Device(c, village, node, secretKey);
        if (opts.subscribe !== false) await c.subscribeAsync([nodeInboxFilter(village, node), publicFilter(village)], { qos: 1 });
        resolve(d);
      });
    });
  }

  nextSeq(): number {
    return ++this.seq;
  }

  async publishRaw(kind: Parameters<typeof nodeTopic>[2], payload: Uint8Array | string, node = this.node): Promise<void> {
    await this.client.publishAsync(nodeTopic(this.village, node, kind), Buffer.from(payload as Uint8Array), { qos: 1 });
  }

  async send<K extends Kind>(kind: K & Parameters<typeof nodeTopic>[2], body: Bodies[K], signed = true, key = this.secretKey): Promise<void> {
    await this.publishRaw(kind, encode(kind, body, signed ? key : undefined));
  }

  order(_kind: 'offer' | 'request', b: Omit<OrderBody, 'node' | 'seq'> & { seq?: number }): OrderBody {
    return { node: this.node, seq: b.seq ?? this.nextSeq(), id: b.id, energyMWh: b.energyMWh, priceUnitsPerKWh: b.priceUnitsPerKWh, fromMs: b.fromMs, toMs: b.toMs, maxPowerMW: b.maxPowerMW, socPermille: b.socPermille, atMs: b.atMs };
  }

  /** Messages received on this household's inbox of `kind`. */
  inbox(kind: 'contract' | 'error' | 'ack'): Received[] {
    const t = inTopic(this.village, this.node, kind);
    return this.got.filter((g) => g.topic === t);
  }

  errors(): Array<{ code: string; ref?: string }> {
    return this.inbox('error').map((g) => (g.msg as Message<'error'>).body);
  }

  async close(): Promise<void> {
    await this.client.endAsync(true);
  }
}

/** A household's node and meter, connected. */
export interface Household {
  id: string;
  bundle: ProvisioningBundle;
  node: Device;
  meter: Device;
  meterSeq: number;
}

export async function household(hub: Hub, id: string, url?: string): Promise<Household> {
  const bundle = await hub.addMember({ household: id, name: `House ${id}` });
  const u = url ?? hub.addresses.mqttUrl;
  const node = await Device.connect(u, bundle.node.broker.username, bundle.node.broker.password, VILLAGE, id, bundle.node.secretKey!, { will: true });
  const meter = await Device.connect(u, bundle.meter.broker.username, bundle.meter.broker.password, VILLAGE, id, bundle.meter.secretKey!);
  return { id, bundle, node, meter, meterSeq: 0 };
}

export function meterReport(h: Household, atMs: number, contract: MeterReportBody['contract'], lifetime = { exportMWh: 0, importMWh: 0 }): MeterReportBody {
  return { meter: h.bundle.meter.id, node: h.id, seq: ++h.meterSeq, atMs, lifetime, contract, faults: [] };
}

/**
 * Two houses of the paper scenario played by real MQTT clients (mqtt.js),
 * each with its coupling node and its meter, signing with the keys of the
 * provisioning bundle the Admin view showed: telemetry, presence, offers and
 * requests, contract acks and meter reports, all through shared/protocol.
 */
import mqtt, { type MqttClient } from 'mqtt';
import { decode, encode, nodeTopic, nodeInboxFilter, type ContractBody, type Mode } from '../../../shared/protocol';

export interface DeviceBundle {
  id: string;
  publicKey: string;
  secretKey: string;
  broker: { url: string; username: string; password: string };
}

export interface Bundle {
  village: string;
  household: string;
  name: string;
  node: DeviceBundle;
  meter: DeviceBundle;
}

function connect(url: string, d: DeviceBundle): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const c = mqtt.connect(url, { username: d.broker.username, password: d.broker.password, clientId: `${d.id}-${process.pid}`, reconnectPeriod: 500, connectTimeout: 5000 });
    c.once('connect', () => resolve(c));
    c.once('error', (e) => {
      c.end(true);
      reject(e);
    });
  });
}

export interface Telemetry {
  mode: Mode;
  socPermille: number;
  pvPowerMW: number;
  loadPowerMW: number;
  busPowerMW: number;
  batteryMV?: number;
  batteryMA?: number;
}

export class House {
  private orderSeq = 0;
  private ackSeq = 0;
  private meterSeq = 0;
  private faultSeq = 0;
  private exportMWh = 0;
  private importMWh = 0;
  readonly contracts: ContractBody[] = [];
  private waiters: ((c: ContractBody) => void)[] = [];

  private constructor(readonly b: Bundle, private readonly node: MqttClient, private readonly meter: MqttClient, private readonly now: () => number) {
    node.on('message', (topic, payload) => {
      const msg = decode(topic, payload);
      if (msg.kind !== 'contract') return;
      if (this.contracts.some((c) => c.id === msg.body.id)) return;
      this.contracts.push(msg.body);
      for (const w of this.waiters.splice(0)) w(msg.body);
    });
  }

  /** `now`: the house's clock (the village's: the hub's clock, as SNTP would give it). */
  static async connect(url: string, b: Bundle, now: () => number = Date.now): Promise<House> {
    const node = await connect(url, b.node);
    const meter = await connect(url, b.meter);
    await node.subscribeAsync(nodeInboxFilter(b.village, b.household), { qos: 1 });
    return new House(b, node, meter, now);
  }

  get id(): string {
    return this.b.household;
  }

  private topic(kind: Parameters<typeof nodeTopic>[2]): string {
    return nodeTopic(this.b.village, this.id, kind);
  }

  async online(): Promise<void> {
    await this.node.publishAsync(this.topic('presence'), Buffer.from(encode('presence', { node: this.id, online: true, atMs: this.now() })), { qos: 1, retain: true });
  }

  async offline(): Promise<void> {
    await this.node.publishAsync(this.topic('presence'), Buffer.from(encode('presence', { node: this.id, online: false, atMs: this.now() })), { qos: 1, retain: true });
  }

  /** A fault raised by the coupling node (signed). */
  async fault(code: string, detail: string): Promise<void> {
    const body = { node: this.id, seq: ++this.faultSeq, code, atMs: this.now(), detail };
    await this.node.publishAsync(this.topic('fault'), Buffer.from(encode('fault', body, this.b.node.secretKey)), { qos: 1 });
  }

  async telemetry(t: Telemetry): Promise<void> {
    const body = {
      node: this.id,
      atMs: this.now(),
      mode: t.mode,
      socPermille: t.socPermille,
      batteryMV: t.batteryMV ?? 12_800,
      batteryMA: t.batteryMA ?? 0,
      pvPowerMW: t.pvPowerMW,
      loadPowerMW: t.loadPowerMW,
      busPowerMW: t.busPowerMW,
      relays: { rl1: t.mode === 'P', rl2: t.mode === 'C' },
      faults: [],
    };
    await this.node.publishAsync(this.topic('telemetry'), Buffer.from(encode('telemetry', body)), { qos: 0, retain: true });
  }

  /** An offer (sell) or a request (buy), signed by the coupling node. */
  async order(kind: 'offer' | 'request', o: { energyMWh: number; priceUnitsPerKWh: number; fromMs: number; toMs: number; maxPowerMW: number; socPermille: number }): Promise<string> {
    const seq = ++this.orderSeq;
    const id = `${this.id}-${kind === 'offer' ? 'o' : 'r'}-${seq}`;
    const body = { node: this.id, seq, id, ...o, atMs: this.now() };
    await this.node.publishAsync(this.topic(kind), Buffer.from(encode(kind, body, this.b.node.secretKey)), { qos: 1 });
    return id;
  }

  /** The next contract that reaches this node's inbox. */
  nextContract(): Promise<ContractBody> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  async ack(c: ContractBody): Promise<void> {
    const body = { node: this.id, seq: ++this.ackSeq, contractId: c.id, contractSeq: c.seq, accepted: true, atMs: this.now() };
    await this.node.publishAsync(this.topic('contract-ack'), Buffer.from(encode('contract-ack', body, this.b.node.secretKey)), { qos: 1 });
  }

  /** A signed meter report for contract `c`: energy exported (seller) or imported (buyer) so far. */
  async meterReport(c: ContractBody, energyMWh: number, final: boolean): Promise<void> {
    const seller = c.seller === this.id;
    const part = { id: c.id, exportMWh: seller ? energyMWh : 0, importMWh: seller ? 0 : energyMWh, fromMs: c.beginMs, toMs: final ? c.endMs : Math.min(c.endMs, Math.max(c.beginMs, this.now())), final };
    const body = {
      meter: this.b.meter.id,
      node: this.id,
      seq: ++this.meterSeq,
      atMs: this.now(),
      lifetime: { exportMWh: this.exportMWh + part.exportMWh, importMWh: this.importMWh + part.importMWh },
      contract: part,
      faults: [],
    };
    if (final) {
      this.exportMWh += part.exportMWh;
      this.importMWh += part.importMWh;
    }
    await this.meter.publishAsync(this.topic('meter-report'), Buffer.from(encode('meter-report', body, this.b.meter.secretKey)), { qos: 1 });
  }

  async close(): Promise<void> {
    await Promise.all([this.node.endAsync(true), this.meter.endAsync(true)]);
  }
}

/**
 * The MQTT side of the virtual boards: each house's coupling node and meter
 * hold a REAL mqtt.js connection to the hub's broker with their provisioned
 * credentials; what the firmware publishes is published there, what arrives
 * is queued for the firmware.
 *
 * Quiescence (so a run is deterministic): the simulated clock stands still
 * while messages are in flight. {@link MqttBridge.settle} returns only when
 * every publish of the boards and of the hub has been routed by the broker
 * (its `publish` event, which for QoS 1 comes after its PUBACK: a sender
 * that heard the PUBACK is no proof the message reached anyone), the hub has
 * received everything routed to it and handled it (its `idle()`), and every
 * board has received everything the broker routed to it — counted from the
 * broker's own publish events against each subscriber's filters, not
 * guessed from timeouts.
 */
import mqtt, { type MqttClient } from 'mqtt';
import type { ClientName, InboxMessage } from '../house-firmware/host';
import { simFail } from './errors';

/** What the simulation needs from the hub it runs against. */
export interface SimHub {
  readonly village: string;
  readonly hubPublicKey: string;
  /** mqtt://host:port of the broker. */
  readonly mqttUrl: string;
  /** Admit a household; its boards' ids, keys and broker logins. */
  admit(household: string, name: string): Promise<HouseCredentials>;
  /** Housekeeping on the hub clock (contract resends, settlement, time). */
  tick(): Promise<void>;
  /** Resolves when everything the hub received so far is handled and recorded. */
  idle(): Promise<void>;
  /** Every publish the broker accepts (topic, publishing client id or null for the broker). */
  onBrokerPublish(listener: (topic: string, clientId: string | null) => void): void;
  /** Every message the hub's own client receives. */
  onHubReceive(listener: (topic: string) => void): void;
  /** The hub's subscriptions. */
  readonly hubFilters: string[];
  /**
   * Work the hub has scheduled on real-time timers (e.g. a debounced book
   * publish), or a publish of the hub's own client the broker has not yet
   * routed to its subscribers (a broker may PUBACK before it routes, so the
   * hub's handlers — and `idle()` — can finish before the message exists
   * for the subscribers' counts).
   */
  pending(): boolean;
}

export interface BoardLogin {
  id: string;
  username: string;
  password: string;
  secretKey: string;
}

export interface HouseCredentials {
  node: BoardLogin;
  meter: BoardLogin;
}

/** MQTT topic filter match (MQTT 3.1.1 §4.7). */
export function topicMatches(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true;
    if (i >= t.length) return false;
    if (f[i] !== '+' && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}

interface Board {
  house: number;
  name: ClientName;
  clientId: string;
  client: MqttClient;
  filters: string[];
  expected: number;
  received: number;
}

export class MqttBridge {
  readonly #hub: SimHub;
  readonly #boards: Board[] = [];
  readonly #byId = new Map<string, Board>();
  readonly #inbox = new Map<number, InboxMessage[]>();
  #published = 0;
  #seenFromBoards = 0;
  #hubExpected = 0;
  #hubReceived = 0;
  #events = 0;
  #closed = false;
  /** Longest a settle may wait (real ms) before it is called a failure. */
  timeoutMs = 20_000;

  constructor(hub: SimHub) {
    this.#hub = hub;
    hub.onBrokerPublish((topic, clientId) => {
      if (topic.startsWith('$')) return;
      this.#events++;
      if (clientId !== null && this.#byId.has(clientId)) this.#seenFromBoards++;
      if (hub.hubFilters.some((f) => topicMatches(f, topic))) this.#hubExpected++;
      for (const b of this.#boards) if (b.filters.some((f) => topicMatches(f, topic))) b.expected++;
    });
    hub.onHubReceive(() => {
      this.#hubReceived++;
    });
  }

  /** Connect one board and subscribe it to the filters its firmware asked for. */
  async connect(house: number, name: ClientName, login: BoardLogin, filters: string[]): Promise<void> {
    const clientId = `sim-${login.username}`;
    const client = await new Promise<MqttClient>((resolve, reject) => {
      const c = mqtt.connect(this.#hub.mqttUrl, { username: login.username, password: login.password, clientId, reconnectPeriod: 0, connectTimeout: 5_000, clean: true });
      c.once('error', reject);
      c.once('connect', () => {
        c.off('error', reject);
        (c.stream as { setNoDelay?: (on: boolean) => void } | undefined)?.setNoDelay?.(true);
        c.on('error', () => undefined);
        resolve(c);
      });
    });
    const board: Board = { house, name, clientId, client, filters, expected: 0, received: 0 };
    client.on('message', (topic, payload, packet) => {
      // Retained messages sent on subscribing are extra: not counted against the broker's events.
      if (!packet.retain) board.received++;
      const q = this.#inbox.get(house) ?? [];
      q.push({ to: name, topic, payload: new Uint8Array(payload) });
      this.#inbox.set(house, q);
    });
    if (filters.length) {
      const granted = await client.subscribeAsync(filters, { qos: 1 });
      for (const g of granted) if (g.qos === 128) throw new Error(`${login.username}: subscription to ${g.topic} refused`);
    }
    this.#boards.push(board);
    this.#byId.set(clientId, board);
  }

  /** Messages that arrived for a house's boards since the last call. */
  takeInbox(house: number): InboxMessage[] {
    const q = this.#inbox.get(house);
    if (!q || q.length === 0) return [];
    this.#inbox.delete(house);
    return q;
  }

  get hasInbox(): boolean {
    for (const q of this.#inbox.values()) if (q.length) return true;
    return false;
  }

  /** Publish for a board (QoS and retain as the firmware asked). */
  publish(house: number, from: ClientName, topic: string, payload: Uint8Array, qos: 0 | 1 | 2, retain: boolean): void {
    const b = this.#boards.find((x) => x.house === house && x.name === from);
    if (!b) throw new Error(`house ${house} has no ${from} connection`);
    this.#published++;
    b.client.publish(topic, Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength), { qos, retain });
  }

  #quiet(): boolean {
    if (this.#seenFromBoards < this.#published) return false;
    if (this.#hubReceived < this.#hubExpected) return false;
    for (const b of this.#boards) if (b.received < b.expected) return false;
    return !this.#hub.pending();
  }

  /** Wait until no message is in flight anywhere (see the module comment). */
  async settle(): Promise<void> {
    const end = Date.now() + this.timeoutMs;
    for (;;) {
      let spins = 0;
      while (!this.#quiet()) {
        if (Date.now() > end) simFail('E_SIM_MQTT', `MQTT did not settle: published ${this.#published} seen ${this.#seenFromBoards}, hub ${this.#hubReceived}/${this.#hubExpected}, boards ${this.#boards.map((b) => `${b.clientId} ${b.received}/${b.expected}`).join(', ')}, hub pending ${this.#hub.pending()}`);
        // Let socket I/O run: a few immediate turns first, then short sleeps.
        await new Promise<void>((r) => (spins++ < 50 ? setImmediate(r) : setTimeout(r, 1)));
      }
      const before = this.#events;
      await this.#hub.idle();
      if (this.#events === before && this.#quiet()) return;
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all(this.#boards.map((b) => b.client.endAsync(false).catch(() => undefined)));
  }
}

/**
 * The hub (hub/service) as the virtual village sees it (testbed/sim's
 * SimHub): admission with keys and broker logins, housekeeping on the
 * simulated clock, and the delivery counters the simulation's quiescence
 * check needs (the embedded broker's publish events, the hub client's
 * receipts, the debounced book timer, the hub's own publishes the broker
 * has acknowledged but not yet routed).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventEmitter } from 'node:events';
import { Hub } from '../service/hub';
import type { HubOptions } from '../service/types';
import type { HouseCredentials, SimHub } from '../../testbed/sim/bridge';

export function simHubOf(hub: Hub, village: string): SimHub {
  const view = hub.simulationView();
  if (!view) throw new Error('the simulation needs the hub with its embedded broker (mqtt mode "embedded")');
  const aedes = view.aedes as unknown as EventEmitter;
  type SimClient = EventEmitter & { stream?: { setNoDelay?: (on: boolean) => void }; options?: { clientId?: string }; publish: (topic: string, ...rest: never[]) => unknown };
  const client = view.client as unknown as SimClient;
  if (!client.options?.clientId) throw new Error('the hub\'s MQTT client has no client id');
  // Small messages back and forth on loopback: no Nagle delay (it would add ~40 ms per exchange).
  client.stream?.setNoDelay?.(true);
  type Conn = { conn?: { setNoDelay?: (on: boolean) => void } };
  for (const c of Object.values((aedes as unknown as { clients?: Record<string, Conn> }).clients ?? {})) c.conn?.setNoDelay?.(true);
  aedes.on('client', (c: Conn) => c.conn?.setNoDelay?.(true));
  // The hub's publishes the broker has not routed yet, by topic. aedes
  // answers a QoS 1 PUBLISH with PUBACK *before* it routes the message to
  // subscribers and emits its `publish` event, so the hub's `send` (and with
  // it a handler, and `hub.idle()`) can finish while e.g. a meter's ack is
  // still inside the broker, not yet counted as expected by any board: the
  // simulation would advance its clock past it. Counted from the moment the
  // hub's client is asked to publish until the broker's event for it; a
  // count never goes below zero (publishes made before this wrapper, e.g.
  // the start-up presence, may be routed after it is installed).
  const unrouted = new Map<string, number>();
  const hubClientId = client.options?.clientId;
  const publish = client.publish.bind(client);
  client.publish = (topic: string, ...rest: never[]) => {
    if (!topic.startsWith('$')) unrouted.set(topic, (unrouted.get(topic) ?? 0) + 1);
    return publish(topic, ...rest);
  };
  aedes.on('publish', (packet: { topic: string }, c: { id: string } | null) => {
    if (!c || c.id !== hubClientId) return;
    const n = unrouted.get(packet.topic);
    if (n === undefined) return;
    if (n > 1) unrouted.set(packet.topic, n - 1);
    else unrouted.delete(packet.topic);
  });
  return {
    village,
    hubPublicKey: hub.hubPublicKey,
    mqttUrl: `mqtt://127.0.0.1:${hub.addresses.mqttPort}`,
    hubFilters: [`swarmgrid/v1/${village}/+/+`],
    async admit(household: string, name: string): Promise<HouseCredentials> {
      const b = await hub.addMember({ household, name });
      return {
        node: { id: b.node.id, username: b.node.broker.username, password: b.node.broker.password, secretKey: b.node.secretKey! },
        meter: { id: b.meter.id, username: b.meter.broker.username, password: b.meter.broker.password, secretKey: b.meter.secretKey! },
      };
    },
    tick: () => hub.tick(),
    idle: () => hub.idle(),
    onBrokerPublish(listener) {
      aedes.on('publish', (packet: { topic: string }, c: { id: string } | null) => listener(packet.topic, c ? c.id : null));
    },
    onHubReceive(listener) {
      client.on('message', (topic: string) => listener(topic));
    },
    pending: () => view.bookPending() || unrouted.size > 0,
  };
}

export interface SimHubHandle {
  hub: Hub;
  sim: SimHub;
  dataDir: string;
  stop(): Promise<void>;
}

/** A hub on loopback driven by `nowMs`, with a data dir (a fresh temp dir unless given). */
export async function startSimHub(o: { village: string; nowMs: () => number; dataDir?: string; httpPort?: number; httpHost?: string; rules?: HubOptions['rules']; lossTolerancePermille?: number; timePublishMs?: number; log?: HubOptions['log']; sync?: boolean }): Promise<SimHubHandle> {
  const temp = o.dataDir === undefined;
  const dataDir = o.dataDir ?? mkdtempSync(join(tmpdir(), 'swarmgrid-sim-'));
  const hub = new Hub({
    dataDir,
    village: o.village,
    nowMs: o.nowMs,
    mqtt: { mode: 'embedded', host: '127.0.0.1', port: 0, wsPort: 0 },
    httpPort: o.httpPort ?? 0,
    httpHost: o.httpHost ?? '127.0.0.1',
    sntpPort: null,
    publicHost: '127.0.0.1',
    loopMs: 0,
    sync: o.sync ?? false,
    settlementGraceMs: 5 * 60_000,
    timePublishMs: o.timePublishMs ?? 60_000,
    ...(o.rules ? { rules: o.rules } : {}),
    ...(o.lossTolerancePermille !== undefined ? { lossTolerancePermille: o.lossTolerancePermille } : {}),
    ...(o.log ? { log: o.log } : {}),
  });
  await hub.start();
  return {
    hub,
    sim: simHubOf(hub, o.village),
    dataDir,
    async stop() {
      await hub.stop();
      if (temp) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

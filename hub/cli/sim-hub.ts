/**
 * The hub (hub/service) as the virtual village sees it (testbed/sim's
 * SimHub): admission with keys and broker logins, housekeeping on the
 * simulated clock, and the delivery counters the simulation's quiescence
 * check needs (the embedded broker's publish events, the hub client's
 * receipts, the debounced book timer).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventEmitter } from 'node:events';
import { Hub } from '../service/hub';
import type { HubOptions } from '../service/types';
import type { HouseCredentials, SimHub } from '../../testbed/sim/bridge';

/** What the Hub keeps private but a simulation must watch to know nothing is in flight. */
interface HubInternals {
  broker?: { aedes: EventEmitter };
  transport?: { client?: EventEmitter & { stream?: { setNoDelay?: (on: boolean) => void } } };
  bookTimer?: unknown;
}

export function simHubOf(hub: Hub, village: string): SimHub {
  const inner = hub as unknown as HubInternals;
  const aedes = inner.broker?.aedes;
  const client = inner.transport?.client;
  if (!aedes || !client) throw new Error('the simulation needs the hub with its embedded broker (mqtt mode "embedded")');
  // Small messages back and forth on loopback: no Nagle delay (it would add ~40 ms per exchange).
  client.stream?.setNoDelay?.(true);
  type Conn = { conn?: { setNoDelay?: (on: boolean) => void } };
  for (const c of Object.values((aedes as unknown as { clients?: Record<string, Conn> }).clients ?? {})) c.conn?.setNoDelay?.(true);
  aedes.on('client', (c: Conn) => c.conn?.setNoDelay?.(true));
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
    pending: () => inner.bookTimer !== undefined,
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

/**
 * What both node kinds build the same way on Moddable: clock, timers, log,
 * the Preference store, provisioning, WiFi supervisor, SNTP from the hub,
 * and the MQTT transport. The only module besides the mains that imports
 * SDK modules; everything it builds is an adapter from ../platform/moddable.
 */
import config from 'mc/config';
import Preference from 'preference';
import SNTP from 'sntp';
import Time from 'time';
import Timer from 'timer';
import WiFi from 'wifi';
import TCP from 'embedded:io/socket/tcp';
import UDP from 'embedded:io/socket/udp';
import Resolver from 'embedded:network/dns/resolver/udp';
import MQTTClient from 'embedded:network/mqtt/client';
import type { MqttCtor, PreferenceModule, SntpCtor, TimeModule, TimerModule, WifiCtor } from '../platform/moddable/io';
import { MqttTransport } from '../platform/moddable/mqtt';
import { SntpSync } from '../platform/moddable/sntp';
import { ThrottledPreference } from '../platform/moddable/store';
import { moddableTimers, systemClock, traceLog } from '../platform/moddable/timers';
import { WifiSupervisor } from '../platform/moddable/wifi';
import type { Clock, Log, Timers } from '../platform/types';
import { describe, loadProvisioning, seedFromConfig, type Provisioning } from './provision';

/** 2024-01-01T00:00:00Z: a wall clock before this has not been set. */
export const PLAUSIBLE_EPOCH_MS = 1_704_067_200_000;

export interface Runtime {
  clock: Clock;
  timers: Timers;
  log: Log;
  store: ThrottledPreference;
  provisioning: Provisioning;
  wifi: WifiSupervisor;
  sntp: SntpSync;
  mqtt: MqttTransport;
  config: Readonly<Record<string, unknown>>;
  /** Call `fn` once the wall clock is plausible (now, or after the first SNTP answer). */
  whenTimeKnown(fn: () => void): void;
}

/** Monotonic ms for throttling (Time.ticks wraps after ~24 days on ESP32; differences stay right). */
function ticks(): number {
  return (Time as unknown as { ticks: number }).ticks;
}

/** Build the common services and start networking. Throws (after tracing) when provisioning is incomplete. */
export function startRuntime(kind: string): Runtime {
  const cfg = config as Readonly<Record<string, unknown>>;
  const log = traceLog((s) => trace(s), cfg.logLevel === 'debug' ? 'debug' : 'info');
  const timers = moddableTimers(Timer as unknown as TimerModule);
  const clock = systemClock();
  // Provisioning and the meter's checkpoints must reach flash at once (their
  // own policies limit how often they write): no deferral for them.
  const store = new ThrottledPreference(Preference as unknown as PreferenceModule, timers, ticks, { minIntervalMs: 0 });
  const seeded = seedFromConfig(store, cfg);
  if (seeded.length) log('info', `${kind}: provisioning seeded from build config: ${seeded.join(', ')}`);
  let provisioning: Provisioning;
  try {
    provisioning = loadProvisioning(store, cfg);
  } catch (e) {
    log('error', `${kind}: ${String(e)}`);
    throw e;
  }
  log('info', `${kind}: ${describe(provisioning)}`);

  const wifi = new WifiSupervisor(WiFi as unknown as WifiCtor, provisioning.wifi, timers, log);
  const sntp = new SntpSync(SNTP as unknown as SntpCtor, Time as unknown as TimeModule, timers, log, { host: provisioning.hubAddress });
  const mqtt = new MqttTransport(
    MQTTClient as unknown as MqttCtor,
    {
      host: provisioning.broker.host,
      port: provisioning.broker.port,
      id: kind === 'meter' ? provisioning.meterId : provisioning.nodeId,
      ...(provisioning.broker.user ? { user: provisioning.broker.user } : {}),
      ...(provisioning.broker.password ? { password: provisioning.broker.password } : {}),
      // The hub's address is also the village's DNS server (no internet); a literal IP needs no query.
      dns: { io: Resolver, servers: [provisioning.hubAddress], socket: { io: UDP } },
      socket: { io: TCP },
    },
    timers,
    log,
  );
  wifi.onState((state) => {
    log('debug', `${kind}: wifi ${state}`);
    if (state === 'up') {
      sntp.start();
      mqtt.start();
    }
  });
  mqtt.onState((state) => log('info', `${kind}: mqtt ${state}`));

  const waiting: (() => void)[] = [];
  sntp.onSynced(() => {
    for (const fn of waiting.splice(0)) fn();
  });
  const whenTimeKnown = (fn: () => void): void => {
    if (sntp.synced || Date.now() >= PLAUSIBLE_EPOCH_MS) fn();
    else {
      log('info', `${kind}: waiting for the hub's time before sampling`);
      waiting.push(fn);
    }
  };
  wifi.start();
  return { clock, timers, log, store, provisioning, wifi, sntp, mqtt, config: cfg, whenTimeKnown };
}

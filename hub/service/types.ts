/**
 * Options and shared shapes of the hub service. Money is integer
 * milli-units, energy integer mWh, times epoch ms from the injected clock.
 */
import type { GridRules } from '../market/types';
import type { MarketTuning } from './market';
import type { Rules } from '../ledger/types';

/** Where the hub's MQTT traffic goes: its own aedes, or an external broker (e.g. mosquitto). */
export type MqttOptions =
  | { mode: 'embedded'; host?: string; port: number; wsPort?: number | null }
  | { mode: 'external'; url: string; username?: string; password?: string; wsUrl?: string };

export interface HubOptions {
  /** Keys, credentials, the ledger (LevelDB) and the hub's own index live here. */
  dataDir: string;
  /** Village id (fixed by genesis on the first start). */
  village: string;
  /** The hub clock (the testbed runs it on simulated time). Default Date.now. */
  nowMs?: () => number;
  mqtt: MqttOptions;
  /** HTTP API and dashboard port (0 = any free port). */
  httpPort: number;
  httpHost?: string;
  /** SNTP port (0 = any free port, null = no SNTP server). */
  sntpPort?: number | null;
  /** Admin bearer token for API writes (default: generated once, kept in the data dir). */
  adminToken?: string;
  /** Genesis rules (first start only; later changes are admin-signed rule changes). */
  rules?: Partial<Rules>;
  /** Wiring limits the market enforces (default: one bus of 5 kW). */
  grid?: GridRules;
  /** Market tuning: slot grid, smallest trade, lowest power, longest window (hub/market defaults). */
  market?: MarketTuning;
  /** Settle a contract this long after its end (default 5 min). */
  settlementGraceMs?: number;
  /** Re-send an unacknowledged contract this often (default 10 s). */
  contractResendMs?: number;
  /** Publish the signed village time this often (default 10 s). */
  timePublishMs?: number;
  /** Link-loss tolerance for settlement, per mille of the delivered energy (default 50 = 5 %). */
  lossTolerancePermille?: number;
  /** Address nodes use to reach the hub (provisioning bundles). Default: the first non-internal IPv4. */
  publicHost?: string;
  /** Clock offsets beyond this are flagged as drifting (default 2 000 ms). */
  driftBoundMs?: number;
  /** Real-time period of the housekeeping loop (default 250 ms; 0 = none, call tick() yourself). */
  loopMs?: number;
  /** Dashboard files (default hub/web next to this module; served when the folder exists). */
  webDir?: string;
  /** Log sink (default: none). */
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** fsync every ledger commit (default true). */
  sync?: boolean;
  /** Check a ledger batch's signatures on the thread pool (every core; default true). */
  parallelVerify?: boolean;
}

/** Defaults the hub applies to missing options. */
export const DEFAULTS = {
  settlementGraceMs: 5 * 60_000,
  contractResendMs: 10_000,
  timePublishMs: 10_000,
  lossTolerancePermille: 50,
  driftBoundMs: 2_000,
  loopMs: 250,
  grid: { kind: 'bus', busLimitMW: 5_000_000 } as GridRules,
  rules: {
    endowmentMilliUnits: 100_000,
    priceBand: { minPriceUnitsPerKWh: 0, maxPriceUnitsPerKWh: 1_000 },
    creditLimitMilliUnits: 0,
    settlementGraceMs: 5 * 60_000,
    payment: 'prepaid',
  } as Rules,
};

/** A settlement as the API shows it. */
export interface SettlementView {
  paidMilliUnits: number;
  deliveredMWh: number;
  consumedMWh: number;
  disputed: boolean;
  reason: string | null;
  height: number;
}

/** A contract row of GET /api/contracts. */
export interface ContractView {
  id: string;
  seq: number;
  seller: string;
  buyer: string;
  energyMWh: number;
  priceUnitsPerKWh: number;
  beginMs: number;
  endMs: number;
  issuedMs: number;
  state: 'issued' | 'acked' | 'running' | 'ended' | 'settled' | 'disputed';
  acks: { seller: boolean; buyer: boolean };
  deliveredMWh: number;
  consumedMWh: number;
  settlement: SettlementView | null;
}

/** An open fault of a household. */
export interface FaultView {
  node: string;
  code: string;
  atMs: number;
  detail: string;
}

export type Log = (level: 'info' | 'warn' | 'error', message: string) => void;

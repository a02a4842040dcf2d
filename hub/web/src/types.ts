/// <reference lib="dom" />
/**
 * The hub API's answer shapes (binding contract: briefs/api.md). Times are
 * epoch ms, energy mWh, power mW, money milli-units, SOC permille.
 */

export type Mode = 'A' | 'P' | 'C';

export interface Telemetry {
  atMs: number;
  mode?: Mode;
  socPermille: number;
  batteryMV: number;
  batteryMA: number;
  pvPowerMW: number;
  loadPowerMW: number;
  busPowerMW: number;
  relays: { rl1: boolean; rl2: boolean };
  faults?: string[];
}

export interface Fault {
  node?: string;
  code: string;
  atMs: number;
  detail: string;
}

export interface Household {
  id: string;
  name: string;
  nodeKey: string;
  meter: string;
  online: boolean;
  lastSeenMs: number;
  offlineSinceMs: number | null;
  telemetry: Telemetry | null;
  mode: Mode | null;
  faults: Fault[];
  balanceMilliUnits: number;
  reservedMilliUnits: number;
  clock: { offsetMs: number; drifting: boolean } | null;
}

export interface HistoryPoint {
  atMs: number;
  socPermille: number;
  pvPowerMW: number;
  loadPowerMW: number;
  busPowerMW: number;
  mode: Mode | null;
}

export interface HouseholdDetail extends Household {
  history: HistoryPoint[];
}

export interface Order {
  id: string;
  node: string;
  energyMWh: number;
  remainingMWh: number;
  priceUnitsPerKWh: number;
  fromMs: number;
  toMs: number;
}

export interface Book {
  offers: Order[];
  requests: Order[];
}

export interface Settlement {
  paidMilliUnits: number;
  deliveredMWh: number;
  consumedMWh: number;
  disputed: boolean;
  reason: string | null;
  height: number;
}

export type ContractState = 'issued' | 'acked' | 'running' | 'ended' | 'settled' | 'disputed';

export interface Contract {
  id: string;
  seq: number;
  seller: string;
  buyer: string;
  energyMWh: number;
  priceUnitsPerKWh: number;
  beginMs: number;
  endMs: number;
  state: ContractState;
  acks: { seller: boolean; buyer: boolean };
  deliveredMWh: number;
  consumedMWh: number;
  settlement: Settlement | null;
}

export interface Tx {
  kind: string;
  signer: string;
  hash: string;
  sigValid: boolean;
  summary: string;
}

export interface Block {
  height: number;
  hash: string;
  prev: string;
  timeMs: number;
  txCount: number;
  stateHash: string;
  sigValid: boolean;
  txs?: Tx[];
}

export interface Balance {
  household: string;
  balanceMilliUnits: number;
  reservedMilliUnits: number;
}

export type Audit =
  | { ok: true; height: number; blocks: number; txs: number; balances: number }
  | { ok: false; code: string; message: string; height: number; index: number };

export interface EnergyHour {
  hour: number;
  pvWh: number;
  loadWh: number;
  batteryWh: number;
  sentWh: number;
  receivedWh: number;
  /** null for an hour without telemetry. */
  socPermille: number | null;
}

export interface EnergyKpi {
  /** E_shp (eq. 7): shared / PV, a fraction 0..1 or a percentage (see format.fractionPercent). */
  Eshp: number;
  /** E_reqp (eq. 8): requested / daily demand. */
  Ereqp: number;
  cycles: number;
  wastedPvWh: number;
}

export interface EnergyHousehold {
  hours: EnergyHour[];
  kpi: EnergyKpi;
}

export interface EnergyDay {
  day: string;
  households: Record<string, EnergyHousehold>;
  runs?: Record<string, unknown>;
}

export interface Status {
  village: string;
  hubKey: string;
  nowMs: number;
  startedMs: number;
  mqtt: { mode: 'embedded' | 'external'; url: string; wsUrl?: string };
  households: number;
  height: number;
  version: string;
}

export interface PriceBand {
  minPriceUnitsPerKWh: number;
  maxPriceUnitsPerKWh: number;
}

export interface Rules {
  priceBand?: PriceBand;
  endowmentMilliUnits?: number;
  [k: string]: unknown;
}

export interface ApiErrorBody {
  error: { code: string; message: string };
}

/**
 * Shapes of the ledger: genesis, rules, transactions (signed envelopes of
 * contracts.md), blocks, and the state entries a block changes.
 * Money is integer milli-units (1 unit = 1000 milli-units), energy integer mWh.
 */

/** A JSON value with a canonical form (integers only). */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A signed message as it travels on MQTT and sits in a block. */
export interface Envelope<B = Record<string, Json>> {
  v: 1;
  kind: string;
  body: B;
  sig: string;
}

/** Price band every order and contract must respect (units per kWh, inclusive). */
export interface PriceBand {
  minPriceUnitsPerKWh: number;
  maxPriceUnitsPerKWh: number;
}

/** The village's rules, fixed at genesis and changed by admin-signed rule changes. */
export interface Rules {
  /** Granted to each member on admission. */
  endowmentMilliUnits: number;
  priceBand: PriceBand;
  /** How far below zero a postpaid balance may go (ignored when prepaid: floor 0). */
  creditLimitMilliUnits: number;
  /** How long after a contract's end the hub may settle it (informative for the hub). */
  settlementGraceMs: number;
  payment: 'prepaid' | 'postpaid';
}

/** Body of the genesis envelope (kind "genesis", signed by an admin or the hub). */
export interface GenesisBody {
  village: string;
  hubKey: string;
  admins: string[];
  rules: Rules;
  timeMs: number;
}

/** The part of a block that is hashed and signed (domain "block"). */
export interface BlockHeader {
  height: number;
  /** Hash of the previous header (of the genesis envelope for height 1), hex. */
  prev: string;
  timeMs: number;
  txCount: number;
  /** SHA-256 over the concatenated SHA-256 of each tx's canonical envelope, hex. */
  txRoot: string;
  /** SHA-256(previous stateHash ‖ SHA-256(canonical state diff of this block)), hex. */
  stateHash: string;
}

/** A sealed block: header, the hub's signature over it, and its transactions. */
export interface Block {
  header: BlockHeader;
  sig: string;
  txs: Envelope[];
}

/** Outcome of one submitted transaction. */
export type TxOutcome =
  | { status: 'applied'; height: number; index: number; hash: string }
  | { status: 'duplicate'; hash: string }
  | { status: 'rejected'; code: string; message: string };

/** A member's account: balance and the part reserved by open contracts. */
export interface Account {
  balanceMilliUnits: number;
  reservedMilliUnits: number;
}

/** A household admitted to the village. */
export interface Member {
  household: string;
  name: string;
  nodeKey: string;
  meter: string;
  meterKey: string;
  admittedHeight: number;
}

/** An open offer or request. */
export interface Order {
  kind: 'offer' | 'request';
  node: string;
  id: string;
  energyMWh: number;
  priceUnitsPerKWh: number;
  fromMs: number;
  toMs: number;
}

/** A contract as the ledger keeps it. */
export interface ContractRecord {
  id: string;
  seq: number;
  seller: string;
  buyer: string;
  energyMWh: number;
  priceUnitsPerKWh: number;
  beginMs: number;
  endMs: number;
  /** Funds held on the buyer's account until settlement (ceil(energy × price / 1000)). */
  reservedMilliUnits: number;
  settled: boolean;
}

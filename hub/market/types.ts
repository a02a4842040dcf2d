/**
 * Shapes of the matching engine: orders, trades, rules and the input log.
 *
 * The engine is a pure core: it reads no clock, does no IO and draws no
 * random numbers. Everything it needs arrives as an {@link MarketInput}
 * (time included, as `atMs`) or through the injected {@link AccountsView}.
 * Every field is a plain JSON value so the ledger can store the input log
 * verbatim and replay it.
 */

/** Which side of the book an order rests on. */
export type Side = 'sell' | 'buy';

/** An order as a node submits it (an offer is a sell, a request a buy). */
export interface OrderSpec {
  /** Node-chosen order id, unique for the life of the engine. */
  id: string;
  /** The household that sells or buys. */
  node: string;
  side: Side;
  /** Energy to sell or buy, milliwatt-hours, integer > 0. */
  energyMWh: number;
  /** Limit price: the least a seller accepts, the most a buyer pays. */
  priceUnitsPerKWh: number;
  /** Delivery window [fromMs, toMs). */
  fromMs: number;
  toMs: number;
  /** What the node can deliver (seller) or absorb (buyer), milliwatts. */
  maxPowerMW: number;
}

/** An order on the book: the spec plus what the engine tracks. */
export interface BookOrder extends OrderSpec {
  /** Arrival sequence, 1-based, assigned by the engine: the time priority. */
  arrival: number;
  /** Energy not yet traded, mWh. filled + remaining = energyMWh always. */
  remainingMWh: number;
}

/** The physical circuit a trade uses. */
export type TradeCircuit = { kind: 'bus' } | { kind: 'star'; index: number };

/** A match; the hub turns it into a signed contract. */
export interface Trade {
  /** `t-<seq>`: the engine's trade id. */
  id: string;
  /** Strictly increasing trade number, 1-based. */
  seq: number;
  buyOrderId: string;
  sellOrderId: string;
  buyer: string;
  seller: string;
  energyMWh: number;
  priceUnitsPerKWh: number;
  beginMs: number;
  endMs: number;
  /** Power the contract may draw from the bus, mW (≤ both nodes' maxPowerMW). */
  maxPowerMW: number;
  circuit: TradeCircuit;
  /** Units reserved on the buyer's account for this trade, milli-units. */
  reservedMilliUnits: number;
  /** Engine time at which the trade was made. */
  atMs: number;
}

/** How the village's wiring limits concurrent contracts. */
export type GridRules =
  /**
   * One shared DC bus: the powers of concurrent contracts add up. Meters on
   * a shared bus cannot tell which contract a flow belongs to, so
   * `maxConcurrent` (optional, integer ≥ 1; absent = unlimited) caps how
   * many contracts' windows may overlap, as a star grid's circuits do.
   */
  | { kind: 'bus'; busLimitMW: number; maxConcurrent?: number }
  /** A switching module closing one dedicated circuit per contract. */
  | { kind: 'star'; circuits: number; circuitLimitMW: number };

/** Market rules (a village's configuration); validated once by the engine. */
export interface MarketRules {
  /** Accepted limit prices, inclusive. */
  minPriceUnitsPerKWh: number;
  maxPriceUnitsPerKWh: number;
  grid: GridRules;
  /** Pre-paid: balance − reserved ≥ cost. Post-paid: balance − reserved − cost ≥ −credit. */
  payment: 'prepaid' | 'postpaid';
  /** Post-paid only: how far below zero a buyer's balance may go, milli-units. */
  creditLimitMilliUnits: number;
  /** Longest accepted order window, ms (default one week). */
  maxWindowMs?: number;
  /** Smallest trade worth a contract, mWh (default 1 000 = 1 Wh); smaller orders are refused. */
  minTradeMWh?: number;
  /** Contract begin and end lie on multiples of this, ms (default 60 000; 1 = no grid; ≤ 1 h). */
  slotMs?: number;
  /** Lowest power a contract is given on a busy bus, mW (default 1 000 = 1 W). */
  minPowerMW?: number;
  /**
   * DC loads cannot be throttled: a seller whose maxPowerMW is below the
   * buyer's would brown the bus out, so such a pair does not trade (default
   * false: the contract runs at the lower of the two powers).
   */
  sellerCarriesBuyer?: boolean;
}

/** Energy and power a node declares it can export (from its HEMTS estimate, eq. 4). */
export interface Declaration {
  node: string;
  /** Upper bound on the node's open sell energy (resting + contracted, unsettled). */
  exportMWh: number;
  /** Upper bound on any of the node's orders' maxPowerMW. */
  maxPowerMW: number;
}

/** The ledger's view of an account, read at match time. */
export interface AccountView {
  balanceMilliUnits: number;
}

/** Injected: the current balance of a node's account (undefined = no account, balance 0). */
export type AccountsView = (node: string) => AccountView | undefined;

/** One entry of the engine's input log. Each carries the hub's time. */
export type MarketInput =
  | { kind: 'submit'; atMs: number; order: OrderSpec }
  | { kind: 'cancel'; atMs: number; node: string; orderId: string }
  | { kind: 'declare'; atMs: number; declaration: Declaration }
  /** Time passes: expire orders (matches nothing: time alone never enables a trade). */
  | { kind: 'tick'; atMs: number }
  /** A trade was settled (or voided): free its reservation, slot, bus power, circuit. */
  | { kind: 'settled'; atMs: number; tradeId: string }
  /** The ledger changed `node`'s balance: its buy orders are matched again. */
  | { kind: 'funds'; atMs: number; node: string };

/** Why an order left the book. */
export type RemovalReason = 'filled' | 'cancelled' | 'expired';

/** What one input did. */
export interface Outcome {
  /** Engine time after the input (max of all atMs seen). */
  nowMs: number;
  /** Trades made, in the order they were made. */
  trades: Trade[];
  /** Orders that left the book, in the order they left. */
  removed: Array<{ orderId: string; node: string; reason: RemovalReason }>;
  /** Submit only: the order as booked (before matching). */
  accepted?: { orderId: string; arrival: number };
  /** Settled only: the reservation released. */
  released?: { tradeId: string; buyer: string; milliUnits: number };
}

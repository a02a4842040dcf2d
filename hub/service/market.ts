/**
 * The hub's market desk: the matching engine (hub/market) fed from signed
 * orders, with the ledger's balances, and rebuilt from the ledger after a
 * restart.
 *
 * Capacity declarations: a node's HEMTS sizes each offer itself (E_sh,
 * eq. 4) and states the power it can export (maxPowerMW). The hub declares
 * exactly that before submitting the offer: the offer's maxPowerMW as the
 * power bound, and no separate energy bound beyond the offers themselves.
 *
 * Recovery: every trade the hub turns into a contract is recorded in the hub
 * store (`trade/<contractId>`) before the contract is appended to the ledger.
 * On start the engine holds again every unsettled ledger contract's trade,
 * then the ledger's open orders are re-submitted with what is left of them
 * (their energy less the energy of the ledger's contracts made from them),
 * in ledger order. Matching may then resume where it stopped. The hub store
 * is written without fsync (a killed process loses nothing; a power cut may
 * lose the last records): a contract without its record is charged to the
 * parties' open orders that could have made it.
 */
import { MatchingEngine } from '../market/engine';
import type { BookOrder, GridRules, MarketRules, Outcome, Trade, TradeCircuit } from '../market/types';
import type { OrderBody } from '../../shared/protocol';
import type { Ledger } from '../ledger';
import type { Order, Rules } from '../ledger/types';
import type { LedgerIndex } from './ledger-index';
import type { Log } from './types';

/** What the hub store keeps about the trade behind a contract. */
export interface TradeRecord {
  contractId: string;
  tradeId: string;
  seq: number;
  buyOrderId: string;
  sellOrderId: string;
  maxPowerMW: number;
  circuit: TradeCircuit;
  reservedMilliUnits: number;
  atMs: number;
}

/** Market tuning beyond the ledger's rules (slot grid, smallest trade, …). */
export type MarketTuning = Partial<Omit<MarketRules, 'minPriceUnitsPerKWh' | 'maxPriceUnitsPerKWh' | 'grid' | 'payment' | 'creditLimitMilliUnits'>>;

export function marketRules(rules: Rules, grid: GridRules, tuning: MarketTuning = {}): MarketRules {
  return {
    // A bus feeds loads that cannot be throttled (see MarketRules).
    sellerCarriesBuyer: true,
    ...tuning,
    minPriceUnitsPerKWh: rules.priceBand.minPriceUnitsPerKWh,
    maxPriceUnitsPerKWh: rules.priceBand.maxPriceUnitsPerKWh,
    grid,
    payment: rules.payment,
    creditLimitMilliUnits: rules.creditLimitMilliUnits,
  };
}

export class MarketDesk {
  engine: MatchingEngine;
  /** contract id ↔ engine trade id for unsettled contracts. */
  private readonly tradeOf = new Map<string, string>();
  private readonly contractOf = new Map<string, string>();

  constructor(
    private readonly ledger: Ledger,
    private readonly grid: GridRules,
    private readonly log: Log,
    readonly tuning: MarketTuning = {},
  ) {
    this.engine = this.fresh();
  }

  private fresh(): MatchingEngine {
    return new MatchingEngine({
      rules: marketRules(this.ledger.rules(), this.grid, this.tuning),
      accounts: (node) => this.ledger.account(node),
    });
  }

  /**
   * Rebuild the engine from the ledger (start, or a rule change). Returns
   * the trades re-submitted orders made at once (to be issued as contracts).
   */
  rebuild(index: LedgerIndex, records: Map<string, TradeRecord>, nowMs: number): Trade[] {
    this.engine = this.fresh();
    this.tradeOf.clear();
    this.contractOf.clear();
    const filled = new Map<string, number>();
    const open = [...index.contracts.values()].sort((a, b) => a.env.body.seq - b.env.body.seq);
    const orders: Order[] = [];
    for (const [k, v] of this.ledger.stateEntries()) if (k.startsWith('ord/')) orders.push(v as unknown as Order);
    const pos = (id: string) => index.orders.get(id)?.pos ?? Number.MAX_SAFE_INTEGER;
    orders.sort((a, b) => pos(a.id) - pos(b.id) || (a.id < b.id ? -1 : 1));
    for (const c of open) {
      const b = c.env.body;
      const r = records.get(b.id);
      if (r) {
        filled.set(r.buyOrderId, (filled.get(r.buyOrderId) ?? 0) + b.energyMWh);
        filled.set(r.sellOrderId, (filled.get(r.sellOrderId) ?? 0) + b.energyMWh);
      } else {
        // No trade record (the hub store is not fsynced, so a power cut can
        // lose the last ones): charge the contract's energy to the parties'
        // open orders that could have made it, in ledger order.
        for (const [node, kind] of [[b.seller, 'offer'], [b.buyer, 'request']] as const) {
          let left = b.energyMWh;
          for (const o of orders) {
            if (left === 0) break;
            if (o.node !== node || o.kind !== kind || o.fromMs > b.beginMs || o.toMs < b.endMs) continue;
            if (kind === 'offer' ? o.priceUnitsPerKWh > b.priceUnitsPerKWh : o.priceUnitsPerKWh < b.priceUnitsPerKWh) continue;
            const take = Math.min(left, o.energyMWh - (filled.get(o.id) ?? 0));
            if (take <= 0) continue;
            filled.set(o.id, (filled.get(o.id) ?? 0) + take);
            left -= take;
          }
        }
      }
      if (c.settlement || this.ledger.contract(b.id)?.settled) continue;
      const trade: Trade = {
        id: r?.tradeId ?? `t-r${b.seq}`,
        seq: r?.seq ?? 0,
        buyOrderId: r?.buyOrderId ?? '',
        sellOrderId: r?.sellOrderId ?? '',
        buyer: b.buyer,
        seller: b.seller,
        energyMWh: b.energyMWh,
        priceUnitsPerKWh: b.priceUnitsPerKWh,
        beginMs: b.beginMs,
        endMs: b.endMs,
        maxPowerMW: r?.maxPowerMW ?? Math.ceil((b.energyMWh * 3_600_000) / (b.endMs - b.beginMs)),
        circuit: r?.circuit ?? { kind: 'bus' },
        reservedMilliUnits: this.ledger.contract(b.id)?.reservedMilliUnits ?? r?.reservedMilliUnits ?? 0,
        atMs: r?.atMs ?? b.issuedMs,
      };
      try {
        this.engine.restoreTrade(trade);
        this.link(b.id, trade.id);
      } catch (err) {
        this.log('warn', `market: cannot hold contract ${b.id} again: ${(err as Error).message}`);
      }
    }
    const trades: Trade[] = [];
    for (const o of orders) {
      const left = o.energyMWh - (filled.get(o.id) ?? 0);
      if (left <= 0 || o.toMs <= nowMs) continue;
      // The power bound is in the signed order (indexed from its block).
      const maxPowerMW = index.orders.get(o.id)?.maxPowerMW ?? (this.grid.kind === 'bus' ? this.grid.busLimitMW : this.grid.circuitLimitMW);
      try {
        const out = this.submitSpec(o.kind, { node: o.node, id: o.id, energyMWh: left, priceUnitsPerKWh: o.priceUnitsPerKWh, fromMs: o.fromMs, toMs: o.toMs, maxPowerMW }, nowMs);
        trades.push(...out.trades);
      } catch (err) {
        this.log('warn', `market: order ${o.id} not re-booked: ${(err as Error).message}`);
      }
    }
    return trades;
  }

  /** Submit a verified, recorded offer or request. Throws E_MARKET_* (nothing changed). */
  submit(kind: 'offer' | 'request', b: OrderBody, nowMs: number): Outcome {
    return this.submitSpec(kind, b, nowMs);
  }

  private submitSpec(kind: 'offer' | 'request', b: { node: string; id: string; energyMWh: number; priceUnitsPerKWh: number; fromMs: number; toMs: number; maxPowerMW: number }, nowMs: number): Outcome {
    if (kind === 'offer') {
      const d = this.engine.declaration(b.node);
      this.engine.apply({
        kind: 'declare',
        atMs: nowMs,
        declaration: { node: b.node, exportMWh: Number.MAX_SAFE_INTEGER, maxPowerMW: Math.max(b.maxPowerMW, d?.maxPowerMW ?? 0) },
      });
    }
    return this.engine.apply({
      kind: 'submit',
      atMs: nowMs,
      order: { id: b.id, node: b.node, side: kind === 'offer' ? 'sell' : 'buy', energyMWh: b.energyMWh, priceUnitsPerKWh: b.priceUnitsPerKWh, fromMs: b.fromMs, toMs: b.toMs, maxPowerMW: b.maxPowerMW },
    });
  }

  /** Withdraw a resting order (a no-op when it already left the book). */
  cancel(node: string, orderId: string, nowMs: number): Outcome | null {
    if (!this.engine.order(orderId)) return null;
    return this.engine.apply({ kind: 'cancel', atMs: nowMs, node, orderId });
  }

  /** Tie a contract to the engine trade it came from. */
  link(contractId: string, tradeId: string): void {
    this.tradeOf.set(contractId, tradeId);
    this.contractOf.set(tradeId, contractId);
  }

  /** Release a contract's hold (settled, or its ledger append failed); may make new trades. */
  release(contractId: string, nowMs: number): Outcome | null {
    const t = this.tradeOf.get(contractId);
    if (!t) return null;
    this.tradeOf.delete(contractId);
    this.contractOf.delete(t);
    try {
      return this.engine.apply({ kind: 'settled', atMs: nowMs, tradeId: t });
    } catch (err) {
      this.log('warn', `market: release of ${contractId} (${t}): ${(err as Error).message}`);
      return null;
    }
  }

  /** Time passes: expire orders. */
  tick(nowMs: number): Outcome {
    return this.engine.apply({ kind: 'tick', atMs: nowMs });
  }

  /** The ledger changed `node`'s balance (admission, endowment): its buys are matched again. */
  funds(node: string, nowMs: number): Outcome {
    return this.engine.apply({ kind: 'funds', atMs: nowMs, node });
  }

  /** The book, best-first on each side. */
  book(): { offers: BookOrder[]; requests: BookOrder[] } {
    return { offers: this.engine.orders('sell'), requests: this.engine.orders('buy') };
  }
}

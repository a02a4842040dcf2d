/**
 * The matching engine: a continuous double auction with price–time priority
 * over delivery windows, with the grid's physical limits part of matching.
 *
 * Pure core. The engine's whole behaviour is a function of its rules, the
 * accounts it reads and the sequence of {@link MarketInput}s given to
 * {@link MatchingEngine.apply}; the hub's ledger stores that sequence, so
 * replaying it (with the same balances at the same positions) reproduces
 * every trade. No clock, no randomness, no iteration over Maps to decide
 * anything: orders are ranked by (price, arrival) and trades by seq.
 *
 * When matching runs (only where something could have become possible):
 * - submit: the incoming order walks the opposite side best-first while
 *   prices cross, trading with every counter-order it can (repeatedly with
 *   the same one if a constraint cut a trade short). Its remainder rests.
 * - settled: the trade's reservation, node slots, bus power and circuit are
 *   freed, so the pairs that could use them are matched again: orders of its
 *   buyer and seller, and pairs whose overlap meets the rest of its window.
 * - funds: the ledger changed a balance, so that node's buys are matched again.
 * - tick, cancel, expiry, declare never make a trade possible (windows only
 *   shrink as time passes; orders hold no resources), so they match nothing.
 * A re-match sweeps buys best-first against sells best-first, restricted to
 * the affected pairs, until a pass makes no trade.
 * After every input no resting buy and sell that cross in price can still
 * trade (property-tested).
 */
import { fail } from '../../shared/errors';
import { OrderBook, crosses, priority } from './book';
import { Claims, nodesHaveRoom, planTrade, type Plan } from './constraints';
import { NODE_ID, checkInput, checkOrder, checkRules } from './orders';
import { affordableMWh, availableMilliUnits, costMilliUnits, tradePrice } from './pricing';
import type { AccountsView, BookOrder, Declaration, MarketInput, MarketRules, OrderSpec, Outcome, Trade } from './types';

export interface EngineOptions {
  rules: MarketRules;
  /** The ledger's balances, read at match time. */
  accounts: AccountsView;
}

/** Plain data describing the engine's state (for replay comparisons and audits). */
export interface EngineSnapshot {
  nowMs: number;
  arrivals: number;
  tradeSeq: number;
  book: BookOrder[];
  openTrades: Trade[];
  reserved: Array<[string, number]>;
}

/** A planned trade between two resting or incoming orders. */
interface Candidate {
  plan: Plan;
  price: number;
  reservedMilliUnits: number;
}

export class MatchingEngine {
  private readonly rules: Required<MarketRules>;
  private readonly accounts: AccountsView;
  private readonly book = new OrderBook();
  private readonly claims: Claims;
  private readonly declarations = new Map<string, Declaration>();
  /** Every order id ever accepted (ids are never reused). */
  private readonly seen = new Set<string>();
  private now = Number.MIN_SAFE_INTEGER;
  private arrivals = 0;
  private tradeSeq = 0;
  /** Lowest toMs on the book: expiry scans only when the clock reaches it. */
  private nextExpiryMs = Number.MAX_SAFE_INTEGER;

  constructor(options: EngineOptions) {
    this.rules = checkRules(options.rules);
    this.claims = new Claims(this.rules.grid.kind === 'star' ? this.rules.grid.circuits : 0);
    this.accounts = options.accounts;
  }

  /** Engine time: the largest atMs seen. */
  get nowMs(): number {
    return this.now;
  }

  /**
   * Apply one input. Validation happens first: a rejected input (thrown
   * SwarmError, code E_MARKET_*) changes nothing, not even the clock. An
   * accepted input advances the clock to max(now, atMs) — a clock stepping
   * back is not an error, it just does not move time — expires orders whose
   * toMs ≤ now, then acts.
   */
  apply(input: MarketInput): Outcome {
    checkInput(input);
    const nowMs = Math.max(this.now, input.atMs);
    switch (input.kind) {
      case 'submit':
        this.checkSubmit(input.order, nowMs);
        break;
      case 'cancel': {
        const o = this.book.get(input.orderId);
        if (!o) fail('E_MARKET_UNKNOWN_ORDER', `order ${input.orderId} is not on the book`);
        if (o.node !== input.node) fail('E_MARKET_NOT_OWNER', `order ${input.orderId} belongs to another node`);
        break;
      }
      case 'declare':
        checkDeclaration(input.declaration);
        break;
      case 'settled':
        if (!this.claims.get(input.tradeId)) fail('E_MARKET_UNKNOWN_TRADE', `trade ${input.tradeId} is not open`);
        break;
      case 'funds':
        if (typeof input.node !== 'string' || !NODE_ID.test(input.node)) fail('E_MARKET_INPUT', 'funds needs a node id');
        break;
      case 'tick':
        break;
    }

    const out: Outcome = { nowMs, trades: [], removed: [] };
    this.advance(nowMs, out);
    switch (input.kind) {
      case 'submit':
        this.submit(input.order, out);
        break;
      case 'cancel':
        // It may have expired just now (then `removed` says so already).
        if (this.book.remove(input.orderId)) out.removed.push({ orderId: input.orderId, node: input.node, reason: 'cancelled' });
        break;
      case 'declare':
        this.declarations.set(input.declaration.node, { ...input.declaration });
        break;
      case 'settled': {
        const t = this.claims.settle(input.tradeId)!;
        out.released = { tradeId: t.id, buyer: t.buyer, milliUnits: t.reservedMilliUnits };
        // The part of its window still ahead is free for anyone on the grid.
        const freeFrom = Math.max(t.beginMs, nowMs);
        const freed = t.endMs > freeFrom;
        this.rematch(out, [t.buyer, t.seller]);
        if (freed) this.sweep(out, (b, s) => Math.max(b.fromMs, s.fromMs) < t.endMs && Math.min(b.toMs, s.toMs) > freeFrom);
        break;
      }
      case 'funds':
        this.rematch(out, [input.node], 'buy');
        break;
      case 'tick':
        break;
    }
    return out;
  }

  /** A resting order (a copy), or undefined. */
  order(id: string): BookOrder | undefined {
    const o = this.book.get(id);
    return o ? { ...o } : undefined;
  }

  /** The book side best-first (copies). */
  orders(side: 'sell' | 'buy'): BookOrder[] {
    return this.book.side(side).map((o) => ({ ...o }));
  }

  /** Unsettled trades, by seq. */
  openTrades(): Trade[] {
    return this.claims.openTrades();
  }

  /** Milli-units reserved on `node`'s account by unsettled purchases. */
  reservedMilliUnits(node: string): number {
    return this.claims.reservedMilliUnits(node);
  }

  /**
   * Recovery after a restart (the hub rebuilds its engine from the ledger):
   * hold again an unsettled trade an earlier engine made — its time slots,
   * bus power or circuit, the buyer's reservation and the seller's sold
   * energy — until it is settled. Later trade numbers follow it. Call before
   * re-submitting the resting orders. E_MARKET_DUPLICATE for a held trade id.
   */
  restoreTrade(trade: Trade): void {
    if (this.claims.get(trade.id)) fail('E_MARKET_DUPLICATE', `trade ${trade.id} is already held`);
    this.claims.add({ ...trade, circuit: { ...trade.circuit } });
    if (trade.seq > this.tradeSeq) this.tradeSeq = trade.seq;
  }

  /** The node's last declaration (a copy), or undefined. */
  declaration(node: string): Declaration | undefined {
    const d = this.declarations.get(node);
    return d ? { ...d } : undefined;
  }

  /**
   * The trade two resting orders could make now, or null. This is the
   * predicate matching uses; "the book is not crossed" means it is null for
   * every resting buy/sell pair whose prices cross.
   */
  canTrade(buyId: string, sellId: string): Plan | null {
    const buy = this.book.get(buyId);
    const sell = this.book.get(sellId);
    if (!buy || !sell || buy.side !== 'buy' || sell.side !== 'sell') return null;
    return this.candidate(buy, sell)?.plan ?? null;
  }

  snapshot(): EngineSnapshot {
    const reserved: Array<[string, number]> = [];
    for (const t of this.claims.openTrades()) {
      if (!reserved.some(([n]) => n === t.buyer)) reserved.push([t.buyer, this.claims.reservedMilliUnits(t.buyer)]);
    }
    reserved.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    return {
      nowMs: this.now,
      arrivals: this.arrivals,
      tradeSeq: this.tradeSeq,
      book: this.book.all().map((o) => ({ ...o })),
      openTrades: this.claims.openTrades().map((t) => ({ ...t, circuit: { ...t.circuit } })),
      reserved,
    };
  }

  // --- validation -----------------------------------------------------------

  private checkSubmit(o: OrderSpec, nowMs: number): void {
    checkOrder(this.rules, o, nowMs);
    if (this.seen.has(o.id)) fail('E_MARKET_DUPLICATE', `order id ${o.id} was used before`);
    if (o.side !== 'sell') return;
    const d = this.declarations.get(o.node);
    if (!d) fail('E_MARKET_OVER_DECLARED', `node ${o.node} has declared no export capacity`);
    if (o.maxPowerMW > d.maxPowerMW) fail('E_MARKET_OVER_DECLARED', `maxPowerMW ${o.maxPowerMW} > declared ${d.maxPowerMW}`);
    // Open sell energy: what still rests (orders that expire at nowMs do not
    // count) plus what is sold and not yet settled.
    let open = this.claims.soldOpenMWh(o.node);
    for (const r of this.book.nodeOrders(o.node)) if (r.side === 'sell' && r.toMs > nowMs) open += r.remainingMWh;
    if (open + o.energyMWh > d.exportMWh) {
      fail('E_MARKET_OVER_DECLARED', `offer of ${o.energyMWh} mWh with ${open} mWh open exceeds the declared ${d.exportMWh} mWh`);
    }
  }

  // --- state changes --------------------------------------------------------

  private advance(nowMs: number, out: Outcome): void {
    this.now = nowMs;
    this.claims.prune(nowMs);
    if (nowMs < this.nextExpiryMs) return;
    let next = Number.MAX_SAFE_INTEGER;
    for (const o of this.book.all()) {
      if (o.toMs <= nowMs) {
        this.book.remove(o.id);
        out.removed.push({ orderId: o.id, node: o.node, reason: 'expired' });
      } else if (o.toMs < next) next = o.toMs;
    }
    this.nextExpiryMs = next;
  }

  private submit(spec: OrderSpec, out: Outcome): void {
    const order: BookOrder = {
      id: spec.id,
      node: spec.node,
      side: spec.side,
      energyMWh: spec.energyMWh,
      priceUnitsPerKWh: spec.priceUnitsPerKWh,
      fromMs: spec.fromMs,
      toMs: spec.toMs,
      maxPowerMW: spec.maxPowerMW,
      arrival: ++this.arrivals,
      remainingMWh: spec.energyMWh,
    };
    this.seen.add(order.id);
    out.accepted = { orderId: order.id, arrival: order.arrival };

    for (const c of this.crossing(order)) {
      if (order.remainingMWh === 0) break;
      if (order.side === 'buy') this.matchPair(order, c, out);
      else this.matchPair(c, order, out);
    }

    if (order.remainingMWh > 0) {
      this.book.add(order);
      if (order.toMs < this.nextExpiryMs) this.nextExpiryMs = order.toMs;
    } else {
      out.removed.push({ orderId: order.id, node: order.node, reason: 'filled' });
    }
  }

  /** The opposite side's orders whose price crosses `order`'s, best-first (a copy). */
  private crossing(order: BookOrder): BookOrder[] {
    const out: BookOrder[] = [];
    const buying = order.side === 'buy';
    for (const c of this.book.side(buying ? 'sell' : 'buy')) {
      if (buying ? !crosses(order.priceUnitsPerKWh, c.priceUnitsPerKWh) : !crosses(c.priceUnitsPerKWh, order.priceUnitsPerKWh)) break;
      out.push(c);
    }
    return out;
  }

  /**
   * Match the resting orders of `nodes` (of one side, or both) against the
   * book, each as if it had just arrived, best-ranked first (buys before
   * sells), until a pass makes no trade.
   */
  private rematch(out: Outcome, nodes: string[], side?: 'buy' | 'sell'): void {
    for (;;) {
      const before = out.trades.length;
      const seeds: BookOrder[] = [];
      for (const n of nodes) for (const o of this.book.nodeOrders(n)) if ((!side || o.side === side) && !seeds.includes(o)) seeds.push(o);
      seeds.sort((a, b) => (a.side === b.side ? priority(a, b) : a.side === 'buy' ? -1 : 1));
      for (const seed of seeds) {
        for (const c of this.crossing(seed)) {
          if (this.book.get(seed.id) !== seed) break;
          if (this.book.get(c.id) !== c) continue;
          if (seed.side === 'buy') this.matchPair(seed, c, out);
          else this.matchPair(c, seed, out);
        }
      }
      if (out.trades.length === before) return;
    }
  }

  /** Match the pairs `affected` picks, best buys first, until a pass makes no trade. */
  private sweep(out: Outcome, affected: (buy: BookOrder, sell: BookOrder) => boolean): void {
    for (;;) {
      const before = out.trades.length;
      for (const buy of [...this.book.side('buy')]) {
        if (this.book.get(buy.id) !== buy) continue;
        for (const sell of this.crossing(buy)) {
          if (this.book.get(sell.id) !== sell || !affected(buy, sell)) continue;
          this.matchPair(buy, sell, out);
          if (buy.remainingMWh === 0) break;
        }
      }
      if (out.trades.length === before) return;
    }
  }

  /**
   * Trade `buy` with `sell` as often as a window can be found (a trade cut
   * short by another contract may leave room later in the overlap). Removes
   * whichever resting order is filled.
   */
  private matchPair(buy: BookOrder, sell: BookOrder, out: Outcome): void {
    for (;;) {
      const c = this.candidate(buy, sell);
      if (!c) return;
      const trade: Trade = {
        id: `t-${++this.tradeSeq}`,
        seq: this.tradeSeq,
        buyOrderId: buy.id,
        sellOrderId: sell.id,
        buyer: buy.node,
        seller: sell.node,
        energyMWh: c.plan.energyMWh,
        priceUnitsPerKWh: c.price,
        beginMs: c.plan.beginMs,
        endMs: c.plan.endMs,
        maxPowerMW: c.plan.maxPowerMW,
        circuit: c.plan.circuit,
        reservedMilliUnits: c.reservedMilliUnits,
        atMs: this.now,
      };
      this.claims.add(trade);
      buy.remainingMWh -= trade.energyMWh;
      sell.remainingMWh -= trade.energyMWh;
      out.trades.push(trade);
      for (const o of [sell, buy]) {
        if (o.remainingMWh === 0 && this.book.get(o.id) === o) {
          this.book.remove(o.id);
          out.removed.push({ orderId: o.id, node: o.node, reason: 'filled' });
        }
      }
      if (buy.remainingMWh === 0 || sell.remainingMWh === 0) return;
    }
  }

  /** The trade `buy` and `sell` could make now, checked cheapest test first. */
  private candidate(buy: BookOrder, sell: BookOrder): Candidate | null {
    if (buy.node === sell.node) return null;
    if (!crosses(buy.priceUnitsPerKWh, sell.priceUnitsPerKWh)) return null;
    if (this.rules.sellerCarriesBuyer && sell.maxPowerMW < buy.maxPowerMW) return null;
    const fromMs = Math.max(buy.fromMs, sell.fromMs, this.now);
    const toMs = Math.min(buy.toMs, sell.toMs);
    if (fromMs >= toMs) return null;
    const price = tradePrice(buy, sell);
    const balance = this.accounts(buy.node)?.balanceMilliUnits ?? 0;
    const available = availableMilliUnits(this.rules, balance, this.claims.reservedMilliUnits(buy.node));
    const energyMWh = Math.min(buy.remainingMWh, sell.remainingMWh, affordableMWh(available, price));
    if (energyMWh < this.rules.minTradeMWh) return null;
    const g = this.rules.grid;
    const gridCap = g.kind === 'bus' ? g.busLimitMW : g.circuitLimitMW;
    const bt = this.claims.nodeTrades(buy.node);
    const st = this.claims.nodeTrades(sell.node);
    const nodeBusy = bt.length === 0 ? st : st.length === 0 ? bt : [...bt, ...st];
    const powerMW = Math.min(buy.maxPowerMW, sell.maxPowerMW, gridCap);
    const { slotMs, minTradeMWh, minPowerMW } = this.rules;
    // Most pairs fail on the nodes' own timetables: check that before
    // gathering every trade on the grid.
    if (!nodesHaveRoom({ fromMs, toMs, nodeBusy, powerMW, minTradeMWh, slotMs })) return null;
    const plan = planTrade({
      fromMs,
      toMs,
      energyMWh,
      powerMW,
      nodeBusy,
      view: this.claims.grid,
      grid: g,
      slotMs,
      minTradeMWh,
      minPowerMW,
    });
    if (!plan) return null;
    return { plan, price, reservedMilliUnits: costMilliUnits(plan.energyMWh, price) };
  }
}

function checkDeclaration(d: Declaration): void {
  const ok =
    typeof d === 'object' &&
    d !== null &&
    typeof d.node === 'string' &&
    NODE_ID.test(d.node) &&
    Number.isSafeInteger(d.exportMWh) &&
    d.exportMWh >= 0 &&
    Number.isSafeInteger(d.maxPowerMW) &&
    d.maxPowerMW >= 0;
  if (!ok) fail('E_MARKET_DECLARATION', 'a declaration needs a node id and integer exportMWh, maxPowerMW ≥ 0');
}

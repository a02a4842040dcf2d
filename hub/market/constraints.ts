/**
 * Physical constraints of a trade and the choice of its delivery window.
 *
 * Three rules come from the wiring, not from prices:
 * - a household is in at most one contract at a time: its relays (RL1 to
 *   export, RL2 to import, never both) serve one exchange, so two trades
 *   naming the same node never overlap in time, whatever its side;
 * - on a shared bus the powers of concurrent contracts add up and must stay
 *   within the bus limit at every instant;
 * - in a star grid each contract holds one of a fixed number of circuits
 *   (a switch pair in the switching module) for its whole window.
 *
 * {@link Claims} records the trades that hold those resources until they
 * are settled; {@link planTrade} picks a window that respects them.
 */
import type { GridRules, Trade, TradeCircuit } from './types';

/** Milliseconds per hour: energy(mWh) = power(mW) × duration(ms) / MS_PER_HOUR. */
export const MS_PER_HOUR = 3_600_000;

/** The unsettled trades and what they hold: time slots, bus power, circuits, money. */
export class Claims {
  private readonly open = new Map<string, Trade>();
  /** Unsettled trades that still end after the engine's clock, by beginMs then seq. */
  private active: Trade[] = [];
  private readonly byNode = new Map<string, Trade[]>();
  private readonly reserved = new Map<string, number>();
  private readonly sold = new Map<string, number>();

  add(trade: Trade): void {
    this.open.set(trade.id, trade);
    insertSorted(this.active, trade);
    for (const node of [trade.buyer, trade.seller]) {
      let list = this.byNode.get(node);
      if (!list) this.byNode.set(node, (list = []));
      insertSorted(list, trade);
    }
    this.reserved.set(trade.buyer, this.reservedMilliUnits(trade.buyer) + trade.reservedMilliUnits);
    this.sold.set(trade.seller, this.soldOpenMWh(trade.seller) + trade.energyMWh);
  }

  get(id: string): Trade | undefined {
    return this.open.get(id);
  }

  /** Release everything `id` holds; returns the trade, or undefined if it is not open. */
  settle(id: string): Trade | undefined {
    const trade = this.open.get(id);
    if (!trade) return undefined;
    this.open.delete(id);
    this.active = this.active.filter((t) => t !== trade);
    for (const node of [trade.buyer, trade.seller]) {
      const rest = (this.byNode.get(node) ?? []).filter((t) => t !== trade);
      if (rest.length) this.byNode.set(node, rest);
      else this.byNode.delete(node);
    }
    adjust(this.reserved, trade.buyer, -trade.reservedMilliUnits);
    adjust(this.sold, trade.seller, -trade.energyMWh);
    return trade;
  }

  /**
   * Forget the time slots of trades that end at or before `nowMs`: every
   * window planned from now on starts at ≥ nowMs, so they can no longer
   * overlap one. Their reservations stay until they are settled.
   */
  prune(nowMs: number): void {
    if (!this.active.some((t) => t.endMs <= nowMs)) return;
    this.active = this.active.filter((t) => t.endMs > nowMs);
    for (const [node, list] of this.byNode) {
      const rest = list.filter((t) => t.endMs > nowMs);
      if (rest.length) this.byNode.set(node, rest);
      else this.byNode.delete(node);
    }
  }

  /** Milli-units reserved on `node`'s account by its unsettled purchases. */
  reservedMilliUnits(node: string): number {
    return this.reserved.get(node) ?? 0;
  }

  /** Energy `node` has sold in unsettled trades, mWh. */
  soldOpenMWh(node: string): number {
    return this.sold.get(node) ?? 0;
  }

  /** `node`'s unpruned trades (either side), by beginMs. */
  nodeTrades(node: string): readonly Trade[] {
    return this.byNode.get(node) ?? [];
  }

  /** Unpruned trades whose window overlaps [fromMs, toMs), by beginMs. */
  overlapping(fromMs: number, toMs: number): Trade[] {
    const out: Trade[] = [];
    for (const t of this.active) {
      if (t.beginMs >= toMs) break;
      if (t.endMs > fromMs) out.push(t);
    }
    return out;
  }

  /** Every unsettled trade, by seq. */
  openTrades(): Trade[] {
    return [...this.open.values()].sort((a, b) => a.seq - b.seq);
  }
}

function insertSorted(list: Trade[], trade: Trade): void {
  let i = list.length;
  while (i > 0 && (list[i - 1]!.beginMs > trade.beginMs || (list[i - 1]!.beginMs === trade.beginMs && list[i - 1]!.seq > trade.seq))) i--;
  list.splice(i, 0, trade);
}

function adjust(map: Map<string, number>, key: string, delta: number): void {
  const v = (map.get(key) ?? 0) + delta;
  if (v === 0) map.delete(key);
  else map.set(key, v);
}

/** What {@link planTrade} needs to know about one buy/sell pair. */
export interface PlanRequest {
  /** Overlap of the two windows, already clipped to start no earlier than now. */
  fromMs: number;
  toMs: number;
  /** Energy to trade: min of both remainders and what the buyer can afford. */
  energyMWh: number;
  /** min(buyer's, seller's maxPowerMW, the bus or circuit limit). */
  powerMW: number;
  /** Trades of the buyer and of the seller (their time slots). */
  nodeBusy: readonly Trade[];
  /** Every trade overlapping [fromMs, toMs) (bus power, circuits). */
  gridBusy: readonly Trade[];
  grid: GridRules;
  minTradeMWh: number;
}

/** A window for a trade: [beginMs, endMs) at up to maxPowerMW carries energyMWh. */
export interface Plan {
  beginMs: number;
  endMs: number;
  energyMWh: number;
  maxPowerMW: number;
  circuit: TradeCircuit;
}

/**
 * Choose the trade's window, or null if no window carries at least
 * `minTradeMWh`.
 *
 * Rule (earliest common start): candidate starts are the start of the
 * overlap and every begin/end of a relevant trade inside it — constraints
 * only change there, and between two such points an earlier start is never
 * worse. The first candidate t where
 *   - neither node is in a contract,
 *   - bus: the load at t leaves headroom; power = min(both nodes, headroom at t),
 *   - star: some circuit is free at t (the free one that stays free longest,
 *     lowest index on ties),
 * gives the window [t, t + duration) where duration = ⌈energy·3 600 000 /
 * power⌉ ms, cut short if the overlap ends, either node's next contract
 * begins, the bus load would exceed the limit at this power, or the circuit
 * is taken; a cut window carries ⌊power·length / 3 600 000⌋ mWh and its end
 * is tightened to what that energy needs. If that is below minTradeMWh the
 * next candidate is tried.
 *
 * Integer safety: the products stay below 2^52 (energy ≤ 10^9 mWh, and the
 * cut branch only runs when power·length < energy·3 600 000 + power), where
 * floor/ceil of a double quotient of two integers is exact.
 */
export function planTrade(req: PlanRequest): Plan | null {
  const { fromMs: lo, toMs: hi, nodeBusy, gridBusy, grid } = req;
  if (lo >= hi || req.energyMWh < req.minTradeMWh || req.powerMW <= 0) return null;

  const points = candidatePoints(lo, hi, nodeBusy, gridBusy);
  for (const t of points) {
    let nodeEnd = hi;
    let covered = false;
    for (const tr of nodeBusy) {
      if (tr.beginMs <= t && t < tr.endMs) {
        covered = true;
        break;
      }
      if (tr.beginMs > t && tr.beginMs < nodeEnd) nodeEnd = tr.beginMs;
    }
    if (covered) continue;

    let power: number;
    let gridEnd: number;
    let circuit: TradeCircuit;
    if (grid.kind === 'bus') {
      power = Math.min(req.powerMW, grid.busLimitMW - loadAt(gridBusy, t));
      if (power <= 0) continue;
      gridEnd = nodeEnd;
      for (const x of points) {
        if (x <= t) continue;
        if (x >= nodeEnd) break;
        if (loadAt(gridBusy, x) + power > grid.busLimitMW) {
          gridEnd = x;
          break;
        }
      }
      circuit = { kind: 'bus' };
    } else {
      power = req.powerMW;
      let best = -1;
      let bestEnd = -1;
      for (let i = 0; i < grid.circuits; i++) {
        const freeUntil = circuitFreeUntil(gridBusy, i, t, nodeEnd);
        if (freeUntil > bestEnd) {
          best = i;
          bestEnd = freeUntil;
        }
      }
      if (best < 0) continue;
      gridEnd = bestEnd;
      circuit = { kind: 'star', index: best };
    }

    const cap = Math.min(nodeEnd, gridEnd);
    const needed = Math.ceil((req.energyMWh * MS_PER_HOUR) / power);
    if (cap - t >= needed) {
      return { beginMs: t, endMs: t + needed, energyMWh: req.energyMWh, maxPowerMW: power, circuit };
    }
    const energy = Math.floor((power * (cap - t)) / MS_PER_HOUR);
    if (energy >= req.minTradeMWh) {
      return { beginMs: t, endMs: t + Math.ceil((energy * MS_PER_HOUR) / power), energyMWh: energy, maxPowerMW: power, circuit };
    }
  }
  return null;
}

function candidatePoints(lo: number, hi: number, a: readonly Trade[], b: readonly Trade[]): number[] {
  const pts = [lo];
  for (const list of [a, b]) {
    for (const tr of list) {
      if (tr.beginMs > lo && tr.beginMs < hi) pts.push(tr.beginMs);
      if (tr.endMs > lo && tr.endMs < hi) pts.push(tr.endMs);
    }
  }
  pts.sort((x, y) => x - y);
  const out: number[] = [];
  for (const p of pts) if (out.length === 0 || out[out.length - 1] !== p) out.push(p);
  return out;
}

/** Sum of the powers of the trades whose window contains `t`. */
export function loadAt(trades: readonly Trade[], t: number): number {
  let load = 0;
  for (const tr of trades) if (tr.beginMs <= t && t < tr.endMs) load += tr.maxPowerMW;
  return load;
}

/** Until when circuit `index` stays free from `t` (capped at `limit`); -1 if taken at t. */
function circuitFreeUntil(trades: readonly Trade[], index: number, t: number, limit: number): number {
  let until = limit;
  for (const tr of trades) {
    if (tr.circuit.kind !== 'star' || tr.circuit.index !== index) continue;
    if (tr.beginMs <= t && t < tr.endMs) return -1;
    if (tr.beginMs > t && tr.beginMs < until) until = tr.beginMs;
  }
  return until;
}

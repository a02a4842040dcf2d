/**
 * Physical constraints of a trade and the choice of its delivery window.
 *
 * Three rules come from the wiring, not from prices:
 * - a household is in at most one contract at a time: its relays (RL1 to
 *   export, RL2 to import, never both) serve one exchange, so two trades
 *   naming the same node never overlap in time, whatever its side;
 * - on a shared bus the powers of concurrent contracts add up and must stay
 *   within the bus limit at every instant, and (when the rules set
 *   `maxConcurrent`) at most that many contracts run at once: the meters
 *   cannot attribute a shared bus's flows to overlapping contracts;
 * - in a star grid each contract holds one of a fixed number of circuits
 *   (a switch pair in the switching module) for its whole window.
 *
 * {@link Claims} records the trades that hold those resources until they
 * are settled; {@link planTrade} picks a window that respects them.
 */
import { GridProfile } from './grid';
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
  /** Lowest endMs among the active trades (prune has nothing to do before it). */
  private firstEndMs = Number.MAX_SAFE_INTEGER;
  /** Bus load and circuits over time, of the active trades. */
  readonly grid: GridProfile;

  constructor(circuits = 0) {
    this.grid = new GridProfile(circuits);
  }

  add(trade: Trade): void {
    this.open.set(trade.id, trade);
    this.grid.add(trade);
    this.firstEndMs = Math.min(this.firstEndMs, trade.endMs);
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
    const n = this.active.length;
    this.active = this.active.filter((t) => t !== trade);
    // A pruned trade's steps are already gone with the past.
    if (this.active.length < n) this.grid.remove(trade);
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
    if (nowMs < this.firstEndMs) return;
    this.grid.prune(nowMs);
    this.active = this.active.filter((t) => t.endMs > nowMs);
    this.firstEndMs = Number.MAX_SAFE_INTEGER;
    for (const t of this.active) if (t.endMs < this.firstEndMs) this.firstEndMs = t.endMs;
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
  /** The load and circuits of every trade on the grid (see {@link GridProfile.of}). */
  view: GridProfile;
  grid: GridRules;
  /** Contract boundaries lie on multiples of slotMs (epoch-aligned). */
  slotMs: number;
  minTradeMWh: number;
  /** A bus window whose headroom is below this is not used. */
  minPowerMW: number;
}

/**
 * Whether the two nodes share a free stretch of the overlap that could carry
 * the minimum trade at full power — a necessary condition for
 * {@link planTrade}, cheap enough to try before gathering the grid's trades.
 */
export function nodesHaveRoom(req: Pick<PlanRequest, 'fromMs' | 'toMs' | 'nodeBusy' | 'powerMW' | 'minTradeMWh' | 'slotMs'>): boolean {
  const lo = up(req.fromMs, req.slotMs);
  const hi = down(req.toMs, req.slotMs);
  return lo < hi && req.powerMW > 0 && nodeRoom(lo, hi, req);
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
 * Rule (earliest common start, on the slot grid): candidate starts are the
 * first slot boundary of the overlap and the first boundary at or after
 * every begin/end of a relevant trade inside it — constraints change only
 * there, and between two such points an earlier start is never worse. The
 * first candidate t where
 *   - neither node is in a contract,
 *   - bus: fewer than maxConcurrent contracts run at t (when set) and the
 *     load at t leaves at least minPowerMW of headroom; the power is
 *     min(both nodes, headroom at t) for the whole contract,
 *   - star: a circuit is free at t (the free one that stays free longest,
 *     lowest index on ties),
 * gives [t, t + duration), duration = ⌈energy·3 600 000 / power⌉ ms rounded up
 * to whole slots, cut short (at a slot boundary) where the overlap ends,
 * either node's next contract begins, the bus load would exceed the limit at
 * this power or maxConcurrent contracts would run, or the circuit is taken. A cut window carries
 * ⌊power·length / 3 600 000⌋ mWh and its end is tightened to the slots that
 * energy needs. Below minTradeMWh the next candidate is tried.
 *
 * Integer safety: energy ≤ 10^9 mWh, power ≤ 10^9 mW and slotMs ≤ 1 h keep
 * every product below 2^53, where floor/ceil of a double quotient of two
 * integers is exact.
 */
export function planTrade(req: PlanRequest): Plan | null {
  const { nodeBusy, view, grid, slotMs } = req;
  const lo = up(req.fromMs, slotMs);
  const hi = down(req.toMs, slotMs);
  if (lo >= hi || req.energyMWh < req.minTradeMWh || req.powerMW < req.minPowerMW) return null;
  // Cheap first: both nodes must share a free stretch that could carry the
  // minimum at full power, whatever the grid does. Most pairs stop here.
  if (!nodeRoom(lo, hi, req)) return null;

  // Candidate points with the bus load (star: circuits taken) holding from
  // each: load[i] holds on [points[i], points[i+1]) because every change
  // of load is a step of the profile and every step inside is a point.
  const points: number[] = [];
  const load: number[] = [];
  const nodePts = nodePoints(lo, hi, nodeBusy, slotMs);
  const byPower = grid.kind === 'bus';
  const steps = byPower ? view.load : view.count;
  // Bus only: contracts running at each point (against maxConcurrent).
  const maxConcurrent = grid.kind === 'bus' ? grid.maxConcurrent ?? Number.POSITIVE_INFINITY : Number.POSITIVE_INFINITY;
  const counted = byPower && maxConcurrent !== Number.POSITIVE_INFINITY;
  const running: number[] = [];
  let k = view.segment(lo);
  let a = 0;
  let b = k + 1;
  const push = (p: number) => {
    if (points.length && points[points.length - 1] === p) return;
    while (k + 1 < view.times.length && view.times[k + 1]! <= p) k++;
    points.push(p);
    load.push(k >= 0 ? steps[k]! : 0);
    if (counted) running.push(k >= 0 ? view.count[k]! : 0);
  };
  push(lo);
  for (;;) {
    const np = a < nodePts.length ? nodePts[a]! : Number.POSITIVE_INFINITY;
    const gp = b < view.times.length ? up(view.times[b]!, slotMs) : Number.POSITIVE_INFINITY;
    const p = Math.min(np, gp);
    if (p >= hi) break;
    if (p === np) a++;
    else b++;
    if (p > lo) push(p);
  }

  for (let i = 0; i < points.length; i++) {
    const t = points[i]!;
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
    nodeEnd = down(nodeEnd, slotMs);
    if (nodeEnd <= t) continue;

    let power: number;
    let gridEnd = nodeEnd;
    let circuit: TradeCircuit;
    if (grid.kind === 'bus') {
      if (counted && running[i]! >= maxConcurrent) continue;
      power = Math.min(req.powerMW, grid.busLimitMW - load[i]!);
      if (power < req.minPowerMW) continue;
      for (let j = i + 1; j < points.length && points[j]! < nodeEnd; j++) {
        if (load[j]! + power > grid.busLimitMW || (counted && running[j]! >= maxConcurrent)) {
          gridEnd = down(points[j]!, slotMs);
          break;
        }
      }
      circuit = { kind: 'bus' };
    } else {
      if (load[i]! >= grid.circuits) continue;
      power = req.powerMW;
      let best = -1;
      let bestEnd = -1;
      for (let c = 0; c < grid.circuits; c++) {
        const freeUntil = circuitFreeUntil(view.circuit(c), t, nodeEnd);
        if (freeUntil > bestEnd) {
          best = c;
          bestEnd = freeUntil;
        }
      }
      if (best < 0) continue;
      gridEnd = down(bestEnd, slotMs);
      circuit = { kind: 'star', index: best };
    }

    const cap = Math.min(nodeEnd, gridEnd);
    if (cap <= t) continue;
    const needed = up(Math.ceil((req.energyMWh * MS_PER_HOUR) / power), slotMs);
    if (cap - t >= needed) {
      return { beginMs: t, endMs: t + needed, energyMWh: req.energyMWh, maxPowerMW: power, circuit };
    }
    const energy = Math.floor((power * (cap - t)) / MS_PER_HOUR);
    if (energy >= req.minTradeMWh) {
      return { beginMs: t, endMs: t + up(Math.ceil((energy * MS_PER_HOUR) / power), slotMs), energyMWh: energy, maxPowerMW: power, circuit };
    }
  }
  return null;
}

/** True if some node-free stretch of [lo, hi) carries minTradeMWh at req.powerMW. */
function nodeRoom(lo: number, hi: number, req: Pick<PlanRequest, 'nodeBusy' | 'powerMW' | 'minTradeMWh' | 'slotMs'>): boolean {
  const slot = req.slotMs;
  const starts = [lo];
  for (const tr of req.nodeBusy) {
    const p = up(tr.endMs, slot);
    if (p > lo && p < hi) starts.push(p);
  }
  for (const t of starts) {
    let end = hi;
    let covered = false;
    for (const tr of req.nodeBusy) {
      if (tr.beginMs <= t && t < tr.endMs) {
        covered = true;
        break;
      }
      if (tr.beginMs > t && tr.beginMs < end) end = tr.beginMs;
    }
    if (!covered && down(end, slot) - t >= Math.ceil((req.minTradeMWh * MS_PER_HOUR) / req.powerMW)) return true;
  }
  return false;
}

/** First slot boundary at or after x. */
function up(x: number, slot: number): number {
  return Math.ceil(x / slot) * slot;
}

/** Last slot boundary at or before x. */
function down(x: number, slot: number): number {
  return Math.floor(x / slot) * slot;
}

/** Node trades' begins and ends inside (lo, hi), on the slot grid, ascending, unique. */
function nodePoints(lo: number, hi: number, trades: readonly Trade[], slot: number): number[] {
  const pts: number[] = [];
  for (const tr of trades) {
    const p = up(tr.beginMs, slot);
    if (p > lo && p < hi) pts.push(p);
    const q = up(tr.endMs, slot);
    if (q > lo && q < hi) pts.push(q);
  }
  pts.sort((x, y) => x - y);
  return pts;
}

/** Sum of the powers of the trades whose window contains `t`. */
export function loadAt(trades: readonly Trade[], t: number): number {
  let load = 0;
  for (const tr of trades) if (tr.beginMs <= t && t < tr.endMs) load += tr.maxPowerMW;
  return load;
}

/** Until when a circuit (its trades by beginMs) stays free from `t`, capped at `limit`; -1 if taken at t. */
function circuitFreeUntil(trades: readonly Trade[], t: number, limit: number): number {
  // First trade that ends after t (binary search: ends ascend with begins).
  let lo = 0;
  let hi = trades.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (trades[mid]!.endMs <= t) lo = mid + 1;
    else hi = mid;
  }
  const next = trades[lo];
  if (!next) return limit;
  if (next.beginMs <= t) return -1;
  return Math.min(next.beginMs, limit);
}

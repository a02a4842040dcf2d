/**
 * Delivery window executor: runs already-verified contract windows (the
 * signature check is the glue's job) through the relay interlock.
 *
 * At `beginMs` it closes RL1 (seller) or RL2 (buyer) if the SOC limits
 * allow; it opens again when the metered quantity is reached, when the SOC
 * leaves its limits, or at `endMs` by the LOCAL clock — so a window ends on
 * time even when the hub is gone.
 *
 * Quantity with link losses (the paper's reference model: "the supplier
 * sends delivered/link"): the contract energy is what the BUYER consumes.
 * The buyer opens RL2 when its import reaches it. The seller keeps RL1
 * closed until the buyer stops drawing (its export stays ≤ `idleMA` for
 * `debounceMs` once it has sent at least the contract energy — before that
 * an idle bus is a pause of the buyer's loads, since the buyer cannot import
 * more than the seller exports: reason `demand-ended`), the window ends, or — a safety cap —
 * its export reaches energy ÷ link (`linkPermille`, reason `quantity`).
 * A buyer whose bus is dead (bus voltage < `deadBusMV` for `debounceMs`:
 * the seller stopped or never started) opens RL2 at once (`supply-lost`)
 * instead of leaving its secondary loads unpowered until `endMs`. Both
 * rules use only fresh meter samples taken while the window runs; without
 * samples (no meter, meter silent) neither fires. It persists the highest accepted `seq`
 * (through a Preference-like store) and refuses a window with seq ≤ it, so a
 * replayed contract can never close a relay twice, also across reboots.
 */
import { fail } from '../../shared/errors';
import type { Interlock } from './interlock';
import type { SettingsStore } from './settings';

export type WindowRole = 'seller' | 'buyer';

/** The node's view of a verified contract (see contracts.md). */
export interface DeliveryWindow {
  id: string;
  seq: number;
  role: WindowRole;
  energyMWh: number;
  beginMs: number;
  endMs: number;
}

/** Lifetime meter counters (meter-report `lifetime`). */
export interface MeterCounters {
  exportMWh: number;
  importMWh: number;
}

export interface WindowLimits {
  /** A seller does not start (and stops) below this SOC. */
  sellerMinPermille: number;
  /** A buyer does not start (and stops) above this SOC. */
  buyerMaxPermille: number;
}

/** The latest reading of the house's own meter (+ current = house → bus). */
export interface BusSample {
  atMs: number;
  busMV: number;
  currentMA: number;
}

/** Flow rules of a running window (from the settings, see the module comment). */
export interface FlowRules {
  /** Link efficiency, permille: the seller's export cap is energy × 1000 / this. */
  linkPermille: number;
  /** A buyer's bus below this voltage counts as dead, mV (0: rule off). */
  deadBusMV: number;
  /** A seller's export current at or below this counts as "the buyer stopped drawing", mA (-1: rule off). */
  idleMA: number;
  /** How long a condition must hold before the window ends, ms. */
  debounceMs: number;
}

/** Without flow rules: no link loss, no dead-bus / idle detection (the executor's original behaviour). */
export const NO_FLOW_RULES: FlowRules = { linkPermille: 1000, deadBusMV: 0, idleMA: -1, debounceMs: 3000 };

export interface WindowTick {
  nowMs: number;
  socPermille: number;
  /** Latest lifetime counters from the house's meter, or null if none yet. */
  meter: MeterCounters | null;
  limits: WindowLimits;
  /** False while the fail-safe supervisor holds the house in Autonomous. */
  allowed: boolean;
  /** Latest meter sample (for the dead-bus and idle rules), or null/absent if none. */
  sample?: BusSample | null;
  /** Flow rules; absent = {@link NO_FLOW_RULES}. */
  flow?: FlowRules;
}

export type StopReason = 'quantity' | 'end' | 'soc' | 'aborted' | 'supply-lost' | 'demand-ended';
export type SkipReason = 'soc' | 'relay' | 'missed' | 'inhibited';

export type WindowEvent =
  | { kind: 'start'; id: string; role: WindowRole; atMs: number }
  | { kind: 'stop'; id: string; role: WindowRole; atMs: number; reason: StopReason; deliveredMWh: number }
  | { kind: 'skip'; id: string; atMs: number; reason: SkipReason };

const SEQ_KEY = 'winSeq';
const INT32_MAX = 2_147_483_647;

function isInt(v: unknown, lo: number, hi: number): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= lo && v <= hi;
}

interface Active {
  w: DeliveryWindow;
  base: number | null;
  delivered: number;
  startMs: number;
  /** Time of the first sample of the current dead-bus (buyer) / idle (seller) run, or null. */
  quietSinceMs: number | null;
}

/** Seller's export cap: energy ÷ link, rounded up. */
function sellerCap(energyMWh: number, linkPermille: number): number {
  return linkPermille >= 1000 ? energyMWh : Math.ceil((energyMWh * 1000) / linkPermille);
}

export class WindowExecutor {
  private readonly interlock: Interlock;
  private readonly store: SettingsStore;
  private readonly maxPending: number;
  private seq: number;
  private pending: DeliveryWindow[] = [];
  private running: Active | null = null;

  constructor(interlock: Interlock, store: SettingsStore, maxPending = 8) {
    this.interlock = interlock;
    this.store = store;
    this.maxPending = maxPending;
    const s = store.get(SEQ_KEY);
    this.seq = isInt(s, 0, INT32_MAX) ? s : 0;
  }

  /** Highest seq accepted (persisted). */
  get highestSeq(): number {
    return this.seq;
  }

  /** The window being executed, if any. */
  get active(): { window: DeliveryWindow; deliveredMWh: number } | null {
    return this.running ? { window: this.running.w, deliveredMWh: this.running.delivered } : null;
  }

  /** The role being executed (for the HEMTS `activeRole` input). */
  get activeRole(): WindowRole | null {
    return this.running ? this.running.w.role : null;
  }

  /** End of the running window; null when idle. */
  get currentEndMs(): number | null {
    return this.running ? this.running.w.endMs : null;
  }

  get pendingCount(): number {
    return this.pending.length;
  }

  /**
   * Accept a verified window: checks shape (E_WINDOW_SHAPE), role
   * (E_WINDOW_ROLE), that it has not ended (E_WINDOW_ENDED), replay
   * (E_WINDOW_REPLAY) and queue room (E_WINDOW_QUEUE); then persists its seq.
   */
  accept(input: unknown, nowMs: number): DeliveryWindow {
    const x = input as Partial<DeliveryWindow> | null;
    if (!x || typeof x !== 'object') fail('E_WINDOW_SHAPE', 'a window must be an object');
    if (x.role !== 'seller' && x.role !== 'buyer') fail('E_WINDOW_ROLE', 'the window names no role (seller or buyer)');
    if (typeof x.id !== 'string' || x.id.length === 0 || x.id.length > 64) fail('E_WINDOW_SHAPE', 'id must be a non-empty string ≤ 64 characters');
    if (!isInt(x.seq, 1, INT32_MAX)) fail('E_WINDOW_SHAPE', 'seq must be an integer in 1..2147483647');
    if (!isInt(x.energyMWh, 1, Number.MAX_SAFE_INTEGER)) fail('E_WINDOW_SHAPE', 'energyMWh must be a positive integer');
    if (!isInt(x.beginMs, 0, Number.MAX_SAFE_INTEGER) || !isInt(x.endMs, 0, Number.MAX_SAFE_INTEGER) || x.endMs <= x.beginMs)
      fail('E_WINDOW_SHAPE', 'beginMs and endMs must be integers with endMs > beginMs');
    if (x.endMs <= nowMs) fail('E_WINDOW_ENDED', `window ${x.id} ended at ${x.endMs}`);
    if (x.seq <= this.seq) fail('E_WINDOW_REPLAY', `seq ${x.seq} is not above ${this.seq}`);
    if (this.pending.length >= this.maxPending) fail('E_WINDOW_QUEUE', `already ${this.pending.length} windows pending`);
    const w: DeliveryWindow = { id: x.id, seq: x.seq, role: x.role, energyMWh: x.energyMWh, beginMs: x.beginMs, endMs: x.endMs };
    this.seq = w.seq;
    this.store.set(SEQ_KEY, w.seq); // persist before acting: a crash cannot replay it
    this.pending.push(w);
    this.pending.sort((a, b) => a.beginMs - b.beginMs || a.seq - b.seq);
    return w;
  }

  /** Advance: start, stop or skip windows. The glue also ticks the interlock. */
  tick(t: WindowTick): WindowEvent[] {
    const ev: WindowEvent[] = [];
    const r = this.running;
    if (r) {
      const counter = t.meter ? (r.w.role === 'seller' ? t.meter.exportMWh : t.meter.importMWh) : null;
      if (counter !== null) {
        if (r.base === null) r.base = counter;
        const d = counter - r.base;
        if (d > r.delivered) r.delivered = d;
      }
      const flow = t.flow ?? NO_FLOW_RULES;
      const quiet = this.quiet(r, t.nowMs, t.sample ?? null, flow);
      const target = r.w.role === 'seller' ? sellerCap(r.w.energyMWh, flow.linkPermille) : r.w.energyMWh;
      let reason: StopReason | null = null;
      if (!t.allowed) reason = 'aborted';
      else if (r.delivered >= target) reason = 'quantity';
      else if (t.nowMs >= r.w.endMs) reason = 'end';
      else if (r.w.role === 'seller' ? t.socPermille < t.limits.sellerMinPermille : t.socPermille > t.limits.buyerMaxPermille) reason = 'soc';
      // A seller's idle export before it has sent the contract energy is a pause of the buyer's loads
      // (its appliances cycle within the hour), not the end of its demand: the buyer imports at most
      // what the seller exports, so it cannot have reached its quantity yet.
      else if (quiet && (r.w.role === 'buyer' || r.delivered >= r.w.energyMWh)) reason = r.w.role === 'seller' ? 'demand-ended' : 'supply-lost';
      if (reason) ev.push(this.stop(t.nowMs, reason));
    }
    while (!this.running && this.pending.length > 0 && (this.pending[0] as DeliveryWindow).beginMs <= t.nowMs) {
      const w = this.pending.shift() as DeliveryWindow;
      let skip: SkipReason | null = null;
      if (t.nowMs >= w.endMs) skip = 'missed';
      else if (!t.allowed) skip = 'inhibited';
      else if (w.role === 'seller' ? t.socPermille < t.limits.sellerMinPermille : t.socPermille > t.limits.buyerMaxPermille) skip = 'soc';
      else if (!this.interlock.command(w.role === 'seller' ? 'rl1' : 'rl2', t.nowMs)) skip = 'relay';
      if (skip) {
        ev.push({ kind: 'skip', id: w.id, atMs: t.nowMs, reason: skip });
        continue;
      }
      const base = t.meter ? (w.role === 'seller' ? t.meter.exportMWh : t.meter.importMWh) : null;
      this.running = { w, base, delivered: 0, startMs: t.nowMs, quietSinceMs: null };
      ev.push({ kind: 'start', id: w.id, role: w.role, atMs: t.nowMs });
    }
    return ev;
  }

  /** Fail-safe: open the relays now, stop the running window and drop the pending ones. */
  abort(nowMs: number): WindowEvent[] {
    const ev: WindowEvent[] = [];
    if (this.running) ev.push(this.stop(nowMs, 'aborted'));
    for (const w of this.pending) ev.push({ kind: 'skip', id: w.id, atMs: nowMs, reason: 'inhibited' });
    this.pending = [];
    this.interlock.forceOpen(nowMs);
    return ev;
  }

  /**
   * Debounced "nothing flows": a buyer's bus below `deadBusMV`, a seller's
   * export ≤ `idleMA`, seen in every sample over `debounceMs` (by the
   * samples' own times: a meter that falls silent proves nothing). Only
   * samples taken since the window started count; a healthy sample, or none
   * for longer than the debounce, restarts it.
   */
  private quiet(r: Active, nowMs: number, s: BusSample | null, f: FlowRules): boolean {
    const seller = r.w.role === 'seller';
    if (seller ? f.idleMA < 0 : f.deadBusMV <= 0) return false;
    if (!s || s.atMs < r.startMs || nowMs - s.atMs > f.debounceMs) {
      r.quietSinceMs = null;
      return false;
    }
    const q = seller ? s.currentMA <= f.idleMA : s.busMV < f.deadBusMV;
    if (!q) {
      r.quietSinceMs = null;
      return false;
    }
    if (r.quietSinceMs === null || s.atMs < r.quietSinceMs) r.quietSinceMs = s.atMs;
    return s.atMs - r.quietSinceMs >= f.debounceMs;
  }

  private stop(nowMs: number, reason: StopReason): WindowEvent {
    const r = this.running as Active;
    this.running = null;
    this.interlock.command('none', nowMs);
    return { kind: 'stop', id: r.w.id, role: r.w.role, atMs: nowMs, reason, deliveredMWh: r.delivered };
  }
}

/**
 * The grid's load over time, kept up to date as trades are added and
 * settled, so planning a window reads it instead of rebuilding it from every
 * open trade (the matching hot path).
 *
 * A step function: from times[i] until times[i+1] the bus carries load[i] mW
 * in count[i] contracts; before times[0] nothing. For a star grid it also
 * keeps each circuit's trades in time order.
 */
import type { Trade } from './types';

export class GridProfile {
  private readonly t: number[] = [];
  private readonly l: number[] = [];
  private readonly c: number[] = [];
  private readonly perCircuit: Trade[][] = [];

  constructor(circuits = 0) {
    for (let i = 0; i < circuits; i++) this.perCircuit.push([]);
  }

  /** A profile of `trades` (tests and one-off checks). */
  static of(trades: readonly Trade[], circuits = 0): GridProfile {
    const g = new GridProfile(circuits);
    for (const tr of trades) g.add(tr);
    return g;
  }

  get times(): readonly number[] {
    return this.t;
  }

  get load(): readonly number[] {
    return this.l;
  }

  get count(): readonly number[] {
    return this.c;
  }

  /** Circuit `index`'s trades by beginMs (never overlapping, so also by endMs). */
  circuit(index: number): readonly Trade[] {
    return this.perCircuit[index] ?? [];
  }

  /** Index of the step that holds at `ms` (last i with times[i] ≤ ms), or -1 before the first. */
  segment(ms: number): number {
    let lo = 0;
    let hi = this.t.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.t[mid]! <= ms) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  }

  add(trade: Trade): void {
    this.apply(trade, 1);
    if (trade.circuit.kind === 'star') {
      const list = this.perCircuit[trade.circuit.index];
      if (list) {
        let i = list.length;
        while (i > 0 && list[i - 1]!.beginMs > trade.beginMs) i--;
        list.splice(i, 0, trade);
      }
    }
  }

  remove(trade: Trade): void {
    this.apply(trade, -1);
    if (trade.circuit.kind === 'star') {
      const list = this.perCircuit[trade.circuit.index];
      const i = list ? list.indexOf(trade) : -1;
      if (list && i >= 0) list.splice(i, 1);
    }
  }

  /** Forget the steps before `nowMs` (keeping the one that holds at nowMs) and circuits' past trades. */
  prune(nowMs: number): void {
    const k = this.segment(nowMs);
    if (k > 0) {
      this.t.splice(0, k);
      this.l.splice(0, k);
      this.c.splice(0, k);
    }
    for (let i = 0; i < this.perCircuit.length; i++) {
      const list = this.perCircuit[i]!;
      if (list.length && list[0]!.endMs <= nowMs) this.perCircuit[i] = list.filter((tr) => tr.endMs > nowMs);
    }
  }

  private apply(trade: Trade, sign: 1 | -1): void {
    const i = this.split(trade.beginMs);
    const j = this.split(trade.endMs);
    for (let k = i; k < j; k++) {
      this.l[k]! += sign * trade.maxPowerMW;
      this.c[k]! += sign;
    }
  }

  /** Make `ms` a step boundary; returns its index. */
  private split(ms: number): number {
    const k = this.segment(ms);
    if (k >= 0 && this.t[k] === ms) return k;
    this.t.splice(k + 1, 0, ms);
    this.l.splice(k + 1, 0, k >= 0 ? this.l[k]! : 0);
    this.c.splice(k + 1, 0, k >= 0 ? this.c[k]! : 0);
    return k + 1;
  }
}

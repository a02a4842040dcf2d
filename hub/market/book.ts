/**
 * The order book: two sides kept sorted by price–time priority.
 *
 * Sells best-first = lowest price, then earliest arrival; buys best-first =
 * highest price, then earliest arrival. Arrival numbers are unique, so the
 * order is total and the same inputs always give the same book — nothing
 * here depends on Map iteration order (the Map is for lookup only).
 */
import type { BookOrder, Side } from './types';

/** Negative if `a` has priority over `b` on its side. */
export function priority(a: BookOrder, b: BookOrder): number {
  if (a.priceUnitsPerKWh !== b.priceUnitsPerKWh) {
    return a.side === 'sell' ? a.priceUnitsPerKWh - b.priceUnitsPerKWh : b.priceUnitsPerKWh - a.priceUnitsPerKWh;
  }
  return a.arrival - b.arrival;
}

/** True if a buy at `buyPrice` and a sell at `sellPrice` cross. */
export function crosses(buyPrice: number, sellPrice: number): boolean {
  return buyPrice >= sellPrice;
}

export class OrderBook {
  private readonly sells: BookOrder[] = [];
  private readonly buys: BookOrder[] = [];
  private readonly byId = new Map<string, BookOrder>();
  private readonly byNode = new Map<string, BookOrder[]>();

  /** Number of resting orders. */
  get size(): number {
    return this.byId.size;
  }

  get(id: string): BookOrder | undefined {
    return this.byId.get(id);
  }

  /** The side's orders best-first (live array: do not mutate; copy before mutating the book). */
  side(side: Side): readonly BookOrder[] {
    return side === 'sell' ? this.sells : this.buys;
  }

  add(order: BookOrder): void {
    const list = this.list(order.side);
    list.splice(this.position(list, order), 0, order);
    this.byId.set(order.id, order);
    const mine = this.byNode.get(order.node);
    if (mine) mine.push(order);
    else this.byNode.set(order.node, [order]);
  }

  /** `node`'s resting orders, by arrival. */
  nodeOrders(node: string): readonly BookOrder[] {
    return this.byNode.get(node) ?? [];
  }

  /** Remove by id; returns the order, or undefined if it was not on the book. */
  remove(id: string): BookOrder | undefined {
    const order = this.byId.get(id);
    if (!order) return undefined;
    const list = this.list(order.side);
    const i = this.position(list, order);
    // position() is the first index not ranked before `order`: with unique
    // arrivals that is the order itself.
    list.splice(i, 1);
    this.byId.delete(id);
    const rest = (this.byNode.get(order.node) ?? []).filter((o) => o !== order);
    if (rest.length) this.byNode.set(order.node, rest);
    else this.byNode.delete(order.node);
    return order;
  }

  /** Every resting order, sells then buys, each best-first. */
  all(): BookOrder[] {
    return [...this.sells, ...this.buys];
  }

  private list(side: Side): BookOrder[] {
    return side === 'sell' ? this.sells : this.buys;
  }

  /** Binary search: first index whose order does not rank before `order`. */
  private position(list: BookOrder[], order: BookOrder): number {
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (priority(list[mid]!, order) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/**
 * offer / request (signed by the node): verify → seq above the node's last
 * (one counter for offer, request and cancel, as the ledger keeps it) →
 * the ledger's own checks done ahead (open order id, price band) → matching
 * engine → the order and the contracts it made go to the ledger in one batch
 * (one block, one fsync) → contracts out.
 *
 * The engine sees the order before the ledger has it: every check the
 * ledger would make on it is made here first, so the ledger refusing it is
 * a bug path. Should it happen, the order's rest leaves the book, the node
 * hears the code, and contracts already recorded stand (they are settled
 * from the meters like any other).
 */
import { checkOrder, checkRules } from '../../market/orders';
import type { Message } from '../../../shared/protocol';
import type { HubContext } from '../context';
import { marketRules } from '../market';
import { observeClock, refuse, verifiedNode } from './common';

export async function onOrder(ctx: HubContext, msg: Message<'offer'> | Message<'request'>, grid: Parameters<typeof marketRules>[1]): Promise<void> {
  const b = msg.body;
  await verifiedNode(ctx, msg, b.node);
  observeClock(ctx, b.node, b.atMs);
  const key = `nseq:${b.node}`;
  if (!ctx.nodeSeq.fresh(key, b.seq)) refuse('E_REPLAY', `${msg.kind} seq ${b.seq} of ${b.node} is not above ${ctx.nodeSeq.last(key)}`);
  if (ctx.ledger.order(b.id) || ctx.market.engine.order(b.id)) refuse('E_LEDGER_DUPLICATE', `order ${b.id} is already open`);
  const spec = { id: b.id, node: b.node, side: msg.kind === 'offer' ? ('sell' as const) : ('buy' as const), energyMWh: b.energyMWh, priceUnitsPerKWh: b.priceUnitsPerKWh, fromMs: b.fromMs, toMs: b.toMs, maxPowerMW: b.maxPowerMW };
  checkOrder(checkRules(marketRules(ctx.ledger.rules(), grid, ctx.market.tuning)), spec, Math.max(ctx.now(), ctx.market.engine.nowMs));
  const band = ctx.ledger.rules().priceBand;
  if (b.priceUnitsPerKWh < band.minPriceUnitsPerKWh || b.priceUnitsPerKWh > band.maxPriceUnitsPerKWh) refuse('E_LEDGER_PRICE', `price ${b.priceUnitsPerKWh} outside the band`);
  // E_MARKET_* thrown here changes nothing (the engine validates first).
  const out = ctx.market.submit(msg.kind, b, ctx.now());
  ctx.nodeSeq.accept(key, b.seq);
  ctx.bookChanged();
  const [o] = await ctx.contracts.issue(out.trades, [msg]);
  if (o && o.status === 'rejected') {
    ctx.market.cancel(b.node, b.id, ctx.now());
    refuse(o.code, o.message);
  }
}

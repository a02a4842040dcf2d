/**
 * offer / request (signed by the node): verify → seq above the node's last
 * (one counter for offer, request and cancel, as the ledger keeps it) →
 * market pre-checks → ledger → matching engine → contracts.
 */
import { checkOrder, checkRules } from '../../market/orders';
import type { Message } from '../../../shared/protocol';
import { SwarmError } from '../../../shared/errors';
import type { HubContext } from '../context';
import { marketRules } from '../market';
import { observeClock, refuse, verifiedNode } from './common';

export async function onOrder(ctx: HubContext, msg: Message<'offer'> | Message<'request'>, grid: Parameters<typeof marketRules>[1]): Promise<void> {
  const b = msg.body;
  verifiedNode(ctx, msg, b.node);
  observeClock(ctx, b.node, b.atMs);
  const key = `nseq:${b.node}`;
  if (!ctx.nodeSeq.fresh(key, b.seq)) refuse('E_REPLAY', `${msg.kind} seq ${b.seq} of ${b.node} is not above ${ctx.nodeSeq.last(key)}`);
  if (ctx.ledger.order(b.id)) refuse('E_LEDGER_DUPLICATE', `order ${b.id} is already open`);
  const spec = { id: b.id, node: b.node, side: msg.kind === 'offer' ? ('sell' as const) : ('buy' as const), energyMWh: b.energyMWh, priceUnitsPerKWh: b.priceUnitsPerKWh, fromMs: b.fromMs, toMs: b.toMs, maxPowerMW: b.maxPowerMW };
  checkOrder(checkRules(marketRules(ctx.ledger.rules(), grid, ctx.market.tuning)), spec, Math.max(ctx.now(), ctx.market.engine.nowMs));
  ctx.nodeSeq.accept(key, b.seq);
  const o = await ctx.writer.submit(msg);
  if (o.status === 'rejected') refuse(o.code, o.message);
  if (o.status === 'duplicate') return;
  let trades;
  try {
    trades = ctx.market.submit(msg.kind, b, ctx.now()).trades;
  } catch (err) {
    // Recorded on the ledger but refused by the engine (e.g. an id used
    // before): the order stays off the book and expires on the ledger.
    if (err instanceof SwarmError) refuse(err.code, err.message);
    throw err;
  }
  ctx.bookChanged();
  await ctx.contracts.issue(trades);
}

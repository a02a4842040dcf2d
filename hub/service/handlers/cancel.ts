/** cancel (signed by the node): withdraw an open order from the ledger and the book. */
import type { Message } from '../../../shared/protocol';
import type { HubContext } from '../context';
import { observeClock, refuse, verifiedNode } from './common';

export async function onCancel(ctx: HubContext, msg: Message<'cancel'>): Promise<void> {
  const b = msg.body;
  await verifiedNode(ctx, msg, b.node);
  observeClock(ctx, b.node, b.atMs);
  const key = `nseq:${b.node}`;
  if (!ctx.nodeSeq.fresh(key, b.seq)) refuse('E_REPLAY', `cancel seq ${b.seq} of ${b.node} is not above ${ctx.nodeSeq.last(key)}`);
  const order = ctx.ledger.order(b.orderId);
  if (!order || order.node !== b.node) refuse('E_LEDGER_UNKNOWN', `no open order ${b.orderId} of ${b.node}`);
  ctx.nodeSeq.accept(key, b.seq);
  const o = await ctx.writer.submit(msg);
  if (o.status === 'rejected') refuse(o.code, o.message);
  if (ctx.market.cancel(b.node, b.orderId, ctx.now())) ctx.bookChanged();
}

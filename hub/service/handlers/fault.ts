/**
 * fault (signed by the node, or by its meter when `meter` is set): recorded
 * on the ledger as a hub-signed fault tx (the ledger's fault kind is signed
 * by the hub or an admin), kept in the open-fault list, sent to the dashboard.
 */
import { replayKey, type Message } from '../../../shared/protocol';
import type { Envelope } from '../../ledger/types';
import type { HubContext } from '../context';
import { observeClock, refuse, verifiedMeter, verifiedNode } from './common';

export async function onFault(ctx: HubContext, msg: Message<'fault'>): Promise<void> {
  const b = msg.body;
  if (b.meter === undefined) await verifiedNode(ctx, msg, b.node);
  else await verifiedMeter(ctx, msg, b.node, b.meter);
  observeClock(ctx, b.node, b.atMs);
  const key = replayKey(msg)!;
  if (!ctx.replay.fresh(key, b.seq)) refuse('E_REPLAY', `fault seq ${b.seq} is not above ${ctx.replay.last(key)}`);
  ctx.replay.accept(key, b.seq);
  const detail = b.meter === undefined ? b.detail : `meter ${b.meter}: ${b.detail}`;
  const body = { village: ctx.village, by: ctx.keys.hubPublicKey, seq: ctx.nextHubSeq(), atMs: b.atMs, node: b.node, code: b.code, detail };
  const env: Envelope = { v: 1, kind: 'fault', body, sig: ctx.signer.sign('fault', body) };
  const o = await ctx.writer.submit(env);
  if (o.status === 'rejected') refuse(o.code, o.message);
  await ctx.store.batch([{ type: 'put', key: `rg/${key}`, value: b.seq }]);
  ctx.events.emit('fault', { node: b.node, code: b.code, atMs: b.atMs, detail });
}

/**
 * contract-ack (signed by the node): the node took (or refused) a contract.
 * Kept in the hub store (the ledger has no contract-ack kind), with its
 * replay window; stops the re-sending to that node.
 */
import { replayKey, type Message } from '../../../shared/protocol';
import type { HubContext } from '../context';
import { observeClock, refuse, verifiedNode } from './common';

export async function onContractAck(ctx: HubContext, msg: Message<'contract-ack'>): Promise<void> {
  const b = msg.body;
  await verifiedNode(ctx, msg, b.node);
  observeClock(ctx, b.node, b.atMs);
  const key = replayKey(msg)!;
  if (!ctx.replay.fresh(key, b.seq)) refuse('E_REPLAY', `contract-ack seq ${b.seq} of ${b.node} is not above ${ctx.replay.last(key)}`);
  const c = ctx.index.contracts.get(b.contractId);
  if (!c) refuse('E_HUB_CONTRACT', `no contract ${b.contractId}`);
  const body = c.env.body;
  if (body.seller !== b.node && body.buyer !== b.node) refuse('E_HUB_CONTRACT', `contract ${b.contractId} is not for ${b.node}`);
  if (body.seq !== b.contractSeq) refuse('E_HUB_CONTRACT', `contract ${b.contractId} has seq ${body.seq}, not ${b.contractSeq}`);
  ctx.replay.accept(key, b.seq);
  const rec = b.reason === undefined ? { accepted: b.accepted, atMs: b.atMs } : { accepted: b.accepted, atMs: b.atMs, reason: b.reason };
  if (!b.accepted) ctx.log('warn', `${b.node} refused contract ${b.contractId}${b.reason ? `: ${b.reason}` : ''}`);
  await ctx.contracts.ack(c, b.node, rec, { key, seq: b.seq });
}

/**
 * Every message the hub receives on `swarmgrid/v1/<village>/<node>/<kind>`
 * goes through `dispatch`: topic → strict decode (size, JSON, fields,
 * canonical bytes, body vs topic) → the kind's handler (one module per kind,
 * STYLE rule 8). Whatever is refused is logged with its stable code and
 * published back on the sender's `in/error`; nothing of it is stored.
 */
import { SwarmError } from '../../../shared/errors';
import { decode, tryParseTopic, type Message } from '../../../shared/protocol';
import type { GridRules } from '../../market/types';
import type { HubContext } from '../context';
import { onCancel } from './cancel';
import { onContractAck } from './contract-ack';
import { onFault } from './fault';
import { onMeterReport } from './meter-report';
import { onOrder } from './order';
import { onPresence } from './presence';
import { onTelemetry } from './telemetry';

/** What a refusal names as the refused thing (≤ 64 characters). */
function refOf(msg: Message): string {
  switch (msg.kind) {
    case 'offer':
    case 'request':
      return msg.body.id;
    case 'cancel':
      return msg.body.orderId;
    case 'contract-ack':
      return msg.body.contractId;
    case 'meter-report':
    case 'fault':
      return `${msg.kind}#${msg.body.seq}`;
    default:
      return msg.kind;
  }
}

export async function dispatch(ctx: HubContext, grid: GridRules, topic: string, payload: Uint8Array): Promise<void> {
  const t = tryParseTopic(topic);
  if (!t) {
    // Only `+/+` topics reach us; a node level that parses gets the error.
    const lv = topic.split('/');
    const node = lv.length === 5 && lv[2] === ctx.village && lv[3] !== 'public' ? lv[3]! : null;
    ctx.refuse(node && /^[a-z0-9][a-z0-9-]{0,31}$/.test(node) ? node : null, 'E_TOPIC', lv[4]?.slice(0, 64), `topic ${topic.slice(0, 120)} is outside the scheme`);
    return;
  }
  if (t.scope !== 'node' || t.village !== ctx.village) return;
  const node = t.node;
  let msg: Message;
  try {
    msg = decode(topic, payload);
  } catch (err) {
    const e = err instanceof SwarmError ? err : new SwarmError('E_MSG_JSON', String(err));
    ctx.refuse(node, e.code, t.kind, e.message);
    return;
  }
  if (msg.kind !== 'presence' && ctx.ledger.member(node) && ctx.presence.seen(node, ctx.now())) {
    const p = ctx.presence.get(node)!;
    ctx.events.emit('presence', { node, online: true, lastSeenMs: p.lastSeenMs, offlineSinceMs: null });
  }
  try {
    switch (msg.kind) {
      case 'telemetry':
        return onTelemetry(ctx, msg.body);
      case 'presence':
        return onPresence(ctx, msg.body);
      case 'offer':
      case 'request':
        return await onOrder(ctx, msg, grid);
      case 'cancel':
        return await onCancel(ctx, msg);
      case 'contract-ack':
        return await onContractAck(ctx, msg);
      case 'meter-report':
        return await onMeterReport(ctx, msg);
      case 'fault':
        return await onFault(ctx, msg);
      default:
        ctx.refuse(node, 'E_MSG_KIND', msg.kind, `${msg.kind} is not sent by nodes`);
    }
  } catch (err) {
    if (err instanceof SwarmError) ctx.refuse(node, err.code, refOf(msg), err.message);
    else {
      ctx.log('error', `${node} ${msg.kind}: ${(err as Error).stack ?? String(err)}`);
      ctx.refuse(node, 'E_HUB_INTERNAL', refOf(msg), (err as Error).message);
    }
  }
}

/**
 * Checks every signed message goes through before it is acted on:
 * the signer must be a member (or its bound meter), and the signature must
 * verify under the key the ledger holds for it (OpenSSL, hub/crypto/verify).
 */
import { SwarmError } from '../../../shared/errors';
import type { Message } from '../../../shared/protocol';
import type { Member } from '../../ledger/types';
import type { HubContext } from '../context';

/** A refusal carrying the stable code to publish back. */
export class Refusal extends SwarmError {}

export function refuse(code: string, message: string): never {
  throw new Refusal(code, message);
}

/**
 * The member a node-signed message speaks for, with its signature checked
 * (OpenSSL on libuv's thread pool, so a burst of messages uses every core).
 */
export async function verifiedNode(ctx: HubContext, msg: Message, node: string): Promise<Member> {
  const m = ctx.ledger.member(node);
  if (!m) refuse('E_HUB_UNKNOWN_NODE', `${node} is not a member of ${ctx.village}`);
  if (!(await ctx.verifier.verifyAsync(msg.kind, msg.body, (msg as { sig: string }).sig, m.nodeKey))) refuse('E_SIG_INVALID', `${msg.kind} signature does not verify under ${node}'s key`);
  return m;
}

/** The member whose bound meter signed `msg`, with its signature checked. */
export async function verifiedMeter(ctx: HubContext, msg: Message, node: string, meter: string): Promise<Member> {
  const m = ctx.ledger.member(node);
  if (!m) refuse('E_HUB_UNKNOWN_NODE', `${node} is not a member of ${ctx.village}`);
  if (m.meter !== meter) refuse('E_HUB_METER', `meter ${meter} is not the meter of ${node}`);
  if (!(await ctx.verifier.verifyAsync(msg.kind, msg.body, (msg as { sig: string }).sig, m.meterKey))) refuse('E_SIG_INVALID', `${msg.kind} signature does not verify under meter ${meter}'s key`);
  return m;
}

/** Record a node's clock offset from a message's atMs; flags a node that starts drifting. */
export function observeClock(ctx: HubContext, node: string, atMs: number): void {
  const { clock, startedDrifting } = ctx.clocks.observe(node, atMs, ctx.now(), 'message');
  if (startedDrifting) {
    ctx.log('warn', `${node}: clock off by ${clock.offsetMs} ms`);
    ctx.events.emit('fault', { node, code: 'E_HUB_CLOCK_DRIFT', atMs: ctx.now(), detail: `clock off by ${clock.offsetMs} ms` });
  }
}

/** presence (unsigned, retained; online:false is the node's last will). */
import type { PresenceBody } from '../../../shared/protocol';
import type { HubContext } from '../context';

export function onPresence(ctx: HubContext, b: PresenceBody): void {
  const now = ctx.now();
  if (ctx.presence.set(b.node, b.online, now)) {
    const p = ctx.presence.get(b.node)!;
    ctx.events.emit('presence', { node: b.node, online: p.online, lastSeenMs: p.lastSeenMs, offlineSinceMs: p.offlineSinceMs });
  }
}

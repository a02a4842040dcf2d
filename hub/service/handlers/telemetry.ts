/** telemetry (unsigned; the broker's ACL vouches for the topic's node): latest, history, clock. */
import type { TelemetryBody } from '../../../shared/protocol';
import type { HubContext } from '../context';
import { observeClock, refuse } from './common';

export function onTelemetry(ctx: HubContext, b: TelemetryBody): void {
  if (!ctx.ledger.member(b.node)) refuse('E_HUB_UNKNOWN_NODE', `${b.node} is not a member of ${ctx.village}`);
  ctx.telemetry.record(b);
  observeClock(ctx, b.node, b.atMs);
  ctx.liveFaults.set(b.node, b.faults.map((code) => ({ node: b.node, code, atMs: b.atMs, detail: 'telemetry' })));
  ctx.events.emit('telemetry', { ...b });
}

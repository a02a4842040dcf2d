/**
 * meter-report (signed by the household's meter): stored idempotently by
 * (meter, seq) on the ledger, then acknowledged on the household's `in/ack`.
 * A report already stored is acknowledged again (the meter re-sends until
 * it hears the ack); the same seq with other content is E_LEDGER_REPLAY.
 * No seq window here: an older report the meter still holds must be taken.
 */
import { encode, inTopic, type Message } from '../../../shared/protocol';
import type { HubContext } from '../context';
import { refuse, verifiedMeter } from './common';

export async function onMeterReport(ctx: HubContext, msg: Message<'meter-report'>): Promise<void> {
  const b = msg.body;
  await verifiedMeter(ctx, msg, b.node, b.meter);
  // No clock observation here: a meter re-sends a report until it is
  // acknowledged and queues them while the broker is down, so atMs is the
  // time of the measurement, not of sending (it would flag false drift).
  const o = await ctx.writer.submit(msg);
  if (o.status === 'rejected') refuse(o.code, o.message);
  if (b.faults.length) ctx.liveFaults.set(`${b.node}/meter`, b.faults.map((code) => ({ node: b.node, code, atMs: b.atMs, detail: `meter ${b.meter}` })));
  await ctx.send(inTopic(ctx.village, b.node, 'ack'), encode('ack', { meter: b.meter, seq: b.seq }), 1);
}

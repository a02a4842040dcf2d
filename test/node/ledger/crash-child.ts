/**
 * Child process of crash.test.ts: appends blocks to the on-disk ledger in
 * argv[2] forever, printing "ack <height> <hash>" after each append resolved
 * (the block is written), until the parent SIGKILLs it.
 */
import { Ledger } from '../../../hub/ledger/ledger';
import { LevelStore } from '../../../hub/ledger/level-store';
import { T0, Village, env } from './fixture';

const dir = process.argv[2]!;
const v = new Village();
const ledger = await Ledger.open({ store: new LevelStore(dir), clock: () => Date.now(), hubSecretKey: v.hub.sk }, v.genesis);
if (ledger.head.height === 0) await ledger.append([v.admit(0), v.admit(1)]);

const state = new Map(ledger.stateEntries());
let adminSeq = (state.get(`sseq/${v.admin.pk}`) as number | undefined) ?? 0;
let meterSeq = (state.get('meter/meter-0') as { lastSeq: number }).lastSeq;
process.stdout.write(`ready ${ledger.head.height}\n`);
for (let i = 0; ; i++) {
  const batch = [];
  for (let k = 0; k < 20; k++) {
    const from = (i + k) % 2;
    batch.push(env('transfer', { village: v.id, by: v.admin.pk, seq: ++adminSeq, atMs: T0, from: `house-${from}`, to: `house-${1 - from}`, amountMilliUnits: 1 + k }, v.admin.sk));
    batch.push(v.report(0, ++meterSeq));
  }
  const r = await ledger.append(batch);
  if (!r.block || r.outcomes.some((o) => o.status !== 'applied')) {
    process.stdout.write(`error ${JSON.stringify(r.outcomes.find((o) => o.status !== 'applied'))}\n`);
    process.exit(3);
  }
  process.stdout.write(`ack ${ledger.head.height} ${ledger.head.hash}\n`);
}

/**
 * Writes the coupling node's replay vectors:
 *   vedirect.json            VE.Direct bytes from the testbed's Victron emulators
 *                            (for the portable tests, which cannot import the testbed)
 *   coupling-example.jsonl   an example event script (README "Replaying a field log")
 *   coupling-example.out.jsonl  what `swarmgrid firmware replay` prints for it
 *
 *   npx tsx test/vectors/replay/make.ts
 *
 * test/node/replay/*.test.ts check that the files still match the emulators
 * and the replay (on Node and inside XS), and what the output says.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { encode, inTopic } from '../../../shared/protocol/index';
import { publicKeyOf } from '../../../shared/sign';
import { utf8Decode } from '../../../shared/bytes';
import { replayOnNode } from '../../../hub/cli/firmware';
import { deviceVectors } from '../../node/replay/devices';

const here = (f: string) => fileURLToPath(new URL(`./${f}`, import.meta.url));
const dev = deviceVectors();
writeFileSync(here('vedirect.json'), JSON.stringify(dev, null, 2) + '\n');

/** Test keys only (never provision a board with these). */
const HUB_SK = '1f'.repeat(32);
const NODE_SK = '2e'.repeat(32);
const FORGER_SK = '3d'.repeat(32);
const T0 = 1_717_236_000_000; // 2024-06-01 10:00 UTC
const ev: object[] = [];
const at = (dt: number, e: object) => ev.push({ atMs: T0 + dt, ...e });

at(0, { config: { node: 'house-a', village: 'demo', secretKeyHex: NODE_SK, hubPublicKeyHex: publicKeyOf(HUB_SK), telemetryEveryMs: 30_000, settings: { strategy: 'paper', linkPermille: 1000, pvProfileMWh: [0, 0, 0, 0, 0, 0, 0, 0, 100000, 100000, 100000, 100000, 100000, 100000, 100000, 100000, 0, 0, 0, 0, 0, 0, 0, 0] } } });
at(0, { link: true });
const contract = (o: object, sk = HUB_SK) =>
  utf8Decode(encode('contract', { id: 'c-000001', seq: 1, village: 'demo', seller: 'house-a', buyer: 'house-b', energyMWh: 1000, priceUnitsPerKWh: 2, beginMs: T0 + 5000, endMs: T0 + 305_000, circuit: { kind: 'bus' }, issuedMs: T0 + 1000, ...o }, sk));
for (let s = 0; s < 120; s++) {
  const t = s * 1000 + 500;
  // VE.Direct falls silent from 100 s to 108 s (E_VED_STALE after 5 s).
  if (s < 100 || s >= 108) {
    at(t, { serial: { port: 1, hex: dev.mppt.sunny } });
    at(t + 20, { serial: { port: 2, hex: dev.bmv.full[0] + dev.bmv.full[1] } });
  }
  at(t + 40, { sample: { busMV: 24_000, currentMA: s >= 5 ? 2000 : 0 } });
  if (s === 2) at(t + 100, { mqtt: { topic: inTopic('demo', 'house-a', 'contract'), payloadText: contract({}) } });
  if (s === 90) at(t + 100, { mqtt: { topic: inTopic('demo', 'house-a', 'contract'), payloadText: contract({ id: 'c-000002', seq: 2, beginMs: T0 + 95_000, endMs: T0 + 200_000 }, FORGER_SK) } });
  if (s === 91) at(t + 100, { mqtt: { topic: inTopic('demo', 'house-a', 'contract'), payloadText: contract({}) } });
}
const text = ev.map((e) => JSON.stringify(e)).join('\n') + '\n';
writeFileSync(here('coupling-example.jsonl'), text);
writeFileSync(here('coupling-example.out.jsonl'), replayOnNode('coupling', text).join('\n') + '\n');
console.log(`wrote vedirect.json, coupling-example.jsonl (${ev.length} events) and its output`);

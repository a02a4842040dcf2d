/**
 * Property tests (fast-check, Node): encode → decode is the identity for
 * random valid bodies of every kind, on the topic the body belongs to; and
 * decoding arbitrary bytes or JSON never throws anything but a SwarmError.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import {
  CODE_PATTERN, REF_PATTERN, decode, decodeEnvelope, encode, inTopic, nodeTopic, publicTopic, verifyMessage, SPECS,
  type Bodies, type Kind,
} from '../../../shared/protocol/index';
import { publicKeyOf } from '../../../shared/sign';
import { utf8Encode } from '../../../shared/bytes';
import { SwarmError } from '../../../shared/errors';

const SK = createHash('sha256').update('test node key a').digest('hex');
const PK = publicKeyOf(SK);
const MAX = Number.MAX_SAFE_INTEGER;

const id = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,31}$/);
const nodeId = id.filter((s) => s !== 'public' && s !== 'hub');
const ref = fc.stringMatching(REF_PATTERN);
const code = fc.stringMatching(CODE_PATTERN);
const ms = fc.integer({ min: 0, max: MAX });
const seq = fc.integer({ min: 1, max: MAX });
const nat = fc.integer({ min: 0, max: MAX });
const pos = fc.integer({ min: 1, max: MAX });
const permille = fc.integer({ min: 0, max: 1000 });
const window = fc.tuple(fc.integer({ min: 0, max: MAX - 1 }), fc.integer({ min: 1, max: MAX })).map(([a, d]) => [a, Math.min(MAX, a + d)] as const);
const text = fc.string({ maxLength: 256, unit: 'grapheme' }).filter((s) => s.length <= 256);
const codes = (n: number) => fc.array(code, { maxLength: n });

const order = fc.record({ node: nodeId, seq, id: ref, energyMWh: pos, priceUnitsPerKWh: nat, w: window, maxPowerMW: pos, socPermille: permille, atMs: ms })
  .map(({ w, ...o }) => ({ ...o, fromMs: w[0], toMs: w[1] }));
const power = fc.integer({ min: 0, max: 100_000_000 });
const part = fc.record({ id: ref, exportMWh: nat, importMWh: nat, w: window, final: fc.boolean() }).map(({ w, ...p }) => ({ ...p, fromMs: w[0], toMs: w[1] }));
const entry = fc.record({ id: ref, node: nodeId, energyMWh: pos, priceUnitsPerKWh: nat, w: window }).map(({ w, ...e }) => ({ ...e, fromMs: w[0], toMs: w[1] }));
const circuit = fc.oneof(
  fc.constant({ kind: 'bus' as const }),
  fc.tuple(fc.integer({ min: 0, max: 65535 }), fc.integer({ min: 0, max: 65535 })).filter(([i, j]) => i !== j).map(([i, j]) => ({ kind: 'star' as const, switch: [i, j] as [number, number] })),
);

type Case = { topic: string; body: unknown };
const cases: { [K in Kind]: fc.Arbitrary<Case> } = {
  telemetry: fc.record({
    node: nodeId, atMs: ms, mode: fc.constantFrom('A' as const, 'P' as const, 'C' as const), socPermille: permille,
    batteryMV: fc.integer({ min: 0, max: 1_000_000 }), batteryMA: fc.integer({ min: -10_000_000, max: 10_000_000 }),
    pvPowerMW: power, loadPowerMW: power, busPowerMW: fc.integer({ min: -100_000_000, max: 100_000_000 }),
    relays: fc.record({ rl1: fc.boolean(), rl2: fc.boolean() }), faults: codes(16),
  }).map((b) => ({ topic: nodeTopic('v', b.node, 'telemetry'), body: b })),
  offer: order.map((b) => ({ topic: nodeTopic('v', b.node, 'offer'), body: b })),
  request: order.map((b) => ({ topic: nodeTopic('v', b.node, 'request'), body: b })),
  cancel: fc.record({ node: nodeId, seq, orderId: ref, atMs: ms }).map((b) => ({ topic: nodeTopic('v', b.node, 'cancel'), body: b })),
  'contract-ack': fc.record({ node: nodeId, seq, contractId: ref, contractSeq: seq, accepted: fc.boolean(), reason: code, atMs: ms }, { requiredKeys: ['node', 'seq', 'contractId', 'contractSeq', 'accepted', 'atMs'] })
    .map((b) => ({ topic: nodeTopic('v', b.node, 'contract-ack'), body: b })),
  'meter-report': fc.record({ meter: id, node: nodeId, seq, atMs: ms, lifetime: fc.record({ exportMWh: nat, importMWh: nat }), contract: fc.option(part, { nil: null }), faults: codes(8) })
    .map((b) => ({ topic: nodeTopic('v', b.node, 'meter-report'), body: b })),
  fault: fc.record({ node: nodeId, meter: id, seq, code, atMs: ms, detail: text }, { requiredKeys: ['node', 'seq', 'code', 'atMs', 'detail'] })
    .map((b) => ({ topic: nodeTopic('v', b.node, 'fault'), body: b })),
  presence: fc.record({ node: nodeId, online: fc.boolean(), atMs: ms }).map((b) => ({ topic: nodeTopic('v', b.node, 'presence'), body: b })),
  contract: fc.record({ id: ref, seq, village: id, parties: fc.uniqueArray(nodeId, { minLength: 2, maxLength: 2 }), energyMWh: pos, priceUnitsPerKWh: nat, w: window, circuit, issuedMs: ms, toBuyer: fc.boolean() })
    .map(({ parties, w, toBuyer, ...c }) => {
      const body = { ...c, seller: parties[0]!, buyer: parties[1]!, beginMs: w[0], endMs: w[1] };
      return { topic: inTopic(c.village, toBuyer ? body.buyer : body.seller, 'contract'), body };
    }),
  error: fc.record({ code, ref: fc.string({ maxLength: 64 }), atMs: ms }, { requiredKeys: ['code', 'atMs'] }).map((b) => ({ topic: inTopic('v', 'n', 'error'), body: b })),
  ack: fc.record({ meter: id, seq }).map((b) => ({ topic: inTopic('v', 'n', 'ack'), body: b })),
  time: fc.record({ village: id, seq, atMs: ms }).map((b) => ({ topic: publicTopic(b.village, 'time'), body: b })),
  book: fc.record({ village: id, seq, atMs: ms, offers: fc.array(entry, { maxLength: 5 }), requests: fc.array(entry, { maxLength: 5 }) })
    .map((b) => ({ topic: publicTopic(b.village, 'book'), body: b })),
};

const roundtrip = suite('protocol properties: encode → decode');

for (const kind of Object.keys(cases) as Kind[]) {
  roundtrip(`${kind}: decode(encode(body)) is the envelope of body`, () => {
    const signed = SPECS[kind].signed;
    fc.assert(fc.property(cases[kind], ({ topic, body }) => {
      const bytes = encode(kind, body as Bodies[Kind], signed ? SK : undefined);
      const msg = decode(topic, bytes);
      assert.equal(msg.body, JSON.parse(JSON.stringify(body)));  // fast-check may build null-prototype records
      assert.is(msg.kind, kind);
      if (signed) assert.ok(verifyMessage(msg, PK));
    }), { numRuns: signed ? 60 : 200 });
  });
}

const total = suite('protocol properties: decoding is total');

function onlySwarmErrors(run: () => unknown): void {
  try {
    run();
  } catch (e) {
    if (!(e instanceof SwarmError)) throw e;
  }
}

total('random bytes on any topic throw only SwarmErrors', () => {
  const topic = fc.oneof(fc.string(), fc.constantFrom(nodeTopic('v', 'n', 'offer'), inTopic('v', 'n', 'contract'), publicTopic('v', 'book')));
  fc.assert(fc.property(topic, fc.uint8Array({ maxLength: 300 }), (t, b) => onlySwarmErrors(() => decode(t, b))), { numRuns: 2000 });
});

total('random JSON envelopes throw only SwarmErrors', () => {
  const env = fc.record({ v: fc.oneof(fc.constant(1), fc.jsonValue()), kind: fc.oneof(fc.constantFrom(...(Object.keys(SPECS) as Kind[])), fc.jsonValue()), body: fc.jsonValue(), sig: fc.jsonValue() }, { requiredKeys: [] });
  fc.assert(fc.property(env, (e) => onlySwarmErrors(() => decodeEnvelope(utf8Encode(JSON.stringify(e))))), { numRuns: 2000 });
});

total('random bodies for every kind throw only SwarmErrors', () => {
  const kind = fc.constantFrom(...(Object.keys(SPECS) as Kind[]));
  fc.assert(fc.property(kind, fc.object(), (k, body) => onlySwarmErrors(() => decodeEnvelope(utf8Encode(JSON.stringify({ v: 1, kind: k, body, sig: 'ab'.repeat(64) }))))), { numRuns: 2000 });
});

roundtrip.run();
total.run();

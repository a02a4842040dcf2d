/**
 * Writes test/vectors/protocol/messages.json: one valid message of every
 * kind (and a few variants) with its topic, exact payload bytes and
 * signature, plus invalid payloads with the error code decoding must give.
 * Payloads are built from shared/canonical and shared/sign directly (not
 * through the codec under test). Keys are the fixed test keys of
 * test/vectors/make-signing.ts (sha256 of a label; never used outside tests).
 * Run: node --import tsx test/vectors/protocol/make-messages.ts
 */
import { writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { canonicalText } from '../../../shared/canonical';
import { publicKeyOf, sign } from '../../../shared/sign';
import { toHex, utf8Encode } from '../../../shared/bytes';

const key = (label: string) => createHash('sha256').update(label).digest('hex');
const V = 'swarmgrid/v1/sfax-lab';
const T0 = 1713268800000; // 2024-04-16 12:00 UTC

const order = { node: 'house-a', seq: 7, id: 'house-a-o-7', energyMWh: 44540, priceUnitsPerKWh: 2, fromMs: T0 + 3600000, toMs: T0 + 10800000, maxPowerMW: 40000, socPermille: 912, atMs: T0 };
const contract = { id: 'c-000042', seq: 42, village: 'sfax-lab', seller: 'house-a', buyer: 'house-b', energyMWh: 44540, priceUnitsPerKWh: 2, beginMs: T0 + 3600000, endMs: T0 + 10800000, circuit: { kind: 'bus' }, issuedMs: T0 + 1000 };
const report = { meter: 'meter-a', node: 'house-a', seq: 1031, atMs: T0 + 7200000, lifetime: { exportMWh: 812345, importMWh: 1200 }, contract: { id: 'c-000042', exportMWh: 21000, importMWh: 0, fromMs: T0 + 3600000, toMs: T0 + 7200000, final: false }, faults: [] };

const cases: { name: string; topic: string; kind: string; signer?: string; body: Record<string, unknown> }[] = [
  { name: 'telemetry', topic: `${V}/house-a/telemetry`, kind: 'telemetry', body: { node: 'house-a', atMs: T0, mode: 'P', socPermille: 912, batteryMV: 13120, batteryMA: -1250, pvPowerMW: 61000, loadPowerMW: 18500, busPowerMW: 24000, relays: { rl1: true, rl2: false }, faults: [] } },
  { name: 'telemetry with faults', topic: `${V}/house-b/telemetry`, kind: 'telemetry', body: { node: 'house-b', atMs: T0, mode: 'A', socPermille: 0, batteryMV: 11020, batteryMA: 0, pvPowerMW: 0, loadPowerMW: 0, busPowerMW: 0, relays: { rl1: false, rl2: false }, faults: ['E_VED_STALE', 'E_LOW_SOC'] } },
  { name: 'offer', topic: `${V}/house-a/offer`, kind: 'offer', signer: 'test node key a', body: order },
  { name: 'request', topic: `${V}/house-b/request`, kind: 'request', signer: 'test node key b', body: { ...order, node: 'house-b', seq: 3, id: 'house-b-r-3', priceUnitsPerKWh: 3, socPermille: 180 } },
  { name: 'cancel', topic: `${V}/house-a/cancel`, kind: 'cancel', signer: 'test node key a', body: { node: 'house-a', seq: 8, orderId: 'house-a-o-7', atMs: T0 + 60000 } },
  { name: 'contract on a bus', topic: `${V}/house-b/in/contract`, kind: 'contract', signer: 'test hub key', body: contract },
  { name: 'contract on a star grid, published village-wide', topic: `${V}/public/contracts`, kind: 'contract', signer: 'test hub key', body: { ...contract, id: 'c-000043', seq: 43, circuit: { kind: 'star', switch: [3, 7] } } },
  { name: 'contract-ack accepted', topic: `${V}/house-a/contract-ack`, kind: 'contract-ack', signer: 'test node key a', body: { node: 'house-a', seq: 9, contractId: 'c-000042', contractSeq: 42, accepted: true, atMs: T0 + 2000 } },
  { name: 'contract-ack refused with reason', topic: `${V}/house-b/contract-ack`, kind: 'contract-ack', signer: 'test node key b', body: { node: 'house-b', seq: 4, contractId: 'c-000042', contractSeq: 42, accepted: false, reason: 'E_CONTRACT_EXPIRED', atMs: T0 + 2000 } },
  { name: 'meter-report during a contract', topic: `${V}/house-a/meter-report`, kind: 'meter-report', signer: 'test meter key', body: report },
  { name: 'meter-report idle', topic: `${V}/house-a/meter-report`, kind: 'meter-report', signer: 'test meter key', body: { ...report, seq: 1032, contract: null, faults: ['E_REVERSE_CURRENT'] } },
  { name: 'fault from the node, non-ASCII detail', topic: `${V}/house-a/fault`, kind: 'fault', signer: 'test node key a', body: { node: 'house-a', seq: 10, code: 'E_RELAY_READBACK', atMs: T0 + 5000, detail: 'RL2 lit après ouverture — "stuck" ☀️' } },
  { name: 'fault from the meter', topic: `${V}/house-a/fault`, kind: 'fault', signer: 'test meter key', body: { node: 'house-a', meter: 'meter-a', seq: 1033, code: 'E_REVERSE_CURRENT', atMs: T0 + 5000, detail: '' } },
  { name: 'time', topic: `${V}/public/time`, kind: 'time', signer: 'test hub key', body: { village: 'sfax-lab', seq: 86400, atMs: T0 } },
  { name: 'node presence (last will)', topic: `${V}/house-a/presence`, kind: 'presence', body: { node: 'house-a', online: false, atMs: T0 } },
  { name: 'hub presence', topic: `${V}/public/presence`, kind: 'presence', body: { node: 'hub', online: true, atMs: T0 } },
  { name: 'error', topic: `${V}/house-a/in/error`, kind: 'error', body: { code: 'E_REPLAY', ref: 'offer#7', atMs: T0 } },
  { name: 'error without ref', topic: `${V}/house-a/in/error`, kind: 'error', body: { code: 'E_MSG_SIZE', atMs: T0 } },
  { name: 'ack', topic: `${V}/house-a/in/ack`, kind: 'ack', body: { meter: 'meter-a', seq: 1031 } },
  { name: 'book', topic: `${V}/public/book`, kind: 'book', body: { village: 'sfax-lab', seq: 5, atMs: T0, offers: [{ id: 'house-a-o-7', node: 'house-a', energyMWh: 44540, priceUnitsPerKWh: 2, fromMs: T0 + 3600000, toMs: T0 + 10800000 }], requests: [] } },
];

const valid = cases.map((c) => {
  const env: Record<string, unknown> = { v: 1, kind: c.kind, body: c.body };
  const out: Record<string, unknown> = { name: c.name, topic: c.topic, kind: c.kind, body: c.body };
  if (c.signer) {
    const sk = key(c.signer);
    env.sig = sign(c.kind, c.body, sk);
    Object.assign(out, { secretKey: sk, publicKey: publicKeyOf(sk), sig: env.sig });
  }
  const text = canonicalText(env);
  return { ...out, payload: text, payloadHex: toHex(utf8Encode(text)) };
});

const p = (name: string) => valid.find((v) => v.name === name)!.payload;
const SIG = 'ab'.repeat(64);
const env = (kind: string, body: unknown, sig: string | null = SIG) => canonicalText(sig === null ? { v: 1, kind, body } : { v: 1, kind, body, sig });
const offerWith = (patch: Record<string, unknown>) => env('offer', { ...order, ...patch });
const contractWith = (patch: Record<string, unknown>) => env('contract', { ...contract, ...patch });
const tele = cases[0]!.body;

const invalid: { name: string; topic: string; payload?: string; payloadHex?: string; code: string; field?: string }[] = [
  { name: 'offer over 1 KiB', topic: `${V}/house-a/offer`, payload: '{' + ' '.repeat(1023) + '}', code: 'E_MSG_SIZE' },
  { name: 'meter-report over 4 KiB', topic: `${V}/house-a/meter-report`, payload: '[' + '0,'.repeat(2048) + '0]', code: 'E_MSG_SIZE' },
  { name: 'truncated JSON', topic: `${V}/house-a/offer`, payload: '{"body":{', code: 'E_MSG_JSON' },
  { name: 'empty payload', topic: `${V}/house-a/offer`, payload: '', code: 'E_MSG_JSON' },
  { name: 'JSON array', topic: `${V}/house-a/offer`, payload: '[1,2]', code: 'E_MSG_JSON' },
  { name: 'JSON null', topic: `${V}/house-a/offer`, payload: 'null', code: 'E_MSG_JSON' },
  { name: 'invalid UTF-8', topic: `${V}/house-a/offer`, payloadHex: '7b22763a01ff7d', code: 'E_MSG_JSON' },
  { name: 'overlong UTF-8 for "{"', topic: `${V}/house-a/offer`, payloadHex: 'c1bb7d', code: 'E_MSG_JSON' },
  { name: 'version 2', topic: `${V}/house-a/offer`, payload: p('offer').replace('"v":1', '"v":2'), code: 'E_MSG_VERSION' },
  { name: 'version as a string', topic: `${V}/house-a/offer`, payload: p('offer').replace('"v":1', '"v":"1"'), code: 'E_MSG_VERSION' },
  { name: 'version missing', topic: `${V}/house-a/offer`, payload: p('offer').replace(',"v":1', ''), code: 'E_MSG_VERSION' },
  { name: 'version is an object with a toString key', topic: `${V}/house-a/offer`, payload: '{"v":{"toString":1}}', code: 'E_MSG_VERSION' },
  { name: 'unknown kind', topic: `${V}/house-a/offer`, payload: '{"body":{},"kind":"bid","v":1}', code: 'E_MSG_KIND' },
  { name: 'kind is an object with a toString key', topic: `${V}/house-a/offer`, payload: '{"kind":{"toString":"x"},"v":1}', code: 'E_MSG_KIND' },
  { name: 'request published on the offer topic', topic: `${V}/house-b/offer`, payload: p('request'), code: 'E_MSG_KIND' },
  { name: 'contract on a telemetry topic', topic: `${V}/house-b/telemetry`, payload: p('contract on a bus'), code: 'E_MSG_KIND' },
  { name: 'unknown envelope field', topic: `${V}/house-a/telemetry`, payload: canonicalText({ v: 1, kind: 'telemetry', body: tele, x: 1 }), code: 'E_MSG_FIELD', field: 'envelope.x' },
  { name: 'signed kind without sig', topic: `${V}/house-a/offer`, payload: env('offer', order, null), code: 'E_MSG_FIELD', field: 'envelope.sig' },
  { name: 'uppercase sig', topic: `${V}/house-a/offer`, payload: env('offer', order, 'AB'.repeat(64)), code: 'E_MSG_FIELD', field: 'envelope.sig' },
  { name: 'short sig', topic: `${V}/house-a/offer`, payload: env('offer', order, 'ab'.repeat(63)), code: 'E_MSG_FIELD', field: 'envelope.sig' },
  { name: 'sig on an unsigned kind', topic: `${V}/house-a/telemetry`, payload: env('telemetry', tele), code: 'E_MSG_FIELD', field: 'envelope.sig' },
  { name: 'body missing', topic: `${V}/house-a/offer`, payload: canonicalText({ v: 1, kind: 'offer', sig: SIG }), code: 'E_MSG_FIELD', field: 'envelope.body' },
  { name: 'body is an array', topic: `${V}/house-a/offer`, payload: canonicalText({ v: 1, kind: 'offer', body: [], sig: SIG }), code: 'E_MSG_FIELD', field: 'body' },
  { name: 'unknown body field in a signed body', topic: `${V}/house-a/offer`, payload: offerWith({ note: 'hi' }), code: 'E_MSG_FIELD', field: 'body.note' },
  { name: '__proto__ as a body field', topic: `${V}/house-a/offer`, payload: p('offer').replace('{"atMs"', '{"__proto__":{"seq":1},"atMs"'), code: 'E_MSG_FIELD', field: 'body.__proto__' },
  { name: 'missing body field', topic: `${V}/house-a/offer`, payload: offerWith({ maxPowerMW: undefined }), code: 'E_MSG_FIELD', field: 'body.maxPowerMW' },
  { name: 'zero energy', topic: `${V}/house-a/offer`, payload: offerWith({ energyMWh: 0 }), code: 'E_MSG_FIELD', field: 'body.energyMWh' },
  { name: 'fractional energy', topic: `${V}/house-a/offer`, payload: offerWith({ energyMWh: 7 }).replace('"energyMWh":7', '"energyMWh":7.5'), code: 'E_MSG_FIELD', field: 'body.energyMWh' },
  { name: 'energy as a string', topic: `${V}/house-a/offer`, payload: offerWith({ energyMWh: '5' }), code: 'E_MSG_FIELD', field: 'body.energyMWh' },
  { name: 'energy beyond safe integers', topic: `${V}/house-a/offer`, payload: offerWith({ energyMWh: 7 }).replace('"energyMWh":7', '"energyMWh":9007199254740992'), code: 'E_MSG_FIELD', field: 'body.energyMWh' },
  { name: 'negative price', topic: `${V}/house-a/offer`, payload: offerWith({ priceUnitsPerKWh: -1 }), code: 'E_MSG_FIELD', field: 'body.priceUnitsPerKWh' },
  { name: 'seq zero', topic: `${V}/house-a/offer`, payload: offerWith({ seq: 0 }), code: 'E_MSG_FIELD', field: 'body.seq' },
  { name: 'SOC above 1000 permille', topic: `${V}/house-a/offer`, payload: offerWith({ socPermille: 1001 }), code: 'E_MSG_FIELD', field: 'body.socPermille' },
  { name: 'window that ends before it begins', topic: `${V}/house-a/offer`, payload: offerWith({ toMs: order.fromMs }), code: 'E_MSG_FIELD', field: 'body.toMs' },
  { name: 'uppercase node id', topic: `${V}/house-a/offer`, payload: offerWith({ node: 'House-a' }), code: 'E_MSG_FIELD', field: 'body.node' },
  { name: 'reserved node id', topic: `${V}/house-a/offer`, payload: offerWith({ node: 'public' }), code: 'E_MSG_FIELD', field: 'body.node' },
  { name: 'order id with a slash', topic: `${V}/house-a/offer`, payload: offerWith({ id: 'a/b' }), code: 'E_MSG_FIELD', field: 'body.id' },
  { name: 'contract seller equals buyer', topic: `${V}/house-a/in/contract`, payload: contractWith({ buyer: 'house-a' }), code: 'E_MSG_FIELD', field: 'body.buyer' },
  { name: 'contract with empty window', topic: `${V}/house-a/in/contract`, payload: contractWith({ endMs: contract.beginMs }), code: 'E_MSG_FIELD', field: 'body.endMs' },
  { name: 'star circuit joining a circuit to itself', topic: `${V}/house-a/in/contract`, payload: contractWith({ circuit: { kind: 'star', switch: [3, 3] } }), code: 'E_MSG_FIELD', field: 'body.circuit.switch' },
  { name: 'star circuit with one end', topic: `${V}/house-a/in/contract`, payload: contractWith({ circuit: { kind: 'star', switch: [3] } }), code: 'E_MSG_FIELD', field: 'body.circuit.switch' },
  { name: 'star circuit with a negative end', topic: `${V}/house-a/in/contract`, payload: contractWith({ circuit: { kind: 'star', switch: [3, -1] } }), code: 'E_MSG_FIELD', field: 'body.circuit.switch[1]' },
  { name: 'unknown circuit kind', topic: `${V}/house-a/in/contract`, payload: contractWith({ circuit: { kind: 'ring' } }), code: 'E_MSG_FIELD', field: 'body.circuit.kind' },
  { name: 'bus circuit with a switch', topic: `${V}/house-a/in/contract`, payload: contractWith({ circuit: { kind: 'bus', switch: [1, 2] } }), code: 'E_MSG_FIELD', field: 'body.circuit.switch' },
  { name: 'meter report contract part without final', topic: `${V}/house-a/meter-report`, payload: env('meter-report', { ...report, contract: { ...report.contract, final: undefined } }), code: 'E_MSG_FIELD', field: 'body.contract.final' },
  { name: 'meter report with a lowercase fault code', topic: `${V}/house-a/meter-report`, payload: env('meter-report', { ...report, faults: ['stale'] }), code: 'E_MSG_FIELD', field: 'body.faults[0]' },
  { name: 'meter report with negative lifetime export', topic: `${V}/house-a/meter-report`, payload: env('meter-report', { ...report, lifetime: { exportMWh: -1, importMWh: 0 } }), code: 'E_MSG_FIELD', field: 'body.lifetime.exportMWh' },
  { name: 'telemetry with mode X', topic: `${V}/house-a/telemetry`, payload: env('telemetry', { ...tele, mode: 'X' }, null), code: 'E_MSG_FIELD', field: 'body.mode' },
  { name: 'telemetry with a third relay', topic: `${V}/house-a/telemetry`, payload: env('telemetry', { ...tele, relays: { rl1: true, rl2: false, rl3: false } }, null), code: 'E_MSG_FIELD', field: 'body.relays.rl3' },
  { name: 'contract-ack with a lowercase reason', topic: `${V}/house-a/contract-ack`, payload: env('contract-ack', { node: 'house-a', seq: 9, contractId: 'c-000042', contractSeq: 42, accepted: false, reason: 'expired', atMs: T0 }), code: 'E_MSG_FIELD', field: 'body.reason' },
  { name: 'contract-ack with accepted as 1', topic: `${V}/house-a/contract-ack`, payload: env('contract-ack', { node: 'house-a', seq: 9, contractId: 'c-000042', contractSeq: 42, accepted: 1, atMs: T0 }), code: 'E_MSG_FIELD', field: 'body.accepted' },
  { name: 'fault detail longer than 256', topic: `${V}/house-a/fault`, payload: env('fault', { node: 'house-a', seq: 1, code: 'E_X', atMs: T0, detail: 'x'.repeat(257) }), code: 'E_MSG_FIELD', field: 'body.detail' },
  { name: 'error with a code that is not a code', topic: `${V}/house-a/in/error`, payload: env('error', { code: 'bad thing', atMs: T0 }, null), code: 'E_MSG_FIELD', field: 'body.code' },
  { name: 'negative time', topic: `${V}/public/time`, payload: env('time', { village: 'sfax-lab', seq: 1, atMs: -1 }), code: 'E_MSG_FIELD', field: 'body.atMs' },
  { name: 'whitespace after a colon', topic: `${V}/house-a/offer`, payload: p('offer').replace('"v":1', '"v": 1'), code: 'E_MSG_CANONICAL' },
  { name: 'trailing newline', topic: `${V}/house-a/offer`, payload: p('offer') + '\n', code: 'E_MSG_CANONICAL' },
  { name: 'keys out of order', topic: `${V}/house-a/offer`, payload: '{"v":1,' + p('offer').slice(1).replace(',"v":1', ''), code: 'E_MSG_CANONICAL' },
  { name: 'number written as 2.0', topic: `${V}/house-a/offer`, payload: p('offer').replace('"priceUnitsPerKWh":2', '"priceUnitsPerKWh":2.0'), code: 'E_MSG_CANONICAL' },
  { name: 'needless escape in a string', topic: `${V}/house-a/offer`, payload: p('offer').replace('"node":"house-a"', '"node":"house\\u002da"'), code: 'E_MSG_CANONICAL' },
  { name: 'duplicate key', topic: `${V}/house-a/offer`, payload: p('offer').replace('"seq":7', '"seq":6,"seq":7'), code: 'E_MSG_CANONICAL' },
  { name: 'lone surrogate in free text', topic: `${V}/house-a/fault`, payload: env('fault', { node: 'house-a', seq: 1, code: 'E_X', atMs: T0, detail: 'x' }).replace('"detail":"x"', '"detail":"\\ud800"'), code: 'E_MSG_CANONICAL' },
  { name: 'offer from another node than the topic says', topic: `${V}/house-b/offer`, payload: p('offer'), code: 'E_MSG_TOPIC' },
  { name: 'contract sent to a node that is not a party', topic: `${V}/house-c/in/contract`, payload: p('contract on a bus'), code: 'E_MSG_TOPIC' },
  { name: 'contract for another village', topic: 'swarmgrid/v1/other/public/contracts', payload: p('contract on a bus'), code: 'E_MSG_TOPIC' },
  { name: 'time for another village', topic: 'swarmgrid/v1/other/public/time', payload: p('time'), code: 'E_MSG_TOPIC' },
  { name: 'node presence on the hub presence topic', topic: `${V}/public/presence`, payload: p('node presence (last will)'), code: 'E_MSG_TOPIC' },
  { name: 'hub presence on a node topic', topic: `${V}/house-a/presence`, payload: p('hub presence'), code: 'E_MSG_TOPIC' },
  { name: 'meter report for another household', topic: `${V}/house-b/meter-report`, payload: p('meter-report idle'), code: 'E_MSG_TOPIC' },
  { name: 'topic outside the scheme', topic: 'swarmgrid/v2/sfax-lab/house-a/offer', payload: p('offer'), code: 'E_TOPIC' },
  { name: 'offer published into an inbox', topic: `${V}/house-a/in/offer`, payload: p('offer'), code: 'E_TOPIC' },
];

writeFileSync(new URL('./messages.json', import.meta.url), JSON.stringify({
  about: 'swarmgrid message vectors: valid messages of every kind with topic, exact payload (canonical envelope, UTF-8) and signature; invalid payloads with the error code decode(topic, payload) must throw and, for E_MSG_FIELD, the field path the error names. Regenerate with test/vectors/protocol/make-messages.ts only when the protocol changes on purpose.',
  valid,
  invalid,
}, null, 1) + '\n');
console.log(`wrote ${valid.length} valid and ${invalid.length} invalid message vectors`);

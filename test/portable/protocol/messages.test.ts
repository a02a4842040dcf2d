import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import vectors from '../../vectors/protocol/messages.json';
import { decode, decodeEnvelope, encode, encodeMessage, verifyMessage, SPECS, KINDS, type Bodies, type Kind, type Message } from '../../../shared/protocol/index';
import { fromHex, toHex, utf8Encode } from '../../../shared/bytes';
import { SwarmError } from '../../../shared/errors';

function thrown(fn: () => unknown): SwarmError | undefined {
  try {
    fn();
    return undefined;
  } catch (e) {
    if (e instanceof SwarmError) return e;
    throw e;
  }
}

const valid = suite('protocol: valid message vectors');

for (const v of vectors.valid) {
  valid(`${v.name}: decodes from its exact bytes to the envelope`, () => {
    const bytes = fromHex(v.payloadHex);
    assert.is(toHex(utf8Encode(v.payload)), v.payloadHex);
    const msg = decode(v.topic, bytes);
    const want: Record<string, unknown> = { v: 1, kind: v.kind, body: v.body };
    if ('sig' in v) want.sig = v.sig;
    assert.equal(msg, want);
  });
  valid(`${v.name}: encodes to the same bytes`, () => {
    const kind = v.kind as Kind;
    const sk = 'secretKey' in v ? (v.secretKey as string) : undefined;
    assert.is(toHex(encode(kind, v.body as Bodies[Kind], sk)), v.payloadHex);
    assert.is(toHex(encodeMessage(decode(v.topic, fromHex(v.payloadHex)))), v.payloadHex);
  });
  if ('publicKey' in v) {
    valid(`${v.name}: signature verifies for its signer only, and not once the body changes`, () => {
      const msg = decode(v.topic, fromHex(v.payloadHex));
      assert.ok(verifyMessage(msg, v.publicKey as string));
      const other = vectors.valid.find((w) => 'publicKey' in w && w.publicKey !== v.publicKey)!;
      assert.not.ok(verifyMessage(msg, other.publicKey as string));
      const body = { ...(msg.body as unknown as Record<string, unknown>), atMs: 1 };
      assert.not.ok(verifyMessage({ ...msg, body } as Message, v.publicKey as string));
    });
  }
}

valid('every kind has at least one valid vector', () => {
  const seen = new Set(vectors.valid.map((v) => v.kind));
  for (const k of KINDS) assert.ok(seen.has(k), `no vector for ${k}`);
});

valid('unsigned kinds never verify', () => {
  const t = vectors.valid.find((v) => v.kind === 'telemetry')!;
  const key = vectors.valid.find((v) => 'publicKey' in v)!.publicKey as string;
  assert.not.ok(verifyMessage(decode(t.topic, fromHex(t.payloadHex)), key));
});

const invalid = suite('protocol: invalid payload vectors');

for (const v of vectors.invalid) {
  invalid(`${v.name}: ${v.code}${'field' in v ? ' at ' + v.field : ''}`, () => {
    const bytes = 'payloadHex' in v ? fromHex(v.payloadHex as string) : utf8Encode(v.payload as string);
    const e = thrown(() => decode(v.topic, bytes));
    assert.ok(e, 'decode did not throw');
    assert.is(e!.code, v.code, e!.message);
    if ('field' in v) assert.ok(e!.message.startsWith(`E_MSG_FIELD: ${v.field}:`), e!.message);
  });
}

const enc = suite('protocol: encode');
const offerV = vectors.valid.find((v) => v.kind === 'offer')!;
const teleV = vectors.valid.find((v) => v.kind === 'telemetry')!;

enc('refuses an invalid body with the field path', () => {
  const body = { ...(offerV.body as Bodies['offer']), energyMWh: 0 };
  const e = thrown(() => encode('offer', body, offerV.secretKey as string));
  assert.is(e?.code, 'E_MSG_FIELD');
  assert.match(e!.message, 'body.energyMWh');
});

enc('a signed kind needs a key and an unsigned kind refuses one', () => {
  assert.is(thrown(() => encode('offer', offerV.body as Bodies['offer']))?.code, 'E_MSG_FIELD');
  assert.is(thrown(() => encode('telemetry', teleV.body as Bodies['telemetry'], offerV.secretKey as string))?.code, 'E_MSG_FIELD');
});

enc('refuses a body that does not fit its size limit', () => {
  const entry = { id: 'house-a-o-1', node: 'house-a', energyMWh: 1, priceUnitsPerKWh: 1, fromMs: 0, toMs: 1 };
  const offers = [];
  for (let i = 0; i < 100; i++) offers.push({ ...entry, id: `house-a-o-${'0'.repeat(40)}${i}` });
  const body: Bodies['book'] = { village: 'sfax-lab', seq: 1, atMs: 0, offers, requests: offers };
  assert.is(thrown(() => encode('book', body))?.code, 'E_MSG_SIZE');
});

enc('unknown kinds are refused', () => {
  assert.is(thrown(() => encode('bid' as Kind, {} as Bodies[Kind]))?.code, 'E_MSG_KIND');
});

const env = suite('protocol: decodeEnvelope without a topic');

env('reads any kind and pins an expected one', () => {
  const bytes = fromHex(offerV.payloadHex);
  assert.is(decodeEnvelope(bytes).kind, 'offer');
  assert.is(decodeEnvelope(bytes, 'offer').kind, 'offer');
  assert.is(thrown(() => decodeEnvelope(bytes, 'request'))?.code, 'E_MSG_KIND');
});

env('every kind declares a payload limit between 1 KiB and 16 KiB', () => {
  for (const k of KINDS) assert.ok(SPECS[k].maxBytes >= 1024 && SPECS[k].maxBytes <= 16384, k);
  assert.is(SPECS['meter-report'].maxBytes, 4096);
});

env('an ArrayBuffer payload decodes like its bytes', () => {
  const bytes = fromHex(offerV.payloadHex);
  const buf = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer;
  assert.equal(decode(offerV.topic, buf), decode(offerV.topic, bytes));
});

env('non-byte payloads are E_MSG_JSON', () => {
  assert.is(thrown(() => decodeEnvelope('{}' as unknown as Uint8Array))?.code, 'E_MSG_JSON');
});

valid.run();
invalid.run();
enc.run();
env.run();

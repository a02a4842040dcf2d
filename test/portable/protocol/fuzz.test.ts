/**
 * Seeded fuzzing that runs on XS as well as Node (fast-check is Node-only):
 * random bytes and mutated valid payloads never make decode throw anything
 * but a SwarmError with a protocol code, and whatever decodes re-encodes to
 * the very same bytes (one message, one payload).
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import vectors from '../../vectors/protocol/messages.json';
import { decode, encodeMessage } from '../../../shared/protocol/index';
import { bytesEqual, fromHex } from '../../../shared/bytes';
import { SwarmError } from '../../../shared/errors';

const CODES = ['E_TOPIC', 'E_MSG_SIZE', 'E_MSG_JSON', 'E_MSG_CANONICAL', 'E_MSG_VERSION', 'E_MSG_KIND', 'E_MSG_FIELD', 'E_MSG_TOPIC'];

/** xorshift32: small, seeded, the same sequence on every engine. */
function rng(seed: number): () => number {
  let x = seed | 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

function outcome(topic: string, bytes: Uint8Array): string {
  try {
    const msg = decode(topic, bytes);
    return bytesEqual(encodeMessage(msg), bytes) ? 'ok' : 'ok-but-not-canonical';
  } catch (e) {
    if (!(e instanceof SwarmError)) return `foreign ${String(e)}`;
    return CODES.indexOf(e.code) >= 0 ? 'error' : `unexpected code ${e.code}`;
  }
}

const fuzz = suite('protocol: seeded fuzzing');

fuzz('random bytes give a protocol error, never a crash', () => {
  const r = rng(0x5eed);
  const topics = vectors.valid.map((v) => v.topic);
  for (let i = 0; i < 400; i++) {
    const n = Math.floor(r() * 80);
    const b = new Uint8Array(n);
    for (let k = 0; k < n; k++) b[k] = Math.floor(r() * 256);
    const o = outcome(topics[i % topics.length]!, b);
    assert.ok(o === 'error', o);
  }
});

fuzz('mutated valid payloads decode canonically or fail with a protocol code', () => {
  const r = rng(0xc0ffee);
  const alphabet = '{}[]":,0123456789-.etrufalsn\\ abAZ_';
  let decoded = 0;
  for (let i = 0; i < 1200; i++) {
    const v = vectors.valid[i % vectors.valid.length]!;
    const b = Array.from(fromHex(v.payloadHex));
    const edits = 1 + Math.floor(r() * 3);
    for (let e = 0; e < edits; e++) {
      const at = Math.floor(r() * (b.length + 1));
      const op = r();
      if (op < 0.3) b.splice(at, 1);
      else if (op < 0.6) b.splice(at, 0, alphabet.charCodeAt(Math.floor(r() * alphabet.length)));
      else if (op < 0.8) b[Math.min(at, b.length - 1)] = alphabet.charCodeAt(Math.floor(r() * alphabet.length));
      else b.length = Math.floor(r() * b.length);
    }
    const o = outcome(v.topic, new Uint8Array(b));
    assert.ok(o === 'ok' || o === 'error', `${v.name} #${i}: ${o}`);
    if (o === 'ok') decoded++;
  }
  assert.ok(decoded < 1200);
});

fuzz.run();

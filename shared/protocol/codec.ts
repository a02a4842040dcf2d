/**
 * Payload codec: envelope `{ v: 1, kind, body, sig? }` as canonical JSON
 * bytes (shared/canonical). Decoding is strict and total: any input yields a
 * typed message or a SwarmError with a stable code, in this order —
 * E_TOPIC, E_MSG_SIZE, E_MSG_JSON, E_MSG_VERSION, E_MSG_KIND, E_MSG_FIELD,
 * E_MSG_CANONICAL, E_MSG_TOPIC. Only canonical bytes are accepted, so one
 * message has exactly one payload (ledger idempotence, byte-exact vectors).
 * Signatures are checked separately (verifyMessage), since the key lookup
 * belongs to the receiver.
 */
import { canonicalBytes } from '../canonical';
import { bytesEqual, utf8Decode } from '../bytes';
import { fail } from '../errors';
import { sign } from '../sign';
import { bad, object } from './fields';
import { isKind, kindOnTopic, MAX_PAYLOAD_BYTES, SPECS, type Bodies, type Kind, type Message } from './kinds';
import type { KindSpec } from './spec';
import { parseTopic } from './topics';

const SIG = /^[0-9a-f]{128}$/;

function specOf(kind: Kind): KindSpec<Bodies[Kind]> {
  return SPECS[kind] as KindSpec<Bodies[Kind]>;
}

/** Decode a payload received on `topic`: parse, validate, and check the body against the topic. */
export function decode(topic: string, payload: Uint8Array | ArrayBuffer): Message {
  const t = parseTopic(topic);
  const msg = decodeEnvelope(payload, kindOnTopic(t));
  const why = specOf(msg.kind).misfit(t, msg.body);
  if (why !== null) fail('E_MSG_TOPIC', why);
  return msg;
}

/**
 * Decode a payload without a topic (e.g. a ledger entry); `expected` pins the
 * kind. Accepts an ArrayBuffer too (what Moddable's MQTT client delivers).
 */
export function decodeEnvelope(data: Uint8Array | ArrayBuffer, expected?: Kind): Message {
  const payload = data instanceof ArrayBuffer ? new Uint8Array(data) : data;
  if (!(payload instanceof Uint8Array)) return fail('E_MSG_JSON', 'payload is not bytes');
  const limit = expected ? SPECS[expected].maxBytes : MAX_PAYLOAD_BYTES;
  if (payload.length > limit) fail('E_MSG_SIZE', `${payload.length} bytes, limit ${limit}`);
  let env: unknown;
  try {
    env = JSON.parse(utf8Decode(payload));
  } catch {
    return fail('E_MSG_JSON', 'payload is not UTF-8 JSON');
  }
  if (env === null || typeof env !== 'object' || Array.isArray(env)) return fail('E_MSG_JSON', 'payload is not a JSON object');
  const e = env as { v?: unknown; kind?: unknown; sig?: unknown; body?: unknown };
  if (e.v !== 1) fail('E_MSG_VERSION', `unsupported envelope version ${short(e.v)}`);
  if (!isKind(e.kind)) return fail('E_MSG_KIND', `unknown kind ${short(e.kind)}`);
  if (expected && e.kind !== expected) fail('E_MSG_KIND', `kind "${e.kind}" on a topic for "${expected}"`);
  const spec = specOf(e.kind);
  if (payload.length > spec.maxBytes) fail('E_MSG_SIZE', `${payload.length} bytes, limit ${spec.maxBytes} for ${e.kind}`);
  object(env, 'envelope', ['v', 'kind', 'body'], spec.signed ? ['sig'] : []);
  if (spec.signed && (typeof e.sig !== 'string' || !SIG.test(e.sig))) bad('envelope.sig', 'must be 128 lowercase hex characters');
  const body = spec.read(e.body, 'body');
  const msg = (spec.signed ? { v: 1, kind: e.kind, body, sig: e.sig } : { v: 1, kind: e.kind, body }) as Message;
  let canon: Uint8Array;
  try {
    canon = canonicalBytes(msg);
  } catch {
    return fail('E_MSG_CANONICAL', 'payload has no canonical form');
  }
  if (!bytesEqual(canon, payload)) fail('E_MSG_CANONICAL', 'payload bytes are not the canonical encoding of the envelope');
  return msg;
}

/**
 * Payload bytes for `body` of `kind`: validated (E_MSG_FIELD), signed with
 * `secretKeyHex` under domain `kind` when the kind is signed, encoded
 * canonically, size-checked (E_MSG_SIZE).
 */
export function encode<K extends Kind>(kind: K, body: Bodies[K], secretKeyHex?: string): Uint8Array {
  if (!isKind(kind)) return fail('E_MSG_KIND', `unknown kind ${short(kind)}`);
  const spec = specOf(kind);
  const clean = spec.read(body, 'body');
  if (spec.signed && secretKeyHex === undefined) bad('envelope.sig', `kind "${kind}" is signed: pass the secret key`);
  if (!spec.signed && secretKeyHex !== undefined) bad('envelope.sig', `kind "${kind}" is unsigned`);
  const env = secretKeyHex === undefined ? { v: 1, kind, body: clean } : { v: 1, kind, body: clean, sig: sign(kind, clean, secretKeyHex) };
  return sized(spec, canonicalBytes(env));
}

/** Payload bytes of an already signed (or unsigned) message, e.g. to republish a stored contract. */
export function encodeMessage(msg: Message): Uint8Array {
  if (!msg || msg.v !== 1) fail('E_MSG_VERSION', 'envelope version must be 1');
  if (!isKind(msg.kind)) return fail('E_MSG_KIND', `unknown kind ${short(msg.kind)}`);
  const spec = specOf(msg.kind);
  object(msg, 'envelope', ['v', 'kind', 'body'], spec.signed ? ['sig'] : []);
  const sig = (msg as { sig?: unknown }).sig;
  if (spec.signed && (typeof sig !== 'string' || !SIG.test(sig))) bad('envelope.sig', 'must be 128 lowercase hex characters');
  const body = spec.read(msg.body, 'body');
  return sized(spec, canonicalBytes(spec.signed ? { v: 1, kind: msg.kind, body, sig } : { v: 1, kind: msg.kind, body }));
}

function sized(spec: KindSpec<unknown>, bytes: Uint8Array): Uint8Array {
  if (bytes.length > spec.maxBytes) fail('E_MSG_SIZE', `${bytes.length} bytes, limit ${spec.maxBytes} for ${spec.kind}`);
  return bytes;
}

// Never String(v) on wire data: an object with a "toString" key would throw a TypeError.
function short(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v);
  if (typeof v === 'number' || typeof v === 'boolean' || v === null || v === undefined) return String(v);
  return Array.isArray(v) ? 'an array' : `a ${typeof v}`;
}

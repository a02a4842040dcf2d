/**
 * Canonical encoding: the one byte form of a message that hub and firmware
 * sign and verify. It is JSON with
 *  - object keys sorted (keys limited to [A-Za-z0-9_], so UTF-16 order,
 *    code-point order and byte order agree on every runtime),
 *  - no whitespace,
 *  - integers only (safe integers; energy, power and money are integers by
 *    design, ARCHITECTURE rule 4) — floats have no portable shortest form,
 *  - strings escaped as JSON.stringify does for `"`, `\` and control
 *    characters (\b \f \n \r \t, else \u00xx lowercase), everything else
 *    literal UTF-8,
 *  - `undefined` object members omitted (as JSON does); `undefined` elsewhere
 *    is an error.
 * The result is valid JSON, so `JSON.parse(utf8Decode(bytes))` reads it back.
 */
import { fail } from './errors';
import { utf8Encode } from './bytes';

/** A value with a canonical form. */
export type Canonical =
  | null
  | boolean
  | number
  | string
  | readonly Canonical[]
  | { readonly [key: string]: Canonical | undefined };

const MAX_DEPTH = 32;
const KEY = /^[A-Za-z0-9_]+$/;

/** Canonical text of `value` (see module doc). Throws E_CANON_* on values without one. */
export function canonicalText(value: unknown): string {
  return encode(value, 0);
}

/** Canonical UTF-8 bytes of `value`. */
export function canonicalBytes(value: unknown): Uint8Array {
  return utf8Encode(encode(value, 0));
}

function encode(value: unknown, depth: number): string {
  if (depth > MAX_DEPTH) fail('E_CANON_DEPTH', `nesting deeper than ${MAX_DEPTH}`);
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isSafeInteger(value)) fail('E_CANON_TYPE', `number ${String(value)} is not a safe integer`);
      // -0 prints as 0 in JSON; make that explicit.
      return value === 0 ? '0' : String(value);
    case 'string':
      return quote(value);
    case 'object': {
      if (Array.isArray(value)) {
        let s = '[';
        for (let i = 0; i < value.length; i++) {
          if (i) s += ',';
          if (value[i] === undefined) fail('E_CANON_TYPE', `undefined at array index ${i}`);
          s += encode(value[i], depth + 1);
        }
        return s + ']';
      }
      const proto = Object.getPrototypeOf(value) as unknown;
      if (proto !== Object.prototype && proto !== null) fail('E_CANON_TYPE', 'only plain objects and arrays have a canonical form');
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record).filter((k) => record[k] !== undefined).sort();
      let s = '{';
      for (let i = 0; i < keys.length; i++) {
        const k = keys[i]!;
        if (!KEY.test(k)) fail('E_CANON_KEY', `key ${JSON.stringify(k)} is outside [A-Za-z0-9_]`);
        if (i) s += ',';
        s += '"' + k + '":' + encode(record[k], depth + 1);
      }
      return s + '}';
    }
    default:
      return fail('E_CANON_TYPE', `a ${typeof value} has no canonical form`);
  }
}

const ESC: Record<number, string> = { 8: '\\b', 9: '\\t', 10: '\\n', 12: '\\f', 13: '\\r', 34: '\\"', 92: '\\\\' };
const HEX = '0123456789abcdef';

function quote(s: string): string {
  let out = '"';
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdfff) {
      // A surrogate must be half of a pair; a lone one has no UTF-8 form.
      const next = s.charCodeAt(i + 1);
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) { i++; continue; }
      fail('E_UTF8', `lone surrogate at index ${i}`);
    }
    if (c >= 0x20 && c !== 34 && c !== 92) continue;
    out += s.slice(from, i) + (ESC[c] ?? '\\u00' + HEX[c >> 4]! + HEX[c & 15]!);
    from = i + 1;
  }
  return out + s.slice(from) + '"';
}

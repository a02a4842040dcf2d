/**
 * Byte helpers that behave the same on XS and Node: no TextEncoder, no
 * Buffer. XS keeps strings as UTF-8 internally but exposes UTF-16 code units
 * through the language, so we encode from code points ourselves.
 */
import { fail } from './errors';

/** UTF-8 bytes of `text` (lone surrogates become U+FFFD, as TextEncoder does). */
export function utf8Encode(text: string): Uint8Array {
  let size = 0;
  for (let i = 0; i < text.length; i++) {
    const cp = codePointAt(text, i);
    if (cp > 0xffff) i++;
    size += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }
  const out = new Uint8Array(size);
  let o = 0;
  for (let i = 0; i < text.length; i++) {
    const cp = codePointAt(text, i);
    if (cp > 0xffff) i++;
    if (cp < 0x80) out[o++] = cp;
    else if (cp < 0x800) {
      out[o++] = 0xc0 | (cp >> 6);
      out[o++] = 0x80 | (cp & 0x3f);
    } else if (cp < 0x10000) {
      out[o++] = 0xe0 | (cp >> 12);
      out[o++] = 0x80 | ((cp >> 6) & 0x3f);
      out[o++] = 0x80 | (cp & 0x3f);
    } else {
      out[o++] = 0xf0 | (cp >> 18);
      out[o++] = 0x80 | ((cp >> 12) & 0x3f);
      out[o++] = 0x80 | ((cp >> 6) & 0x3f);
      out[o++] = 0x80 | (cp & 0x3f);
    }
  }
  return out;
}

function codePointAt(text: string, i: number): number {
  const hi = text.charCodeAt(i);
  if (hi >= 0xd800 && hi <= 0xdbff && i + 1 < text.length) {
    const lo = text.charCodeAt(i + 1);
    if (lo >= 0xdc00 && lo <= 0xdfff) return 0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00);
  }
  if (hi >= 0xd800 && hi <= 0xdfff) return 0xfffd;
  return hi;
}

/** Decode strict UTF-8 (overlongs, surrogates and truncation rejected with E_UTF8). */
export function utf8Decode(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    const b0 = bytes[i]!;
    let cp: number;
    let need: number;
    let min: number;
    if (b0 < 0x80) { cp = b0; need = 0; min = 0; }
    else if ((b0 & 0xe0) === 0xc0) { cp = b0 & 0x1f; need = 1; min = 0x80; }
    else if ((b0 & 0xf0) === 0xe0) { cp = b0 & 0x0f; need = 2; min = 0x800; }
    else if ((b0 & 0xf8) === 0xf0) { cp = b0 & 0x07; need = 3; min = 0x10000; }
    else return fail('E_UTF8', `invalid lead byte at ${i}`);
    if (i + need >= bytes.length) fail('E_UTF8', `truncated sequence at ${i}`);
    for (let k = 1; k <= need; k++) {
      const b = bytes[i + k]!;
      if ((b & 0xc0) !== 0x80) fail('E_UTF8', `invalid continuation at ${i + k}`);
      cp = (cp << 6) | (b & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) fail('E_UTF8', `invalid code point at ${i}`);
    out += String.fromCodePoint(cp);
    i += need + 1;
  }
  return out;
}

const HEX = '0123456789abcdef';

/** Lowercase hex of `bytes`. */
export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += HEX[bytes[i]! >> 4]! + HEX[bytes[i]! & 15]!;
  return s;
}

/** Bytes of an even-length hex string; anything else is E_HEX. */
export function fromHex(hex: string): Uint8Array {
  if (typeof hex !== 'string' || hex.length % 2 !== 0) fail('E_HEX', 'hex string of odd length or not a string');
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) {
    const hi = nibble(hex.charCodeAt(2 * i));
    const lo = nibble(hex.charCodeAt(2 * i + 1));
    if (hi < 0 || lo < 0) fail('E_HEX', `non-hex character near offset ${2 * i}`);
    out[i] = (hi << 4) | lo;
  }
  return out;
}

function nibble(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** Concatenate byte arrays. */
export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

/** Byte-wise equality. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i]! ^ b[i]!;
  return d === 0;
}

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { canonicalBytes, canonicalText } from '../../shared/canonical';
import { fromHex, toHex, utf8Decode, utf8Encode } from '../../shared/bytes';
import { SwarmError } from '../../shared/errors';

const canonical = suite('canonical encoding');

const codeOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    return e instanceof SwarmError ? e.code : 'not a SwarmError: ' + String(e);
  }
  return 'no error';
};

canonical('sorts keys at every depth and drops whitespace', () => {
  assert.is(canonicalText({ b: 1, a: { d: [2, { z: 0, y: 1 }], c: null } }), '{"a":{"c":null,"d":[2,{"y":1,"z":0}]},"b":1}');
});

canonical('omits undefined members like JSON does, but not in arrays', () => {
  assert.is(canonicalText({ a: 1, b: undefined }), '{"a":1}');
  assert.is(codeOf(() => canonicalText([1, undefined])), 'E_CANON_TYPE');
});

canonical('writes integers only: -0 is 0, floats and unsafe integers are refused', () => {
  assert.is(canonicalText([-0, 0, -17, 9007199254740991]), '[0,0,-17,9007199254740991]');
  assert.is(codeOf(() => canonicalText({ x: 0.5 })), 'E_CANON_TYPE');
  assert.is(codeOf(() => canonicalText({ x: 9007199254740992 })), 'E_CANON_TYPE');
  assert.is(codeOf(() => canonicalText({ x: Number.NaN })), 'E_CANON_TYPE');
});

canonical('refuses keys outside [A-Za-z0-9_], bigints and class instances', () => {
  assert.is(codeOf(() => canonicalText({ 'a-b': 1 })), 'E_CANON_KEY');
  assert.is(codeOf(() => canonicalText({ é: 1 })), 'E_CANON_KEY');
  assert.is(codeOf(() => canonicalText({ n: 1n })), 'E_CANON_TYPE');
  assert.is(codeOf(() => canonicalText({ d: new Date(0) })), 'E_CANON_TYPE');
});

canonical('escapes only quote, backslash and control characters', () => {
  assert.is(canonicalText('a"b\\c\n\t\u0001\u007fé'), '"a\\"b\\\\c\\n\\t\\u0001\u007fé"');
});

canonical('refuses lone surrogates and deep nesting', () => {
  assert.is(codeOf(() => canonicalText('\ud800x')), 'E_UTF8');
  let deep: unknown = 1;
  for (let i = 0; i < 40; i++) deep = [deep];
  assert.is(codeOf(() => canonicalText(deep)), 'E_CANON_DEPTH');
});

canonical('encodes UTF-8 of every plane and reads it back', () => {
  const text = 'A é € 𝄞 ☀️';
  const bytes = canonicalBytes(text);
  assert.is(toHex(bytes), '224120c3a920e282ac20f09d849e20e29880efb88f22');
  assert.is(utf8Decode(bytes), '"' + text + '"');
});

canonical('the output is JSON that parses back to the same value', () => {
  const value = { z: [1, 2, { q: 'x"y' }], a: true, m: -5, s: '' };
  assert.equal(JSON.parse(utf8Decode(canonicalBytes(value))), value);
});

const bytes = suite('bytes');

bytes('hex round-trips and refuses odd length and non-hex', () => {
  assert.equal(fromHex('00ff7Fa0'), new Uint8Array([0, 255, 127, 160]));
  assert.is(toHex(new Uint8Array([0, 255, 127, 160])), '00ff7fa0');
  assert.is(codeOf(() => fromHex('abc')), 'E_HEX');
  assert.is(codeOf(() => fromHex('zz')), 'E_HEX');
});

bytes('strict UTF-8 decoding refuses overlongs, surrogates and truncation', () => {
  assert.is(codeOf(() => utf8Decode(new Uint8Array([0xc0, 0x80]))), 'E_UTF8');
  assert.is(codeOf(() => utf8Decode(new Uint8Array([0xed, 0xa0, 0x80]))), 'E_UTF8');
  assert.is(codeOf(() => utf8Decode(new Uint8Array([0xe2, 0x82]))), 'E_UTF8');
  assert.is(codeOf(() => utf8Decode(new Uint8Array([0xff]))), 'E_UTF8');
  assert.is(utf8Decode(utf8Encode('ok ✓')), 'ok ✓');
});

canonical.run();
bytes.run();

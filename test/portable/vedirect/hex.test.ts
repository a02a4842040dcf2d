import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import vectors from '../../vectors/vedirect/hex.json';
import { decodeHex, encodeGet, encodeHexFrame, encodeSet, HexFrame, Register } from '../../../firmware/vedirect/hex';
import { VeDirectParser } from '../../../firmware/vedirect/parser';

const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
const text = (b: Uint8Array): string => String.fromCharCode(...b);

function frames(stream: string): { text: string; valid: boolean; record: unknown }[] {
  const out: { text: string; valid: boolean; record: unknown }[] = [];
  const p = new VeDirectParser({ hex: (f: HexFrame) => out.push({ text: f.text(), valid: f.valid, record: decodeHex(f) }) });
  p.push(ascii(stream));
  return out;
}

const decode = suite('HEX frames: validation and typed decoding');

for (const v of vectors.frames) {
  decode(`${v.note}: ${v.frame}`, () => {
    const [f] = frames(`:${v.frame}\n`);
    assert.ok(f);
    assert.is(f!.text, v.frame);
    assert.is(f!.valid, v.valid);
    assert.equal(f!.record, v.record);
  });
}

decode('lower-case digits are read, the frame text is kept as sent', () => {
  const [f] = frames(':7001000c80076\n');
  assert.is(f!.valid, true);
  assert.is(f!.text, '7001000c80076');
});

decode('a frame ended by a byte other than LF is invalid even if its sum is right', () => {
  const [f] = frames(':51641F9\r');
  assert.is(f!.valid, false);
  assert.equal(f!.record, { kind: 'invalid' });
});

const encode = suite('HEX frames: encoding');

encode('get battery capacity is ":70010003E\\n" (FAQ Q3)', () => {
  assert.is(text(encodeGet(Register.BatteryCapacity)), ':70010003E\n');
});

encode('a ping reply for firmware 1.16 is ":51641F9\\n"', () => {
  assert.is(text(encodeHexFrame(0x5, [0x16, 0x41])), ':51641F9\n');
});

encode('set writes the value little-endian in its width, and decodes back', () => {
  const bytes = encodeSet(Register.ChargerCurrent, 0x0123, 2);
  assert.is(text(bytes), ':8D7ED00230165\n');
  const [f] = frames(text(bytes));
  assert.equal(f!.record, { kind: 'set', register: 0xedd7, flags: 0, valueLength: 2, value: 0x123, signedValue: 0x123 });
});

encode('encode → parse is the identity for random register frames (seeded)', () => {
  let s = 7;
  const rnd = (n: number) => ((s = (s * 1103515245 + 12345) & 0x7fffffff) % n);
  for (let k = 0; k < 200; k++) {
    const width = [1, 2, 4][rnd(3)]!;
    const value = rnd(2 ** Math.min(8 * width, 30));
    const register = rnd(0x10000);
    const flags = rnd(8);
    const data = [register & 0xff, register >> 8, flags];
    for (let i = 0, v = value; i < width; i++, v = Math.floor(v / 256)) data.push(v % 256);
    const [f] = frames(text(encodeHexFrame(0xa, data)));
    assert.is(f!.valid, true);
    assert.equal(f!.record, { kind: 'async', register, flags, valueLength: width, value, signedValue: value >= 2 ** (8 * width - 1) ? value - 2 ** (8 * width) : value });
  }
});

encode('a command outside one nibble is refused', () => {
  assert.throws(() => encodeHexFrame(16, []), /nibble/);
});

decode.run();
encode.run();

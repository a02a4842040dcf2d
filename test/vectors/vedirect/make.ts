/**
 * Builds the VE.Direct vectors byte by byte from the spec, independently of
 * firmware/vedirect (its own checksum arithmetic and frame layout), so the
 * parser is checked against the spec and not against itself.
 *
 *   npx tsx test/vectors/vedirect/make.ts
 *
 * Text blocks: VE.Direct Protocol 3.33, "Text-Mode" ("Message format",
 * "Data integrity"): CR LF label TAB value … CR LF "Checksum" TAB <byte>,
 * sum of all block bytes ≡ 0 (mod 256). HEX frames: VE.Direct HEX protocol,
 * "Message format": ':' command-digit data-pairs check-pair LF, command +
 * bytes + check ≡ 0x55 (mod 256).
 *
 * Expected outputs are written here alongside the bytes: what was sent
 * intact is expected; what was corrupted, cut or merged is not.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

type Fields = [string, string][];
type Line = { type: 'block'; fields: Record<string, string> } | { type: 'hex'; frame: string; valid: boolean };

const ascii = (s: string): number[] => Array.from(s, (c) => c.charCodeAt(0));
const sum = (b: number[]): number => b.reduce((a, x) => a + x, 0) & 0xff;

/** Block bytes; `checksum` overrides the computed checksum byte. */
function blockBytes(fields: Fields, checksum?: number): number[] {
  const out: number[] = [];
  for (const [l, v] of fields) out.push(0x0d, 0x0a, ...ascii(l), 0x09, ...ascii(v));
  out.push(0x0d, 0x0a, ...ascii('Checksum'), 0x09);
  out.push(checksum ?? (256 - sum(out)) & 0xff);
  return out;
}

const HEXD = '0123456789ABCDEF';
const h2 = (v: number): string => HEXD[(v >> 4) & 15]! + HEXD[v & 15]!;

/** Characters of a HEX frame between ':' and LF; `check` overrides the check byte. */
function hexChars(command: number, data: number[], check?: number): string {
  const c = check ?? (0x55 - command - data.reduce((a, x) => a + x, 0)) & 0xff;
  return HEXD[command]! + data.map(h2).join('') + h2(c);
}

/**
 * The fields with SER# replaced by "HQ" + a zero-padded number of 5…9 digits,
 * the first for which `ok(bytes)` holds (lengths 5…9 reach every byte sum
 * residue, so a wanted checksum byte or partial sum can always be found).
 */
function tune(fields: Fields, ok: (bytes: number[]) => boolean): Fields {
  for (let digits = 5; digits <= 9; digits++) {
    for (let n = 0; n < 10_000; n++) {
      const serial = 'HQ' + String(n).padStart(digits, '0');
      const f = fields.map(([l, v]) => [l, l === 'SER#' ? serial : v] as [string, string]);
      if (ok(blockBytes(f))) return f;
    }
  }
  throw new Error('could not tune the block');
}

const mppt = (v = 12_800, i = 1_200, ppv = 18): Fields => [
  ['PID', '0xA053'],
  ['FW', '164'],
  ['SER#', 'HQ2219XYZ12'],
  ['V', String(v)],
  ['I', String(i)],
  ['VPV', '18350'],
  ['PPV', String(ppv)],
  ['CS', '3'],
  ['MPPT', '2'],
  ['OR', '0x00000000'],
  ['ERR', '0'],
  ['LOAD', 'ON'],
  ['IL', '300'],
  ['H19', '1234'],
  ['H20', '12'],
  ['H21', '95'],
  ['H22', '31'],
  ['H23', '101'],
  ['HSDS', '17'],
];

const bmvMain = (v = 12_650, i = -2_300, soc = 876): Fields => [
  ['PID', '0x203'],
  ['V', String(v)],
  ['I', String(i)],
  ['P', String(Math.round((v * i) / 1e6))],
  ['CE', '-4980'],
  ['SOC', String(soc)],
  ['TTG', '1290'],
  ['Alarm', 'OFF'],
  ['Relay', 'OFF'],
  ['AR', '0'],
  ['BMV', '700'],
  ['FW', '0308'],
  ['MON', '0'],
];

const bmvHistory = (cycles = 12): Fields =>
  [-20000, -5000, -8000, cycles, 0, -250000, 11200, 14400, 3600, 9, 0, 0, 0, 0, 0, 0, 310, 350].map((v, k) => [`H${k + 1}`, String(v)] as [string, string]);

class Capture {
  bytes: number[] = [];
  expect: Line[] = [];
  counters: Record<string, number> = {};
  constructor(
    readonly name: string,
    readonly description: string,
  ) {}
  raw(...parts: (string | number[])[]): this {
    for (const p of parts) this.bytes.push(...(typeof p === 'string' ? ascii(p) : p));
    return this;
  }
  block(fields: Fields): this {
    this.bytes.push(...blockBytes(fields));
    this.expect.push({ type: 'block', fields: Object.fromEntries(fields) });
    return this;
  }
  hex(chars: string, valid: boolean): this {
    this.raw(':' + chars + '\n');
    this.expect.push({ type: 'hex', frame: chars, valid });
    return this;
  }
  /** A block with HEX frames inserted at byte offsets (frames are reported first, the block at its end). */
  blockWithHex(fields: Fields, inserts: [number, string][]): this {
    const b = blockBytes(fields);
    let out: number[] = [];
    let last = 0;
    for (const [at, chars] of inserts) {
      out = out.concat(b.slice(last, at), ascii(':' + chars + '\n'));
      this.expect.push({ type: 'hex', frame: chars, valid: true });
      last = at;
    }
    this.bytes.push(...out, ...b.slice(last));
    this.expect.push({ type: 'block', fields: Object.fromEntries(fields) });
    return this;
  }
  count(c: Record<string, number>): this {
    this.counters = { ...this.counters, ...c };
    return this;
  }
  json() {
    return { name: this.name, description: this.description, hex: Buffer.from(this.bytes).toString('hex'), expect: this.expect, counters: this.counters };
  }
}

const caps: Capture[] = [];
const add = (c: Capture): Capture => (caps.push(c), c);

// An async update of the charger voltage register 0xEDD5 (un16, 0.01 V) and a ping reply.
const asyncV = hexChars(0xa, [0xd5, 0xed, 0x00, 0x00, 0x05]); // 12.80 V
const asyncState = hexChars(0xa, [0x01, 0x02, 0x00, 0x03]); // device state 0x0201 = bulk
const ping = hexChars(0x5, [0x16, 0x41]); // ":51641F9" (VE.Direct HEX protocol, "Ping")

add(new Capture('mppt-one-block', 'one SmartSolar MPPT 75|15 block')).block(mppt()).count({ blocks: 1, checksumErrors: 0 });

const special: [string, number][] = [
  ['CR', 0x0d],
  ['LF', 0x0a],
  ['TAB', 0x09],
  ['colon', 0x3a],
  ['NUL', 0x00],
  ['0x80', 0x80],
  ['0xFF', 0xff],
];
for (const [name, byte] of special) {
  const a = tune(mppt(12_000), (b) => b[b.length - 1] === byte);
  add(new Capture(`checksum-byte-${name}`, `the checksum byte is ${name} (0x${h2(byte)}); the next block follows right after it`))
    .block(a)
    .block(mppt(13_000))
    .count({ blocks: 2, checksumErrors: 0 });
}
{
  const a = tune(mppt(12_000), (b) => b[b.length - 1] === 0x3a);
  add(new Capture('checksum-colon-then-async-hex', "checksum byte ':' followed at once by async HEX frames, then the next block"))
    .block(a)
    .hex(asyncV, true)
    .hex(asyncState, true)
    .block(mppt(13_000))
    .count({ blocks: 2, hexValid: 2, hexInvalid: 0 });
  const c = tune(mppt(12_000), (b) => b[b.length - 1] === 0x0d);
  add(new Capture('checksum-cr-then-hex', "checksum byte CR followed by a HEX frame, then the next block"))
    .block(c)
    .hex(ping, true)
    .block(mppt(12_990))
    .count({ blocks: 2, hexValid: 1 });
}

add(new Capture('hex-between-blocks', 'async HEX frames and a ping reply between blocks'))
  .block(mppt())
  .hex(asyncV, true)
  .hex(ping, true)
  .block(mppt(12_810))
  .hex(asyncState, true)
  .block(mppt(12_820))
  .count({ blocks: 3, hexValid: 3 });

{
  // Offsets into the block bytes: 0 = before the first CR, 1 = between CR and LF,
  // 4 = inside the label "PID", 6 = right after the TAB, 8 = inside a value, …
  const f = mppt();
  const b = blockBytes(f);
  const vAt = b.indexOf(0x09, b.indexOf(0x56, 20)) + 3; // inside the V value
  const checksumTab = b.length - 2; // between "Checksum" and its TAB
  const c = add(new Capture('hex-mid-block', 'HEX frames from older firmware inside a block: between CR and LF, inside a label, inside a value, before the Checksum TAB; not part of the text checksum'));
  c.blockWithHex(f, [[1, asyncV]]);
  c.blockWithHex(mppt(12_830), [[4, asyncState]]);
  c.blockWithHex(mppt(12_840), [[vAt, asyncV], [vAt, ping]]);
  c.blockWithHex(mppt(12_850), [[checksumTab, asyncV]]);
  c.blockWithHex(mppt(12_860), [[6, ping], [b.length - 12, asyncState]]);
  c.count({ blocks: 5, hexValid: 7, checksumErrors: 0 });
}

add(new Capture('bmv-split-blocks', 'a BMV-700 data set in two blocks, each with its own checksum, twice'))
  .block(bmvMain())
  .block(bmvHistory())
  .block(bmvMain(12_640, -2_400, 875))
  .block(bmvHistory(13))
  .count({ blocks: 4 });

{
  const a = blockBytes(mppt());
  const k = a.indexOf(0x38); // an '8' of "12800" … first '8' in the block
  const bad = a.slice();
  bad[k] = 0x39; // '8' -> '9': still a well-formed field, the sum is now off by one
  add(new Capture('corrupted-digit', 'one digit changed in transit: the block is dropped, the next one is kept'))
    .raw(bad)
    .block(mppt(12_810))
    .count({ blocks: 1, checksumErrors: 1 });
  const badSum = a.slice();
  badSum[badSum.length - 1] = (badSum[badSum.length - 1]! + 1) & 0xff;
  add(new Capture('corrupted-checksum-byte', 'the checksum byte itself is wrong'))
    .raw(badSum)
    .block(mppt(12_810))
    .count({ blocks: 1, checksumErrors: 1 });
  const lf = a.slice();
  lf.splice(a.indexOf(0x09, 30) + 2, 0, 0x0a);
  add(new Capture('stray-lf-in-value', 'a stray LF inside a value: malformed, dropped; the parser finds its feet on the next block'))
    .raw(lf)
    .block(mppt(12_810))
    .block(mppt(12_820))
    .count({ blocks: 2 });
}

{
  const a = blockBytes(mppt());
  add(new Capture('truncated-then-next', 'a block cut short (serial overrun) runs into the next block: the cut block is never emitted, not even partly; the next one is'))
    .raw(a.slice(0, 70))
    .block(mppt(12_900))
    .block(mppt(12_910))
    .count({ blocks: 2, checksumErrors: 0 });
  // The middle of a block is lost, field boundaries included: what remains is one block with a wrong sum.
  const mid = a.slice(0, 40).concat(a.slice(75));
  add(new Capture('bytes-lost-mid-block', '35 bytes lost in the middle of a block: dropped'))
    .raw(mid)
    .block(mppt(12_900))
    .count({ blocks: 1 });
  const m = blockBytes(bmvMain());
  add(new Capture('merged-bmv-blocks', "a BMV main block loses its Checksum field and merges with the history block: neither is emitted; the next main block is"))
    .raw(m.slice(0, m.length - 12))
    .raw(blockBytes(bmvHistory()))
    .block(bmvMain(12_600))
    .block(bmvHistory(14))
    .count({ blocks: 2 });
}

add(new Capture('boot-garbage', 'power-up noise (NUL, 0xFF, stray CR/LF/TAB, a stray colon) before the first block'))
  .raw([0x00, 0xff, 0xfe, 0x0d, 0x0a, 0x09, 0x80], 'xx\r\n\tV\t12')
  .raw(':3F')
  .raw([0x00])
  .raw([0x0d, 0x0d, 0x0a, 0x41])
  .count({ blocks: 2, hexInvalid: 1 })
  // The ':3F' ended by NUL is reported as an invalid HEX frame.
  .expect.push({ type: 'hex', frame: '3F', valid: false });
caps[caps.length - 1]!.block(mppt()).block(mppt(12_810));

{
  // A block whose tail, from the CR LF of its 4th field on, sums to 0 by
  // itself: a stream that starts there holds a "block" with a good checksum
  // that is only the end of one. It must not be emitted.
  const f = tune(mppt(), (b) => sum(b.slice(0, indexOfField(b, 'I'))) === 0);
  const b = blockBytes(f);
  const tail = b.slice(indexOfField(b, 'I'));
  if (sum(tail) !== 0) throw new Error('tail does not sum to 0');
  add(new Capture('starts-mid-block', "the capture starts inside a block at a field boundary, and that tail's bytes happen to sum to 0: a partial block is never emitted"))
    .raw(tail)
    .block(mppt(12_900))
    .block(mppt(12_910))
    .count({ blocks: 2 });
  add(new Capture('tail-after-garbage', 'the same tail after noise'))
    .raw([0x55, 0xaa, 0x00], tail)
    .block(mppt(12_900))
    .count({ blocks: 1 });
}

function indexOfField(b: number[], label: string): number {
  const pat = [0x0d, 0x0a, ...ascii(label), 0x09];
  for (let i = 0; i + pat.length <= b.length; i++) if (pat.every((x, k) => b[i + k] === x)) return i;
  throw new Error(`no field ${label}`);
}

add(new Capture('overflow-value', 'a 60-byte value (cap 40): the block is dropped and counted; the next is kept'))
  .raw(blockBytes([['PID', '0xA053'], ['SER#', 'X'.repeat(60)], ['V', '12800']]))
  .block(mppt())
  .count({ blocks: 1, overflows: 1 });
add(new Capture('overflow-label', 'a 20-byte label (cap 16)'))
  .raw(blockBytes([['PID', '0xA053'], ['L'.repeat(20), '1']]))
  .block(mppt())
  .count({ blocks: 1, overflows: 1 });
add(new Capture('overflow-fields', '40 fields in one block (cap 32)'))
  .raw(blockBytes([['PID', '0xA053'], ...Array.from({ length: 39 }, (_, k) => [`X${k}`, String(k)] as [string, string])]))
  .block(mppt())
  .count({ blocks: 1, overflows: 1 });
add(new Capture('overflow-hex', 'a 200-digit HEX frame (cap 128) is dropped and counted, not reported'))
  .block(mppt())
  .raw(':A' + '0'.repeat(199) + '\n')
  .block(mppt(12_810))
  .count({ blocks: 2, overflows: 1, hexValid: 0, hexInvalid: 0 });

add(new Capture('hex-invalid', 'HEX frames with a wrong check byte, an even digit count, an empty body, and one cut short by the next frame'))
  .block(mppt())
  .hex(hexChars(0xa, [0xd5, 0xed, 0x00, 0x00, 0x05], 0x12), false)
  .hex('A0102000', false)
  .hex('', false)
  .raw(':A01')
  .count({ blocks: 2, hexValid: 1, hexInvalid: 4 })
  .expect.push({ type: 'hex', frame: 'A01', valid: false });
caps[caps.length - 1]!.hex(asyncState, true).block(mppt(12_810));

{
  const c = add(new Capture('hex-cut-by-cr', 'a HEX frame cut short by the CR of the next block: invalid, and the block still parses'));
  c.block(mppt());
  c.raw(':A0102');
  c.expect.push({ type: 'hex', frame: 'A0102', valid: false });
  c.block(mppt(12_810));
  c.count({ blocks: 2, hexInvalid: 1 });
  const d = add(new Capture('hex-bad-terminator', 'a HEX frame ended by 0xFE instead of LF (seen on real chargers): invalid; the next block (PID first) is found again'));
  d.block(mppt());
  d.raw(':' + asyncV, [0xfe]);
  d.expect.push({ type: 'hex', frame: asyncV, valid: false });
  d.block(mppt(12_810));
  d.count({ blocks: 2, hexInvalid: 1 });
}

{
  const a = blockBytes(mppt());
  const k = a.indexOf(0x31, 42); // the '1' of V's "12800"
  const bad = a.slice();
  bad[k] = 0x3a; // '1' -> ':' in transit: a "HEX frame" that swallows "2800" and ends at CR
  const c = add(new Capture('colon-corruption-mid-block', "a digit turned into ':' inside a block: the bogus HEX frame is invalid and the block is dropped"));
  c.raw(bad);
  c.expect.push({ type: 'hex', frame: '2800', valid: false });
  c.block(mppt(12_810));
  c.count({ blocks: 1, hexInvalid: 1 });
}

add(new Capture('truncated-at-end', 'the capture ends inside a block'))
  .block(mppt())
  .raw(blockBytes(mppt(12_810)).slice(0, 50))
  .count({ blocks: 1, truncated: 1 });

const here = fileURLToPath(new URL('.', import.meta.url));
const out = {
  about: 'VE.Direct captures built byte by byte from the spec by make.ts; hex = the stream, expect = JSON lines in stream order, counters = the parser counters that must match after end() (only those listed). Parser caps: default (label 16, value 40, fields 32, HEX 128).',
  captures: caps.map((c) => c.json()),
};
writeFileSync(here + 'captures.json', JSON.stringify(out, null, 1) + '\n');

// HEX frames with their typed decoding (VE.Direct HEX protocol; FAQ Q3).
const hex = {
  about: 'HEX frames (characters between ":" and LF) and their decoding; from the VE.Direct HEX protocol document and FAQ Q3.',
  frames: [
    { frame: '70010003E', valid: true, record: { kind: 'get', register: 0x1000, flags: 0, valueLength: 0, value: 0, signedValue: 0 }, note: 'FAQ Q3: get battery capacity (command)' },
    { frame: '7001000C80076', valid: true, record: { kind: 'get', register: 0x1000, flags: 0, valueLength: 2, value: 200, signedValue: 200 }, note: 'FAQ Q3: response, 200 Ah' },
    { frame: '51641F9', valid: true, record: { kind: 'ping', version: 0x4116 }, note: 'ping reply, firmware 1.16' },
    { frame: hexChars(0xa, [0xdb, 0xed, 0x00, 0x75, 0x08]), valid: true, record: { kind: 'async', register: 0xeddb, flags: 0, valueLength: 2, value: 2165, signedValue: 2165 }, note: 'async charger temperature 21.65 °C' },
    { frame: hexChars(0xa, [0xdb, 0xed, 0x00, 0x9c, 0xff]), valid: true, record: { kind: 'async', register: 0xeddb, flags: 0, valueLength: 2, value: 0xff9c, signedValue: -100 }, note: 'async sn16 -1.00 °C' },
    { frame: hexChars(0x8, [0xbc, 0xed, 0x00, 0x10, 0x27, 0x00, 0x00]), valid: true, record: { kind: 'set', register: 0xedbc, flags: 0, valueLength: 4, value: 10000, signedValue: 10000 }, note: 'set reply, un32' },
    { frame: hexChars(0x7, [0x34, 0x12, 0x01]), valid: true, record: { kind: 'get', register: 0x1234, flags: 1, valueLength: 0, value: 0, signedValue: 0 }, note: 'get reply: unknown id' },
    { frame: hexChars(0x1, [0x53, 0xa0, 0x00]), valid: true, record: { kind: 'done', value: 0xa053 }, note: 'done (product id reply)' },
    { frame: hexChars(0x4, [0xaa, 0xaa]), valid: true, record: { kind: 'error', data: [0xaa, 0xaa] }, note: 'error: frame error' },
    { frame: hexChars(0x3, [0x0f]), valid: true, record: { kind: 'unknown', data: [0x0f] }, note: 'unknown command' },
    { frame: '7001000C80077', valid: false, record: { kind: 'invalid' }, note: 'check byte off by one' },
    { frame: '7001000C800', valid: false, record: { kind: 'invalid' }, note: 'even digit count' },
  ],
};
writeFileSync(here + 'hex.json', JSON.stringify(hex, null, 1) + '\n');
console.log(`wrote ${caps.length} captures and ${hex.frames.length} HEX frames`);

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { LineDump } from '../../../firmware/vedirect/dump';
import { BmvEmulator } from '../../../testbed/victron/bmv';
import { MpptEmulator } from '../../../testbed/victron/mppt';

/** A random stream: emulator blocks and HEX frames, each with the JSON line it must produce. */
type Piece = { bytes: Uint8Array; line: unknown[] };

const mpptPiece = fc
  .record({ v: fc.integer({ min: 10_000, max: 15_000 }), i: fc.integer({ min: -20_000, max: 20_000 }), ppv: fc.integer({ min: 0, max: 250 }), cs: fc.constantFrom(0, 3, 4, 5), day: fc.integer({ min: 0, max: 364 }) })
  .map(({ v, i, ppv, cs, day }): Piece[] => {
    const m = new MpptEmulator({ batteryVoltageMV: v, batteryCurrentMA: i, panelPowerW: ppv, chargeState: cs, daySequence: day, serial: `HQ${v}${day}` });
    return [{ bytes: m.textBlock(), line: [{ type: 'block', fields: Object.fromEntries(m.fields()) }] }];
  });

const bmvPiece = fc.record({ v: fc.integer({ min: 10_000, max: 15_000 }), soc: fc.integer({ min: 0, max: 1000 }), cycles: fc.integer({ min: 0, max: 999 }) }).map(({ v, soc, cycles }): Piece[] => {
  const b = new BmvEmulator({ batteryVoltageMV: v, socPermille: soc });
  b.state.history[3] = cycles;
  const [main, hist] = b.textBlocks();
  return [
    { bytes: main, line: [{ type: 'block', fields: Object.fromEntries(b.mainFields()) }] },
    { bytes: hist, line: [{ type: 'block', fields: Object.fromEntries(b.historyFields()) }] },
  ];
});

const hexPiece = fc.record({ reg: fc.integer({ min: 0, max: 0xffff }), value: fc.integer({ min: 0, max: 0xffff }) }).map(({ reg, value }): Piece[] => {
  const f = new MpptEmulator().asyncFrame(reg, value, 2);
  return [{ bytes: f, line: [{ type: 'hex', frame: String.fromCharCode(...f.subarray(1, f.length - 1)), valid: true }] }];
});

const stream = fc.array(fc.oneof(mpptPiece, bmvPiece, hexPiece), { minLength: 1, maxLength: 12 }).map((ps) => ps.flat());

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) out.set(p, (o += p.length) - p.length);
  return out;
}

function decode(bytes: Uint8Array, cuts: number[]): { lines: unknown[]; counters: unknown } {
  const d = new LineDump();
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  let last = 0;
  for (const p of [...points, bytes.length]) {
    d.push(bytes.subarray(last, p));
    last = p;
  }
  return { lines: d.take().map((l) => JSON.parse(l)), counters: d.end() };
}

const prop = suite('VE.Direct parser properties (fast-check)');

prop('emulated MPPT/BMV blocks and HEX frames come out exactly, in order, however the bytes are chunked', () => {
  fc.assert(
    fc.property(stream, fc.array(fc.nat(), { maxLength: 40 }), (pieces, cuts) => {
      const bytes = concat(pieces.map((p) => p.bytes));
      const got = decode(bytes, cuts);
      // Every stream starts with a PID-first block or a HEX frame, so nothing is lost.
      const want = pieces.flatMap((p) => p.line);
      assert.equal(got, decode(bytes, []));
      assert.equal(got.lines, want);
    }),
    { numRuns: 300 },
  );
});

prop('a block hit by a one-byte error is never emitted; blocks sent intact are emitted in order', () => {
  fc.assert(
    fc.property(
      fc.array(mpptPiece, { minLength: 3, maxLength: 6 }).map((ps) => ps.flat()),
      fc.nat(),
      fc.integer({ min: 1, max: 255 }),
      fc.array(fc.nat(), { maxLength: 20 }),
      (pieces, which, delta, cuts) => {
        const k = which % pieces.length;
        const hit = pieces[k]!.bytes.slice();
        const at = (which >> 3) % hit.length;
        hit[at] = (hit[at]! + delta) & 0xff;
        const bytes = concat(pieces.map((p, i) => (i === k ? hit : p.bytes)));
        const got = decode(bytes, cuts).lines;
        const sent = pieces.map((p) => p.line[0]);
        // Every emitted block is one of the intact ones, in order (so never the hit one).
        const intact = sent.filter((_, i) => i !== k);
        let j = 0;
        for (const line of got) {
          if ((line as { type: string }).type !== 'block') continue;
          while (j < intact.length && JSON.stringify(intact[j]) !== JSON.stringify(line)) j++;
          assert.ok(j < intact.length, `emitted a block that was not sent intact: ${JSON.stringify(line)}`);
          j++;
        }
        // Blocks two or more after the hit one are always recovered.
        for (const late of sent.slice(k + 2)) assert.ok(got.some((l) => JSON.stringify(l) === JSON.stringify(late)));
      },
    ),
    { numRuns: 500 },
  );
});

prop('random noise never produces a block, and the parser is in step again after one intact block', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 400 }), (noise) => {
      const m = new MpptEmulator();
      const a = m.textBlock();
      const d = new LineDump();
      d.push(noise);
      const fromNoise = d.take().filter((l) => l.startsWith('{"type":"block"'));
      assert.is(fromNoise.length, 0);
      d.push(a);
      d.push(a);
      const blocks = d.take().filter((l) => l.startsWith('{"type":"block"'));
      assert.ok(blocks.length >= 1);
    }),
    { numRuns: 500 },
  );
});

prop.run();

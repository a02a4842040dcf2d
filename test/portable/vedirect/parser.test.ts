import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeTextBlock } from '../../../firmware/vedirect/encode';
import { VeDirectParser, type VeDirectLimits } from '../../../firmware/vedirect/parser';

type Fields = [string, string][];

/**
 * Feed an empty block (found while hunting: dropped, but the parser is in
 * step after it), then `blocks`; whole, then byte by byte: both must agree.
 */
function run(blocks: Fields[], limits: VeDirectLimits = {}): { got: string[]; counters: Record<string, number> } {
  const results = [0, 1].map((byByte) => {
    const got: string[] = [];
    const p = new VeDirectParser({ block: (b) => void got.push(JSON.stringify(b.toPairs())) }, limits);
    p.push(encodeTextBlock([]));
    for (const f of blocks) {
      const bytes = encodeTextBlock(f);
      if (byByte) for (let i = 0; i < bytes.length; i++) p.push(bytes, i, i + 1);
      else p.push(bytes);
    }
    return { got, counters: { ...p.counters } as unknown as Record<string, number> };
  });
  assert.equal(results[1], results[0]);
  return results[0]!;
}

const rules = suite('VE.Direct parser rules on the inline path');

rules('labels of 1 to 8 bytes, a 9-byte label and a 16-byte label are kept as sent', () => {
  const f: Fields = [['PID', '0x203'], ['A', '1'], ['ABCDEFGH', '2'], ['ABCDEFGHI', '3'], ['ABCDEFGHIJKLMNOP', '4']];
  const r = run([f]);
  assert.equal(r.got, [JSON.stringify(f)]);
  assert.is(r.counters.blocks, 1);
  assert.is(r.counters.dropped, 1);
});

rules('a repeated label longer than 8 bytes means two blocks ran together (the tail then is not PID-first: dropped)', () => {
  const r = run([[['PID', '0x203'], ['LONGLABEL12', '1'], ['LONGLABEL12', '2']]]);
  assert.equal(r.got, []);
  assert.is(r.counters.dropped, 3);
  assert.is(r.counters.resyncs, 1);
});

rules('a repeated short label or PID after the first field ends the first block; a PID-first tail is checked by its sum', () => {
  const dup = run([[['PID', '0x203'], ['V', '1'], ['I', '2'], ['V', '3']]]);
  assert.equal(dup.got, []);
  assert.is(dup.counters.dropped, 3);
  const pid = run([[['PID', '0x203'], ['V', '1'], ['PID', '0xA053'], ['V', '2']]]);
  assert.equal(pid.got, []);
  assert.is(pid.counters.dropped, 2);
  assert.is(pid.counters.checksumErrors, 1);
  // The same tail sent on its own, right after: its own checksum, so it is emitted.
  const ok = run([[['PID', '0xA053'], ['V', '2']]]);
  assert.equal(ok.got, [JSON.stringify([['PID', '0xA053'], ['V', '2']])]);
});

rules('caps: a label at maxLabel, a value at maxValue and maxFields fields pass; one more of each overflows', () => {
  // maxLabel 8: "Checksum" must still fit.
  const limits = { maxLabel: 8, maxValue: 5, maxFields: 3 };
  const fit = run([[['PID', '12345'], ['ABCDEFGH', 'x'], ['Z', '']]], limits);
  assert.is(fit.counters.blocks, 1);
  assert.is(fit.counters.overflows, 0);
  for (const f of [[['PID', '1'], ['ABCDEFGHI', 'x']], [['PID', '123456']], [['PID', '1'], ['A', '1'], ['B', '1'], ['C', '1']]] as Fields[]) {
    const r = run([f], limits);
    assert.is(r.counters.blocks, 0, JSON.stringify(f));
    assert.is(r.counters.overflows, 1, JSON.stringify(f));
  }
});

rules('a label the size of "Checksum" but another text is a field; a space or colon in a label drops the block', () => {
  const f: Fields = [['PID', '1'], ['Checksun', '2']];
  assert.equal(run([f]).got, [JSON.stringify(f)]);
  const space = run([[['PID', '1'], ['A B', '2']]]);
  assert.is(space.counters.blocks, 0);
  assert.is(space.counters.dropped, 3);
  // ':' starts a HEX frame; the TAB ends it as invalid, which drops the block.
  const colon = run([[['PID', '1'], ['A:B', '2']]]);
  assert.is(colon.counters.blocks, 0);
  assert.is(colon.counters.hexInvalid, 1);
  assert.ok(colon.counters.dropped >= 2);
});

rules.run();

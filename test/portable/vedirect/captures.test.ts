import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import vectors from '../../vectors/vedirect/captures.json';
import { fromHex } from '../../../shared/bytes';
import { LineDump } from '../../../firmware/vedirect/dump';
import { uniform as prng } from '../prng';

type Counters = Record<string, number>;


/** Feed `bytes` in chunks whose sizes come from `size(remaining)`; returns lines and counters. */
function decode(bytes: Uint8Array, size: (remaining: number) => number): { lines: unknown[]; counters: Counters } {
  const d = new LineDump();
  let i = 0;
  while (i < bytes.length) {
    const n = Math.max(1, Math.min(size(bytes.length - i), bytes.length - i));
    d.push(bytes.subarray(i, i + n));
    i += n;
  }
  const lines = d.take().map((l) => JSON.parse(l) as unknown);
  return { lines, counters: d.end() as unknown as Counters };
}

const captures = suite('VE.Direct captures built from the spec');

for (const c of vectors.captures) {
  captures(`${c.name}: ${c.description}`, () => {
    const bytes = fromHex(c.hex);
    const whole = decode(bytes, (r) => r);
    assert.equal(whole.lines, c.expect);
    for (const [k, n] of Object.entries(c.counters)) assert.is(whole.counters[k], n, `counter ${k}`);
  });
}

const chunking = suite('output does not depend on chunking');

chunking('byte by byte gives the same lines and counters as one chunk, for every capture', () => {
  for (const c of vectors.captures) {
    const bytes = fromHex(c.hex);
    const whole = decode(bytes, (r) => r);
    const single = decode(bytes, () => 1);
    assert.equal(single.lines, whole.lines, c.name);
    assert.equal(single.counters, whole.counters, c.name);
  }
});

chunking('30 seeded random chunkings of all captures end to end give identical output', () => {
  const all: number[] = [];
  for (const c of vectors.captures) for (const b of fromHex(c.hex)) all.push(b);
  const bytes = Uint8Array.from(all);
  const ref = decode(bytes, (r) => r);
  assert.ok(ref.lines.length > 50);
  for (let seed = 1; seed <= 30; seed++) {
    const rnd = prng(seed);
    const run = decode(bytes, () => 1 + Math.floor(rnd() * (seed % 3 === 0 ? 7 : 300)));
    assert.equal(run.lines, ref.lines, `seed ${seed}`);
    assert.equal(run.counters, ref.counters, `seed ${seed}`);
  }
});

captures.run();
chunking.run();

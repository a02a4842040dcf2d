import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import vectors from '../../vectors/vedirect/captures.json';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const bin = join(root, 'bin', 'swarmgrid.js');
const dir = mkdtempSync(join(tmpdir(), 'vedirect-cli-'));
const capture = join(dir, 'all.bin');
const all = Buffer.concat(vectors.captures.map((c) => Buffer.from(c.hex, 'hex')));
writeFileSync(capture, all);

function cli(args: string[], input?: Buffer) {
  const r = spawnSync(process.execPath, [bin, 'vedirect', 'decode', ...args], { cwd: root, input, encoding: 'utf8', maxBuffer: 64 << 20 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const cliSuite = suite('swarmgrid vedirect decode');

cliSuite('XS (default) and Node engines print identical JSON lines and counters for all captures', () => {
  const xs = cli([capture]);
  const node = cli([capture, '--engine', 'node']);
  assert.is(xs.status, 0, xs.stderr);
  assert.is(node.status, 0, node.stderr);
  assert.is(xs.stdout, node.stdout);
  assert.is(xs.stderr, node.stderr);
  // Captures run together are one stream (a capture's first bytes can complete
  // the previous one's state), so check the shape here; each capture's own
  // expectations are checked by the portable suite on both engines.
  const lines = xs.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as { type: string });
  const counters = JSON.parse(xs.stderr) as Record<string, number>;
  assert.is(counters.blocks, lines.filter((l) => l.type === 'block').length);
  assert.is(counters.hexValid! + counters.hexInvalid!, lines.filter((l) => l.type === 'hex').length);
  assert.equal(lines.slice(0, vectors.captures[0]!.expect.length), vectors.captures[0]!.expect);
  assert.ok(counters.blocks! > 50);
});

cliSuite('reads standard input with "-" and writes blocks without the Checksum field', () => {
  const one = Buffer.from(vectors.captures[0]!.hex, 'hex');
  const r = cli(['-', '--engine', 'node'], one);
  assert.is(r.status, 0);
  const line = JSON.parse(r.stdout) as { type: string; fields: Record<string, string> };
  assert.is(line.type, 'block');
  assert.is(line.fields.PID, '0xA053');
  assert.not.ok('Checksum' in line.fields);
  assert.is(Object.keys(line.fields)[0], 'PID');
});

cliSuite('an unreadable input exits non-zero with a clear message', () => {
  const r = cli([join(dir, 'missing.bin'), '--engine', 'node']);
  assert.is(r.status, 1);
  assert.match(r.stderr, /E_VEDIRECT_INPUT: cannot read .*missing\.bin/);
  const d = cli([dir, '--engine', 'node']);
  assert.is(d.status, 1);
  assert.match(d.stderr, /E_VEDIRECT_INPUT/);
});

cliSuite('an unknown engine is refused', () => {
  const r = cli([capture, '--engine', 'quickjs']);
  assert.is(r.status, 1);
  assert.match(r.stderr, /E_VEDIRECT_ENGINE/);
});

cliSuite.run();

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fileURLToPath } from 'node:url';
import { runFileInXs } from '../xs/run';

const fixture = fileURLToPath(new URL('../fixtures/xs/failing.test.ts', import.meta.url));

test('a failing assertion inside XS is reported with its test name and message', async () => {
  const results = await runFileInXs(fixture);
  assert.equal(
    results.map((r) => [r.suite, r.test, r.status]),
    [
      ['harness fixture', 'adds', 'pass'],
      ['harness fixture', 'reports a failing assertion', 'fail'],
      ['harness fixture', 'reports an engine fact', 'pass'],
    ],
  );
  assert.is(results[1]!.message, 'six times seven is not forty-three');
});

test.run();

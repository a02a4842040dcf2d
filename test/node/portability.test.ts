import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const tsc = `${root}node_modules/.bin/tsc`;

function typecheck(config: string): { status: number | null; out: string } {
  const r = spawnSync(tsc, ['-p', `test/fixtures/nonportable/tsconfig.${config}.json`, '--pretty', 'false'], { cwd: root, encoding: 'utf8' });
  return { status: r.status, out: r.stdout + r.stderr };
}

for (const project of ['firmware', 'shared']) {
  test(`${project}/ tsconfig rejects Node globals and node: imports`, () => {
    const { status, out } = typecheck(project);
    assert.is.not(status, 0);
    assert.match(out, /uses-process\.ts\(1,\d+\): error TS\d+: Cannot find name 'process'/);
    assert.match(out, /uses-buffer\.ts\(1,\d+\): error TS\d+: Cannot find name 'Buffer'/);
    assert.match(out, /uses-settimeout\.ts\(1,\d+\): error TS\d+: Cannot find name 'setTimeout'/);
    assert.match(out, /uses-console\.ts\(2,\d+\): error TS\d+: Cannot find name 'console'/);
    assert.match(out, /uses-node-import\.ts\(1,\d+\): error TS\d+: .*'node:fs'/);
    // The control file type-checks under the same config: the failures above
    // come from the Node names, not from a broken configuration.
    assert.not.match(out, /clean\.ts/);
  });
}

test.run();

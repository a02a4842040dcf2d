import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashPassword, mosquittoPasswordFile, newPassword, verifyPassword } from '../../../hub/broker/credentials';

const c = suite('broker credentials');

c('a hash verifies its own password and no other', () => {
  const pw = newPassword();
  const h = hashPassword(pw);
  assert.match(h, /^\$7\$101\$[A-Za-z0-9+/=]{16}\$[A-Za-z0-9+/=]{88}$/);
  assert.ok(verifyPassword(pw, h));
  assert.not.ok(verifyPassword(pw + 'x', h));
  assert.not.ok(verifyPassword(pw, 'plain'));
});

c('reads hashes written by mosquitto_passwd (the same format both ways)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sg-pw-'));
  try {
    const file = join(dir, 'pw');
    const r = spawnSync('mosquitto_passwd', ['-c', '-b', file, 'house-a', 's3cret'], { encoding: 'utf8' });
    assert.is(r.status, 0, `mosquitto_passwd failed: ${r.stderr} (is mosquitto installed? .ci/run installs it)`);
    const line = readFileSync(file, 'utf8').trim();
    const hash = line.slice('house-a:'.length);
    assert.ok(verifyPassword('s3cret', hash));
    assert.not.ok(verifyPassword('s3cret!', hash));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

c('password files are sorted and refuse odd usernames', () => {
  assert.is(mosquittoPasswordFile({ b: '$7$x', a: '$7$y' }), 'a:$7$y\nb:$7$x\n');
  assert.throws(() => mosquittoPasswordFile({ 'a:b': 'h' }), /not allowed/);
});

c.run();

// The hub's commands as a user runs them: `swarmgrid hub` (addresses
// printed, clean stop on SIGTERM), `member add` through the running hub and
// offline, `broker mosquitto-config`, and `ledger audit` of the result.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from './helpers';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const bin = join(root, 'bin', 'swarmgrid.js');
const tmp = tempDir('swarmgrid-hubcli-');
const data = join(tmp.dir, 'data');

function run(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('swarmgrid hub runs, admits through its API, stops on SIGTERM; member add offline; mosquitto-config; audit', async () => {
  const child = spawn(process.execPath, [bin, 'hub', '--data', data, '--village', 'clivillage', '--mqtt-port', '0', '--ws-port', '0', '--http-port', '0', '--sntp-port', 'off', '--host', '127.0.0.1', '--public-host', '127.0.0.1'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  const api = await new Promise<string>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no address printed: ${out}`)), 30_000);
    child.stdout.on('data', () => {
      const m = /dashboard and API: (http:\/\/\S+?)\/\s/.exec(out);
      if (m && /MQTT broker: +mqtt:\/\//.test(out)) {
        clearTimeout(t);
        resolve(m[1]!);
      }
    });
  });
  const status = (await (await fetch(`${api}/api/status`)).json()) as { village: string };
  assert.is(status.village, 'clivillage');
  const online = run(['member', 'add', '--data', data, '--household', 'house-1', '--name', 'One', '--json']);
  assert.is(online.status, 0, online.stderr);
  const bundle = JSON.parse(online.stdout) as { household: string; node: { secretKey: string; broker: { username: string }; mcconfig: string }; meter: { id: string } };
  assert.is(bundle.household, 'house-1');
  assert.is(bundle.meter.id, 'house-1-m');
  assert.match(bundle.node.mcconfig, /^node=house-1 village=clivillage meter=house-1-m sk=[0-9a-f]{64} hubPk=0[23][0-9a-f]{64} hubAddr=127\.0\.0\.1 broker=127\.0\.0\.1 brokerPort=\d+ mqttUser=house-1 mqttPass=\S+$/);
  const households = (await (await fetch(`${api}/api/households`)).json()) as Array<{ id: string }>;
  assert.equal(households.map((h) => h.id), ['house-1']);
  const code = await new Promise<number | null>((resolve) => {
    child.once('exit', (c) => resolve(c));
    child.kill('SIGTERM');
  });
  assert.is(code, 0);
  const offline = run(['member', 'add', '--data', data, '--household', 'house-2']);
  assert.is(offline.status, 0, offline.stderr);
  assert.match(offline.stdout, /admitted house-2/);
  assert.match(offline.stdout, /mcconfig -d -m -p esp32\/<board> manifests\/meter\.json node=house-2 village=clivillage meter=house-2-m sk=/);
  const dup = run(['member', 'add', '--data', data, '--household', 'house-2']);
  assert.is(dup.status, 1);
  assert.match(dup.stderr, /E_HUB_MEMBER/);
  const conf = run(['broker', 'mosquitto-config', '--data', data, '--out', join(tmp.dir, 'mosq'), '--port', '1884']);
  assert.is(conf.status, 0, conf.stderr);
  const acl = readFileSync(join(tmp.dir, 'mosq', 'acl_file'), 'utf8');
  assert.match(acl, /user house-2-m\ntopic write swarmgrid\/v1\/clivillage\/house-2\/\+/);
  assert.match(readFileSync(join(tmp.dir, 'mosq', 'mosquitto.conf'), 'utf8'), /listener 1884\nallow_anonymous|allow_anonymous false[\s\S]*listener 1884/);
  assert.ok(existsSync(join(tmp.dir, 'mosq', 'password_file')));
  const audit = run(['ledger', 'audit', '--data', data]);
  assert.is(audit.status, 0, audit.stderr);
  assert.match(audit.stdout, /^ok: \d+ blocks, .*2 members hold 200000 milli-units/);
  tmp.remove();
});

test.run();

// `swarmgrid start` as a user runs it (child process): it starts the hub and
// the virtual village, serves /api/status with the households, shows them
// online with telemetry, and stops cleanly on SIGTERM.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../../bin/swarmgrid.js', import.meta.url));
const s = suite('swarmgrid start');

async function until<T>(what: string, f: () => Promise<T | undefined> | T | undefined, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

s('starts, serves the API with the households online, stops on SIGTERM', async () => {
  const child = spawn(process.execPath, [bin, 'start', '--engine', 'node', '--http-port', '0', '--speed', '120'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  try {
    const port = await until('the dashboard address', () => /dashboard\s+http:\/\/localhost:(\d+)\//.exec(out)?.[1]);
    assert.match(out, /API\s+http:\/\/localhost:\d+\/api\/status/);
    const api = `http://127.0.0.1:${port}/api`;
    const status = (await (await fetch(`${api}/status`)).json()) as { village: string; households: number };
    assert.is(status.village, 'paper-two-house');
    assert.is(status.households, 2);
    const rows = await until('both households online with telemetry', async () => {
      const list = (await (await fetch(`${api}/households`)).json()) as Array<{ id: string; online: boolean; telemetry: { socPermille: number } | null }>;
      return list.length === 2 && list.every((h) => h.online && h.telemetry) ? list : undefined;
    });
    assert.equal(rows.map((h) => h.id).sort(), ['requester', 'supplier']);
    for (const h of rows) assert.ok(h.telemetry!.socPermille > 0 && h.telemetry!.socPermille <= 1000);
  } finally {
    child.kill('SIGTERM');
  }
  const code = await Promise.race([exited, new Promise<string>((r) => setTimeout(() => r('hung'), 20_000))]);
  assert.is(code, 0, `exit ${code}; stderr: ${err}`);
  assert.match(out, /swarmgrid: stopped/);
});

s.run();

// Crash safety: a child appends blocks to an on-disk ledger and is SIGKILLed
// at random moments; after each kill the ledger reopens, audits clean, and
// every block whose append had resolved (was acknowledged) is there.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LevelStore } from '../../../hub/ledger/level-store';
import { auditStore } from '../../../hub/ledger/audit';
import { headerHash } from '../../../hub/ledger/block';
import { uniform as prng } from '../../portable/prng';

const here = fileURLToPath(new URL('.', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'swarmgrid-crash-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));


interface Ack { height: number; hash: string }

/** Run the child until it has acknowledged `acks` blocks, wait `extraMs`, SIGKILL it. */
function runAndKill(dir: string, acks: number, extraMs: number): Promise<{ last: Ack | undefined; ready: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'crash-child.ts'), dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let buf = '';
    let seen = 0;
    let last: Ack | undefined;
    let ready = -1;
    let err = '';
    let killing = false;
    child.stderr.on('data', (d) => (err += d));
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        const [word, a, b] = line.split(' ');
        if (word === 'ready') ready = Number(a);
        else if (word === 'ack') {
          last = { height: Number(a), hash: b! };
          if (++seen === acks && !killing) {
            killing = true;
            setTimeout(() => child.kill('SIGKILL'), extraMs);
          }
        } else reject(new Error(`child said: ${line}`));
      }
    });
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve({ last, ready });
      else reject(new Error(`child exited ${code}: ${err}`));
    });
  });
}

test('SIGKILL at random moments loses no acknowledged block and leaves an audit-clean ledger', async () => {
  const dir = join(tmp, 'ledger');
  const rnd = prng(20240611);
  let acknowledged: Ack | undefined;
  for (let run = 0; run < 5; run++) {
    const { last, ready } = await runAndKill(dir, 1 + Math.floor(rnd() * 12), Math.floor(rnd() * 40));
    if (acknowledged) assert.ok(ready >= acknowledged.height, `run ${run}: restarted at ${ready}, below acknowledged ${acknowledged.height}`);
    if (last) acknowledged = last;
    const store = new LevelStore(dir);
    await store.open();
    try {
      const head = (await store.readHead())!;
      assert.ok(head.height >= acknowledged!.height, `run ${run}: head ${head.height} lost acknowledged block ${acknowledged!.height}`);
      const block = (await store.readBlock(acknowledged!.height))!;
      assert.is(headerHash(block.header), acknowledged!.hash);
      const report = await auditStore(store);
      assert.is(report.height, head.height);
      assert.is(report.totalMilliUnits, 200_000);
    } finally {
      await store.close();
    }
  }
  assert.ok(acknowledged!.height > 5);
});

test.run();

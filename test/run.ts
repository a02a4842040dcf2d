/**
 * `npm test`: type-checks every project, runs the Node suites (uvu) and the
 * portable suites inside the real XS engine, then prints one summary line
 * `N passed, N failed[, N skipped]` and exits non-zero on any failure.
 *
 * Options: --only typecheck|node|xs (repeatable), --filter REGEX (test files).
 */
import { spawnSync } from 'node:child_process';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { portableTestFiles, runFileInXs } from './xs/run';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const only = new Set<string>();
let filter: RegExp | undefined;
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--only') only.add(args[++i] ?? '');
  else if (args[i] === '--filter') filter = new RegExp(args[++i] ?? '');
}
const want = (part: string) => only.size === 0 || only.has(part);

let passed = 0;
let failed = 0;
let skipped = 0;
const failures: string[] = [];

function section(title: string): void {
  console.log(`\n== ${title}`);
}

if (want('typecheck')) {
  section('type-check (tsc -b: shared, firmware, hub, testbed, tests)');
  const tsc = join(root, 'node_modules', '.bin', 'tsc');
  const r = spawnSync(tsc, ['-b', '--pretty', 'false'], { cwd: root, encoding: 'utf8' });
  const out = (r.stdout ?? '') + (r.stderr ?? '');
  if (r.status === 0) {
    passed++;
    console.log('  ok: every project type-checks');
  } else {
    failed++;
    failures.push('type-check:\n' + out);
    console.log(out);
  }
}

if (want('node')) {
  section('Node (uvu): test/portable, test/node');
  const pattern = `^${filter ? `(?=.*(?:${filter.source}))` : ''}(portable|node)/.*\\.test\\.ts$`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'node_modules', 'uvu', 'bin.js'), 'test', pattern, '--no-color'], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, FORCE_COLOR: '0' },
    maxBuffer: 64 * 1024 * 1024,
  });
  const out = (r.stdout ?? '') + (r.stderr ?? '');
  process.stdout.write(out);
  const total = Number(/Total:\s+(\d+)/.exec(out)?.[1] ?? NaN);
  const ok = Number(/Passed:\s+(\d+)/.exec(out)?.[1] ?? NaN);
  const skip = Number(/Skipped:\s+(\d+)/.exec(out)?.[1] ?? 0);
  if (!Number.isFinite(total) || !Number.isFinite(ok)) {
    failed++;
    failures.push(`Node suites did not report totals (exit ${r.status}):\n${out.slice(-4000)}`);
  } else {
    passed += ok;
    skipped += skip;
    const bad = total - ok - skip;
    failed += bad;
    if (bad > 0 || r.status !== 0) {
      if (bad === 0) failed++;
      failures.push('Node suites: see the FAIL blocks above');
    }
  }
}

if (want('xs')) {
  section('XS (@agoric/xsnap): test/portable inside the XS engine');
  let xsPassed = 0;
  for (const file of portableTestFiles()) {
    if (filter && !filter.test(file)) continue;
    const results = await runFileInXs(file);
    let p = 0;
    for (const r of results) {
      if (r.status === 'pass') p++;
      else if (r.status === 'skip') skipped++;
      else {
        failed++;
        const line = `XS ${r.file} › ${r.suite} › ${r.test}: ${r.message ?? ''}`;
        failures.push(line);
        console.log('  FAIL ' + line);
      }
    }
    xsPassed += p;
    console.log(`  ${relative(root, file)}: ${p}/${results.length} passed inside XS`);
  }
  passed += xsPassed;
  console.log(`  ${xsPassed} tests executed inside XS passed`);
}

if (failures.length) {
  section('failures');
  for (const f of failures) console.log('- ' + f);
}
console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);

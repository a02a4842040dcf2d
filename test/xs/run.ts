/**
 * Run the portable test suites (test/portable/**.test.ts) inside the real XS
 * engine: each file is bundled with `uvu` and `uvu/assert` replaced by the
 * shims beside this file, evaluated in a fresh xsnap machine, and every
 * test's outcome is reported back over issueCommand.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleForXs } from '../../testbed/xs/bundle';
import { startXs } from '../../testbed/xs/engine';

export interface XsResult {
  file: string;
  suite: string;
  test: string;
  status: 'pass' | 'fail' | 'skip';
  message?: string;
}

const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '..', '..');

export function portableTestFiles(dir = join(root, 'test', 'portable')): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...portableTestFiles(p));
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const dec = new TextDecoder();

/** Run one portable test file inside XS; resolves with one result per test. */
export async function runFileInXs(file: string): Promise<XsResult[]> {
  const rel = relative(root, file);
  const code = await bundleForXs({
    resolveDir: root,
    contents: [
      `import { runQueued } from ${JSON.stringify(join(here, 'uvu-shim.ts'))};`,
      `import ${JSON.stringify(file)};`,
      `const send = (o) => issueCommand(new TextEncoder().encode(JSON.stringify(o)).buffer);`,
      `runQueued((r) => send(r)).then(() => send({ done: true }), (e) => send({ crashed: String(e) }));`,
    ].join('\n'),
    alias: { uvu: join(here, 'uvu-shim.ts'), 'uvu/assert': join(here, 'assert-shim.ts') },
    sourcemap: false,
  });
  const results: XsResult[] = [];
  let done = false;
  const xs = await startXs({
    name: `xs-test:${rel}`,
    onQuery(bytes) {
      const m = JSON.parse(dec.decode(bytes)) as { done?: boolean; crashed?: string; suite?: string; test?: string; status?: XsResult['status']; message?: string };
      if (m.done) done = true;
      else if (m.crashed) results.push({ file: rel, suite: '(file)', test: '(runner)', status: 'fail', message: m.crashed });
      else results.push({ file: rel, suite: m.suite ?? '', test: m.test ?? '', status: m.status ?? 'fail', ...(m.message ? { message: m.message } : {}) });
    },
  });
  try {
    await xs.evaluate(code);
  } catch (e) {
    results.push({ file: rel, suite: '(file)', test: '(evaluate)', status: 'fail', message: (e as Error).message });
    done = true;
  } finally {
    await xs.close().catch(() => undefined);
  }
  if (!done) results.push({ file: rel, suite: '(file)', test: '(runner)', status: 'fail', message: 'the suite did not finish inside XS (a pending promise that never settled?)' });
  return results;
}

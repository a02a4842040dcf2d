/**
 * The part of uvu's API that swarmgrid's portable tests use, for the XS
 * engine (uvu itself needs Node). The XS bundle aliases `uvu` to this file;
 * on Node the same test files use the real uvu.
 */
type Fn = (ctx: Record<string, unknown>) => unknown;

interface Case {
  name: string;
  fn: Fn;
  skip: boolean;
  only: boolean;
}

interface Hooks {
  before: Fn[];
  after: Fn[];
  beforeEach: Fn[];
  afterEach: Fn[];
}

interface QueuedSuite {
  name: string;
  cases: Case[];
  hooks: Hooks;
  ctx: Record<string, unknown>;
}

export interface Report {
  suite: string;
  test: string;
  status: 'pass' | 'fail' | 'skip';
  message?: string;
}

const queue: QueuedSuite[] = [];

interface Hook {
  (fn: Fn): void;
  each(fn: Fn): void;
}

export interface Test {
  (name: string, fn: Fn): void;
  skip(name: string, fn?: Fn): void;
  only(name: string, fn: Fn): void;
  before: Hook;
  after: Hook;
  run(): void;
}

export function suite(name = '', ctx: Record<string, unknown> = {}): Test {
  const cases: Case[] = [];
  const hooks: Hooks = { before: [], after: [], beforeEach: [], afterEach: [] };
  const t = ((n: string, fn: Fn) => {
    cases.push({ name: n, fn, skip: false, only: false });
  }) as Test;
  t.skip = (n: string, fn?: Fn) => {
    cases.push({ name: n, fn: fn ?? (() => undefined), skip: true, only: false });
  };
  t.only = (n: string, fn: Fn) => {
    cases.push({ name: n, fn, skip: false, only: true });
  };
  const before = ((fn: Fn) => {
    hooks.before.push(fn);
  }) as Hook;
  before.each = (fn: Fn) => hooks.beforeEach.push(fn);
  const after = ((fn: Fn) => {
    hooks.after.push(fn);
  }) as Hook;
  after.each = (fn: Fn) => hooks.afterEach.push(fn);
  t.before = before;
  t.after = after;
  t.run = () => {
    queue.push({ name, cases, hooks, ctx });
  };
  return t;
}

export const test: Test = suite();

function messageOf(e: unknown): string {
  if (e && typeof e === 'object' && 'message' in e) {
    const err = e as { message: unknown; details?: unknown };
    return String(err.message) + (err.details ? `\n${String(err.details)}` : '');
  }
  return String(e);
}

/** Run every queued suite; `report` is called once per test. */
export async function runQueued(report: (r: Report) => void): Promise<void> {
  const anyOnly = queue.some((s) => s.cases.some((c) => c.only));
  for (const s of queue) {
    try {
      for (const h of s.hooks.before) await h(s.ctx);
    } catch (e) {
      for (const c of s.cases) report({ suite: s.name, test: c.name, status: 'fail', message: 'before hook: ' + messageOf(e) });
      continue;
    }
    for (const c of s.cases) {
      if (c.skip || (anyOnly && !c.only)) {
        report({ suite: s.name, test: c.name, status: 'skip' });
        continue;
      }
      try {
        for (const h of s.hooks.beforeEach) await h(s.ctx);
        await c.fn(s.ctx);
        for (const h of s.hooks.afterEach) await h(s.ctx);
        report({ suite: s.name, test: c.name, status: 'pass' });
      } catch (e) {
        report({ suite: s.name, test: c.name, status: 'fail', message: messageOf(e) });
      }
    }
    try {
      for (const h of s.hooks.after) await h(s.ctx);
    } catch (e) {
      report({ suite: s.name, test: '(after hook)', status: 'fail', message: messageOf(e) });
    }
  }
  queue.length = 0;
}

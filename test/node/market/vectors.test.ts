import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { MatchingEngine } from '../../../hub/market/engine';
import type { MarketInput, MarketRules, Outcome } from '../../../hub/market/types';
import { SwarmError } from '../../../shared/errors';

// Read at run time: test/tsconfig.json lists only test/vectors/*.json for imports.
const file = new URL('../../vectors/market/cases.json', import.meta.url);

interface Step {
  input?: MarketInput;
  credit?: { node: string; milliUnits: number };
  expect?: Outcome | { error: string };
}
interface Case {
  name: string;
  rules: MarketRules;
  balances: Record<string, number>;
  steps: Step[];
}

const vectors = JSON.parse(readFileSync(file, 'utf8')) as { format: string; cases: Case[] };
const run = suite('market vectors (test/vectors/market/cases.json)');

function play(c: Case): Array<Outcome | { error: string } | undefined> {
  const balances = { ...c.balances };
  const e = new MatchingEngine({ rules: c.rules, accounts: (n) => ({ balanceMilliUnits: balances[n] ?? 0 }) });
  return c.steps.map((s) => {
    if (s.credit) {
      balances[s.credit.node] = (balances[s.credit.node] ?? 0) + s.credit.milliUnits;
      return undefined;
    }
    try {
      return e.apply(s.input!);
    } catch (err) {
      if (err instanceof SwarmError) return { error: err.code };
      throw err;
    }
  });
}

run('the file has the expected format', () => {
  assert.is(vectors.format, 'swarmgrid-market-vectors/1');
  assert.ok(vectors.cases.length >= 5);
});

for (const c of vectors.cases) {
  run(`${c.name}: every step gives the hand-derived outcome`, () => {
    const got = play(c);
    c.steps.forEach((s, i) => {
      if (s.expect) assert.equal(got[i], s.expect, `step ${i + 1}`);
    });
  });
}

run('playing a case twice gives byte-identical outcomes', () => {
  for (const c of vectors.cases) assert.is(JSON.stringify(play(c)), JSON.stringify(play(c)));
});

run.run();

/**
 * `npm run bench`: figures, not pass/fail. Each benchmark module prints its
 * own lines; this runner runs them in order (or the ones named:
 * `npm run bench -- signing`).
 */
const benches: Record<string, () => Promise<{ run(): Promise<void> }>> = {
  signing: () => import('./signing'),
  vedirect: () => import('./vedirect'),
  meter: () => import('./meter'),
  ledger: () => import('./ledger'),
  protocol: () => import('./protocol'),
  'testbed-models': () => import('./testbed-models'),
  coupling: () => import('./coupling'),
  'coupling-node': () => import('./coupling-node'),
  hub: () => import('./hub'),
  market: () => import('./market'),
  dashboard: () => import('./dashboard'),
  village: () => import('./village'),
  share: () => import('./share'),
};

const names = process.argv.slice(2).filter((a) => !a.startsWith('-'));
for (const [name, load] of Object.entries(benches)) {
  if (names.length && !names.includes(name)) continue;
  console.log(`\n== ${name}`);
  const bench = await load();
  await bench.run();
}

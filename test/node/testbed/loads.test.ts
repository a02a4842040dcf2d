import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { SwarmError } from '../../../shared/errors';
import { applianceDay, generateVillage } from '../../../testbed/loads/generate';
import { SHOP_APPLIANCES, SHS_APPLIANCES, type ApplianceTemplate } from '../../../testbed/loads/appliances';
import { clearDayShape } from '../../../testbed/loads/pvshape';
import { Rng } from '../../../testbed/models/rng';
import { loadScenario, parseScenario } from '../../../testbed/scenario/load';
import { simulateStandalone } from '../../../testbed/metrics/standalone';
import { paper, root } from './helpers';

const ramp = suite('appliance day (LoadProGen/RAMP method)');

const tv: ApplianceTemplate = SHS_APPLIANCES.find((t) => t.name === 'TV + decoder')!;

ramp('use stays inside the (randomised) windows and near the functioning time', () => {
  const rng = new Rng(5);
  for (let k = 0; k < 200; k++) {
    const w = applianceDay(tv, rng);
    const minutes = w.reduce((a, [s, e]) => a + e - s, 0);
    assert.ok(minutes >= Math.floor(tv.funcTimeMin * (1 - tv.timeVar)) - 1 && minutes <= Math.ceil(tv.funcTimeMin * (1 + tv.timeVar)) + 1, `minutes ${minutes}`);
    for (const [s, e] of w) {
      const inside = tv.windows.some(([ws, we]) => s >= ws - (we - ws) * tv.windowVar - 1 && e <= we + (we - ws) * tv.windowVar + 1);
      assert.ok(inside, `[${s}, ${e}) outside the windows`);
    }
  }
});

ramp('switch-on periods respect the minimum functioning cycle (except at a window edge)', () => {
  const fridge = SHOP_APPLIANCES[0]!;
  const rng = new Rng(9);
  let short = 0;
  let total = 0;
  for (let k = 0; k < 50; k++) for (const [s, e] of applianceDay(fridge, rng)) (total += 1), (short += e - s < fridge.funcCycleMin ? 1 : 0);
  assert.ok(total > 100);
  assert.ok(short / total < 0.1, `${short} of ${total} periods shorter than the cycle`);
});

ramp('the same seed gives the same day, another seed another', () => {
  assert.equal(applianceDay(tv, new Rng(1)), applianceDay(tv, new Rng(1)));
  assert.not.equal(applianceDay(tv, new Rng(1)), applianceDay(tv, new Rng(2)));
});

const village = suite('village generator');

village('writes a valid scenario with N houses, sizes cycled from the lists, and derived sums', () => {
  const s = generateVillage({ households: 5, seed: 3, pvWp: [100, 0], batteryAh: [40, 0, 0] });
  assert.is(s.households.length, 5);
  assert.equal(s.households.map((h) => h.pv?.peakW ?? 0), [100, 0, 100, 0, 100]);
  assert.equal(s.households.map((h) => h.battery?.capacityAh ?? 0), [40, 0, 0, 40, 0]);
  const noShs = s.households[1]!;
  assert.ok(noShs.loads.every((l) => l.kind === 'secondary'), 'a house without SHS waits for the bus');
  // Round trip through the validator (derived sums and daily demand agree with the windows).
  parseScenario(JSON.parse(JSON.stringify(s)));
  assert.ok((s.expected as { computed: { standalone: object } }).computed.standalone);
});

village('--shop adds a fridge that runs all day in cycles', () => {
  const s = generateVillage({ households: 2, seed: 4, shop: true });
  const shop = s.households.find((h) => h.id === 'shop')!;
  const fridge = shop.loads.find((l) => l.name.startsWith('DC fridge'))!;
  assert.is(fridge.kind, 'secondary');
  assert.ok(fridge.windows.length > 10);
  assert.ok(shop.dailyDemandWh > 400);
});

village('same options, same JSON', () => {
  assert.is(JSON.stringify(generateVillage({ households: 4, seed: 11 })), JSON.stringify(generateVillage({ households: 4, seed: 11 })));
  assert.is.not(JSON.stringify(generateVillage({ households: 4, seed: 11 })), JSON.stringify(generateVillage({ households: 4, seed: 12 })));
});

village('rejects bad options with E_LOADS_ARG', () => {
  for (const bad of [{ households: 0 }, { households: 3, pvWp: [-1] }, { households: 3, pvLevel: 0 }]) {
    try {
      generateVillage(bad);
      assert.unreachable();
    } catch (e) {
      assert.instance(e, SwarmError);
      assert.is((e as SwarmError).code, 'E_LOADS_ARG');
    }
  }
});

village('the clear-day shape matches the paper scenario\'s PV within a few percent', () => {
  const shape = clearDayShape();
  const ref = paper().households[0]!.pv!.hourlyWh.map((x) => x / (150 * 0.32));
  const a = shape.reduce((x, y) => x + y, 0);
  const b = ref.reduce((x, y) => x + y, 0);
  assert.ok(Math.abs(a / b - 1) < 0.05, `${a} vs ${b}`);
  for (let h = 9; h <= 15; h++) assert.ok(Math.abs(shape[h]! - ref[h]!) < 0.04, `hour ${h}`);
});

village('the committed example villages load and simulate with energy conserved', () => {
  for (const f of ['village-6.json', 'village-12-shop.json']) {
    const s = loadScenario(`${root}testbed/scenarios/${f}`);
    const r = simulateStandalone(s, { dtMs: 60_000 });
    assert.ok(Object.values(r.balanceUJ).every((b) => b === 0), f);
  }
});

village('the CLI writes the scenario to stdout', () => {
  const r = spawnSync(process.execPath, [`${root}bin/swarmgrid.js`, 'loads', 'generate', '--households', '3', '--seed', '2', '--pv-wp', '80,0'], { encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  const s = parseScenario(JSON.parse(r.stdout));
  assert.is(s.households.length, 3);
  const bad = spawnSync(process.execPath, [`${root}bin/swarmgrid.js`, 'loads', 'generate'], { encoding: 'utf8' });
  assert.is(bad.status, 1);
  assert.match(bad.stderr, 'E_LOADS_ARG');
});

for (const s of [ramp, village]) s.run();

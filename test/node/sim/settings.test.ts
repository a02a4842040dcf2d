import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { fileURLToPath } from 'node:url';
import { loadScenario } from '../../../testbed/scenario/load';
import { appliancesOf, settingsFor } from '../../../testbed/sim/settings';
import { hourlyDemand } from '../../../firmware/coupling/schedule';

const v12 = loadScenario(fileURLToPath(new URL('../../../testbed/scenarios/village-12-shop.json', import.meta.url)));
const shop = v12.households.find((h) => h.id === 'shop')!;
const h08 = v12.households.find((h) => h.id === 'h08')!;

const flash = suite('what the virtual boards are flashed with');

flash('an appliance with more than 8 windows becomes several schedule lines; the hourly demand is the scenario\'s', () => {
  const lines = appliancesOf(shop);
  const fridge = lines.filter((l) => l.name === 'DC fridge (compressor)');
  assert.is(fridge.length, 3); // 20 windows: 8 + 8 + 4
  assert.equal(fridge.map((l) => l.windows.length), [8, 8, 4]);
  assert.ok(lines.every((l) => l.windows.length <= 8));
  // eq. 3 per hour equals the scenario's loads minute by minute
  const d = hourlyDemand(lines);
  for (let h = 0; h < 24; h++) {
    let secondary = 0;
    for (const l of shop.loads)
      if (l.kind === 'secondary')
        for (const [a, b] of l.windows) secondary += Math.max(0, Math.min(b, h * 60 + 60) - Math.max(a, h * 60)) * l.powerW * l.number * 1000;
    assert.is(d.secondaryMWh[h], Math.floor(secondary / 60), `hour ${h}`);
  }
  assert.ok(d.secondaryMWh[14]! > 50_000, 'the fridge runs at 14:00 on the board too');
});

flash('a house without a battery is flashed PV-direct; every house exports up to its load output', () => {
  const s = settingsFor(v12, h08, 'forecast');
  assert.is(s.hasBattery, 0);
  assert.is(s.exportPowerMW, 180_000);
  const b = settingsFor(v12, shop, 'forecast');
  assert.is(b.hasBattery, 1);
  assert.is(b.exportPowerMW, 180_000);
  assert.is(b.maxPowerMW, 75_000); // fridge 60 W + three 5 W phone chargers at once
});

flash.run();

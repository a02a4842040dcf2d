/**
 * Made-up villages for comparing HEMTS strategies: seeded, in the scenario
 * format, built from the paper scenario's PV shape and efficiencies with
 * varied PV sizes, batteries and appliance schedules (some houses run
 * daytime secondary loads — a sewing machine, a water pump, a fan — others
 * only evening ones).
 */
import paper from '../../vectors/coupling/paper-two-house.json';
import type { Scenario, ScenarioHouse, ScenarioLoad } from './village-model';
import { Prng } from '../../portable/prng';

const base = paper as unknown as Scenario;
const shape = base.households[0]!.pv!.hourlyWh.map((x) => x / 150); // Wh per Wp at this level

const daytime: ScenarioLoad[] = [
  { name: 'Sewing machine', kind: 'secondary', powerW: 40, number: 1, windows: [[540, 720]] },
  { name: 'Water pump', kind: 'secondary', powerW: 60, number: 1, windows: [[600, 660]] },
  { name: 'DC fan', kind: 'secondary', powerW: 20, number: 1, windows: [[720, 960]] },
  { name: 'Shop fridge', kind: 'secondary', powerW: 15, number: 1, windows: [[480, 1080]] },
  { name: 'Hair clipper', kind: 'secondary', powerW: 20, number: 1, windows: [[780, 900]] },
];
const evening: ScenarioLoad[] = [
  { name: 'TV + decoder', kind: 'secondary', powerW: 25, number: 1, windows: [[1140, 1320]] },
  { name: 'DC fan', kind: 'secondary', powerW: 15, number: 1, windows: [[1200, 1380]] },
  { name: 'Radio', kind: 'secondary', powerW: 5, number: 1, windows: [[1080, 1260]] },
];

/** A seeded village of `n` houses with batteries. */
export function makeVillage(seed: number, n: number): Scenario {
  const rnd = new Prng(seed);
  const pick = <T>(xs: T[]): T => xs[rnd.below(xs.length)]!;
  const households: ScenarioHouse[] = [];
  for (let i = 0; i < n; i++) {
    const peakW = pick([40, 60, 80, 100, 150, 200, 250]);
    const loads: ScenarioLoad[] = [
      { name: 'LED lamps', kind: 'primary', powerW: 3, number: 2 + rnd.below(4), windows: [[330, 390], [1110, 1350]] },
      { name: 'Security lamp', kind: 'primary', powerW: 4, number: 1, windows: [[0, 360], [1320, 1440]] },
      { name: 'Phone chargers', kind: 'primary', powerW: 5, number: 1 + rnd.below(3), windows: [[1140, 1260]] },
    ];
    const nDay = rnd.below(3);
    for (let k = 0; k < nDay; k++) loads.push(pick(daytime));
    const nEve = 1 + rnd.below(2);
    for (let k = 0; k < nEve; k++) loads.push(pick(evening));
    const seen = new Set<string>();
    const uniq = loads.filter((l) => (seen.has(l.name) ? false : (seen.add(l.name), true)));
    households.push({
      id: `h${i + 1}`,
      pv: { hourlyWh: shape.map((x) => Math.round(x * peakW * 10) / 10) },
      battery: { voltage: 12, capacityAh: pick([30, 40, 60, 80]), initialSoc: 0.4 + rnd.below(40) / 100, minSoc: 0.2 },
      loads: uniq,
    });
  }
  return { ...base, households };
}

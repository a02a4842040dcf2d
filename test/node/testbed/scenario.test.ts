import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { SwarmError } from '../../../shared/errors';
import { hourlyLoadWh, loadScenario, parseScenario, parseScenarioText } from '../../../testbed/scenario/load';
import { paper, paperPath } from './helpers';

const s = suite('scenario loader');

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.instance(e, SwarmError);
    return (e as SwarmError).code;
  }
  return 'no error';
}

function raw(): Record<string, any> {
  return JSON.parse(JSON.stringify(paper()));
}

s('loads the paper scenario with its households, batteries and loads typed', () => {
  const sc = loadScenario(paperPath);
  assert.is(sc.schema, 'shs-p2p-scenario/1');
  assert.equal(sc.households.map((h) => h.id), ['supplier', 'requester']);
  assert.is(sc.households[0]!.battery!.capacityAh, 40);
  assert.is(sc.efficiency.shsDirect, 0.81);
  assert.is(sc.households[1]!.loads.length, 6);
});

s('hourly load sums from the windows equal the derived profiles', () => {
  for (const h of paper().households) {
    const p = hourlyLoadWh(h.loads, 'primary');
    const q = hourlyLoadWh(h.loads, 'secondary');
    p.forEach((x, i) => assert.ok(Math.abs(x - h.derived!.primaryHourlyWh[i]!) < 0.06, `${h.id} primary h${i}`));
    q.forEach((x, i) => assert.ok(Math.abs(x - h.derived!.secondaryHourlyWh[i]!) < 0.06, `${h.id} secondary h${i}`));
  }
});

s('rejects a wrong schema with E_SCENARIO_SCHEMA', () => {
  const o = raw();
  o.schema = 'shs-p2p-scenario/2';
  assert.is(code(() => parseScenario(o)), 'E_SCENARIO_SCHEMA');
});

s('rejects text that is not JSON with E_SCENARIO_JSON and a missing file with E_SCENARIO_IO', () => {
  assert.is(code(() => parseScenarioText('{')), 'E_SCENARIO_JSON');
  assert.is(code(() => loadScenario('/nonexistent/x.json')), 'E_SCENARIO_IO');
});

s('names the field that is missing or mistyped (E_SCENARIO_FIELD)', () => {
  const o = raw();
  delete o.households[1].battery.capacityAh;
  try {
    parseScenario(o);
    assert.unreachable();
  } catch (e) {
    assert.is((e as SwarmError).code, 'E_SCENARIO_FIELD');
    assert.match((e as Error).message, 'households[1].battery.capacityAh');
  }
  const p = raw();
  p.households[0].pv.hourlyWh = p.households[0].pv.hourlyWh.slice(0, 23);
  assert.is(code(() => parseScenario(p)), 'E_SCENARIO_FIELD');
});

s('rejects out-of-range numbers (E_SCENARIO_RANGE)', () => {
  const o = raw();
  o.efficiency.link = 1.2;
  assert.is(code(() => parseScenario(o)), 'E_SCENARIO_RANGE');
  const p = raw();
  p.households[0].battery.initialSoc = 0.1;
  assert.is(code(() => parseScenario(p)), 'E_SCENARIO_RANGE');
  const q = raw();
  q.time.stepMin = 30;
  assert.is(code(() => parseScenario(q)), 'E_SCENARIO_RANGE');
});

s('rejects malformed and duplicate ids (E_SCENARIO_ID)', () => {
  const o = raw();
  o.households[1].id = 'supplier';
  assert.is(code(() => parseScenario(o)), 'E_SCENARIO_ID');
  const p = raw();
  p.households[1].id = 'Bad Id';
  assert.is(code(() => parseScenario(p)), 'E_SCENARIO_ID');
});

s('rejects bad and overlapping windows (E_SCENARIO_WINDOW)', () => {
  const o = raw();
  o.households[0].loads[0].windows = [[400, 300]];
  assert.is(code(() => parseScenario(o)), 'E_SCENARIO_WINDOW');
  const p = raw();
  p.households[0].loads[0].windows = [[300, 400], [350, 500]];
  assert.is(code(() => parseScenario(p)), 'E_SCENARIO_WINDOW');
});

s('rejects a demand or derived sum that disagrees with the loads (E_SCENARIO_DERIVED)', () => {
  const o = raw();
  o.households[0].dailyDemandWh = 300;
  assert.is(code(() => parseScenario(o)), 'E_SCENARIO_DERIVED');
  const p = raw();
  p.households[0].derived.secondaryHourlyWh[20] = 41;
  assert.is(code(() => parseScenario(p)), 'E_SCENARIO_DERIVED');
});

s.run();

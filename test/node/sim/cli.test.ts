// `swarmgrid simulate` output formats: the --json document (exactly one
// document on stdout, the agreed shape), the hourly CSV, the SVG charts,
// and refusals with stable codes.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../../bin/swarmgrid.js', import.meta.url));
const paper = fileURLToPath(new URL('../../../testbed/scenarios/paper-two-house.json', import.meta.url));
const HOUSE_KEYS = ['pvWh', 'demandWh', 'wastedPvWh', 'unservedWh', 'sentWh', 'receivedWh', 'Eshp', 'Ereqp', 'cycles', 'endSoc', 'firstFullHour', 'unitsPaid', 'unitsEarned'];
const COMMUNITY_KEYS = ['pvWh', 'demandWh', 'wastedPvWh', 'unservedWh', 'sentWh', 'receivedWh', 'Eshp', 'Ereqp', 'unitsPaid', 'unitsEarned'];

const s = suite('swarmgrid simulate: formats');
const dir = mkdtempSync(join(tmpdir(), 'swarmgrid-simcli-'));
s.after(() => rmSync(dir, { recursive: true, force: true }));

s('--json prints one document: scenario, runs asked, oracle; --csv and --plot write files', () => {
  const r = spawnSync(process.execPath, [bin, 'simulate', paper, '--mode', 'standalone', '--oracle', '--json', '--csv', join(dir, 'csv'), '--plot', join(dir, 'svg')], { encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as { scenario: string; runs: Record<string, { households: Record<string, Record<string, unknown>>; community: Record<string, unknown> }>; oracle: { receivedWh: number } };
  assert.equal(Object.keys(doc), ['scenario', 'runs', 'oracle']);
  assert.is(doc.scenario, 'paper-two-house');
  assert.equal(Object.keys(doc.runs), ['standalone']);
  assert.equal(Object.keys(doc.runs.standalone!.households).sort(), ['requester', 'supplier']);
  for (const h of Object.values(doc.runs.standalone!.households)) assert.equal(Object.keys(h), HOUSE_KEYS);
  assert.equal(Object.keys(doc.runs.standalone!.community), COMMUNITY_KEYS);
  assert.is(doc.oracle.receivedWh, 35.63);
  const sup = doc.runs.standalone!.households.supplier!;
  assert.is(sup.firstFullHour, 15);
  assert.is(sup.sentWh, 0);

  const csv = readFileSync(join(dir, 'csv', 'paper-two-house-standalone.csv'), 'utf8').trim().split('\n');
  assert.is(csv[0], 'house,hour,pvWh,loadWh,primaryWh,secondaryWh,batteryWh,sentWh,receivedWh,wastedPvWh,unservedWh,soc');
  assert.is(csv.length, 1 + 2 * 24);
  const pv = csv.slice(1).filter((l) => l.startsWith('supplier,')).reduce((a, l) => a + Number(l.split(',')[2]), 0);
  assert.ok(Math.abs(pv - (sup.pvWh as number)) < 0.05, `hourly PV sums to the day's (${pv})`);
  const svgs = readdirSync(join(dir, 'svg')).sort();
  assert.equal(svgs, ['paper-two-house-standalone-requester.svg', 'paper-two-house-standalone-supplier.svg']);
  const svg = readFileSync(join(dir, 'svg', svgs[1]!), 'utf8');
  assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.ok((svg.match(/<polyline/g) ?? []).length === 3, 'PV, load and SOC lines');
});

s('refuses bad options with E_SIM_ARG', () => {
  for (const args of [['--mode', 'sideways'], ['--engine', 'java'], ['--speed', '-3'], ['--speed', '5', '--fast'], ['--machines', '3'], ['--bogus']]) {
    const r = spawnSync(process.execPath, [bin, 'simulate', paper, ...args], { encoding: 'utf8' });
    assert.is(r.status, 1, args.join(' '));
    assert.match(r.stderr, /E_SIM_ARG/);
    assert.is(r.stdout, '');
  }
});

s.run();

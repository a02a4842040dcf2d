import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { replayOnNode, replayOnXs } from '../../../hub/cli/firmware';
import { encode, inTopic } from '../../../shared/protocol/index';
import { publicKeyOf } from '../../../shared/sign';
import { utf8Decode } from '../../../shared/bytes';
import type { SwarmError } from '../../../shared/errors';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const vec = (f: string) => join(root, 'test', 'vectors', 'replay', f);
const example = readFileSync(vec('coupling-example.jsonl'), 'utf8');
const expected = readFileSync(vec('coupling-example.out.jsonl'), 'utf8').trimEnd().split('\n');
const T0 = 1_717_236_000_000;

interface Line {
  atMs: number;
  relay?: { rl1: boolean; rl2: boolean };
  publish?: { topic: string; kind: string; body: Record<string, unknown>; dropped?: boolean };
  event?: Record<string, unknown>;
  boot?: { node: string };
}

const ex = suite('firmware replay: the example coupling log');

ex('Node prints the recorded output line for line', () => {
  assert.equal(replayOnNode('coupling', example), expected);
});

ex('XS prints exactly the same lines', async () => {
  assert.equal(await replayOnXs('coupling', example), expected);
});

ex('the output tells the story: offer, ack, RL1 at begin, open at quantity, forged contract refused, stale VE.Direct', () => {
  const lines = expected.map((l) => JSON.parse(l) as Line);
  const pubs = lines.filter((l) => l.publish).map((l) => l.publish!);
  const offer = pubs.find((p) => p.kind === 'offer');
  assert.ok(offer);
  assert.is(offer!.body.node, 'house-a');
  const acks = pubs.filter((p) => p.kind === 'contract-ack').map((p) => [p.body.contractId, p.body.accepted, p.body.reason ?? null]);
  assert.equal(acks, [['c-000001', true, null], ['c-000002', false, 'E_CONTRACT_INVALID'], ['c-000001', true, null]]);
  const relays = lines.filter((l) => l.relay);
  assert.equal(relays.map((l) => [l.atMs - T0, l.relay!.rl1, l.relay!.rl2]), [[0, false, false], [5000, true, false], [80_600, false, false]]);
  assert.ok(relays.every((l) => !(l.relay!.rl1 && l.relay!.rl2)));
  const stop = lines.find((l) => l.event?.window === 'stop')!.event!;
  assert.is(stop.reason, 'quantity');
  assert.ok((stop.deliveredMWh as number) >= 1000);
  assert.equal(pubs.filter((p) => p.kind === 'fault').map((p) => p.body.code), ['E_CONTRACT_INVALID', 'E_VED_STALE']);
  const tel = pubs.filter((p) => p.kind === 'telemetry');
  assert.ok(tel.some((p) => (p.body.faults as string[]).includes('E_VED_STALE')));
});

const meter = suite('firmware replay: meter node');

const HUB_SK = '1f'.repeat(32);
const METER_SK = '4c'.repeat(32);

function meterScript(): string {
  const ev: object[] = [{ atMs: T0, config: { node: 'house-a', village: 'demo', secretKeyHex: METER_SK, hubPublicKeyHex: publicKeyOf(HUB_SK), reportEveryMs: 60_000 } }, { atMs: T0, link: true }];
  const c = encode('contract', { id: 'c-000001', seq: 1, village: 'demo', seller: 'house-a', buyer: 'house-b', energyMWh: 1000, priceUnitsPerKWh: 2, beginMs: T0 + 5000, endMs: T0 + 35_000, circuit: { kind: 'bus' }, issuedMs: T0 }, HUB_SK);
  ev.push({ atMs: T0 + 1000, mqtt: { topic: inTopic('demo', 'house-a', 'contract'), payloadText: utf8Decode(c) } });
  for (let s = 1; s <= 70; s++) ev.push({ atMs: T0 + s * 1000, sample: { busMV: 24_000, currentMA: s >= 5 && s < 35 ? 2000 : 0 } });
  return ev.map((e) => JSON.stringify(e)).join('\n');
}

meter('meter reports are published (final one for the contract), same on Node and XS', async () => {
  const text = meterScript();
  const node = replayOnNode('meter', text);
  assert.equal(await replayOnXs('meter', text), node);
  const reports = node.map((l) => JSON.parse(l) as Line).filter((l) => l.publish?.kind === 'meter-report').map((l) => l.publish!.body);
  assert.ok(reports.length >= 2);
  const final = reports.find((r) => (r.contract as { final: boolean } | null)?.final);
  assert.ok(final, 'a final contract report');
  const part = final!.contract as { id: string; exportMWh: number };
  assert.is(part.id, 'c-000001');
  assert.ok(part.exportMWh >= 380 && part.exportMWh <= 410, `exported ${part.exportMWh} mWh (48 W for about 30 s ≈ 400)`);
});

const input = suite('firmware replay: input errors');

const code = (fn: () => unknown) => {
  try {
    fn();
    return 'none';
  } catch (e) {
    return `${(e as SwarmError).code} ${(e as Error).message}`;
  }
};

input('malformed lines are refused with E_REPLAY_INPUT naming the line, on both engines', async () => {
  const cfg = JSON.stringify({ atMs: 5, config: { node: 'house-a', village: 'demo', secretKeyHex: '2e'.repeat(32), hubPublicKeyHex: publicKeyOf(HUB_SK) } });
  assert.match(code(() => replayOnNode('coupling', '{"atMs":1,"link":true}')), /E_REPLAY_INPUT .*line 1: the first event must be config/);
  assert.match(code(() => replayOnNode('coupling', `${cfg}\n\n{"atMs":4,"link":true}`)), /line 3: atMs 4 goes back in time/);
  assert.match(code(() => replayOnNode('coupling', `${cfg}\n{"atMs":9,"serial":{"port":3,"hex":"00"}}`)), /line 2: serial.port/);
  assert.match(code(() => replayOnNode('coupling', `${cfg}\n{"atMs":9,"link":true,"reboot":true}`)), /line 2: exactly one of/);
  assert.match(code(() => replayOnNode('coupling', `# comment only`)), /no config event/);
  let xs = 'none';
  try {
    await replayOnXs('coupling', `${cfg}\nnot json`);
  } catch (e) {
    xs = `${(e as SwarmError).code} ${(e as Error).message}`;
  }
  assert.is(xs, code(() => replayOnNode('coupling', `${cfg}\nnot json`)));
});

const cli = suite('swarmgrid firmware replay (CLI)');

cli('prints the example output with --engine node; unknown engine or node kind exits 1 with E_REPLAY_ENGINE', () => {
  const bin = join(root, 'bin', 'swarmgrid.js');
  const run = (args: string[]) => spawnSync(process.execPath, [bin, 'firmware', 'replay', ...args], { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 });
  const ok = run(['--node', 'coupling', vec('coupling-example.jsonl'), '--engine', 'node']);
  assert.is(ok.status, 0, ok.stderr);
  assert.equal(ok.stdout.trimEnd().split('\n'), expected);
  const dir = mkdtempSync(join(tmpdir(), 'replay-cli-'));
  writeFileSync(join(dir, 'e.jsonl'), '');
  const badEngine = run([join(dir, 'e.jsonl'), '--engine', 'qjs']);
  assert.is(badEngine.status, 1);
  assert.match(badEngine.stderr, /E_REPLAY_ENGINE/);
  const badNode = run([join(dir, 'e.jsonl'), '--node', 'hub']);
  assert.is(badNode.status, 1);
  assert.match(badNode.stderr, /E_REPLAY_ENGINE/);
});

ex.run();
meter.run();
input.run();
cli.run();

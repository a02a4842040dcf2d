// The village machine (models + Victron emulators + every house's coupling
// and meter firmware) gives the same bytes inside the real XS engine as on
// Node: same publishes (signed, so any difference in state would show),
// same relay coils, same SOC, for the first simulated minutes of the paper
// day, including a contract delivered to both boards. And the same bytes on
// two XS machines (testbed/house-firmware/split.ts: the requester's boards
// on the second machine) as on one.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { fileURLToPath } from 'node:url';
import { encode, inTopic } from '../../../shared/protocol';
import { publicKeyOf } from '../../../shared/sign';
import { toHex } from '../../../shared/bytes';
import { frame, unframe } from '../../../testbed/house-firmware/machine';
import type { RunReply } from '../../../testbed/house-firmware/village-machine';
import type { HouseConfig } from '../../../testbed/house-firmware/host';
import { loadScenario } from '../../../testbed/scenario/load';
import { settingsFor } from '../../../testbed/sim/settings';
import { startMachine, startMachinePair, type EngineKind, type FirmwareMachine } from '../../../testbed/sim/engine';
import type { GroupHouseReply } from '../../../testbed/house-firmware/split';

const scenario = loadScenario(fileURLToPath(new URL('../../../testbed/scenarios/paper-two-house.json', import.meta.url)));
const DAY0 = Date.UTC(2024, 3, 14);
const key = (n: number) => n.toString(16).padStart(64, '0');
const HUB_SK = key(0xabc);
const houses: HouseConfig[] = scenario.households.map((h, i) => ({
  village: 'xsv',
  nodeId: h.id,
  meterId: `${h.id}-m`,
  nodeSecretKeyHex: key(100 + i),
  meterSecretKeyHex: key(200 + i),
  hubPublicKeyHex: publicKeyOf(HUB_SK),
  startMs: DAY0,
  settings: settingsFor(scenario, h, 'paper'),
  hasBmv: true,
  initialSocPermille: Math.round(h.battery!.initialSoc * 1000),
  trading: true,
  telemetryEveryMs: 60_000,
}));

/** A hub-signed contract for both houses, starting one minute in. */
function contract(): Uint8Array {
  const body = { id: 'c-000001', seq: 1, village: 'xsv', seller: 'supplier', buyer: 'requester', energyMWh: 2000, priceUnitsPerKWh: 2, beginMs: DAY0 + 120_000, endMs: DAY0 + 420_000, circuit: { kind: 'bus' as const }, issuedMs: DAY0 + 60_000 };
  return encode('contract', body, HUB_SK);
}

/** `pair`: two machines, the requester (house 1) on the second. */
async function trace(engine: EngineKind, pair = false): Promise<string[]> {
  let m: FirmwareMachine;
  let b: FirmwareMachine | undefined;
  if (pair) [m, b] = await startMachinePair(engine, `xs-eq-${engine}`);
  else m = await startMachine(engine, `xs-eq-${engine}`);
  const out: string[] = [];
  try {
    unframe(await m.command(frame({ op: 'init', scenario, dayStartMs: DAY0, seed: 3, vedEverySec: 1, houses, ...(b ? { remoteFrom: 1 } : {}) }, [])));
    if (b) unframe(await b.command(frame({ op: 'group', first: 1, startMs: DAY0, houses: houses.slice(1) }, [])));
    let now = DAY0;
    for (let k = 0; k < 400 && now < DAY0 + 600_000; k++) {
      const inbox = k === 2 ? [0, 1].map((i) => ({ house: i, to: 'node' as const, topic: inTopic('xsv', houses[i]!.nodeId, 'contract'), len: contract().length })) : [];
      let held = false;
      if (b && (k === 0 || k === 2)) {
        // The second machine's boards: come up (first run), take their messages.
        const mine = inbox.filter((x) => x.house >= 1);
        held = unframe<{ published: boolean }>(await b.command(frame({ op: 'deliver', nowMs: now, inbox: mine }, mine.map(() => contract())))).header.published;
      }
      const here = b ? inbox.filter((x) => x.house < 1) : inbox;
      const { header, take } = unframe<RunReply>(await m.command(frame({ op: 'run', untilMs: now + 30_000, inbox: here, ...(held ? { held } : {}) }, here.map(() => contract()))));
      const got = b ? unframe<{ houses: GroupHouseReply[] }>(await b.command(frame({ op: 'collect' }, []))) : undefined;
      now = header.nowMs;
      header.houses.forEach((h, i) => {
        const r = got && i >= 1 ? got.header.houses[i - 1]! : h;
        const read = got && i >= 1 ? got.take : take;
        out.push(`${header.nowMs} ${r.coils} ${r.soc} ${r.mode} ${JSON.stringify(r.events)} ${h.pvMW} ${h.loadMW} ${h.sentUJ} ${h.receivedUJ}`);
        for (const p of r.pubs) out.push(`${p.from} ${p.topic} ${toHex(read(p.len))}`);
      });
    }
    out.push(`end ${now}`);
    const { header } = unframe<{ log: unknown }>(await m.command(frame({ op: 'log' }, [])));
    out.push(JSON.stringify(header.log));
  } finally {
    await m.close();
    await b?.close();
  }
  return out;
}

const s = suite('village machine: XS and Node agree');

s('same publishes, coils, SOC, events and model log over the first ten minutes', async () => {
  const [xs, node] = await Promise.all([trace('xs'), trace('node')]);
  assert.ok(node.some((l) => l.includes('/contract-ack ')), 'both boards acknowledged the contract');
  assert.ok(node.some((l) => l.includes('"kind":"window"')), 'a delivery window ran');
  assert.ok(Number(node.find((l) => l.startsWith('end '))!.slice(4)) >= DAY0 + 600_000, 'ten simulated minutes');
  assert.is(xs.length, node.length);
  for (let i = 0; i < xs.length; i++) assert.is(xs[i], node[i], `line ${i}`);
});

s('two XS machines (the requester on the second) give the same bytes as one Node machine', async () => {
  const [pair, node] = await Promise.all([trace('xs', true), trace('node')]);
  assert.ok(node.some((l) => l.includes('"kind":"window"')), 'a delivery window ran');
  assert.is(pair.length, node.length);
  for (let i = 0; i < pair.length; i++) assert.is(pair[i], node[i], `line ${i}`);
});

s('a Node pair gives the same bytes as one Node machine', async () => {
  const [pair, one] = await Promise.all([trace('node', true), trace('node')]);
  assert.is(pair.length, one.length);
  for (let i = 0; i < pair.length; i++) assert.is(pair[i], one[i], `line ${i}`);
});

s.run();

/**
 * Random event sequences against the whole coupling node (seeded, same runs
 * on Node and inside XS): contracts for either role at random times,
 * forged and replayed ones, meter export/import, VE.Direct silence, stuck
 * contacts, broker flaps, meter faults and reboots. Whatever happens, RL1
 * and RL2 are never commanded closed together, a relay closes only after
 * the other has been open for the dead time, and a relay closes only
 * inside an accepted window for the matching role.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { publicKeyOf } from '../../../shared/sign';
import { protocolWire } from '../../../firmware/main/coupling-app';
import { Prng } from '../prng';
import { DAY0, FORGER_SK, H, HUB_SK, NODE_SK, NodeRig, signedContract } from './node-rig';

const hubPk = publicKeyOf(HUB_SK);
const wire = protocolWire(NODE_SK, hubPk);
const T = DAY0 + 10 * H;

// A pool of signed contracts (signing is the costly part, done once).
interface PoolEntry {
  payload: Uint8Array;
  role: 'seller' | 'buyer' | null;
  beginMs: number;
  endMs: number;
  seq: number;
}
const pool: PoolEntry[] = [];
{
  const rnd = new Prng(7);
  for (let i = 1; i <= 16; i++) {
    const beginMs = T + 1000 + rnd.below(50) * 1000;
    const endMs = beginMs + 2000 + rnd.below(20) * 1000;
    const k = rnd.below(4);
    const seller = k === 0 ? 'house-a' : k === 2 ? 'house-d' : 'house-b';
    const buyer = k === 0 ? 'house-b' : k === 2 ? 'house-c' : 'house-a';
    const role = k === 0 ? 'seller' : k === 2 ? null : 'buyer';
    const forged = rnd.below(6) === 0;
    pool.push({ payload: signedContract({ id: `c-${i}`, seq: i, seller, buyer, beginMs, endMs, energyMWh: 200 + rnd.below(400) }, forged ? FORGER_SK : HUB_SK), role: forged ? null : role, beginMs, endMs, seq: i });
  }
}

const DEAD_MS = 150;

function runOne(seed: number): { writes: number; closes: number } {
  const rnd = new Prng(seed);
  let open1Since = T;
  let open2Since = T;
  let rl1 = false;
  let rl2 = false;
  let closes = 0;
  let writes = 0;
  const problems: string[] = [];
  const r = new NodeRig({
    hubPk,
    wire,
    node: { faultHoldMs: 5000 },
    onWrite: (atMs, a, b) => {
      writes++;
      if (a && b) problems.push(`on-on at ${atMs}`);
      if (a && !rl1 && atMs - open2Since < DEAD_MS) problems.push(`RL1 closed ${atMs - open2Since} ms after RL2 opened`);
      if (b && !rl2 && atMs - open1Since < DEAD_MS) problems.push(`RL2 closed ${atMs - open1Since} ms after RL1 opened`);
      if ((a && !rl1) || (b && !rl2)) closes++;
      if (rl1 && !a) open1Since = atMs;
      if (rl2 && !b) open2Since = atMs;
      rl1 = a;
      rl2 = b;
    },
  });
  for (let step = 0; step < 40; step++) {
    const ev = rnd.below(12);
    if (ev <= 3) r.deliver(pool[rnd.below(pool.length)]!.payload);
    else if (ev === 4) r.meterMA = rnd.below(3) === 0 ? null : rnd.below(8000) - 4000;
    else if (ev === 5) r.vedirect = !r.vedirect || rnd.below(3) !== 0;
    else if (ev === 6) r.relays.stuck = { rl1: rnd.below(8) === 0 ? true : null, rl2: rnd.below(8) === 0 ? true : null };
    else if (ev === 7) r.node.linkState(rnd.below(2) === 0, r.nowMs);
    else if (ev === 8 && rnd.below(4) === 0) r.node.meterFault('E_REVERSE_CURRENT', r.nowMs);
    else if (ev === 9 && rnd.below(3) === 0) r.reboot();
    else if (ev === 10) r.bmvState = rnd.below(2) === 0 ? 'full' : 'low';
    r.run(100 + rnd.below(30) * 100);
    // A closed relay is inside an accepted window for its role.
    const w = r.node.activeWindow;
    if (rl1) assert.ok(w && w.role === 'seller' && r.nowMs < w.endMs, `seed ${seed}: RL1 closed outside a seller window at ${r.nowMs}`);
    if (rl2) assert.ok(w && w.role === 'buyer' && r.nowMs < w.endMs, `seed ${seed}: RL2 closed outside a buyer window at ${r.nowMs}`);
  }
  assert.equal(problems, [], `seed ${seed}`);
  return { writes, closes };
}

const p = suite('coupling node: random event sequences');

p('never on-on, always break-before-make, relays closed only inside a window (30 seeded runs)', () => {
  let closes = 0;
  for (let seed = 1; seed <= 30; seed++) closes += runOne(seed).closes;
  assert.ok(closes > 10, `the runs closed relays ${closes} times (the property is not vacuous)`);
});

p.run();

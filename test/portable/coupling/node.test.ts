import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { publicKeyOf } from '../../../shared/sign';
import { verifyMessage, type ContractAckBody, type FaultBody, type OrderBody, type TelemetryBody } from '../../../shared/protocol/index';
import { CouplingNode } from '../../../firmware/coupling/node';
import { protocolWire } from '../../../firmware/main/coupling-app';
import { FakeRelays } from '../../../firmware/coupling/relays';
import { DAY0, FORGER_SK, H, HUB_SK, memStore, NODE_SK, NodeRig, signedContract } from './node-rig';

const hubPk = publicKeyOf(HUB_SK);
const nodePk = publicKeyOf(NODE_SK);

const flow = suite('coupling node: orders and contracts end to end');

flow('a full battery with PV surplus publishes an offer signed with the node key', () => {
  const r = new NodeRig({ hubPk });
  r.run(3000);
  const offers = r.of('offer');
  assert.is(offers.length, 1);
  const o = offers[0]!;
  assert.is(o.topic, 'swarmgrid/v1/demo/house-a/offer');
  assert.ok(verifyMessage(o.msg, nodePk));
  const b = o.msg.body as OrderBody;
  assert.is(b.node, 'house-a');
  assert.is(b.id, 'house-a-o-1');
  assert.is(b.socPermille, 900);
  assert.is(b.toMs, DAY0 + 11 * H);
  assert.ok(b.energyMWh > 0);
  assert.is(r.node.mode, 'prosumer');
  const tel = r.of('telemetry').map((p) => p.msg.body as TelemetryBody);
  assert.ok(tel.length >= 1);
  assert.is(tel[tel.length - 1]!.mode, 'P');
});

flow('a contract for this node is acked, RL1 closes at begin and opens when the meter reaches the quantity', () => {
  const r = new NodeRig({ hubPk });
  r.run(1000);
  r.deliver(signedContract());
  const acks = r.of('contract-ack');
  assert.is(acks.length, 1);
  assert.ok(verifyMessage(acks[0]!.msg, nodePk));
  const a = acks[0]!.msg.body as ContractAckBody;
  assert.equal([a.contractId, a.contractSeq, a.accepted, a.reason], ['c-000001', 1, true, undefined]);
  r.run(3900);
  assert.is(r.relays.rl1, false);
  r.run(100); // begin = start + 5 s
  assert.is(r.relays.rl1, true);
  assert.is(r.relays.rl2, false);
  assert.equal(r.writes.map((w) => w.bits), ['00', '10']);
  assert.is(r.writes[1]!.atMs, DAY0 + 10 * H + 5000);
  // The contract's 1 000 mWh is what the buyer consumes; with no buyer model
  // here the seller runs to its cap, energy ÷ link (default 800 ‰) = 1 250 mWh.
  r.meterMA = 2000; // 48 W: 1 250 mWh in about 94 s
  r.run(90_000);
  assert.is(r.relays.rl1, true);
  r.run(10_000);
  assert.is(r.relays.rl1, false);
  const stop = r.events.find((e) => e.kind === 'window' && e.event.kind === 'stop');
  assert.ok(stop && stop.kind === 'window' && stop.event.kind === 'stop' && stop.event.reason === 'quantity');
  // (the rig's meter keeps reading 2 A after the relay opens, so only the lower bound is exact)
  assert.ok(r.node.meterCounters.exportMWh >= 1250, `export ${r.node.meterCounters.exportMWh} mWh`);
});

flow('without meter and without broker the window still ends at endMs by the local clock', () => {
  const r = new NodeRig({ hubPk });
  r.run(1000);
  r.deliver(signedContract({ beginMs: DAY0 + 10 * H + 2000, endMs: DAY0 + 10 * H + 12_000, buyer: 'house-a', seller: 'house-b' }));
  r.node.linkState(false, r.nowMs);
  r.run(1000);
  assert.is(r.relays.rl2, true);
  r.run(9900);
  assert.is(r.relays.rl2, true);
  r.run(100);
  assert.is(r.relays.rl2, false);
  assert.is(r.nowMs, DAY0 + 10 * H + 12_000);
  assert.ok(r.events.some((e) => e.kind === 'window' && e.event.kind === 'stop' && e.event.reason === 'end'));
});

flow('back-to-back windows: RL1 opens at the seller window end, RL2 closes only after the dead time', () => {
  const r = new NodeRig({ hubPk });
  r.run(1000);
  const X = DAY0 + 10 * H + 10_000;
  r.deliver(signedContract({ id: 'c-000001', seq: 1, beginMs: DAY0 + 10 * H + 2000, endMs: X }));
  r.deliver(signedContract({ id: 'c-000002', seq: 2, seller: 'house-b', buyer: 'house-a', beginMs: X, endMs: X + 60_000 }));
  r.run(15_000);
  const t = (w: { atMs: number; bits: string }) => [w.atMs - X, w.bits];
  assert.equal(r.writes.slice(1).map(t), [[-8000, '10'], [0, '00'], [200, '01']]);
});

flow('a redelivered contract is acked again and executed once', () => {
  const r = new NodeRig({ hubPk });
  r.run(1000);
  r.deliver(signedContract());
  r.deliver(signedContract());
  assert.equal(r.of('contract-ack').map((p) => (p.msg.body as ContractAckBody).accepted), [true, true]);
  assert.is(r.node.pendingWindows, 1);
});

const refuse = suite('coupling node: contracts refused');

function refused(payload: Uint8Array, prep?: (r: NodeRig) => void) {
  const r = new NodeRig({ hubPk });
  r.run(1000);
  if (prep) prep(r);
  const before = r.of('contract-ack').length;
  r.deliver(payload);
  const acks = r.of('contract-ack').slice(before);
  r.run(20_000);
  return { r, acks: acks.map((p) => p.msg.body as ContractAckBody) };
}

refuse('a forged contract: E_CONTRACT_INVALID in the ack, a signed fault, relays never close', () => {
  const { r, acks } = refused(signedContract({}, FORGER_SK));
  assert.equal(acks.map((a) => [a.accepted, a.reason]), [[false, 'E_CONTRACT_INVALID']]);
  const faults = r.of('fault');
  assert.is(faults.length, 1);
  assert.ok(verifyMessage(faults[0]!.msg, nodePk));
  assert.is((faults[0]!.msg.body as FaultBody).code, 'E_CONTRACT_INVALID');
  assert.is(r.node.mode, 'autonomous');
  assert.ok(r.writes.every((w) => w.bits === '00'));
});

refuse('a contract naming other nodes: E_WINDOW_ROLE', () => {
  const { r, acks } = refused(signedContract({ seller: 'house-c', buyer: 'house-b' }));
  assert.equal(acks.map((a) => [a.accepted, a.reason]), [[false, 'E_WINDOW_ROLE']]);
  assert.ok(r.writes.every((w) => w.bits === '00'));
  assert.is(r.of('fault').length, 0);
});

refuse('a contract whose window has ended: E_WINDOW_ENDED', () => {
  const { r, acks } = refused(signedContract({ beginMs: DAY0 + 9 * H, endMs: DAY0 + 10 * H }));
  assert.equal(acks.map((a) => [a.accepted, a.reason]), [[false, 'E_WINDOW_ENDED']]);
  assert.ok(r.writes.every((w) => w.bits === '00'));
});

refuse('a replayed contract after a reboot (same store): E_WINDOW_REPLAY', () => {
  const { r, acks } = refused(signedContract({ id: 'c-000002', seq: 2 }), (rig) => {
    rig.deliver(signedContract({ id: 'c-000002', seq: 2, seller: 'house-b', buyer: 'house-a', beginMs: DAY0 + 11 * H, endMs: DAY0 + 12 * H }));
    rig.reboot();
  });
  assert.equal(acks.map((a) => [a.accepted, a.reason]), [[false, 'E_WINDOW_REPLAY']]);
  assert.ok(r.writes.every((w) => w.bits === '00'));
});

refuse('a contract with a lower seq than one accepted: E_WINDOW_REPLAY', () => {
  const { acks } = refused(signedContract({ id: 'c-000001', seq: 1 }), (rig) => rig.deliver(signedContract({ id: 'c-000005', seq: 5, beginMs: DAY0 + 11 * H, endMs: DAY0 + 12 * H })));
  assert.equal(acks.map((a) => [a.accepted, a.reason]), [[false, 'E_WINDOW_REPLAY']]);
});

const safe = suite('coupling node: fail-safe');

safe('VE.Direct silent for 5 s: Autonomous, E_VED_STALE fault and telemetry, the running window aborted', () => {
  const r = new NodeRig({ hubPk });
  r.run(1000);
  r.deliver(signedContract({ beginMs: DAY0 + 10 * H + 2000 }));
  r.run(2000);
  assert.is(r.relays.rl1, true);
  r.vedirect = false;
  r.run(6000);
  assert.is(r.relays.rl1, false);
  const f = r.of('fault').map((p) => p.msg.body as FaultBody);
  assert.equal(f.map((x) => x.code), ['E_VED_STALE']);
  const tel = r.of('telemetry').map((p) => p.msg.body as TelemetryBody);
  const last = tel[tel.length - 1]!;
  assert.equal([last.mode, last.faults], ['A', ['E_VED_STALE']]);
  assert.ok(r.of('cancel').length >= 1); // the open offer is withdrawn
  assert.ok(r.events.some((e) => e.kind === 'window' && e.event.kind === 'stop' && e.event.reason === 'aborted'));
});

safe('a reverse current from the meter opens RL1 and latches Autonomous', () => {
  const r = new NodeRig({ hubPk });
  r.run(1000);
  r.deliver(signedContract({ beginMs: DAY0 + 10 * H + 2000 }));
  r.run(2000);
  assert.is(r.relays.rl1, true);
  r.node.meterFault('E_REVERSE_CURRENT', r.nowMs);
  assert.is(r.relays.rl1, false);
  r.run(1000);
  assert.equal(r.of('fault').map((p) => (p.msg.body as FaultBody).code), ['E_REVERSE_CURRENT']);
  r.deliver(signedContract({ id: 'c-000009', seq: 9, beginMs: r.nowMs + 1000 }));
  r.run(5000);
  assert.is(r.relays.rl1, false);
  assert.ok(r.node.faults().includes('E_REVERSE_CURRENT'));
});

safe('a stuck contact read back: E_RELAY_READBACK, both open', () => {
  const r = new NodeRig({ hubPk });
  r.run(1000);
  r.deliver(signedContract({ beginMs: DAY0 + 10 * H + 2000 }));
  r.relays.stuck.rl2 = true;
  r.run(2000);
  assert.equal([r.relays.rl1, r.relays.rl2], [false, false]);
  assert.equal(r.of('fault').map((p) => (p.msg.body as FaultBody).code), ['E_RELAY_READBACK']);
});

safe('the broker lost beyond the grace: E_BROKER_LOST, and no trading until it is back', () => {
  const r = new NodeRig({ hubPk });
  r.run(1000);
  r.node.linkState(false, r.nowMs);
  r.run(31_000);
  assert.equal(r.of('fault').map((p) => (p.msg.body as FaultBody).code), ['E_BROKER_LOST']);
  assert.ok(r.node.faults().includes('E_BROKER_LOST'));
  r.node.linkState(true, r.nowMs);
  r.run(1000);
  assert.not.ok(r.node.faults().includes('E_BROKER_LOST'));
});

const seqs = suite('coupling node: sequence numbers');

seqs('signed messages carry strictly increasing seqs, also across a reboot', () => {
  const store = memStore();
  const r = new NodeRig({ hubPk, store });
  r.run(3000);
  r.deliver(signedContract());
  const first = r.published.filter((p) => 'sig' in p.msg).map((p) => (p.msg.body as { seq: number }).seq);
  r.reboot();
  r.deliver(signedContract({ id: 'c-000002', seq: 2 }));
  const all = r.published.filter((p) => 'sig' in p.msg).map((p) => (p.msg.body as { seq: number }).seq);
  assert.ok(first.length >= 2);
  for (let i = 1; i < all.length; i++) assert.ok(all[i]! > all[i - 1]!, `seq ${all[i]} after ${all[i - 1]}`);
});

seqs('bad options are refused with E_NODE_CONFIG', () => {
  let code = '';
  try {
    new CouplingNode(new FakeRelays(), 0, { nodeId: 'Bad Id', village: 'demo', wire: protocolWire(NODE_SK, hubPk), store: memStore() });
  } catch (e) {
    code = (e as { code: string }).code;
  }
  assert.is(code, 'E_NODE_CONFIG');
});

flow.run();
refuse.run();
safe.run();
seqs.run();

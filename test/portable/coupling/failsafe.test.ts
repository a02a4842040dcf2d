import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { FailsafeSupervisor, relaySafeState, type Fault } from '../../../firmware/coupling/failsafe';
import { Interlock } from '../../../firmware/coupling/interlock';
import { WindowExecutor } from '../../../firmware/coupling/window';

function rig(vedStaleMs = 5000, brokerGraceMs = 30_000) {
  const data = new Map<string, number>();
  const il = new Interlock({ write: () => undefined }, 0);
  const ex = new WindowExecutor(il, { get: (k) => data.get(k), set: (k, v) => void data.set(k, v as number) });
  const seen: Fault[] = [];
  const safe = relaySafeState(il, ex, (_ev, f) => seen.push(f));
  const fs = new FailsafeSupervisor(safe, 0, { vedStaleMs, brokerGraceMs });
  const limits = { sellerMinPermille: 0, buyerMaxPermille: 1000 };
  // a running sell window with RL1 closed
  ex.accept({ id: 'c-1', seq: 1, role: 'seller', energyMWh: 1e6, beginMs: 1000, endMs: 600_000 }, 0);
  ex.tick({ nowMs: 1000, socPermille: 900, meter: null, limits, allowed: true });
  fs.vedirectBlock(1000);
  return { il, ex, fs, seen };
}

const t = suite('fail-safe supervisor');

t('stale VE.Direct (no valid block for 5 s) opens both relays with E_VED_STALE, once per episode', () => {
  const r = rig();
  assert.is(r.il.state.rl1, true);
  assert.equal(r.fs.tick(6000), []);
  const f = r.fs.tick(6001);
  assert.equal(f.map((x) => x.code), ['E_VED_STALE']);
  assert.is(f[0]!.atMs, 6001);
  assert.is(r.il.state.rl1, false);
  assert.is(r.ex.active, null);
  assert.is(r.fs.healthy, false);
  assert.equal(r.fs.tick(9000), []);
  r.fs.vedirectBlock(9500);
  assert.is(r.fs.healthy, true);
  assert.equal(r.fs.tick(14_501).map((x) => x.code), ['E_VED_STALE']);
});

t('a relay read-back mismatch, reverse current and an invalid contract each force Autonomous with their code', () => {
  for (const [raise, c] of [
    [(r: ReturnType<typeof rig>) => r.fs.relayReadback(2000, 'rl1 reads open'), 'E_RELAY_READBACK'],
    [(r: ReturnType<typeof rig>) => r.fs.reverseCurrent(2000, '-120 mA'), 'E_REVERSE_CURRENT'],
    [(r: ReturnType<typeof rig>) => r.fs.contractInvalid(2000, 'bad signature'), 'E_CONTRACT_INVALID'],
  ] as const) {
    const r = rig();
    const f = raise(r);
    assert.equal(f, { code: c, atMs: 2000, detail: f.detail });
    assert.is(r.il.state.rl1, false);
    assert.is(r.ex.active, null);
    assert.equal(r.seen.map((x) => x.code), [c]);
  }
});

t('a lost broker is tolerated until the running window ends, then E_BROKER_LOST', () => {
  const r = rig(1e9, 30_000);
  r.fs.setWindowEnd(r.ex.currentEndMs);
  r.fs.brokerLost(2000);
  assert.equal(r.fs.tick(599_999), []);
  assert.is(r.il.state.rl1, true);
  assert.equal(r.fs.tick(600_000).map((x) => x.code), ['E_BROKER_LOST']);
  assert.is(r.il.state.rl1, false);
  assert.is(r.fs.healthy, false);
  r.fs.brokerConnected();
  assert.is(r.fs.healthy, true);
});

t('without a window a lost broker faults after the grace period; a reconnect in time does not', () => {
  const r = rig(1e9, 30_000);
  r.fs.setWindowEnd(null);
  r.fs.brokerLost(10_000);
  assert.equal(r.fs.tick(39_999), []);
  r.fs.brokerConnected();
  assert.equal(r.fs.tick(50_000), []);
  r.fs.brokerLost(60_000);
  assert.equal(r.fs.tick(90_000).map((x) => x.code), ['E_BROKER_LOST']);
});

t.run();

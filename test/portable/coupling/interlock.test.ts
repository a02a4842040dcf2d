import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Interlock, type RelayOutputs } from '../../../firmware/coupling/interlock';
import { SwarmError } from '../../../shared/errors';
import { runInterlockProperty } from './interlock-property';

/** A fake relay driver that records every write with the time it happened. */
function fakeDriver() {
  const clock = { now: 0 };
  const writes: string[] = [];
  const driver: RelayOutputs = {
    write(rl1, rl2) {
      writes.push(`${clock.now}:${rl1 ? 1 : 0}${rl2 ? 1 : 0}`);
    },
  };
  return { clock, writes, driver };
}

function codeOf(fn: () => unknown): string {
  try {
    fn();
    return 'none';
  } catch (e) {
    return (e as SwarmError).code;
  }
}

const bbm = suite('interlock: break-before-make');

bbm('boot writes both open', () => {
  const f = fakeDriver();
  new Interlock(f.driver, 0);
  assert.equal(f.writes, ['0:00']);
});

bbm('closing waits for the dead time after boot', () => {
  const f = fakeDriver();
  const il = new Interlock(f.driver, 0, { deadTimeMs: 150, settleMs: 50 });
  il.command('rl1', 10);
  assert.equal(il.state.rl1, false);
  f.clock.now = 149;
  il.tick(149);
  assert.equal(il.state.rl1, false);
  f.clock.now = 150;
  il.tick(150);
  assert.equal(il.state, { rl1: true, rl2: false, target: 'rl1', fault: null });
  assert.equal(f.writes, ['0:00', '150:10']);
});

bbm('switching RL1 to RL2 opens RL1, waits the dead time, then closes RL2', () => {
  const f = fakeDriver();
  const il = new Interlock(f.driver, 0, { deadTimeMs: 150, settleMs: 50 });
  f.clock.now = 200;
  il.command('rl1', 200);
  f.clock.now = 1000;
  il.command('rl2', 1000);
  assert.equal(il.state.rl1, false);
  assert.equal(il.state.rl2, false);
  f.clock.now = 1100;
  il.tick(1100);
  assert.equal(il.state.rl2, false);
  f.clock.now = 1150;
  il.tick(1150);
  assert.equal(il.state.rl2, true);
  assert.equal(f.writes, ['0:00', '200:10', '1000:00', '1150:01']);
});

bbm('a dead time below 100 ms is refused', () => {
  const f = fakeDriver();
  assert.is(codeOf(() => new Interlock(f.driver, 0, { deadTimeMs: 99, settleMs: 50 })), 'E_RELAY_CONFIG');
  assert.is(codeOf(() => new Interlock(f.driver, 0, { deadTimeMs: 150, settleMs: -1 })), 'E_RELAY_CONFIG');
});

bbm('none opens at once', () => {
  const f = fakeDriver();
  const il = new Interlock(f.driver, 0);
  f.clock.now = 500;
  il.command('rl2', 500);
  f.clock.now = 600;
  il.command('none', 600);
  assert.equal(f.writes, ['0:00', '500:01', '600:00']);
});

const rb = suite('interlock: read-back supervision');

rb('a mismatch after the settle time opens both and latches E_RELAY_READBACK', () => {
  const f = fakeDriver();
  const il = new Interlock(f.driver, 0, { deadTimeMs: 150, settleMs: 50 });
  il.command('rl1', 200);
  assert.is(il.tick(220, { rl1: false, rl2: false }), null); // still settling
  const fault = il.tick(250, { rl1: false, rl2: false });
  assert.equal(fault, { code: 'E_RELAY_READBACK', atMs: 250, detail: 'commanded rl1=1 rl2=0, read rl1=0 rl2=0' });
  assert.equal(il.state.rl1, false);
  assert.is(il.command('rl1', 1000), false);
  assert.is(codeOf(() => il.require('rl2', 1000)), 'E_RELAY_LATCHED');
  il.tick(2000, { rl1: false, rl2: false });
  assert.equal(il.state.rl1, false);
  assert.is(il.fault?.code, 'E_RELAY_READBACK');
});

rb('a welded contact (reads closed while commanded open) is a fault', () => {
  const f = fakeDriver();
  const il = new Interlock(f.driver, 0);
  assert.is(il.tick(100, { rl1: false, rl2: true })?.code, 'E_RELAY_READBACK');
});

rb('after clearFault the relays can close again, after a fresh dead time', () => {
  const f = fakeDriver();
  const il = new Interlock(f.driver, 0, { deadTimeMs: 150, settleMs: 50 });
  il.tick(100, { rl1: true, rl2: false });
  il.clearFault(1000);
  assert.is(il.fault, null);
  assert.is(il.command('rl2', 1000), true);
  assert.is(il.state.rl2, false);
  il.tick(1150, { rl1: false, rl2: false });
  assert.is(il.state.rl2, true);
});

rb('a matching read-back raises nothing', () => {
  const f = fakeDriver();
  const il = new Interlock(f.driver, 0);
  il.command('rl1', 200);
  assert.is(il.tick(300, { rl1: true, rl2: false }), null);
  assert.is(il.tick(400), null);
});

const prop = suite('interlock: property (seeded, runs on XS too)');

prop('100 000 random sequences never write on-on nor close within the dead time', () => {
  const r = runInterlockProperty(0x5eed, 100_000, 12);
  assert.is(r.violation, '');
  assert.is(r.sequences, 100_000);
  assert.ok(r.writes > 100_000);
  assert.ok(r.faults > 1000);
});

prop('the property holds with the smallest dead time and no settle time', () => {
  const r = runInterlockProperty(7, 5_000, 20, 100, 0);
  assert.is(r.violation, '');
});

bbm.run();
rb.run();
prop.run();

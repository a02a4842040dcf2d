/**
 * The interlock's safety property as a seeded loop, shared by the portable
 * test (Node and XS) and the XS benchmark: random command / tick / read-back
 * / fault-clear / time sequences never make the written outputs on-on, and a
 * relay is only ever closed after the other one has been open for the dead
 * time; after a read-back fault both stay open until the fault is cleared.
 */
import { Interlock, type RelayTarget } from '../../../firmware/coupling/interlock';
import { Prng } from '../prng';

export interface PropertyResult {
  sequences: number;
  steps: number;
  writes: number;
  faults: number;
  /** First violation found, or '' when none. */
  violation: string;
}

const targets: RelayTarget[] = ['none', 'rl1', 'rl2'];

/** Run `sequences` random sequences of `stepsPer` operations each. */
export function runInterlockProperty(seed: number, sequences: number, stepsPer = 12, deadTimeMs = 150, settleMs = 50): PropertyResult {
  const rnd = new Prng(seed);
  let steps = 0;
  let writes = 0;
  let faults = 0;
  let violation = '';
  let now = 0;
  // The "physics": last written coil state and when each coil last opened.
  let rl1 = false;
  let rl2 = false;
  let rl1OffAt = 0;
  let rl2OffAt = 0;
  let latched = false;
  const driver = {
    write(a: boolean, b: boolean) {
      writes++;
      if (a && b) violation ||= `on-on written at ${now}`;
      if (a && !rl1 && now - rl2OffAt < deadTimeMs) violation ||= `rl1 closed ${now - rl2OffAt} ms after rl2 opened`;
      if (b && !rl2 && now - rl1OffAt < deadTimeMs) violation ||= `rl2 closed ${now - rl1OffAt} ms after rl1 opened`;
      if (a && rl2) violation ||= 'rl1 closed while rl2 closed';
      if (b && rl1) violation ||= 'rl2 closed while rl1 closed';
      if (latched && (a || b)) violation ||= 'a relay closed while a fault is latched';
      if (rl1 && !a) rl1OffAt = now;
      if (rl2 && !b) rl2OffAt = now;
      rl1 = a;
      rl2 = b;
    },
  };
  for (let s = 0; s < sequences && !violation; s++) {
    now = rnd.below(1000);
    rl1 = rl2 = true; // unknown coil state before boot: the constructor must open both
    rl1OffAt = rl2OffAt = -1e9;
    latched = false;
    const il = new Interlock(driver, now, { deadTimeMs, settleMs });
    if (rl1 || rl2) violation ||= 'boot did not open both relays';
    rl1OffAt = rl2OffAt = now;
    for (let k = 0; k < stepsPer && !violation; k++) {
      steps++;
      now += rnd.below(4) === 0 ? 0 : rnd.below(250);
      const op = rnd.below(10);
      if (op < 4) {
        const ok = il.command(targets[rnd.below(3)]!, now);
        if (!ok && !latched) violation ||= 'command refused without a latched fault';
      } else if (op < 8) {
        const bad = rnd.below(8) === 0;
        const rb = bad ? { rl1: rnd.below(2) === 1, rl2: rnd.below(2) === 1 } : { rl1, rl2 };
        const f = il.tick(now, rb);
        if (f) {
          faults++;
          latched = true;
          if (rl1 || rl2) violation ||= 'a read-back fault left a relay closed';
        }
      } else if (op === 8) {
        il.tick(now);
      } else if (rnd.below(2) === 0) {
        il.clearFault(now);
        latched = false;
      } else {
        il.forceOpen(now);
        if (rl1 || rl2) violation ||= 'forceOpen left a relay closed';
      }
      const st = il.state;
      if (st.rl1 !== rl1 || st.rl2 !== rl2) violation ||= 'commanded state differs from the last write';
      if ((st.fault !== null) !== latched) violation ||= 'fault latch state differs';
    }
  }
  return { sequences, steps, writes, faults, violation };
}

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { Interlock, type RelayTarget } from '../../../firmware/coupling/interlock';

type Op =
  | { op: 'command'; target: RelayTarget; dt: number }
  | { op: 'tick'; dt: number; readBack: 'true' | 'none' | { rl1: boolean; rl2: boolean } }
  | { op: 'clear'; dt: number }
  | { op: 'forceOpen'; dt: number };

const dt = fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 400 }));
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('command' as const), target: fc.constantFrom<RelayTarget>('none', 'rl1', 'rl2'), dt }),
  fc.record({
    op: fc.constant('tick' as const),
    dt,
    readBack: fc.oneof(fc.constant('true' as const), fc.constant('none' as const), fc.record({ rl1: fc.boolean(), rl2: fc.boolean() })),
  }),
  fc.record({ op: fc.constant('clear' as const), dt }),
  fc.record({ op: fc.constant('forceOpen' as const), dt }),
);

const t = suite('interlock (fast-check)');

t('no sequence writes on-on, closes inside the dead time, or closes while latched', () => {
  fc.assert(
    fc.property(fc.integer({ min: 100, max: 500 }), fc.integer({ min: 0, max: 200 }), fc.array(opArb, { maxLength: 60 }), (deadTimeMs, settleMs, ops) => {
      let now = 0;
      let rl1 = true;
      let rl2 = true;
      let off1 = -1e9;
      let off2 = -1e9;
      const il = new Interlock(
        {
          write(a, b) {
            if (a && b) throw new Error('on-on');
            if (a && !rl1 && (rl2 || now - off2 < deadTimeMs)) throw new Error('rl1 closed inside the dead time');
            if (b && !rl2 && (rl1 || now - off1 < deadTimeMs)) throw new Error('rl2 closed inside the dead time');
            if ((a || b) && il?.fault) throw new Error('closed while latched');
            if (rl1 && !a) off1 = now;
            if (rl2 && !b) off2 = now;
            rl1 = a;
            rl2 = b;
          },
        },
        now,
        { deadTimeMs, settleMs },
      );
      off1 = off2 = now;
      for (const o of ops) {
        now += o.dt;
        if (o.op === 'command') il.command(o.target, now);
        else if (o.op === 'clear') il.clearFault(now);
        else if (o.op === 'forceOpen') il.forceOpen(now);
        else il.tick(now, o.readBack === 'none' ? undefined : o.readBack === 'true' ? { rl1, rl2 } : o.readBack);
        assert.equal([il.state.rl1, il.state.rl2], [rl1, rl2]);
      }
    }),
    { numRuns: 20_000 },
  );
});

t('a wish for a relay is eventually met once the dead time passes (liveness)', () => {
  fc.assert(
    fc.property(fc.constantFrom<RelayTarget>('rl1', 'rl2'), fc.constantFrom<RelayTarget>('none', 'rl1', 'rl2'), (first, second) => {
      let state = [false, false];
      const il = new Interlock({ write: (a, b) => (state = [a, b]) }, 0);
      il.command(first, 0);
      il.tick(200, { rl1: state[0]!, rl2: state[1]! });
      il.command(second, 1000);
      il.tick(1200, { rl1: state[0]!, rl2: state[1]! });
      assert.equal(state, [second === 'rl1', second === 'rl2']);
    }),
  );
});

t.run();

// Invariants over random histories (STYLE 7): units are conserved by every
// transfer and settlement, no account ends below its floor, every prefix of
// the chain audits, and the stored state equals the replay.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { Ledger } from '../../../hub/ledger/ledger';
import { MemoryStore } from '../../../hub/ledger/memory-store';
import { auditStore } from '../../../hub/ledger/audit';
import type { Envelope } from '../../../hub/ledger/types';
import { Village, defaultRules, steppingClock } from './fixture';

const HOUSES = 4;
type Op =
  | { op: 'transfer'; from: number; to: number; amount: number }
  | { op: 'contract'; seller: number; buyer: number; energyMWh: number; price: number }
  | { op: 'settle'; which: number; deliveredMWh: number; consumedMWh: number; paidPermille: number }
  | { op: 'endow'; to: number; amount: number };

const house = fc.integer({ min: 0, max: HOUSES - 1 });
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('transfer' as const), from: house, to: house, amount: fc.integer({ min: 1, max: 150_000 }) }),
  fc.record({ op: fc.constant('contract' as const), seller: house, buyer: house, energyMWh: fc.integer({ min: 1, max: 80_000_000 }), price: fc.integer({ min: 0, max: 12 }) }),
  fc.record({ op: fc.constant('settle' as const), which: fc.nat(), deliveredMWh: fc.integer({ min: 0, max: 90_000_000 }), consumedMWh: fc.integer({ min: 0, max: 90_000_000 }), paidPermille: fc.integer({ min: 0, max: 1100 }) }),
  fc.record({ op: fc.constant('endow' as const), to: house, amount: fc.integer({ min: 1, max: 50_000 }) }),
);

test('random histories conserve units, respect the floor, audit at every prefix and rebuild exactly', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(fc.array(op, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 6 }), fc.constantFrom<'prepaid' | 'postpaid'>('prepaid', 'postpaid'), async (batches, payment) => {
      const v = new Village({ ...defaultRules, payment });
      const store = new MemoryStore();
      const ledger = await Ledger.open({ store, clock: steppingClock(), hubSecretKey: v.hub.sk }, v.genesis);
      await ledger.append(Array.from({ length: HOUSES }, (_, i) => v.admit(i)));
      let minted = HOUSES * defaultRules.endowmentMilliUnits;
      const contracts: Array<{ id: string; seller: number; buyer: number; energyMWh: number; price: number }> = [];
      for (const batch of batches) {
        const envs: Envelope[] = [];
        const mint: number[] = [];
        for (const o of batch) {
          const n = envs.length;
          if (o.op === 'transfer') envs.push(v.transfer(o.from, o.to, o.amount));
          else if (o.op === 'endow') envs.push(v.endow(o.to, o.amount));
          else if (o.op === 'contract') {
            const e = v.contract(o.seller, o.buyer, o.energyMWh, o.price);
            contracts.push({ id: e.body.id as string, ...o });
            envs.push(e);
          } else if (contracts.length) {
            const c = contracts[o.which % contracts.length]!;
            const due = Math.ceil((Math.min(o.deliveredMWh, o.consumedMWh, c.energyMWh) * c.price) / 1000);
            envs.push(v.settlement(c.id, c.seller, c.buyer, o.deliveredMWh, o.consumedMWh, Math.floor((due * o.paidPermille) / 1000)));
          }
          if (envs.length > n) mint.push(o.op === 'endow' ? o.amount : 0);
        }
        const r = await ledger.append(envs);
        r.outcomes.forEach((out, i) => {
          if (out.status === 'applied') minted += mint[i] ?? 0;
        });
        let total = 0;
        const floor = payment === 'prepaid' ? 0 : -defaultRules.creditLimitMilliUnits;
        for (const [h, a] of ledger.accounts()) {
          total += a.balanceMilliUnits;
          assert.ok(a.reservedMilliUnits >= 0, `${h} reserved < 0`);
          assert.ok(a.balanceMilliUnits - a.reservedMilliUnits >= floor, `${h} below floor`);
        }
        assert.is(total, minted);
        const report = await auditStore(store);
        assert.is(report.height, ledger.head.height);
        assert.is(report.totalMilliUnits, minted);
      }
      assert.equal((await ledger.rebuild()).differences, []);
    }),
    { numRuns: 25 },
  );
});

test.run();

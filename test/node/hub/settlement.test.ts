// Settlement rules (hub/service/settlement.ts), and a property: every
// settlement the hub computes is accepted by the ledger and conserves units.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { publicKeyOf, sign } from '../../../shared/sign';
import { Ledger, MemoryStore, makeGenesis } from '../../../hub/ledger';
import { paymentMilliUnits, settle, type SettleInput } from '../../../hub/service/settlement';
import type { ContractPart } from '../../../hub/service/ledger-index';
import { HubSigner } from '../../../hub/service/signer';
import { newSecretKey } from '../../../hub/service/keys';

const s = suite('settlement rules');
const part = (exportMWh: number, importMWh: number, final = true): ContractPart => ({ seq: 1, atMs: 0, exportMWh, importMWh, fromMs: 0, toMs: 1, final });
const base: SettleInput = { contractId: 'c-000001', seller: 'a', buyer: 'b', energyMWh: 100_000, priceUnitsPerKWh: 25, sellerPart: undefined, buyerPart: undefined, tolerancePermille: 50 };

s('pays min(delivered, consumed) × price, floored to milli-units', () => {
  const r = settle({ ...base, sellerPart: part(100_000, 0), buyerPart: part(0, 96_001) });
  assert.equal(r, { contractId: 'c-000001', deliveredMWh: 100_000, consumedMWh: 96_001, paidMilliUnits: 2_400, payer: 'b', payee: 'a', disputed: false, reason: '' });
  assert.is(paymentMilliUnits(96_001, 25), 2_400, '96 001 × 25 / 1000 = 2 400.025 → 2 400');
  assert.is(paymentMilliUnits(1, 999), 0);
});

s('caps the paid energy at the contract', () => {
  const r = settle({ ...base, sellerPart: part(150_000, 0), buyerPart: part(0, 149_000) });
  assert.is(r.paidMilliUnits, 2_500);
  assert.is(r.disputed, false);
});

s('a loss beyond the link tolerance is disputed, still paid on the smaller figure', () => {
  const r = settle({ ...base, sellerPart: part(100_000, 0), buyerPart: part(0, 90_000) });
  assert.is(r.paidMilliUnits, 2_250);
  assert.is(r.disputed, true);
  assert.match(r.reason, /beyond the 50‰ link tolerance/);
});

s('consumed above delivered beyond tolerance is disputed', () => {
  const r = settle({ ...base, sellerPart: part(50_000, 0), buyerPart: part(0, 60_000) });
  assert.is(r.paidMilliUnits, 1_250);
  assert.is(r.disputed, true);
  assert.match(r.reason, /consumed exceeds delivered/);
});

s('one side missing: pay on the present figure, capped, disputed', () => {
  const r = settle({ ...base, sellerPart: part(120_000, 0) });
  assert.equal([r.deliveredMWh, r.consumedMWh, r.paidMilliUnits, r.disputed], [120_000, 120_000, 2_500, true]);
  assert.match(r.reason, /no report from the buyer's meter/);
  const r2 = settle({ ...base, buyerPart: part(0, 40_000) });
  assert.equal([r2.deliveredMWh, r2.consumedMWh, r2.paidMilliUnits, r2.disputed], [40_000, 40_000, 1_000, true]);
});

s('both missing: nothing paid, disputed', () => {
  const r = settle(base);
  assert.equal([r.paidMilliUnits, r.disputed], [0, true]);
});

s('the OpenSSL hub signer makes low-S signatures shared/sign verifies', async () => {
  const { verify } = await import('../../../shared/sign');
  const sk = newSecretKey();
  const signer = new HubSigner(sk);
  for (let i = 0; i < 50; i++) {
    const body = { i, village: 'v' };
    const sig = signer.sign('contract', body);
    assert.ok(verify('contract', body, sig, publicKeyOf(sk)), `signature ${i}`);
    assert.ok(BigInt('0x' + sig.slice(64)) <= 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0n);
  }
});

s.run();

const p = suite('settlement conserves units (property, real ledger)');

p('every computed settlement is accepted by the ledger, pays ≤ the reservation, and conserves the total', async () => {
  const hubSk = newSecretKey();
  const adminSk = newSecretKey();
  const hubSigner = new HubSigner(hubSk);
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 1, max: 5_000_000 }),
      fc.integer({ min: 0, max: 1_000 }),
      fc.option(fc.integer({ min: 0, max: 6_000_000 })),
      fc.option(fc.integer({ min: 0, max: 6_000_000 })),
      fc.integer({ min: 0, max: 200 }),
      async (energyMWh, price, delivered, consumed, tol) => {
        let t = 1_000;
        const ledger = await Ledger.open(
          { store: new MemoryStore(), clock: () => ++t, hubSecretKey: hubSk },
          makeGenesis({ village: 'v', hubKey: publicKeyOf(hubSk), admins: [publicKeyOf(adminSk)], rules: { endowmentMilliUnits: 10_000_000, priceBand: { minPriceUnitsPerKWh: 0, maxPriceUnitsPerKWh: 1_000 }, creditLimitMilliUnits: 0, settlementGraceMs: 0, payment: 'prepaid' }, timeMs: 0 }, adminSk),
        );
        const admit = (household: string, seq: number) => {
          const body = { village: 'v', by: publicKeyOf(adminSk), seq, atMs: 1, household, name: household, nodeKey: publicKeyOf(newSecretKey()), meter: `${household}-m`, meterKey: publicKeyOf(newSecretKey()) };
          return { v: 1, kind: 'admission', body, sig: sign('admission', body, adminSk) };
        };
        const contract = { id: 'c-000001', seq: 1, village: 'v', seller: 'a', buyer: 'b', energyMWh, priceUnitsPerKWh: price, beginMs: 10, endMs: 20, circuit: { kind: 'bus' }, issuedMs: 5 };
        const r1 = await ledger.append([admit('a', 1), admit('b', 2), { v: 1, kind: 'contract', body: contract, sig: hubSigner.sign('contract', contract) }]);
        assert.ok(r1.outcomes.every((o) => o.status === 'applied'));
        const total = () => [...ledger.accounts().values()].reduce((x, a) => x + a.balanceMilliUnits, 0);
        const before = total();
        const reserved = ledger.account('b')!.reservedMilliUnits;
        const body = settle({ contractId: 'c-000001', seller: 'a', buyer: 'b', energyMWh, priceUnitsPerKWh: price, sellerPart: delivered === null ? undefined : part(delivered, 0), buyerPart: consumed === null ? undefined : part(0, consumed), tolerancePermille: tol });
        const r2 = await ledger.append([{ v: 1, kind: 'settlement', body, sig: hubSigner.sign('settlement', body) }]);
        assert.is(r2.outcomes[0]!.status, 'applied', JSON.stringify(r2.outcomes[0]));
        assert.ok(body.paidMilliUnits <= reserved);
        assert.is(total(), before);
        assert.is(ledger.account('b')!.reservedMilliUnits, 0);
        assert.is(ledger.account('a')!.balanceMilliUnits, 10_000_000 + body.paidMilliUnits);
        await ledger.close();
      },
    ),
    { numRuns: 60 },
  );
});

p.run();

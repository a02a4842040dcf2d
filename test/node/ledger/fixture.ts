/**
 * A small village for ledger tests: deterministic keys (secretKeyFromEntropy
 * over fixed bytes), a genesis, and builders that sign each kind of
 * transaction with the right key and the next seq.
 */
import { publicKeyOf, secretKeyFromEntropy, sign } from '../../../shared/sign';
import { makeGenesis } from '../../../hub/ledger/genesis';
import type { Envelope, GenesisBody, Json, Rules } from '../../../hub/ledger/types';

export function keyPair(label: number): { sk: string; pk: string } {
  const entropy = new Uint8Array(48);
  for (let i = 0; i < 48; i++) entropy[i] = (label * 131 + i * 7 + 1) & 0xff;
  const sk = secretKeyFromEntropy(entropy);
  return { sk, pk: publicKeyOf(sk) };
}

export const T0 = 1_750_000_000_000;

export const defaultRules: Rules = {
  endowmentMilliUnits: 100_000,
  priceBand: { minPriceUnitsPerKWh: 1, maxPriceUnitsPerKWh: 10 },
  creditLimitMilliUnits: 20_000,
  settlementGraceMs: 3_600_000,
  payment: 'postpaid',
};

export function env(kind: string, body: Record<string, Json>, sk: string): Envelope {
  return { v: 1, kind, body, sig: sign(kind, body, sk) };
}

/** Keys and builders of one village. Households are "house-0", "house-1", …, meters "meter-0", …. */
export class Village {
  readonly id = 'testvillage';
  readonly hub = keyPair(1);
  readonly admin = keyPair(2);
  readonly genesis: Envelope<GenesisBody>;
  private readonly seqs = new Map<string, number>();
  private contractSeq = 0;

  constructor(rules: Rules = defaultRules) {
    this.genesis = makeGenesis({ village: this.id, hubKey: this.hub.pk, admins: [this.admin.pk], rules, timeMs: T0 }, this.admin.sk);
  }

  node(i: number) {
    return keyPair(100 + i);
  }

  meterKey(i: number) {
    return keyPair(500 + i);
  }

  nextSeq(who: string): number {
    const s = (this.seqs.get(who) ?? 0) + 1;
    this.seqs.set(who, s);
    return s;
  }

  private byAdmin(kind: string, body: Record<string, Json>, signer = this.admin): Envelope {
    return env(kind, { village: this.id, by: signer.pk, seq: this.nextSeq(signer.pk), atMs: T0, ...body }, signer.sk);
  }

  admit(i: number): Envelope {
    return this.byAdmin('admission', { household: `house-${i}`, name: `House ${i}`, nodeKey: this.node(i).pk, meter: `meter-${i}`, meterKey: this.meterKey(i).pk });
  }

  endow(i: number, amountMilliUnits: number, byHub = false): Envelope {
    return this.byAdmin('endowment', { household: `house-${i}`, amountMilliUnits }, byHub ? this.hub : this.admin);
  }

  transfer(from: number, to: number, amountMilliUnits: number, byAdmin = false): Envelope {
    const signer = byAdmin ? this.admin : this.node(from);
    return this.byAdmin('transfer', { from: `house-${from}`, to: `house-${to}`, amountMilliUnits }, signer);
  }

  fault(i: number, code: string): Envelope {
    return this.byAdmin('fault', { node: `house-${i}`, code }, this.hub);
  }

  ruleChange(rules: Record<string, Json>): Envelope {
    return this.byAdmin('rule-change', { rules });
  }

  order(kind: 'offer' | 'request', i: number, id: string, o: { energyMWh?: number; price?: number; toMs?: number } = {}): Envelope {
    const node = `house-${i}`;
    return env(kind, {
      node,
      seq: this.nextSeq(node),
      id,
      energyMWh: o.energyMWh ?? 50_000,
      priceUnitsPerKWh: o.price ?? 2,
      fromMs: T0,
      toMs: o.toMs ?? T0 + 3_600_000,
      maxPowerMW: 60_000,
      socPermille: 850,
      atMs: T0,
    }, this.node(i).sk);
  }

  cancel(i: number, orderId: string): Envelope {
    const node = `house-${i}`;
    return env('cancel', { node, seq: this.nextSeq(node), orderId, atMs: T0 }, this.node(i).sk);
  }

  contract(seller: number, buyer: number, energyMWh: number, price: number, id = `c-${String(this.contractSeq + 1).padStart(6, '0')}`): Envelope {
    const seq = ++this.contractSeq;
    return env('contract', {
      id,
      seq,
      village: this.id,
      seller: `house-${seller}`,
      buyer: `house-${buyer}`,
      energyMWh,
      priceUnitsPerKWh: price,
      beginMs: T0,
      endMs: T0 + 3_600_000,
      circuit: { kind: 'bus' },
      issuedMs: T0,
    }, this.hub.sk);
  }

  settlement(contractId: string, seller: number, buyer: number, deliveredMWh: number, consumedMWh: number, paidMilliUnits: number, disputed = false): Envelope {
    return env('settlement', {
      contractId,
      deliveredMWh,
      consumedMWh,
      paidMilliUnits,
      payer: `house-${buyer}`,
      payee: `house-${seller}`,
      disputed,
      reason: disputed ? 'meters disagree' : '',
    }, this.hub.sk);
  }

  report(i: number, seq: number, exportMWh = 1000 * seq): Envelope {
    return env('meter-report', {
      meter: `meter-${i}`,
      node: `house-${i}`,
      seq,
      atMs: T0 + seq * 60_000,
      lifetime: { exportMWh, importMWh: 0 },
      contract: null,
      faults: [],
    }, this.meterKey(i).sk);
  }
}

/** A clock that advances one second per call. */
export function steppingClock(start = T0): () => number {
  let t = start;
  return () => (t += 1000);
}

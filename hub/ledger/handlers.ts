/**
 * One handler per transaction kind. Each says who may sign the kind (the
 * public key the signature must verify under, resolved from the state and
 * the body) and how the kind changes the state. The ledger's core
 * (`Chain.applyTx`) runs: shape → signer → signature → apply, so an auditor
 * replaying a chain gets the same answer at the same step.
 *
 * Money rules (integer milli-units, 1 unit = 1000 milli-units):
 *  - endowments (on admission, or separate) are the only way units appear;
 *  - transfers and settlements move units and conserve the total;
 *  - an account's floor is 0 when payment is "prepaid", −creditLimit when
 *    "postpaid"; balance − reserved must stay ≥ floor after a transfer,
 *    a contract (which reserves its maximum cost on the buyer) or a
 *    settlement (which releases the reservation and pays the seller).
 * Cost of energy: mWh × units/kWh = mWh × price / 10⁶ units = mWh × price / 1000
 * milli-units, rounded up for the reservation cap.
 */
import { fail } from '../../shared/errors';
import { ID, PUB, REF, bool, int, optionalStr, record, str, type Body } from './check';
import { checkRules } from './genesis';
import { keys, type State } from './state';
import type { Account, ContractRecord, GenesisBody, Json, Member, Order, Rules } from './types';

/** What a handler sees besides the body. */
export interface TxContext {
  state: State;
  genesis: GenesisBody;
  height: number;
  timeMs: number;
  /** SHA-256 of the canonical envelope. */
  hash: string;
}

export interface Handler {
  /** Check the body's shape; returns it typed enough for the other two steps. */
  check(body: Body, ctx: TxContext): void;
  /** The public key the signature must verify under (E_LEDGER_SIGNER/E_LEDGER_UNKNOWN if none may sign). */
  signer(body: Body, ctx: TxContext): string;
  /** Change the state; 'duplicate' means an idempotent no-op (not recorded). */
  apply(body: Body, ctx: TxContext): 'applied' | 'duplicate';
}

const MAX = Number.MAX_SAFE_INTEGER;

// ---- state accessors -------------------------------------------------------

export function rulesOf(state: State): Rules {
  return state.get(keys.rules) as unknown as Rules;
}

function memberOf(state: State, household: string): Member {
  const m = state.get(keys.member(household));
  if (!m) fail('E_LEDGER_UNKNOWN', `no member ${household}`);
  return m as unknown as Member;
}

function accountOf(state: State, household: string): Account {
  return (state.get(keys.acct(household)) as unknown as Account | undefined) ?? { balanceMilliUnits: 0, reservedMilliUnits: 0 };
}

function putAccount(state: State, household: string, a: Account): void {
  if (!Number.isSafeInteger(a.balanceMilliUnits) || !Number.isSafeInteger(a.reservedMilliUnits)) fail('E_LEDGER_AMOUNT', `account ${household} would overflow`);
  state.put(keys.acct(household), { balanceMilliUnits: a.balanceMilliUnits, reservedMilliUnits: a.reservedMilliUnits });
}

function floorOf(rules: Rules): number {
  return rules.payment === 'prepaid' ? 0 : -rules.creditLimitMilliUnits;
}

function assertFloor(state: State, household: string, a: Account, what: string): void {
  const floor = floorOf(rulesOf(state));
  const available = a.balanceMilliUnits - a.reservedMilliUnits;
  if (available < floor) fail('E_LEDGER_CREDIT', `${what} would leave ${household} at ${available} milli-units available, below the floor ${floor}`);
}

function checkVillage(b: Body, ctx: TxContext): void {
  const v = str(b, 'village', ID);
  if (v !== ctx.genesis.village) fail('E_LEDGER_VILLAGE', `village ${v} is not this ledger's village ${ctx.genesis.village}`);
}

function checkPrice(state: State, price: number): void {
  const band = rulesOf(state).priceBand;
  if (price < band.minPriceUnitsPerKWh || price > band.maxPriceUnitsPerKWh) {
    fail('E_LEDGER_PRICE', `price ${price} units/kWh is outside the band [${band.minPriceUnitsPerKWh}, ${band.maxPriceUnitsPerKWh}]`);
  }
}

/** `by`+`seq` replay guard of admin/hub/member-signed ledger kinds: seq strictly increases per key. */
function bumpSignerSeq(b: Body, state: State): void {
  const by = b.by as string;
  const seq = b.seq as number;
  const last = (state.get(keys.signerSeq(by)) as number | undefined) ?? 0;
  if (seq <= last) fail('E_LEDGER_REPLAY', `seq ${seq} of signer ${by.slice(0, 12)}… is not above ${last}`);
  state.put(keys.signerSeq(by), seq);
}

function bumpNodeSeq(node: string, seq: number, state: State): void {
  const last = (state.get(keys.nodeSeq(node)) as number | undefined) ?? 0;
  if (seq <= last) fail('E_LEDGER_REPLAY', `seq ${seq} of node ${node} is not above ${last}`);
  state.put(keys.nodeSeq(node), seq);
}

function checkBySeq(b: Body, ctx: TxContext): void {
  checkVillage(b, ctx);
  str(b, 'by', PUB);
  int(b, 'seq', 1);
  int(b, 'atMs', 0);
}

function admin(b: Body, ctx: TxContext, alsoHub: boolean): string {
  const by = b.by as string;
  if (ctx.genesis.admins.includes(by) || (alsoHub && by === ctx.genesis.hubKey)) return by;
  return fail('E_LEDGER_SIGNER', `${by.slice(0, 12)}… is not ${alsoHub ? 'the hub or ' : ''}an admin`);
}

function credit(state: State, household: string, amount: number): void {
  const a = accountOf(state, household);
  putAccount(state, household, { ...a, balanceMilliUnits: a.balanceMilliUnits + amount });
}

// ---- handlers --------------------------------------------------------------

const admission: Handler = {
  check(b, ctx) {
    checkBySeq(b, ctx);
    str(b, 'household', ID);
    str(b, 'name', undefined, 64);
    str(b, 'nodeKey', PUB);
    str(b, 'meter', ID);
    str(b, 'meterKey', PUB);
  },
  signer: (b, ctx) => admin(b, ctx, false),
  apply(b, { state, height }) {
    bumpSignerSeq(b, state);
    const household = b.household as string;
    const meter = b.meter as string;
    const nodeKey = b.nodeKey as string;
    const meterKey = b.meterKey as string;
    if (state.get(keys.member(household))) fail('E_LEDGER_DUPLICATE', `household ${household} is already a member`);
    if (state.get(keys.meter(meter))) fail('E_LEDGER_DUPLICATE', `meter ${meter} is already bound`);
    if (nodeKey === meterKey || state.get(keys.nodeKey(nodeKey)) || state.get(keys.meterKey(meterKey)) || state.get(keys.nodeKey(meterKey)) || state.get(keys.meterKey(nodeKey))) {
      fail('E_LEDGER_DUPLICATE', `a key of ${household} is already bound`);
    }
    const member: Member = { household, name: b.name as string, nodeKey, meter, meterKey, admittedHeight: height };
    state.put(keys.member(household), member as unknown as Json);
    state.put(keys.meter(meter), { household, lastSeq: 0 });
    state.put(keys.nodeKey(nodeKey), household);
    state.put(keys.meterKey(meterKey), household);
    putAccount(state, household, { balanceMilliUnits: rulesOf(state).endowmentMilliUnits, reservedMilliUnits: 0 });
    return 'applied';
  },
};

const endowment: Handler = {
  check(b, ctx) {
    checkBySeq(b, ctx);
    str(b, 'household', ID);
    int(b, 'amountMilliUnits', 1);
  },
  signer: (b, ctx) => admin(b, ctx, true),
  apply(b, { state }) {
    bumpSignerSeq(b, state);
    memberOf(state, b.household as string);
    credit(state, b.household as string, b.amountMilliUnits as number);
    return 'applied';
  },
};

const transfer: Handler = {
  check(b, ctx) {
    checkBySeq(b, ctx);
    str(b, 'from', ID);
    str(b, 'to', ID);
    int(b, 'amountMilliUnits', 1);
    optionalStr(b, 'memo', 140);
    if (b.from === b.to) fail('E_LEDGER_FORMAT', 'a transfer needs two different households');
  },
  signer(b, ctx) {
    const by = b.by as string;
    if (ctx.genesis.admins.includes(by)) return by;
    if (memberOf(ctx.state, b.from as string).nodeKey === by) return by;
    return fail('E_LEDGER_SIGNER', `a transfer from ${b.from as string} must be signed by its node or an admin`);
  },
  apply(b, { state }) {
    bumpSignerSeq(b, state);
    const from = b.from as string;
    const to = b.to as string;
    const amount = b.amountMilliUnits as number;
    memberOf(state, to);
    const a = accountOf(state, from);
    const after = { ...a, balanceMilliUnits: a.balanceMilliUnits - amount };
    assertFloor(state, from, after, `transfer of ${amount}`);
    putAccount(state, from, after);
    credit(state, to, amount);
    return 'applied';
  },
};

const fault: Handler = {
  check(b, ctx) {
    checkBySeq(b, ctx);
    str(b, 'node', ID);
    str(b, 'code', /^[A-Z][A-Z0-9_]{0,47}$/);
    optionalStr(b, 'detail', 500);
  },
  signer: (b, ctx) => admin(b, ctx, true),
  apply(b, { state }) {
    bumpSignerSeq(b, state);
    return 'applied';
  },
};

const ruleChange: Handler = {
  check(b, ctx) {
    checkBySeq(b, ctx);
    const r = record(b.rules, 'rules');
    for (const k of Object.keys(r)) {
      if (!['endowmentMilliUnits', 'priceBand', 'creditLimitMilliUnits', 'settlementGraceMs'].includes(k)) fail('E_LEDGER_FORMAT', `rule ${k} cannot be changed`);
    }
  },
  signer: (b, ctx) => admin(b, ctx, false),
  apply(b, { state }) {
    bumpSignerSeq(b, state);
    const next = checkRules({ ...rulesOf(state), ...(b.rules as Body) });
    state.put(keys.rules, next as unknown as Json);
    return 'applied';
  },
};

function orderHandler(kind: 'offer' | 'request'): Handler {
  return {
    check(b) {
      str(b, 'node', ID);
      int(b, 'seq', 1);
      str(b, 'id', REF);
      int(b, 'energyMWh', 1);
      int(b, 'priceUnitsPerKWh', 0);
      const from = int(b, 'fromMs');
      const to = int(b, 'toMs');
      if (to <= from) fail('E_LEDGER_FORMAT', 'toMs must be after fromMs');
      int(b, 'maxPowerMW', 1);
      int(b, 'socPermille', 0, 1000);
      int(b, 'atMs');
    },
    signer: (b, { state }) => memberOf(state, b.node as string).nodeKey,
    apply(b, { state }) {
      bumpNodeSeq(b.node as string, b.seq as number, state);
      checkPrice(state, b.priceUnitsPerKWh as number);
      const id = b.id as string;
      if (state.get(keys.order(id))) fail('E_LEDGER_DUPLICATE', `order ${id} is already open`);
      const order: Order = {
        kind,
        node: b.node as string,
        id,
        energyMWh: b.energyMWh as number,
        priceUnitsPerKWh: b.priceUnitsPerKWh as number,
        fromMs: b.fromMs as number,
        toMs: b.toMs as number,
      };
      state.put(keys.order(id), order as unknown as Json);
      return 'applied';
    },
  };
}

const cancel: Handler = {
  check(b) {
    str(b, 'node', ID);
    int(b, 'seq', 1);
    str(b, 'orderId', REF);
    int(b, 'atMs');
  },
  signer: (b, { state }) => memberOf(state, b.node as string).nodeKey,
  apply(b, { state }) {
    bumpNodeSeq(b.node as string, b.seq as number, state);
    const key = keys.order(b.orderId as string);
    const o = state.get(key) as unknown as Order | undefined;
    if (!o || o.node !== b.node) fail('E_LEDGER_UNKNOWN', `no open order ${b.orderId as string} of ${b.node as string}`);
    state.del(key);
    return 'applied';
  },
};

/** Maximum cost of a contract in milli-units: ceil(energyMWh × price / 1000). */
export function contractCostMilliUnits(energyMWh: number, priceUnitsPerKWh: number): number {
  const x = BigInt(energyMWh) * BigInt(priceUnitsPerKWh);
  const c = (x + 999n) / 1000n;
  if (c > BigInt(MAX)) fail('E_LEDGER_AMOUNT', 'contract cost overflows');
  return Number(c);
}

const contract: Handler = {
  check(b, ctx) {
    str(b, 'id', REF);
    int(b, 'seq', 1);
    checkVillage(b, ctx);
    str(b, 'seller', ID);
    str(b, 'buyer', ID);
    if (b.seller === b.buyer) fail('E_LEDGER_FORMAT', 'seller and buyer must differ');
    int(b, 'energyMWh', 1);
    int(b, 'priceUnitsPerKWh', 0);
    const begin = int(b, 'beginMs');
    const end = int(b, 'endMs');
    if (end <= begin) fail('E_LEDGER_FORMAT', 'endMs must be after beginMs');
    const c = record(b.circuit, 'circuit');
    if (c.kind === 'star') {
      const sw = c.switch;
      if (!Array.isArray(sw) || sw.length !== 2 || !sw.every((x) => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0)) fail('E_LEDGER_FORMAT', 'circuit.switch must be two integers');
    } else if (c.kind !== 'bus') fail('E_LEDGER_FORMAT', 'circuit.kind must be "bus" or "star"');
    int(b, 'issuedMs');
  },
  signer: (_b, ctx) => ctx.genesis.hubKey,
  apply(b, { state }) {
    const meta = state.get(keys.meta) as { contractSeq: number };
    const seq = b.seq as number;
    if (seq <= meta.contractSeq) fail('E_LEDGER_REPLAY', `contract seq ${seq} is not above ${meta.contractSeq}`);
    const id = b.id as string;
    if (state.get(keys.contract(id))) fail('E_LEDGER_DUPLICATE', `contract ${id} exists`);
    const seller = b.seller as string;
    const buyer = b.buyer as string;
    memberOf(state, seller);
    memberOf(state, buyer);
    checkPrice(state, b.priceUnitsPerKWh as number);
    const cost = contractCostMilliUnits(b.energyMWh as number, b.priceUnitsPerKWh as number);
    const a = accountOf(state, buyer);
    const after = { ...a, reservedMilliUnits: a.reservedMilliUnits + cost };
    assertFloor(state, buyer, after, `contract ${id} (reserving ${cost})`);
    putAccount(state, buyer, after);
    const rec: ContractRecord = {
      id,
      seq,
      seller,
      buyer,
      energyMWh: b.energyMWh as number,
      priceUnitsPerKWh: b.priceUnitsPerKWh as number,
      beginMs: b.beginMs as number,
      endMs: b.endMs as number,
      reservedMilliUnits: cost,
      settled: false,
    };
    state.put(keys.contract(id), rec as unknown as Json);
    state.put(keys.meta, { ...meta, contractSeq: seq });
    return 'applied';
  },
};

const settlement: Handler = {
  check(b) {
    str(b, 'contractId', REF);
    int(b, 'deliveredMWh', 0);
    int(b, 'consumedMWh', 0);
    int(b, 'paidMilliUnits', 0);
    str(b, 'payer', ID);
    str(b, 'payee', ID);
    bool(b, 'disputed');
    str(b, 'reason', undefined, 500);
  },
  signer: (_b, ctx) => ctx.genesis.hubKey,
  apply(b, { state }) {
    const id = b.contractId as string;
    const c = state.get(keys.contract(id)) as unknown as ContractRecord | undefined;
    if (!c) fail('E_LEDGER_UNKNOWN', `no contract ${id}`);
    if (c.settled) fail('E_LEDGER_SETTLED', `contract ${id} is already settled`);
    if (b.payer !== c.buyer || b.payee !== c.seller) fail('E_LEDGER_FORMAT', `contract ${id} is paid by ${c.buyer} to ${c.seller}`);
    const paid = b.paidMilliUnits as number;
    // Payment uses min(delivered, consumed) (paper, §payment), capped at the contracted energy.
    const energy = Math.min(b.deliveredMWh as number, b.consumedMWh as number, c.energyMWh);
    const due = contractCostMilliUnits(energy, c.priceUnitsPerKWh);
    if (paid > due) fail('E_LEDGER_AMOUNT', `paid ${paid} exceeds ${due} milli-units due for ${energy} mWh at ${c.priceUnitsPerKWh} units/kWh`);
    const a = accountOf(state, c.buyer);
    const after = { balanceMilliUnits: a.balanceMilliUnits - paid, reservedMilliUnits: a.reservedMilliUnits - c.reservedMilliUnits };
    assertFloor(state, c.buyer, after, `settlement of ${id}`);
    putAccount(state, c.buyer, after);
    credit(state, c.seller, paid);
    state.put(keys.contract(id), { ...c, settled: true } as unknown as Json);
    return 'applied';
  },
};

const meterReport: Handler = {
  check(b) {
    str(b, 'meter', ID);
    str(b, 'node', ID);
    int(b, 'seq', 1);
    int(b, 'atMs');
    const life = record(b.lifetime, 'lifetime');
    int(life, 'exportMWh', 0);
    int(life, 'importMWh', 0);
    if (b.contract !== null) {
      const c = record(b.contract, 'contract');
      str(c, 'id', REF);
      int(c, 'exportMWh', 0);
      int(c, 'importMWh', 0);
      int(c, 'fromMs');
      int(c, 'toMs');
      bool(c, 'final');
    }
    if (!Array.isArray(b.faults) || !b.faults.every((f) => typeof f === 'string')) fail('E_LEDGER_FORMAT', 'faults must be a list of strings');
  },
  signer(b, { state }) {
    const m = state.get(keys.meter(b.meter as string)) as { household: string } | undefined;
    if (!m) fail('E_LEDGER_UNKNOWN', `no meter ${b.meter as string}`);
    if (m.household !== b.node) fail('E_LEDGER_SIGNER', `meter ${b.meter as string} belongs to ${m.household}, not ${b.node as string}`);
    return memberOf(state, m.household).meterKey;
  },
  apply(b, { state, hash }) {
    const meter = b.meter as string;
    const seq = b.seq as number;
    const key = keys.report(meter, seq);
    const seen = state.get(key);
    if (seen === hash) return 'duplicate';
    if (seen !== undefined) fail('E_LEDGER_REPLAY', `meter ${meter} already reported seq ${seq} with different content`);
    state.put(key, hash);
    const m = state.get(keys.meter(meter)) as { household: string; lastSeq: number };
    if (seq > m.lastSeq) state.put(keys.meter(meter), { ...m, lastSeq: seq });
    return 'applied';
  },
};

/** Every kind the ledger records, by envelope kind (= signing domain). */
export const handlers: Record<string, Handler> = {
  admission,
  endowment,
  transfer,
  fault,
  'rule-change': ruleChange,
  offer: orderHandler('offer'),
  request: orderHandler('request'),
  cancel,
  contract,
  settlement,
  'meter-report': meterReport,
};


/**
 * Contracts: from a market trade to a hub-signed contract on the ledger and
 * in both nodes' inboxes; acknowledgements; re-sending; settlement.
 *
 * Issue (contracts.md "contract"): seq = the ledger's contract seq + 1,
 * id `c-<seq, 6 digits>`, issuedMs from the hub clock. The trade record goes
 * to the hub store first, then the contract to the ledger (which reserves the
 * buyer's funds), then out on MQTT: `<seller>/in/contract`,
 * `<buyer>/in/contract` (QoS 1) and `public/contracts` (QoS 1, retained).
 * Until a party's contract-ack arrives, its copy is re-sent every
 * `contractResendMs` (hub clock) while the window has not ended.
 *
 * Settlement runs once the window has ended and either both meters sent their
 * final figure or `settlementGraceMs` has passed (see settlement.ts for the
 * rules); it is a hub-signed ledger tx, and the market's hold is released.
 */
import { encodeMessage, inTopic, publicTopic, type ContractBody, type Message } from '../../shared/protocol';
import type { Trade } from '../market/types';
import type { Envelope, TxOutcome } from '../ledger/types';
import type { HubContext } from './context';
import type { IndexedContract } from './ledger-index';
import type { TradeRecord } from './market';
import { settle } from './settlement';
import type { ContractView } from './types';

export interface AckRecord {
  accepted: boolean;
  atMs: number;
  reason?: string;
}

export interface Acks {
  seller: AckRecord | null;
  buyer: AckRecord | null;
}

/** Contract id of a contract seq. */
export function contractId(seq: number): string {
  return `c-${String(seq).padStart(6, '0')}`;
}

export class ContractDesk {
  private ctx!: HubContext;
  private seq = 0;
  private readonly acks = new Map<string, Acks>();
  private readonly resendAt = new Map<string, number>();
  private readonly settling = new Set<string>();
  /** Unsettled contracts (the housekeeping walks only these). */
  private readonly open = new Set<string>();
  /** Star grid: the switch port of each household (else ports 2i, 2i+1 of circuit i). */
  private readonly ports: Record<string, number>;

  constructor(ports: Record<string, number> = {}) {
    this.ports = ports;
  }

  /** Wire the desk; load acks of unsettled contracts. */
  async init(ctx: HubContext): Promise<void> {
    this.ctx = ctx;
    const meta = ctx.ledger.stateEntries().find(([k]) => k === 'meta');
    this.seq = (meta?.[1] as { contractSeq?: number } | undefined)?.contractSeq ?? 0;
    for await (const [k, v] of ctx.store.entries<Acks>('ack/')) this.acks.set(k.slice(4), v);
    for (const [id, c] of ctx.index.contracts) if (!c.settlement) this.open.add(id);
  }

  /** Trade records of every contract (for the market's rebuild). */
  async tradeRecords(): Promise<Map<string, TradeRecord>> {
    const out = new Map<string, TradeRecord>();
    for await (const [k, v] of this.ctx.store.entries<TradeRecord>('trade/')) out.set(k.slice(6), v);
    return out;
  }

  acksOf(id: string): Acks {
    return this.acks.get(id) ?? { seller: null, buyer: null };
  }

  /**
   * Turn trades into signed contracts, record them, send them. `leading`
   * envelopes (the order that made the trades) go into the same ledger
   * batch, ahead of the contracts; their outcomes are returned.
   */
  async issue(trades: readonly Trade[], leading: readonly unknown[] = []): Promise<TxOutcome[]> {
    const ctx = this.ctx;
    if (trades.length === 0) return leading.length ? ctx.writer.submitAll(leading) : [];
    const now = ctx.now();
    const envs: Array<Message<'contract'>> = [];
    const records: TradeRecord[] = [];
    for (const t of trades) {
      const seq = ++this.seq;
      const id = contractId(seq);
      const body: ContractBody = {
        id,
        seq,
        village: ctx.village,
        seller: t.seller,
        buyer: t.buyer,
        energyMWh: t.energyMWh,
        priceUnitsPerKWh: t.priceUnitsPerKWh,
        beginMs: t.beginMs,
        endMs: t.endMs,
        circuit: t.circuit.kind === 'bus' ? { kind: 'bus' } : { kind: 'star', switch: this.switchOf(t) },
        issuedMs: now,
      };
      envs.push({ v: 1, kind: 'contract', body, sig: ctx.signer.sign('contract', body) });
      records.push({ contractId: id, tradeId: t.id, seq: t.seq, buyOrderId: t.buyOrderId, sellOrderId: t.sellOrderId, maxPowerMW: t.maxPowerMW, circuit: t.circuit, reservedMilliUnits: t.reservedMilliUnits, atMs: t.atMs });
      ctx.market.link(id, t.id);
    }
    // Submitted at once, in seq order (the ledger refuses a contract seq below
    // the last); the block waits until the trade records are written.
    const records$ = ctx.store.batch(records.map((r) => ({ type: 'put', key: `trade/${r.contractId}`, value: r })));
    const all = await ctx.writer.submitAll([...leading, ...envs], records$);
    const outcomes = all.slice(leading.length);
    const sends: Array<Promise<void>> = [];
    outcomes.forEach((o, i) => {
      const env = envs[i]!;
      if (o.status !== 'applied') {
        ctx.log('error', `contract ${env.body.id} refused by the ledger: ${o.status === 'rejected' ? o.message : o.status}`);
        const out = ctx.market.release(env.body.id, ctx.now());
        if (out?.trades.length) void this.issue(out.trades);
        return;
      }
      this.resendAt.set(env.body.id, now + ctx.contractResendMs);
      this.open.add(env.body.id);
      sends.push(this.send(env, true, true));
      ctx.events.emit('contract', this.view(env.body.id));
    });
    await Promise.all(sends);
    ctx.bookChanged();
    return all.slice(0, leading.length);
  }

  private switchOf(t: Trade): [number, number] {
    const i = t.circuit.kind === 'star' ? t.circuit.index : 0;
    const s = this.ports[t.seller];
    const b = this.ports[t.buyer];
    return s !== undefined && b !== undefined && s !== b ? [s, b] : [2 * i, 2 * i + 1];
  }

  /** Publish a contract to the parties that have not acknowledged it (and to the village when `all`). */
  private async send(env: Message<'contract'>, toSeller: boolean, toBuyer: boolean, all = toSeller && toBuyer): Promise<void> {
    const ctx = this.ctx;
    const bytes = encodeMessage(env);
    const b = env.body;
    const p: Array<Promise<void>> = [];
    if (toSeller) p.push(ctx.send(inTopic(ctx.village, b.seller, 'contract'), bytes, 1));
    if (toBuyer) p.push(ctx.send(inTopic(ctx.village, b.buyer, 'contract'), bytes, 1));
    if (all) p.push(ctx.send(publicTopic(ctx.village, 'contracts'), bytes, 1, true));
    await Promise.all(p);
  }

  /** A verified contract-ack from `node`: record it (durably) and stop re-sending to it. */
  async ack(contract: IndexedContract, node: string, rec: AckRecord, replay: { key: string; seq: number }): Promise<void> {
    const b = contract.env.body;
    // Update memory first, synchronously: two acks arriving together must not
    // each write their own copy over the other's.
    const acks = { ...this.acksOf(b.id) };
    if (node === b.seller) acks.seller = rec;
    if (node === b.buyer) acks.buyer = rec;
    this.acks.set(b.id, acks);
    await this.ctx.store.batch([
      { type: 'put', key: `ack/${b.id}`, value: acks },
      { type: 'put', key: `rg/${replay.key}`, value: replay.seq },
    ]);
    this.ctx.events.emit('contract', this.view(b.id));
  }

  /** Housekeeping on the hub clock: re-send unacknowledged contracts, settle ended ones. */
  async tick(): Promise<void> {
    const ctx = this.ctx;
    const now = ctx.now();
    const work: Array<Promise<void>> = [];
    for (const id of this.open) {
      const c = ctx.index.contracts.get(id);
      if (!c || c.settlement) {
        this.open.delete(id);
        continue;
      }
      const b = c.env.body;
      if (now < b.endMs) {
        const acks = this.acksOf(b.id);
        if (acks.seller && acks.buyer) continue;
        const due = this.resendAt.get(b.id) ?? now;
        if (now >= due) {
          this.resendAt.set(b.id, now + ctx.contractResendMs);
          work.push(this.send(c.env as unknown as Message<'contract'>, !acks.seller, !acks.buyer, false));
        }
        continue;
      }
      this.resendAt.delete(b.id);
      const finals = ctx.index.part(b.id, 's')?.final && ctx.index.part(b.id, 'b')?.final;
      if ((finals || now >= b.endMs + ctx.settlementGraceMs) && !this.settling.has(b.id)) work.push(this.settle(c));
    }
    await Promise.all(work);
  }

  /** Settle one ended contract (see settlement.ts). */
  async settle(c: IndexedContract): Promise<void> {
    const ctx = this.ctx;
    const b = c.env.body;
    this.settling.add(b.id);
    try {
      const body = settle({
        contractId: b.id,
        seller: b.seller,
        buyer: b.buyer,
        energyMWh: b.energyMWh,
        priceUnitsPerKWh: b.priceUnitsPerKWh,
        sellerPart: ctx.index.part(b.id, 's'),
        buyerPart: ctx.index.part(b.id, 'b'),
        tolerancePermille: ctx.lossTolerancePermille,
      });
      const env: Envelope = { v: 1, kind: 'settlement', body: body as unknown as Envelope['body'], sig: ctx.signer.sign('settlement', body) };
      const o = await ctx.writer.submit(env);
      if (o.status !== 'applied') {
        ctx.log('error', `settlement of ${b.id} refused by the ledger: ${o.status === 'rejected' ? `${o.code} ${o.message}` : o.status}`);
        return;
      }
      this.open.delete(b.id);
      ctx.events.emit('settlement', { contractId: b.id, ...c.settlement });
      ctx.events.emit('contract', this.view(b.id));
      const out = ctx.market.release(b.id, ctx.now());
      if (out?.trades.length) await this.issue(out.trades);
    } finally {
      this.settling.delete(b.id);
    }
  }

  /** The API row of a contract. */
  view(id: string): ContractView | null {
    const c = this.ctx.index.contracts.get(id);
    if (!c) return null;
    const b = c.env.body;
    const acks = this.acksOf(id);
    const now = this.ctx.now();
    const s = c.settlement;
    const both = !!acks.seller?.accepted && !!acks.buyer?.accepted;
    const state: ContractView['state'] = s ? (s.disputed ? 'disputed' : 'settled') : now >= b.endMs ? 'ended' : now >= b.beginMs ? 'running' : both ? 'acked' : 'issued';
    return {
      id: b.id,
      seq: b.seq,
      seller: b.seller,
      buyer: b.buyer,
      energyMWh: b.energyMWh,
      priceUnitsPerKWh: b.priceUnitsPerKWh,
      beginMs: b.beginMs,
      endMs: b.endMs,
      issuedMs: b.issuedMs,
      state,
      acks: { seller: !!acks.seller?.accepted, buyer: !!acks.buyer?.accepted },
      deliveredMWh: s?.deliveredMWh ?? this.ctx.index.part(id, 's')?.exportMWh ?? 0,
      consumedMWh: s?.consumedMWh ?? this.ctx.index.part(id, 'b')?.importMWh ?? 0,
      settlement: s,
    };
  }
}

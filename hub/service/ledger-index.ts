/**
 * What the hub needs to look up quickly and the ledger state does not keep:
 * the full contract envelopes (to re-send them), each contract's latest
 * meter figures per side, settlement outcomes with their block height, and
 * the faults raised. All of it is derived from the ledger's blocks, absorbed
 * one block at a time and persisted with the height reached, so a restart
 * replays only the blocks after that height.
 */
import type { ContractBody, MeterReportBody } from '../../shared/protocol';
import type { Block, Envelope } from '../ledger/types';
import type { LedgerStore } from '../ledger/store';
import type { HubStore, StoreOp } from './store';
import type { SettlementView } from './types';

/** A meter's cumulative figure for one contract (the report with the highest seq wins). */
export interface ContractPart {
  seq: number;
  atMs: number;
  exportMWh: number;
  importMWh: number;
  fromMs: number;
  toMs: number;
  final: boolean;
}

export interface IndexedContract {
  env: Envelope<ContractBody>;
  height: number;
  settlement: SettlementView | null;
}

export interface IndexedFault {
  node: string;
  code: string;
  atMs: number;
  detail: string;
  height: number;
}

/** Body of a hub-signed ledger settlement (hub/ledger handlers: "settlement"). */
export interface SettlementBody {
  contractId: string;
  deliveredMWh: number;
  consumedMWh: number;
  paidMilliUnits: number;
  payer: string;
  payee: string;
  disputed: boolean;
  reason: string;
}

export class LedgerIndex {
  readonly contracts = new Map<string, IndexedContract>();
  /** `<contractId>/s` (seller's meter) and `<contractId>/b` (buyer's meter). */
  readonly parts = new Map<string, ContractPart>();
  /** Order id → position in the ledger (height·10⁶ + index) and its power bound, for rebuilds. */
  readonly orders = new Map<string, { pos: number; maxPowerMW: number }>();
  /** `<node>/<code>` → the last such fault. */
  readonly faults = new Map<string, IndexedFault>();
  height = 0;

  constructor(private readonly store: HubStore) {}

  /** Load the persisted index. */
  async load(): Promise<void> {
    this.height = (await this.store.get<number>('idx/height')) ?? 0;
    for await (const [k, v] of this.store.entries<IndexedContract>('con/')) this.contracts.set(k.slice(4), v);
    for await (const [k, v] of this.store.entries<ContractPart>('part/')) this.parts.set(k.slice(5), v);
    for await (const [k, v] of this.store.entries<IndexedFault>('fault/')) this.faults.set(k.slice(6), v);
    for await (const [k, v] of this.store.entries<{ pos: number; maxPowerMW: number }>('ord/')) this.orders.set(k.slice(4), v);
  }

  /** Absorb the blocks the ledger holds beyond the persisted height. */
  async catchUp(ledgerStore: LedgerStore): Promise<number> {
    let n = 0;
    for await (const b of ledgerStore.blocks(this.height + 1)) {
      await this.absorb(b);
      n++;
    }
    return n;
  }

  /** Absorb one block (a no-op for a height already absorbed). */
  async absorb(block: Block): Promise<void> {
    const h = block.header.height;
    if (h <= this.height) return;
    const ops: StoreOp[] = [];
    for (let i = 0; i < block.txs.length; i++) {
      const tx = block.txs[i]!;
      if (tx.kind === 'offer' || tx.kind === 'request') {
        const b = tx.body as unknown as { id: string; maxPowerMW: number };
        const o = { pos: h * 1_000_000 + i, maxPowerMW: b.maxPowerMW };
        this.orders.set(b.id, o);
        ops.push({ type: 'put', key: `ord/${b.id}`, value: o });
      } else if (tx.kind === 'contract') {
        const env = tx as unknown as Envelope<ContractBody>;
        const c: IndexedContract = { env, height: h, settlement: null };
        this.contracts.set(env.body.id, c);
        ops.push({ type: 'put', key: `con/${env.body.id}`, value: c });
      } else if (tx.kind === 'settlement') {
        const b = tx.body as unknown as SettlementBody;
        const c = this.contracts.get(b.contractId);
        if (!c) continue;
        c.settlement = {
          paidMilliUnits: b.paidMilliUnits,
          deliveredMWh: b.deliveredMWh,
          consumedMWh: b.consumedMWh,
          disputed: b.disputed,
          reason: b.reason === '' ? null : b.reason,
          height: h,
        };
        ops.push({ type: 'put', key: `con/${b.contractId}`, value: c });
      } else if (tx.kind === 'meter-report') {
        const b = tx.body as unknown as MeterReportBody;
        const part = b.contract;
        if (!part) continue;
        const c = this.contracts.get(part.id);
        if (!c) continue;
        const side = b.node === c.env.body.seller ? 's' : b.node === c.env.body.buyer ? 'b' : null;
        if (!side) continue;
        const key = `${part.id}/${side}`;
        const prev = this.parts.get(key);
        if (prev && prev.seq >= b.seq) continue;
        const p: ContractPart = { seq: b.seq, atMs: b.atMs, exportMWh: part.exportMWh, importMWh: part.importMWh, fromMs: part.fromMs, toMs: part.toMs, final: part.final };
        this.parts.set(key, p);
        ops.push({ type: 'put', key: `part/${key}`, value: p });
      } else if (tx.kind === 'fault') {
        const b = tx.body as unknown as { node: string; code: string; atMs: number; detail?: string };
        const f: IndexedFault = { node: b.node, code: b.code, atMs: b.atMs, detail: b.detail ?? '', height: h };
        this.faults.set(`${b.node}/${b.code}`, f);
        ops.push({ type: 'put', key: `fault/${b.node}/${b.code}`, value: f });
      }
    }
    ops.push({ type: 'put', key: 'idx/height', value: h });
    await this.store.batch(ops);
    this.height = h;
  }

  /** The seller's (`s`) or buyer's (`b`) latest figure for a contract. */
  part(contractId: string, side: 's' | 'b'): ContractPart | undefined {
    return this.parts.get(`${contractId}/${side}`);
  }
}

/**
 * contract (hub → seller and buyer on in/contract, and to everyone on
 * public/contracts; signed by the hub key; contracts.md). A node executes a
 * contract only if the hub's signature verifies and `seq` is above the
 * highest it has executed (persisted).
 */
import { bad, id, int, intItem, ms, nodeId, object, ref } from '../fields';
import { KIB, villageMisfit, type KindSpec } from '../spec';

/** Shared bus (post-paid), or a star grid's dedicated circuit through switch i–j. */
export type Circuit = { kind: 'bus' } | { kind: 'star'; switch: [number, number] };

export interface ContractBody {
  id: string;
  /** The hub's strictly increasing contract number, ≥ 1. */
  seq: number;
  village: string;
  seller: string;
  buyer: string;
  energyMWh: number;
  priceUnitsPerKWh: number;
  beginMs: number;
  /** > beginMs. */
  endMs: number;
  circuit: Circuit;
  issuedMs: number;
}

const KEYS = ['id', 'seq', 'village', 'seller', 'buyer', 'energyMWh', 'priceUnitsPerKWh', 'beginMs', 'endMs', 'circuit', 'issuedMs'];

function readCircuit(v: unknown, path: string): Circuit {
  const kind = v !== null && typeof v === 'object' ? (v as { kind?: unknown }).kind : undefined;
  if (kind === 'bus') {
    object(v, path, ['kind']);
    return { kind: 'bus' };
  }
  if (kind !== 'star') return bad(`${path}.kind`, 'must be "bus" or "star"');
  const o = object(v, path, ['kind', 'switch']);
  const s = o.switch;
  if (!Array.isArray(s) || s.length !== 2) return bad(`${path}.switch`, 'must be [i, j]');
  const pair = s as unknown[];
  const i = intItem(pair[0], `${path}.switch[0]`, 0, 65535);
  const j = intItem(pair[1], `${path}.switch[1]`, 0, 65535);
  if (i === j) bad(`${path}.switch`, 'must join two different circuits');
  return { kind: 'star', switch: [i, j] };
}

export const contract: KindSpec<ContractBody> = {
  kind: 'contract',
  signed: true,
  maxBytes: KIB,
  read(v, path) {
    const o = object(v, path, KEYS);
    const b: ContractBody = {
      id: ref(o, 'id', path),
      seq: int(o, 'seq', path, 1),
      village: id(o, 'village', path),
      seller: nodeId(o, 'seller', path),
      buyer: nodeId(o, 'buyer', path),
      energyMWh: int(o, 'energyMWh', path, 1),
      priceUnitsPerKWh: int(o, 'priceUnitsPerKWh', path, 0),
      beginMs: ms(o, 'beginMs', path),
      endMs: ms(o, 'endMs', path),
      circuit: readCircuit(o.circuit, `${path}.circuit`),
      issuedMs: ms(o, 'issuedMs', path),
    };
    if (b.seller === b.buyer) bad(`${path}.buyer`, 'must differ from seller');
    if (b.endMs <= b.beginMs) bad(`${path}.endMs`, 'must be after beginMs');
    return b;
  },
  misfit(topic, b) {
    const v = villageMisfit(topic, b.village);
    if (v || topic.scope === 'public') return v;
    return topic.node === b.seller || topic.node === b.buyer ? null : `contract ${b.id} is not for node "${topic.node}"`;
  },
};

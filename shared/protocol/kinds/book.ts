/**
 * book (hub → village on public/book, unsigned, retained): a snapshot of the
 * open orders, for nodes and dashboards. Informational: the signed orders
 * and contracts are the record.
 */
import { bad, id, int, list, ms, nodeId, object, ref } from '../fields';
import { KIB, villageMisfit, type KindSpec } from '../spec';

export interface BookEntry {
  id: string;
  node: string;
  /** Energy still open. */
  energyMWh: number;
  priceUnitsPerKWh: number;
  fromMs: number;
  toMs: number;
}

export interface BookBody {
  village: string;
  seq: number;
  atMs: number;
  offers: BookEntry[];
  requests: BookEntry[];
}

function readEntry(v: unknown, path: string): BookEntry {
  const o = object(v, path, ['id', 'node', 'energyMWh', 'priceUnitsPerKWh', 'fromMs', 'toMs']);
  const e: BookEntry = {
    id: ref(o, 'id', path),
    node: nodeId(o, 'node', path),
    energyMWh: int(o, 'energyMWh', path, 1),
    priceUnitsPerKWh: int(o, 'priceUnitsPerKWh', path, 0),
    fromMs: ms(o, 'fromMs', path),
    toMs: ms(o, 'toMs', path),
  };
  if (e.toMs <= e.fromMs) bad(`${path}.toMs`, 'must be after fromMs');
  return e;
}

export const book: KindSpec<BookBody> = {
  kind: 'book',
  signed: false,
  maxBytes: 16 * KIB,
  read(v, path) {
    const o = object(v, path, ['village', 'seq', 'atMs', 'offers', 'requests']);
    return {
      village: id(o, 'village', path),
      seq: int(o, 'seq', path, 1),
      atMs: ms(o, 'atMs', path),
      offers: list(o, 'offers', path, 100, readEntry),
      requests: list(o, 'requests', path, 100, readEntry),
    };
  },
  misfit: (topic, b) => villageMisfit(topic, b.village),
};

/**
 * fault (node → hub, signed by the coupling node, or by the meter when
 * `meter` is present): a fault raised (e.g. relay read-back mismatch,
 * reverse current, stale VE.Direct data). Published on the household's
 * node topic.
 */
import { code, id, int, ms, nodeId, object, present, text } from '../fields';
import { KIB, nodeMisfit, type KindSpec } from '../spec';

export interface FaultBody {
  node: string;
  /** Present when the household's meter raised (and signed) the fault. */
  meter?: string;
  seq: number;
  code: string;
  atMs: number;
  /** Human-readable detail, at most 256 UTF-16 units. */
  detail: string;
}

export const fault: KindSpec<FaultBody> = {
  kind: 'fault',
  signed: true,
  maxBytes: KIB,
  read(v, path) {
    const o = object(v, path, ['node', 'seq', 'code', 'atMs', 'detail'], ['meter']);
    const b: FaultBody = {
      node: nodeId(o, 'node', path),
      seq: int(o, 'seq', path, 1),
      code: code(o, 'code', path),
      atMs: ms(o, 'atMs', path),
      detail: text(o, 'detail', path, 256),
    };
    if (present(o, 'meter')) b.meter = id(o, 'meter', path);
    return b;
  },
  misfit: (topic, b) => nodeMisfit(topic, b.node),
};

/** cancel (node → hub, signed by the node; contracts.md): withdraw an open order. */
import { int, ms, nodeId, object, ref } from '../fields';
import { KIB, nodeMisfit, type KindSpec } from '../spec';

export interface CancelBody {
  node: string;
  seq: number;
  orderId: string;
  atMs: number;
}

export const cancel: KindSpec<CancelBody> = {
  kind: 'cancel',
  signed: true,
  maxBytes: KIB,
  read(v, path) {
    const o = object(v, path, ['node', 'seq', 'orderId', 'atMs']);
    return { node: nodeId(o, 'node', path), seq: int(o, 'seq', path, 1), orderId: ref(o, 'orderId', path), atMs: ms(o, 'atMs', path) };
  },
  misfit: (topic, b) => nodeMisfit(topic, b.node),
};

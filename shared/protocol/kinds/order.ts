/** offer / request (node → hub, signed by the node; contracts.md): a limit order for energy in a window. */
import { bad, int, ms, nodeId, object, ref } from '../fields';
import { KIB, nodeMisfit, type KindSpec } from '../spec';

export interface OrderBody {
  node: string;
  /** Strictly increasing per node (and kind). */
  seq: number;
  /** Node-chosen order id, e.g. "house-a-o-17". */
  id: string;
  energyMWh: number;
  /** Limit price: lowest a seller accepts, highest a buyer pays. */
  priceUnitsPerKWh: number;
  fromMs: number;
  /** End of the window, > fromMs. */
  toMs: number;
  maxPowerMW: number;
  socPermille: number;
  atMs: number;
}

const KEYS = ['node', 'seq', 'id', 'energyMWh', 'priceUnitsPerKWh', 'fromMs', 'toMs', 'maxPowerMW', 'socPermille', 'atMs'];

function readOrder(v: unknown, path: string): OrderBody {
  const o = object(v, path, KEYS);
  const b: OrderBody = {
    node: nodeId(o, 'node', path),
    seq: int(o, 'seq', path, 1),
    id: ref(o, 'id', path),
    energyMWh: int(o, 'energyMWh', path, 1),
    priceUnitsPerKWh: int(o, 'priceUnitsPerKWh', path, 0),
    fromMs: ms(o, 'fromMs', path),
    toMs: ms(o, 'toMs', path),
    maxPowerMW: int(o, 'maxPowerMW', path, 1),
    socPermille: int(o, 'socPermille', path, 0, 1000),
    atMs: ms(o, 'atMs', path),
  };
  if (b.toMs <= b.fromMs) bad(`${path}.toMs`, 'must be after fromMs');
  return b;
}

export const offer: KindSpec<OrderBody> = {
  kind: 'offer',
  signed: true,
  maxBytes: KIB,
  read: readOrder,
  misfit: (topic, b) => nodeMisfit(topic, b.node),
};

export const request: KindSpec<OrderBody> = {
  kind: 'request',
  signed: true,
  maxBytes: KIB,
  read: readOrder,
  misfit: (topic, b) => nodeMisfit(topic, b.node),
};

/** ack (hub → node on in/ack, unsigned): the hub durably stored meter report (meter, seq). */
import { id, int, object } from '../fields';
import { KIB, type KindSpec } from '../spec';

export interface AckBody {
  meter: string;
  seq: number;
}

export const ack: KindSpec<AckBody> = {
  kind: 'ack',
  signed: false,
  maxBytes: KIB,
  read(v, path) {
    const o = object(v, path, ['meter', 'seq']);
    return { meter: id(o, 'meter', path), seq: int(o, 'seq', path, 1) };
  },
  misfit: () => null,
};

/** time (hub → village on public/time, signed by the hub): the village clock (no internet, no cloud time). */
import { id, int, ms, object } from '../fields';
import { KIB, villageMisfit, type KindSpec } from '../spec';

export interface TimeBody {
  village: string;
  /** Strictly increasing, so a replayed old tick is refused. */
  seq: number;
  atMs: number;
}

export const time: KindSpec<TimeBody> = {
  kind: 'time',
  signed: true,
  maxBytes: KIB,
  read(v, path) {
    const o = object(v, path, ['village', 'seq', 'atMs']);
    return { village: id(o, 'village', path), seq: int(o, 'seq', path, 1), atMs: ms(o, 'atMs', path) };
  },
  misfit: (topic, b) => villageMisfit(topic, b.village),
};

/** error (hub → node on in/error, unsigned): the hub refused something the node sent. */
import { code, ms, object, present, text } from '../fields';
import { KIB, type KindSpec } from '../spec';

export interface ErrorBody {
  /** A stable code from shared/errors.ts (e.g. "E_REPLAY", "E_SIG_INVALID"). */
  code: string;
  /** What was refused, e.g. an order id or "offer#17" (kind#seq); at most 64 units. */
  ref?: string;
  atMs: number;
}

export const error: KindSpec<ErrorBody> = {
  kind: 'error',
  signed: false,
  maxBytes: KIB,
  read(v, path) {
    const o = object(v, path, ['code', 'atMs'], ['ref']);
    const b: ErrorBody = { code: code(o, 'code', path), atMs: ms(o, 'atMs', path) };
    if (present(o, 'ref')) b.ref = text(o, 'ref', path, 64);
    return b;
  },
  misfit: () => null,
};

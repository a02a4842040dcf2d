/**
 * Edge validation of transaction bodies: each reader returns the field with
 * its type or throws E_LEDGER_FORMAT naming the field. Handlers trust what
 * these return (validate at the edge, trust inside).
 */
import { fail } from '../../shared/errors';
import type { Json } from './types';

/** Village and node ids (contracts.md). */
export const ID = /^[a-z0-9][a-z0-9-]{0,31}$/;
/** Order and contract ids: printable, no "/" (they become store keys). */
export const REF = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;
export const PUB = /^0[23][0-9a-f]{64}$/;

export type Body = Record<string, Json>;

export function record(value: unknown, what: string): Body {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) fail('E_LEDGER_FORMAT', `${what} must be an object`);
  return value as Body;
}

export function int(b: Body, field: string, min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): number {
  const v = b[field];
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) fail('E_LEDGER_FORMAT', `${field} must be an integer in [${min}, ${max}]`);
  return v;
}

export function str(b: Body, field: string, pattern?: RegExp, maxLength = 256): string {
  const v = b[field];
  if (typeof v !== 'string' || v.length > maxLength || (pattern && !pattern.test(v))) fail('E_LEDGER_FORMAT', `${field} must be a string${pattern ? ` matching ${pattern.source}` : ''}`);
  return v;
}

export function bool(b: Body, field: string): boolean {
  const v = b[field];
  if (typeof v !== 'boolean') fail('E_LEDGER_FORMAT', `${field} must be a boolean`);
  return v;
}

export function optionalStr(b: Body, field: string, maxLength = 256): string | undefined {
  return b[field] === undefined ? undefined : str(b, field, undefined, maxLength);
}

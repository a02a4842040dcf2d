/**
 * Field readers for message bodies: each checks one value and fails with
 * E_MSG_FIELD naming the field's path (e.g. "body.circuit.switch[1]").
 * Objects are read strictly: a missing required key or any key not listed is
 * an error, because a tolerant reader would verify a signature over fields
 * it then ignores (STYLE rule 4: validate at the edge, trust inside).
 */
import { fail } from '../errors';
import { CODE_PATTERN, ID_PATTERN, REF_PATTERN, RESERVED_NODE_IDS } from './ids';

/** A plain JSON object as read from the wire. */
export type Fields = Readonly<Record<string, unknown>>;

/** Fail with E_MSG_FIELD at `path`. */
export function bad(path: string, why: string): never {
  return fail('E_MSG_FIELD', `${path}: ${why}`);
}

/** A plain object whose keys are exactly `required` plus any of `optional`. */
export function object(v: unknown, path: string, required: readonly string[], optional: readonly string[] = []): Fields {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return bad(path, 'must be an object');
  const o = v as Fields;
  for (const k of Object.keys(o)) {
    if (required.indexOf(k) < 0 && optional.indexOf(k) < 0) bad(`${path}.${k}`, 'unknown field');
  }
  for (const k of required) if (!Object.prototype.hasOwnProperty.call(o, k)) bad(`${path}.${k}`, 'missing');
  return o;
}

/** A safe integer in [min, max]. */
export function int(o: Fields, key: string, path: string, min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): number {
  return intItem(o[key], `${path}.${key}`, min, max);
}

/** A safe integer list item in [min, max]. */
export function intItem(v: unknown, path: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) return bad(path, 'must be a safe integer');
  if (v < min || v > max) return bad(path, `must be in [${min}, ${max}]`);
  return v === 0 ? 0 : v;
}

/** Epoch milliseconds (an integer ≥ 0). */
export function ms(o: Fields, key: string, path: string): number {
  return int(o, key, path, 0);
}

/** A boolean. */
export function bool(o: Fields, key: string, path: string): boolean {
  const v = o[key];
  if (typeof v !== 'boolean') return bad(`${path}.${key}`, 'must be a boolean');
  return v;
}

/** A string matching `re` (which bounds its length). */
export function match(o: Fields, key: string, path: string, re: RegExp, what: string): string {
  const v = o[key];
  if (typeof v !== 'string' || !re.test(v)) return bad(`${path}.${key}`, `must be ${what}`);
  return v;
}

/** A village or meter id. */
export function id(o: Fields, key: string, path: string): string {
  return match(o, key, path, ID_PATTERN, 'an id ([a-z0-9][a-z0-9-]{0,31})');
}

/** A node id (an id that is not reserved). */
export function nodeId(o: Fields, key: string, path: string): string {
  const v = id(o, key, path);
  if (RESERVED_NODE_IDS.indexOf(v) >= 0) bad(`${path}.${key}`, `"${v}" is reserved`);
  return v;
}

/** An order or contract id. */
export function ref(o: Fields, key: string, path: string): string {
  return match(o, key, path, REF_PATTERN, 'a reference ([A-Za-z0-9][A-Za-z0-9._:-]{0,63})');
}

/** A stable error or fault code. */
export function code(o: Fields, key: string, path: string): string {
  return match(o, key, path, CODE_PATTERN, 'a code ([A-Z][A-Z0-9_]{0,47})');
}

/** Free text of at most `max` UTF-16 units. */
export function text(o: Fields, key: string, path: string, max: number): string {
  const v = o[key];
  if (typeof v !== 'string') return bad(`${path}.${key}`, 'must be a string');
  if (v.length > max) return bad(`${path}.${key}`, `longer than ${max}`);
  return v;
}

/** An array of at most `max` items, each read by `item`. */
export function list<T>(o: Fields, key: string, path: string, max: number, item: (v: unknown, path: string) => T): T[] {
  const v = o[key];
  const p = `${path}.${key}`;
  if (!Array.isArray(v)) return bad(p, 'must be an array');
  if (v.length > max) return bad(p, `more than ${max} items`);
  const out: T[] = [];
  for (let i = 0; i < v.length; i++) out.push(item(v[i], `${p}[${i}]`));
  return out;
}

/** A list item that is a stable code. */
export function codeItem(v: unknown, path: string): string {
  if (typeof v !== 'string' || !CODE_PATTERN.test(v)) return bad(path, 'must be a code ([A-Z][A-Z0-9_]{0,47})');
  return v;
}

/** True when `key` is present (for optional fields). */
export function present(o: Fields, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, key);
}

/**
 * uvu/assert for the XS engine: the same names and semantics as uvu's
 * assertions (deep equality in the manner of dequal), throwing an
 * `Assertion` with a readable message.
 */
export class Assertion extends Error {
  readonly details: string;
  constructor(message: string, details = '') {
    super(message);
    this.name = 'Assertion';
    this.details = details;
  }
}

function show(v: unknown): string {
  if (typeof v === 'bigint') return `${v}n`;
  if (v instanceof Uint8Array) return `Uint8Array[${Array.prototype.join.call(v.subarray(0, 64), ',')}${v.length > 64 ? ',…' : ''}]`;
  try {
    const s = JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x));
    if (s === undefined) return String(v);
    return s.length > 2000 ? s.slice(0, 2000) + '…' : s;
  } catch {
    return String(v);
  }
}

function check(pass: boolean, msg: string | undefined, fallback: string, details = ''): void {
  if (!pass) throw new Assertion(msg ?? fallback, details);
}

/** Deep structural equality (plain objects, arrays, typed arrays, Map, Set, Date, RegExp). */
export function dequal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'number' && typeof b === 'number') return a !== a && b !== b;
  if (!a || !b || typeof a !== 'object' || typeof b !== 'object') return false;
  const ca = (a as object).constructor;
  if (ca !== (b as object).constructor) return false;
  if (a instanceof Date) return a.getTime() === (b as Date).getTime();
  if (a instanceof RegExp) return a.toString() === (b as RegExp).toString();
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    if (a.length !== bb.length) return false;
    for (let i = 0; i < a.length; i++) if (!dequal(a[i], bb[i])) return false;
    return true;
  }
  if (ArrayBuffer.isView(a)) {
    const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    const bv = b as ArrayBufferView;
    const y = new Uint8Array(bv.buffer, bv.byteOffset, bv.byteLength);
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
    return true;
  }
  if (a instanceof Map) {
    const bm = b as Map<unknown, unknown>;
    if (a.size !== bm.size) return false;
    for (const [k, v] of a) if (!bm.has(k) || !dequal(v, bm.get(k))) return false;
    return true;
  }
  if (a instanceof Set) {
    const bs = b as Set<unknown>;
    if (a.size !== bs.size) return false;
    for (const k of a) if (!bs.has(k)) return false;
    return true;
  }
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  if (ka.length !== kb.length) return false;
  for (const k of ka) {
    if (!Object.prototype.hasOwnProperty.call(b, k)) return false;
    if (!dequal((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return true;
}

export function ok(actual: unknown, msg?: string): void {
  check(!!actual, msg, `Expected value to be truthy, got ${show(actual)}`);
}
export function is(actual: unknown, expects: unknown, msg?: string): void {
  check(Object.is(actual, expects), msg, `Expected ${show(actual)} to be ${show(expects)}`);
}
export function equal(actual: unknown, expects: unknown, msg?: string): void {
  check(dequal(actual, expects), msg, 'Expected values to be deeply equal', `actual:   ${show(actual)}\nexpected: ${show(expects)}`);
}
export function type(actual: unknown, expects: string, msg?: string): void {
  check(typeof actual === expects, msg, `Expected "${typeof actual}" to be "${expects}"`);
}
export function instance(actual: unknown, expects: abstract new (...args: never[]) => unknown, msg?: string): void {
  check(actual instanceof expects, msg, `Expected value to be an instance of ${expects.name}`);
}
export function match(actual: string, expects: string | RegExp, msg?: string): void {
  const pass = typeof expects === 'string' ? actual.includes(expects) : expects.test(actual);
  check(pass, msg, `Expected ${show(actual)} to match ${String(expects)}`);
}
export function unreachable(msg?: string): never {
  throw new Assertion(msg ?? 'Expected not to be reached!');
}
export function throws(blk: () => unknown, expects?: string | RegExp | ((e: unknown) => boolean), msg?: string): void {
  try {
    blk();
  } catch (e) {
    if (typeof expects === 'function') return check(expects(e), msg, 'Expected function to throw matching exception');
    if (expects !== undefined) {
      const m = e && typeof e === 'object' && 'message' in e ? String((e as Error).message) : String(e);
      const pass = typeof expects === 'string' ? m.includes(expects) : expects.test(m);
      return check(pass, msg, `Expected function to throw exception matching ${String(expects)}, got ${show(m)}`);
    }
    return;
  }
  throw new Assertion(msg ?? 'Expected function to throw');
}

function notOk(actual: unknown, msg?: string): void {
  check(!actual, msg, `Expected value to be falsey, got ${show(actual)}`);
}
export const not = Object.assign(notOk, {
  ok: notOk,
  is(actual: unknown, expects: unknown, msg?: string): void {
    check(!Object.is(actual, expects), msg, `Expected ${show(actual)} not to be ${show(expects)}`);
  },
  equal(actual: unknown, expects: unknown, msg?: string): void {
    check(!dequal(actual, expects), msg, 'Expected values not to be deeply equal');
  },
  type(actual: unknown, expects: string, msg?: string): void {
    check(typeof actual !== expects, msg, `Expected "${typeof actual}" not to be "${expects}"`);
  },
  match(actual: string, expects: string | RegExp, msg?: string): void {
    const pass = typeof expects === 'string' ? actual.includes(expects) : expects.test(actual);
    check(!pass, msg, `Expected ${show(actual)} not to match ${String(expects)}`);
  },
  throws(blk: () => unknown, msg?: string): void {
    try {
      blk();
    } catch (e) {
      throw new Assertion(msg ?? `Expected function not to throw, got ${show(e instanceof Error ? e.message : e)}`);
    }
  },
});

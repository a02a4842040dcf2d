/**
 * The board's pin map, from the host provider (`boards/<board>/host/provider.js`
 * on the device, firmware/platform/lin/provider on the simulator). STYLE
 * rule 2: a missing pin fails at start, naming every pin that is missing,
 * not at the first relay command.
 */

/** What a board provider exports (the shape of Moddable's `device`). */
export interface BoardProvider {
  io: Readonly<Record<string, unknown>>;
  pin: Readonly<Record<string, number | undefined>>;
  /** Board name, for the start-up trace. */
  name?: string;
}

/** Pins each node kind needs. */
export const COUPLING_PINS = Object.freeze(['mpptRx', 'mpptTx', 'bmvRx', 'bmvTx', 'rl1', 'rl2', 'rl1Sense', 'rl2Sense'] as const);
export const METER_PINS = Object.freeze(['sda', 'scl'] as const);

/** The named pins, or an Error listing every one the board lacks (or gives twice). */
export function requirePins<K extends string>(board: BoardProvider, names: readonly K[]): Record<K, number> {
  const out = {} as Record<K, number>;
  const missing: string[] = [];
  const seen = new Map<number, string>();
  for (const name of names) {
    const v = board.pin[name];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
      missing.push(name);
      continue;
    }
    const other = seen.get(v);
    if (other !== undefined) missing.push(`${name} (GPIO ${v} is also ${other})`);
    seen.set(v, name);
    out[name] = v;
  }
  if (missing.length) throw new Error(`board ${board.name ?? '?'}: missing pins ${missing.join(', ')}`);
  return out;
}

/** An IO class from `device.io`, or an Error naming it. */
export function requireIo<T>(board: BoardProvider, name: string): T {
  const io = board.io[name];
  if (typeof io !== 'function') throw new Error(`board ${board.name ?? '?'}: no io.${name}`);
  return io as T;
}

/** An optional integer setting of the board (e.g. `uartMppt`), or the default. */
export function pinOr(board: BoardProvider, name: string, fallback: number): number {
  const v = board.pin[name];
  return typeof v === 'number' && Number.isInteger(v) ? v : fallback;
}

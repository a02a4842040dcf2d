/**
 * HEMTS settings: defaults, validation, and persistence through an injected
 * Preference-like store.
 *
 * The store follows Moddable's `preference` limits so the device adapter is
 * a one-liner per method: keys ≤ 15 characters, values int32, string or
 * ArrayBuffer ≤ 4 000 bytes, no floats (every setting here is an integer:
 * permille, mWh, mW, mV, mAh). Each Preference write erases and commits a
 * flash sector, so {@link SettingsPersister} writes only changed keys and at
 * most once per `minWriteIntervalMs` (wear), unless forced.
 */
import { fail } from '../../shared/errors';
import { utf8Encode } from '../../shared/bytes';
import type { Appliance } from './schedule';

/** Which offer/request policy the HEMTS runs. */
export type Strategy = 'paper' | 'forecast';

export interface HemtsSettings {
  strategy: Strategy;
  /** Prosumer trigger SOC_p: offers only at or above it (paper strategy). */
  socPPermille: number;
  /** Leave Prosumer below SOC_pmin; also the seller's floor while delivering. */
  socPminPermille: number;
  /** Consumer trigger SOC_c: requests only at or below it (paper strategy). */
  socCPermille: number;
  /** Leave Consumer above SOC_cmax; also the buyer's ceiling while receiving. */
  socCmaxPermille: number;
  /** The battery's protective floor (the MPPT's load disconnect). */
  minSocPermille: number;
  /** O_th: smallest offer posted, mWh. */
  offerThresholdMWh: number;
  /** R_th: smallest request posted, mWh. */
  requestThresholdMWh: number;
  /** Limit price for offers and requests. */
  priceUnitsPerKWh: number;
  /** Power a window may take as a buyer: the peak of the secondary loads it switches to the bus, mW. */
  maxPowerMW: number;
  /** Power a window may give as a seller: what the load output and coupling can export, mW. */
  exportPowerMW: number;
  /** 1: a battery is fitted; 0: PV-direct house (no storage: only the hour's direct PV surplus can be offered). */
  hasBattery: number;
  /** eq. 1 inputs. */
  batteryVoltageMV: number;
  capacityMAh: number;
  /** η_SHSD (eq. 5): PV at the array → loads, permille (e.g. 810). */
  shsDirectPermille: number;
  chargePermille: number;
  dischargePermille: number;
  /** Forecast strategy: share of the forecast waste held back against forecast error. */
  forecastMarginPermille: number;
  /**
   * Bus link efficiency (diode, relays, cable), permille. A contract's energy
   * is what the buyer consumes; a seller stops at the latest when its export
   * reaches energy × 1000 / linkPermille (a safety cap: normally it stops
   * when the buyer stops drawing).
   */
  linkPermille: number;
  /** A buyer's bus below this share of `batteryVoltageMV` counts as dead (0: never), permille. */
  deadBusPermille: number;
  /** A seller exporting at most this current counts as "the buyer stopped drawing", mA. */
  idleCurrentMA: number;
  /** How long a dead bus (buyer) or no draw (seller) must last before the window ends, ms. */
  flowDebounceMs: number;
  /** eq. 3 schedule. */
  appliances: Appliance[];
  /** Expected PV per clock hour at the array, mWh (24 values), or null when learned. */
  pvProfileMWh: number[] | null;
}

export const DEFAULT_SETTINGS: HemtsSettings = {
  strategy: 'forecast',
  socPPermille: 850,
  socPminPermille: 800,
  socCPermille: 800,
  socCmaxPermille: 900,
  minSocPermille: 200,
  offerThresholdMWh: 5000,
  requestThresholdMWh: 5000,
  priceUnitsPerKWh: 2,
  maxPowerMW: 100_000,
  exportPowerMW: 100_000,
  hasBattery: 1,
  batteryVoltageMV: 12_000,
  capacityMAh: 40_000,
  shsDirectPermille: 810,
  chargePermille: 1000,
  dischargePermille: 800,
  forecastMarginPermille: 50,
  linkPermille: 800,
  deadBusPermille: 500,
  idleCurrentMA: 50,
  flowDebounceMs: 3000,
  appliances: [],
  pvProfileMWh: null,
};

type IntKey = Exclude<keyof HemtsSettings, 'strategy' | 'appliances' | 'pvProfileMWh'>;

/** Integer settings: store key (≤ 15 chars) and allowed range. */
const INT_FIELDS: [IntKey, string, number, number][] = [
  ['socPPermille', 'socP', 0, 1000],
  ['socPminPermille', 'socPmin', 0, 1000],
  ['socCPermille', 'socC', 0, 1000],
  ['socCmaxPermille', 'socCmax', 0, 1000],
  ['minSocPermille', 'socMin', 0, 1000],
  ['offerThresholdMWh', 'offerThMWh', 0, 1_000_000_000],
  ['requestThresholdMWh', 'reqThMWh', 0, 1_000_000_000],
  ['priceUnitsPerKWh', 'priceKWh', 0, 1_000_000],
  ['maxPowerMW', 'maxPowerMW', 1, 100_000_000],
  ['exportPowerMW', 'exportMW', 1, 100_000_000],
  ['hasBattery', 'hasBatt', 0, 1],
  ['batteryVoltageMV', 'battMV', 1000, 100_000],
  ['capacityMAh', 'battMAh', 100, 10_000_000],
  ['shsDirectPermille', 'etaDirect', 1, 1000],
  ['chargePermille', 'etaCharge', 500, 1000],
  ['dischargePermille', 'etaDisch', 500, 1000],
  ['forecastMarginPermille', 'fcMargin', 0, 1000],
  ['linkPermille', 'linkPm', 500, 1000],
  ['deadBusPermille', 'deadBusPm', 0, 1000],
  ['idleCurrentMA', 'idleMA', 0, 100_000],
  ['flowDebounceMs', 'flowDebMs', 1000, 600_000],
];
const KEY_STRATEGY = 'strategy';
const KEY_APPLIANCES = 'appliances';
const KEY_PV = 'pvProfile';
const MAX_VALUE_BYTES = 4000;

function isInt(v: unknown, lo: number, hi: number): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= lo && v <= hi;
}

function bad(msg: string): never {
  fail('E_HEMTS_SETTING', msg);
}

/** Most schedule lines, and most run windows per line, a board stores. */
export const MAX_APPLIANCES = 32;
export const MAX_APPLIANCE_WINDOWS = 8;

function checkAppliances(list: unknown): Appliance[] {
  if (!Array.isArray(list) || list.length > MAX_APPLIANCES) bad(`appliances must be a list of at most ${MAX_APPLIANCES} entries`);
  const out: Appliance[] = [];
  for (const a of list as unknown[]) {
    const x = a as Partial<Appliance>;
    if (!x || typeof x !== 'object') bad('an appliance must be an object');
    if (typeof x.name !== 'string' || x.name.length === 0 || x.name.length > 32) bad('appliance name must be 1..32 characters');
    if (x.kind !== 'primary' && x.kind !== 'secondary') bad(`appliance ${x.name}: kind must be primary or secondary`);
    if (!isInt(x.powerMW, 1, 10_000_000)) bad(`appliance ${x.name}: powerMW must be an integer in 1..10000000`);
    if (!isInt(x.number, 1, 100)) bad(`appliance ${x.name}: number must be an integer in 1..100`);
    if (!Array.isArray(x.windows) || x.windows.length > MAX_APPLIANCE_WINDOWS) bad(`appliance ${x.name}: at most ${MAX_APPLIANCE_WINDOWS} windows`);
    const windows: [number, number][] = [];
    for (const w of x.windows) {
      if (!Array.isArray(w) || w.length !== 2 || !isInt(w[0], 0, 1439) || !isInt(w[1], 1, 1440) || w[1] <= w[0])
        bad(`appliance ${x.name}: a window must be [start, end) minutes with 0 ≤ start < end ≤ 1440`);
      windows.push([w[0], w[1]]);
    }
    out.push({ name: x.name, kind: x.kind, powerMW: x.powerMW, number: x.number, windows });
  }
  return out;
}

function checkProfile(p: unknown): number[] | null {
  if (p === null) return null;
  if (!Array.isArray(p) || p.length !== 24) bad('pvProfileMWh must be 24 hourly values or null');
  for (const v of p) if (!isInt(v, 0, 100_000_000)) bad('pvProfileMWh values must be integers in 0..100000000');
  return (p as number[]).slice();
}

/** Validate a complete settings object; returns a clean copy or throws E_HEMTS_SETTING. */
export function validateSettings(s: HemtsSettings): HemtsSettings {
  if (s.strategy !== 'paper' && s.strategy !== 'forecast') bad('strategy must be paper or forecast');
  const out = { ...s };
  for (const [field, , lo, hi] of INT_FIELDS) if (!isInt(s[field], lo, hi)) bad(`${field} must be an integer in ${lo}..${hi}`);
  if (s.socPminPermille > s.socPPermille) bad('socPminPermille must not exceed socPPermille');
  if (s.socCPermille > s.socCmaxPermille) bad('socCPermille must not exceed socCmaxPermille');
  if (s.minSocPermille > s.socCPermille || s.minSocPermille > s.socPminPermille) bad('minSocPermille must not exceed socC or socPmin');
  out.appliances = checkAppliances(s.appliances);
  out.pvProfileMWh = checkProfile(s.pvProfileMWh);
  if (utf8Encode(JSON.stringify(out.appliances)).length > MAX_VALUE_BYTES) bad('the appliance schedule exceeds 4000 bytes when stored');
  return out;
}

/** Preference-like key/value store (one domain), as Moddable's `preference`. */
export interface SettingsStore {
  get(key: string): number | string | boolean | ArrayBuffer | undefined;
  set(key: string, value: number | string | boolean | ArrayBuffer): void;
}

/** What each setting looks like in the store. */
function encode(s: HemtsSettings): Map<string, number | string | ArrayBuffer> {
  const m = new Map<string, number | string | ArrayBuffer>();
  m.set(KEY_STRATEGY, s.strategy === 'paper' ? 0 : 1);
  for (const [field, key] of INT_FIELDS) m.set(key, s[field]);
  m.set(KEY_APPLIANCES, JSON.stringify(s.appliances));
  if (s.pvProfileMWh) {
    const buf = new ArrayBuffer(96);
    const dv = new DataView(buf);
    for (let h = 0; h < 24; h++) dv.setInt32(h * 4, s.pvProfileMWh[h] as number, true);
    m.set(KEY_PV, buf);
  } else m.set(KEY_PV, 0);
  return m;
}

function same(a: number | string | ArrayBuffer | undefined, b: number | string | ArrayBuffer): boolean {
  if (a instanceof ArrayBuffer && b instanceof ArrayBuffer) {
    if (a.byteLength !== b.byteLength) return false;
    const x = new Uint8Array(a);
    const y = new Uint8Array(b);
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
    return true;
  }
  return a === b;
}

/**
 * Loads settings from the store (defaults for what is missing or invalid),
 * accepts validated updates, and writes changed keys with a write throttle.
 */
export class SettingsPersister {
  private readonly store: SettingsStore;
  private readonly minWriteIntervalMs: number;
  private current: HemtsSettings;
  /** Last value known to be in the store, per key. */
  private stored = new Map<string, number | string | ArrayBuffer>();
  private lastWriteMs: number | null = null;

  constructor(store: SettingsStore, defaults: HemtsSettings = DEFAULT_SETTINGS, minWriteIntervalMs = 60_000) {
    this.store = store;
    this.minWriteIntervalMs = minWriteIntervalMs;
    this.current = validateSettings(defaults);
    this.load();
  }

  get settings(): HemtsSettings {
    return this.current;
  }

  /** Keys whose value differs from what the store holds. */
  get dirtyKeys(): string[] {
    const out: string[] = [];
    for (const [k, v] of encode(this.current)) if (!same(this.stored.get(k), v)) out.push(k);
    return out;
  }

  /** Read every key; values that are absent or fail validation keep the default. */
  private load(): void {
    const s: HemtsSettings = { ...this.current };
    const raw = (k: string) => {
      const v = this.store.get(k);
      return typeof v === 'boolean' ? undefined : v;
    };
    const st = raw(KEY_STRATEGY);
    if (st === 0 || st === 1) s.strategy = st === 0 ? 'paper' : 'forecast';
    for (const [field, key, lo, hi] of INT_FIELDS) {
      const v = raw(key);
      if (isInt(v, lo, hi)) s[field] = v;
    }
    const ap = raw(KEY_APPLIANCES);
    if (typeof ap === 'string') {
      try {
        s.appliances = checkAppliances(JSON.parse(ap));
      } catch {
        // keep the default schedule
      }
    }
    const pv = raw(KEY_PV);
    if (pv instanceof ArrayBuffer && pv.byteLength === 96) {
      const dv = new DataView(pv);
      const p: number[] = [];
      for (let h = 0; h < 24; h++) p.push(dv.getInt32(h * 4, true));
      if (p.every((v) => v >= 0)) s.pvProfileMWh = p;
    } else if (pv === 0) s.pvProfileMWh = null;
    try {
      this.current = validateSettings(s);
    } catch {
      // an inconsistent stored set (e.g. socPmin > socP): keep the defaults
    }
    for (const k of encode(this.current).keys()) {
      const v = raw(k);
      if (v !== undefined) this.stored.set(k, v);
    }
  }

  /**
   * Apply a partial update (validated as a whole, all or nothing), then
   * flush if the throttle allows. Returns the keys written now.
   */
  update(patch: Partial<HemtsSettings>, nowMs: number): string[] {
    this.current = validateSettings({ ...this.current, ...patch });
    return this.flush(nowMs);
  }

  /** Write changed keys if the last write is older than the throttle interval (or `force`). */
  flush(nowMs: number, force = false): string[] {
    const dirty = this.dirtyKeys;
    if (dirty.length === 0) return [];
    if (!force && this.lastWriteMs !== null && nowMs - this.lastWriteMs < this.minWriteIntervalMs) return [];
    const enc = encode(this.current);
    for (const k of dirty) {
      const v = enc.get(k) as number | string | ArrayBuffer;
      this.store.set(k, v);
      this.stored.set(k, v);
    }
    this.lastWriteMs = nowMs;
    return dirty;
  }
}

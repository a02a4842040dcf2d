/**
 * The latest values a Victron device reported, typed and in integer units,
 * updated in place from text blocks. A BMV-700 (and large MPPTs) split one
 * data set over two blocks, each with its own checksum (VE.Direct Protocol
 * 3.33, "Text-Mode": "multiple blocks are sent containing different
 * fields"), so a block updates only the fields it carries: absent fields
 * keep their last value. `null` = never received (or not a number).
 *
 * No allocation per block in steady state: numbers are written into
 * existing properties; text fields (SER#, FW, FWE, BMV) and unknown labels
 * make a new string only when their bytes change.
 */
import type { TextBlock } from './block';
import { FIELD_SPECS, type FieldSpec, labelKeyOfText } from './labels';

/** Most distinct unknown labels kept (bounded memory); more are counted in `unknownDropped`. */
const MAX_UNKNOWN = 16;
/** Longest text value kept byte-for-byte for change detection. */
const MAX_TEXT = 64;

/** Remembers the bytes of one text value so an unchanged value costs no allocation. */
class TextSlot {
  readonly raw = new Uint8Array(MAX_TEXT);
  length = -1;
  text: string | null = null;

  /** Update from `bytes[start, end)`; returns the (possibly cached) string. */
  update(bytes: Uint8Array, start: number, end: number): string {
    const n = Math.min(end - start, MAX_TEXT);
    const raw = this.raw;
    let same = this.length === end - start && this.text !== null;
    for (let i = 0; same && i < n; i++) if (raw[i] !== bytes[start + i]) same = false;
    if (same) return this.text!;
    let s = '';
    for (let i = start; i < end; i++) s += String.fromCharCode(bytes[i]!);
    for (let i = 0; i < n; i++) this.raw[i] = bytes[start + i]!;
    this.length = end - start;
    this.text = s;
    return s;
  }
}

class UnknownSlot {
  key = -1;
  label = new TextSlot();
  value = new TextSlot();
}

/** "ON" → true, "OFF" → false, else null (byte compares: no string is touched). */
function onOff(block: TextBlock, i: number): boolean | null {
  const b = block.bytes;
  const s = block.valueStart(i);
  const n = block.valueEnd[i]! - s;
  if (n === 2 && b[s] === 0x4f && b[s + 1] === 0x4e) return true;
  if (n === 3 && b[s] === 0x4f && b[s + 1] === 0x46 && b[s + 2] === 0x46) return false;
  return null;
}

export class VictronRecord {
  /** PID: product id (e.g. 0xA053 SmartSolar MPPT 75|15, 0x0203 BMV-700). */
  productId: number | null = null;
  /** SER# */
  serial: string | null = null;
  /** FW: firmware version, 16 bit, as sent ("159" = 1.59). */
  firmware: string | null = null;
  /** FWE: firmware version, 24 bit, as sent. */
  firmware24: string | null = null;
  /** BMV: model description (deprecated by Victron). */
  model: string | null = null;

  voltageMV: number | null = null;
  voltage2MV: number | null = null;
  voltage3MV: number | null = null;
  /** VS: auxiliary (starter) voltage. */
  auxVoltageMV: number | null = null;
  /** VM: mid-point voltage of the battery bank. */
  midVoltageMV: number | null = null;
  /** DM: mid-point deviation. */
  midDeviationPermille: number | null = null;
  /** VPV */
  panelVoltageMV: number | null = null;
  /** PPV (W on the wire). */
  panelPowerMW: number | null = null;
  /** I: battery current, positive = charging. */
  currentMA: number | null = null;
  current2MA: number | null = null;
  current3MA: number | null = null;
  /** IL */
  loadCurrentMA: number | null = null;
  /** LOAD: load output on. */
  loadOn: boolean | null = null;
  /** T */
  batteryTemperatureC: number | null = null;
  /** P (W on the wire). */
  powerMW: number | null = null;
  /** CE: consumed charge (≤ 0). */
  consumedMAh: number | null = null;
  /** SOC */
  socPermille: number | null = null;
  /** TTG: time to go; -1 = infinite. */
  timeToGoMin: number | null = null;
  /** Alarm */
  alarmOn: boolean | null = null;
  /** Relay */
  relayOn: boolean | null = null;
  /** AR: bit mask, see ALARM_REASON_BITS. */
  alarmReason: number | null = null;
  /** OR: bit mask, see OFF_REASON_BITS. */
  offReason: number | null = null;

  /** H1 … H18 (BMV history). */
  deepestDischargeMAh: number | null = null;
  lastDischargeMAh: number | null = null;
  averageDischargeMAh: number | null = null;
  chargeCycles: number | null = null;
  fullDischarges: number | null = null;
  cumulativeDrawnMAh: number | null = null;
  minVoltageMV: number | null = null;
  maxVoltageMV: number | null = null;
  sinceFullChargeS: number | null = null;
  autoSyncs: number | null = null;
  lowVoltageAlarms: number | null = null;
  highVoltageAlarms: number | null = null;
  lowAuxVoltageAlarms: number | null = null;
  highAuxVoltageAlarms: number | null = null;
  minAuxVoltageMV: number | null = null;
  maxAuxVoltageMV: number | null = null;
  dischargedEnergyMWh: number | null = null;
  chargedEnergyMWh: number | null = null;
  /** H19 … H23 (MPPT history). */
  yieldTotalMWh: number | null = null;
  yieldTodayMWh: number | null = null;
  maxPowerTodayMW: number | null = null;
  yieldYesterdayMWh: number | null = null;
  maxPowerYesterdayMW: number | null = null;

  /** ERR, see ERROR_NAMES. */
  errorCode: number | null = null;
  /** CS, see CHARGE_STATE_NAMES. */
  chargeState: number | null = null;
  /** MPPT, see TRACKER_MODE_NAMES. */
  trackerMode: number | null = null;
  /** HSDS: day sequence number 0…364. */
  daySequence: number | null = null;
  /** MODE, see DEVICE_MODE_NAMES. */
  deviceMode: number | null = null;
  /** WARN: bit mask (same bits as AR). */
  warningReason: number | null = null;
  /** MON: DC monitor mode. */
  monitorMode: number | null = null;
  acOutVoltageMV: number | null = null;
  acOutCurrentMA: number | null = null;
  acOutApparentPowerVA: number | null = null;
  dcInVoltageMV: number | null = null;
  dcInCurrentMA: number | null = null;
  dcInPowerMW: number | null = null;

  /** Blocks applied so far. */
  blocks = 0;
  /** `atMs` passed with the last block applied (the caller's clock), or null. */
  updatedAtMs: number | null = null;
  /** Unknown labels beyond the {@link MAX_UNKNOWN} kept. */
  unknownDropped = 0;

  private readonly byKey = new Map<number, FieldSpec>();
  private readonly textSlots = new Map<string, TextSlot>();
  private readonly unknownSlots: UnknownSlot[] = [];
  private unknownCache: Record<string, string> | null = null;

  constructor() {
    for (const spec of FIELD_SPECS) {
      this.byKey.set(labelKeyOfText(spec.label), spec);
      if (spec.kind === 'text') this.textSlots.set(spec.prop, new TextSlot());
    }
  }

  /**
   * Apply one validated block (field by field; absent fields untouched).
   * Returns the number of fields applied. `atMs` is the caller's clock.
   */
  apply(block: TextBlock, atMs: number | null = null): number {
    const self = this as unknown as Record<string, number | boolean | string | null>;
    const byKey = this.byKey;
    const bytes = block.bytes;
    const valueStart = block.labelEnd;
    const valueEnd = block.valueEnd;
    const keys = block.keys;
    const n = block.count;
    let applied = 0;
    for (let i = 0; i < n; i++) {
      const key = keys !== null ? keys[i]! : block.labelKey(i);
      const spec = key >= 0 ? byKey.get(key) : undefined;
      if (spec === undefined) {
        this.keepUnknown(block, i, key);
        continue;
      }
      applied++;
      const kind = spec.kind;
      if (kind === 'int') {
        // block.valueInt inline (the common case: one call less per field).
        let p = valueStart[i]!;
        const end = valueEnd[i]!;
        let neg = false;
        let c = bytes[p]!;
        if (p < end && (c === 0x2d || c === 0x2b)) {
          neg = c === 0x2d;
          p++;
        }
        let v = 0;
        let ok = p < end && end - p <= 15;
        for (; ok && p < end; p++) {
          c = bytes[p]! - 0x30;
          if (c < 0 || c > 9) ok = false;
          else v = v * 10 + c;
        }
        self[spec.prop] = ok ? (neg ? -v : v) * spec.scale : null;
      } else if (kind === 'hex') {
        const v = block.valueHex(i);
        self[spec.prop] = Number.isNaN(v) ? null : v;
      } else if (kind === 'onoff') {
        self[spec.prop] = onOff(block, i);
      } else {
        self[spec.prop] = this.textSlots.get(spec.prop)!.update(bytes, valueStart[i]!, valueEnd[i]!);
      }
    }
    this.blocks++;
    if (atMs !== null) this.updatedAtMs = atMs;
    return applied;
  }

  /** Unknown labels with their latest raw values (a new object only after a change). */
  get unknown(): Readonly<Record<string, string>> {
    if (this.unknownCache === null) {
      const o = Object.create(null) as Record<string, string>;
      for (const s of this.unknownSlots) o[s.label.text!] = s.value.text!;
      this.unknownCache = o;
    }
    return this.unknownCache;
  }

  private keepUnknown(block: TextBlock, i: number, key: number): void {
    const ls = block.labelStart[i]!;
    const le = block.labelEnd[i]!;
    let slot: UnknownSlot | undefined;
    for (const s of this.unknownSlots) {
      if (key >= 0 ? s.key === key : s.label.text !== null && block.labelIs(i, s.label.text)) {
        slot = s;
        break;
      }
    }
    if (slot === undefined) {
      if (this.unknownSlots.length >= MAX_UNKNOWN) {
        this.unknownDropped++;
        return;
      }
      slot = new UnknownSlot();
      slot.key = key;
      slot.label.update(block.bytes, ls, le);
      this.unknownSlots.push(slot);
      this.unknownCache = null;
    }
    const before = slot.value.text;
    if (slot.value.update(block.bytes, le, block.valueEnd[i]!) !== before) this.unknownCache = null;
  }
}

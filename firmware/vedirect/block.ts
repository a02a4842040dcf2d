/**
 * A received VE.Direct text block as a view over the parser's fixed
 * buffers: no copy, no allocation. Valid only during the handler call; keep
 * what you need (e.g. through {@link VictronRecord.apply}) before returning.
 */
import { labelKey } from './labels';

export class TextBlock {
  /** Number of fields, without the Checksum field. */
  count = 0;

  /**
   * @param bytes the parser's arena: field i's label is `bytes[labelStart[i], labelEnd[i])`,
   *   its value `bytes[labelEnd[i], valueEnd[i])` (the TAB is not stored).
   * @param keys field i's label key (see {@link labelKey}), as the parser
   *   computed it; without it, {@link labelKey} computes keys from the bytes.
   */
  constructor(
    readonly bytes: Uint8Array,
    readonly labelStart: Uint16Array,
    readonly labelEnd: Uint16Array,
    readonly valueEnd: Uint16Array,
    readonly keys: Float64Array | null = null,
  ) {}

  /** Exact numeric key of field i's label (see {@link labelKey}). */
  labelKey(i: number): number {
    return this.keys !== null ? this.keys[i]! : labelKey(this.bytes, this.labelStart[i]!, this.labelEnd[i]!);
  }

  /** Whether field i's label is `text` (no copy; on XS reading a string's characters makes a small wrapper). */
  labelIs(i: number, text: string): boolean {
    return sameText(this.bytes, this.labelStart[i]!, this.labelEnd[i]!, text);
  }

  /** Whether field i's value is `text` (as {@link labelIs}). */
  valueIs(i: number, text: string): boolean {
    return sameText(this.bytes, this.labelEnd[i]!, this.valueEnd[i]!, text);
  }

  /** Field i's label (allocates a string). */
  label(i: number): string {
    return ascii(this.bytes, this.labelStart[i]!, this.labelEnd[i]!);
  }

  /** Field i's raw value (allocates a string). */
  value(i: number): string {
    return ascii(this.bytes, this.labelEnd[i]!, this.valueEnd[i]!);
  }

  /** Start of field i's value in {@link bytes}. */
  valueStart(i: number): number {
    return this.labelEnd[i]!;
  }

  /** Field i's value as a decimal integer ("-1", "+5", "12790"); NaN if it is not one. */
  valueInt(i: number): number {
    const b = this.bytes;
    let p = this.labelEnd[i]!;
    const end = this.valueEnd[i]!;
    let neg = false;
    if (p < end && (b[p] === 0x2d || b[p] === 0x2b)) {
      neg = b[p] === 0x2d;
      p++;
    }
    if (p >= end || end - p > 15) return NaN;
    let v = 0;
    for (; p < end; p++) {
      const d = b[p]! - 0x30;
      if (d < 0 || d > 9) return NaN;
      v = v * 10 + d;
    }
    return neg ? -v : v;
  }

  /** Field i's value as "0x…" hexadecimal (PID, OR); NaN if it is not one. */
  valueHex(i: number): number {
    const b = this.bytes;
    let p = this.labelEnd[i]!;
    const end = this.valueEnd[i]!;
    if (end - p < 3 || end - p > 15 || b[p] !== 0x30 || (b[p + 1] !== 0x78 && b[p + 1] !== 0x58)) return NaN;
    let v = 0;
    for (p += 2; p < end; p++) {
      const c = b[p]!;
      const d = c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x41 && c <= 0x46 ? c - 0x37 : c >= 0x61 && c <= 0x66 ? c - 0x57 : -1;
      if (d < 0) return NaN;
      v = v * 16 + d;
    }
    return v;
  }

  /** `{label: rawValue}` in wire order (allocates; for logs, the CLI and tests). */
  toObject(): Record<string, string> {
    // No prototype: a label such as "__proto__" stays an ordinary field.
    const o = Object.create(null) as Record<string, string>;
    for (let i = 0; i < this.count; i++) o[this.label(i)] = this.value(i);
    return o;
  }

  /** `[label, rawValue]` pairs in wire order (allocates). */
  toPairs(): [string, string][] {
    const out: [string, string][] = [];
    for (let i = 0; i < this.count; i++) out.push([this.label(i), this.value(i)]);
    return out;
  }
}

/** Whether `bytes[start, end)` holds exactly the ASCII `text`. */
export function sameText(bytes: Uint8Array, start: number, end: number, text: string): boolean {
  if (end - start !== text.length) return false;
  for (let i = 0; i < text.length; i++) if (bytes[start + i] !== text.charCodeAt(i)) return false;
  return true;
}

function ascii(bytes: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let i = start; i < end; i++) s += String.fromCharCode(bytes[i]!);
  return s;
}

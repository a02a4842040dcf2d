/**
 * A VE.Direct text block with a fixed field list whose encoded fields are
 * kept between blocks: a field whose value did not change costs one copy
 * of its bytes and one addition of their precomputed sum. Writes exactly
 * the bytes of firmware/vedirect/encode.ts `encodeTextBlock` for the same
 * labels and values (tests compare the two), so the emulators stay
 * byte-exact while a block costs little on XS (where every bytecode counts:
 * per-field tuples, strings and per-byte closures made a block cost more
 * than parsing it). Portable (no Node APIs).
 */
import { checksumByte } from '../../firmware/vedirect/encode';

/** Longest value a field can hold (spec values are ≤ 32 bytes). */
const MAX_VALUE = 48;
/** Longest label (spec labels are ≤ 9 bytes). */
const MAX_LABEL = 16;
/** `\r\nChecksum\t`, then the checksum byte. */
const TRAILER = [0x0d, 0x0a, 0x43, 0x68, 0x65, 0x63, 0x6b, 0x73, 0x75, 0x6d, 0x09];

export class BlockWriter {
  /** The block, contiguous: field k at [start[k], start[k+1]), then the trailer and checksum byte. */
  readonly #buf: Uint8Array;
  readonly #start: Int32Array;
  readonly #labelLength: Uint8Array;
  /** Byte sum of field k's label part (`\r\n<label>\t`), and of the field as it is now. */
  readonly #labelSum: Int32Array;
  readonly #sum: Int32Array;
  /** The number field k's value was written from (NaN: none, or a text value). */
  readonly #number: Float64Array;
  readonly #text: (string | null)[];
  readonly #count: number;
  /** Byte sum of everything before the checksum byte. */
  #total = 0;
  #view: Uint8Array;

  /** @param labels the block's labels in wire order (printable ASCII, ≤ 16 bytes each); values start empty */
  constructor(labels: readonly string[]) {
    const n = labels.length;
    this.#count = n;
    this.#buf = new Uint8Array(n * (3 + MAX_LABEL + MAX_VALUE) + TRAILER.length + 1);
    this.#start = new Int32Array(n + 1);
    this.#labelLength = new Uint8Array(n);
    this.#labelSum = new Int32Array(n);
    this.#sum = new Int32Array(n);
    this.#number = new Float64Array(n).fill(NaN);
    this.#text = new Array<string | null>(n).fill(null);
    const buf = this.#buf;
    let o = 0;
    let total = 0;
    for (let k = 0; k < n; k++) {
      const label = labels[k]!;
      if (label.length > MAX_LABEL) throw new RangeError(`label ${JSON.stringify(label)} longer than ${MAX_LABEL}`);
      this.#start[k] = o;
      let sum = 0x0d + 0x0a + 0x09;
      buf[o++] = 0x0d;
      buf[o++] = 0x0a;
      for (let i = 0; i < label.length; i++) {
        const c = printable(label, i);
        buf[o++] = c;
        sum += c;
      }
      buf[o++] = 0x09;
      this.#labelLength[k] = 3 + label.length;
      this.#labelSum[k] = sum;
      this.#sum[k] = sum;
      total += sum;
    }
    this.#start[n] = o;
    for (const c of TRAILER) {
      buf[o++] = c;
      total += c;
    }
    this.#total = total;
    this.#view = buf.subarray(0, o + 1);
  }

  /** Number of fields (without Checksum). */
  get count(): number {
    return this.#count;
  }

  /** Make field k's value `length` bytes long (moving what follows); returns where the value starts. */
  #resize(k: number, length: number): number {
    const start = this.#start;
    const at = start[k]! + this.#labelLength[k]!;
    const delta = at + length - start[k + 1]!;
    if (delta !== 0) {
      const n = this.#count;
      const end = start[n]! + TRAILER.length + 1;
      this.#buf.copyWithin(start[k + 1]! + delta, start[k + 1]!, end);
      for (let j = k + 1; j <= n; j++) start[j] = start[j]! + delta;
      this.#view = this.#buf.subarray(0, end + delta);
    }
    return at;
  }

  #setSum(k: number, sum: number): void {
    this.#total += sum - this.#sum[k]!;
    this.#sum[k] = sum;
  }

  /** Field k's value: `n` in decimal, exactly as `String(n)` writes it. */
  decimal(k: number, n: number): void {
    if (n === this.#number[k]) return;
    if (!Number.isSafeInteger(n)) {
      this.text(k, String(n));
      this.#number[k] = n;
      return;
    }
    let v = n < 0 ? -n : n;
    let length = n < 0 ? 2 : 1;
    for (let t = v; t >= 10; t = Math.floor(t / 10)) length++;
    const buf = this.#buf;
    const at = this.#resize(k, length);
    let sum = this.#labelSum[k]!;
    if (n < 0) {
      buf[at] = 0x2d;
      sum += 0x2d;
    }
    let p = at + length;
    do {
      const d = v % 10;
      buf[--p] = 0x30 + d;
      sum += 0x30 + d;
      v = (v - d) / 10;
    } while (v > 0);
    this.#setSum(k, sum);
    this.#text[k] = null;
    this.#number[k] = n;
  }

  /** Field k's value as `format(n)`, formatted again only when `n` changes (`format` must be pure). */
  formatted(k: number, n: number, format: (n: number) => string): void {
    if (n === this.#number[k] && this.#text[k] !== null) return;
    this.text(k, format(n));
    this.#number[k] = n;
  }

  /** Field k's value as text (printable ASCII, ≤ 48 bytes; RangeError otherwise, as encodeTextBlock). */
  text(k: number, value: string): void {
    if (value === this.#text[k]) return;
    if (value.length > MAX_VALUE) throw new RangeError(`value ${JSON.stringify(value)} longer than ${MAX_VALUE}`);
    for (let i = 0; i < value.length; i++) printable(value, i);
    const buf = this.#buf;
    const at = this.#resize(k, value.length);
    let sum = this.#labelSum[k]!;
    for (let i = 0; i < value.length; i++) {
      const c = value.charCodeAt(i);
      buf[at + i] = c;
      sum += c;
    }
    this.#setSum(k, sum);
    this.#text[k] = value;
    this.#number[k] = NaN;
  }

  /**
   * The block with its Checksum field: a view on the writer's buffer,
   * valid until the next change (copy it to keep it).
   */
  view(): Uint8Array {
    const v = this.#view;
    v[v.length - 1] = checksumByte(this.#total);
    return v;
  }

  /** The block as a new array. */
  block(): Uint8Array {
    return this.view().slice();
  }
}

function printable(s: string, i: number): number {
  const c = s.charCodeAt(i);
  if (c < 0x20 || c > 0x7e) throw new RangeError(`not printable ASCII in ${JSON.stringify(s)}`);
  return c;
}

/**
 * VE.Direct HEX mode: frame validation, typed decoding and encoding.
 *
 * Source: Victron Energy, "VE.Direct HEX protocol" (BlueSolar/SmartSolar
 * MPPT edition), sections "Message format", "Commands", "Responses",
 * "Get/Set/Async" and "Flags"; and the VE.Direct Protocol FAQ, Q3 ("How do I
 * calculate the HEX checksum?").
 *
 * Message format: ':' <command: one hex digit> <data: hex byte pairs>
 * <check: one hex byte pair> '\n'. The check byte makes command + data
 * bytes + check ≡ 0x55 (mod 256). Register ids and values are little-endian.
 * Example (FAQ Q3): get battery capacity `:70010003E\n`, response
 * `:7001000C80076\n` (register 0x1000, flags 0, value 0x00C8 = 200 Ah).
 */

/** Command nibbles sent by the device (VE.Direct HEX protocol, "Responses"). */
export const HexResponse = {
  Done: 0x1,
  Unknown: 0x3,
  Error: 0x4,
  Ping: 0x5,
  Get: 0x7,
  Set: 0x8,
  Async: 0xa,
} as const;

/** Command nibbles sent by the host (VE.Direct HEX protocol, "Commands"). */
export const HexCommand = {
  EnterBoot: 0x0,
  Ping: 0x1,
  AppVersion: 0x3,
  ProductId: 0x4,
  Restart: 0x6,
  Get: 0x7,
  Set: 0x8,
} as const;

/** Flags byte of get/set/async frames (VE.Direct HEX protocol, "Flags"). */
export const HexFlags = {
  UnknownId: 0x01,
  NotSupported: 0x02,
  ParameterError: 0x04,
} as const;

/** A few registers of the MPPT and BMV (VE.Direct HEX protocol, register lists). */
export const Register = {
  /** Product id, un32. */
  ProductId: 0x0100,
  /** Device state, un8 (same values as text "CS"). */
  DeviceState: 0x0201,
  /** Device off reason, un32 (text "OR"). */
  OffReason: 0x0207,
  /** Battery capacity (BMV), un16, Ah. */
  BatteryCapacity: 0x1000,
  /** Panel power, un32, 0.01 W. */
  PanelPower: 0xedbc,
  /** Panel voltage, un16, 0.01 V. */
  PanelVoltage: 0xedbb,
  /** Charger voltage, un16, 0.01 V. */
  ChargerVoltage: 0xedd5,
  /** Charger current, un16, 0.1 A. */
  ChargerCurrent: 0xedd7,
  /** Charger internal temperature, sn16, 0.01 °C. */
  ChargerTemperature: 0xeddb,
  /** Load current, un16, 0.1 A. */
  LoadCurrent: 0xedad,
} as const;

/**
 * One HEX frame as received: a view over fixed buffers owned by the parser,
 * valid only during the handler call (copy what you keep, or call
 * {@link decodeHex}). `chars` holds the characters between ':' and the
 * terminator (hex digits only); `bytes[0]` is the command nibble and
 * `bytes[1 … byteCount-1]` the data bytes followed by the check byte.
 */
export class HexFrame {
  readonly chars: Uint8Array;
  length = 0;
  readonly bytes: Uint8Array;
  byteCount = 0;
  /** Well formed (odd number of digits, ≥ 3, ended by LF) and the check byte matches. */
  valid = false;

  constructor(maxChars: number) {
    this.chars = new Uint8Array(maxChars);
    this.bytes = new Uint8Array((maxChars >> 1) + 1);
  }

  /** Command (or response) nibble; -1 when the frame is empty. */
  get command(): number {
    return this.byteCount > 0 ? this.bytes[0]! : -1;
  }

  /** Number of data bytes between the command nibble and the check byte. */
  get dataLength(): number {
    return this.byteCount >= 2 ? this.byteCount - 2 : 0;
  }

  /** Data byte `i` (0-based, after the command nibble). */
  data(i: number): number {
    return this.bytes[1 + i]!;
  }

  /** True for get, set and async frames, whose data is id (un16 LE), flags, value. */
  get isRegister(): boolean {
    const c = this.command;
    return (c === HexResponse.Get || c === HexResponse.Set || c === HexResponse.Async) && this.dataLength >= 3;
  }

  /** Register id of a get/set/async frame (little-endian un16). */
  get register(): number {
    return this.data(0) | (this.data(1) << 8);
  }

  /** Flags byte of a get/set/async frame. */
  get flags(): number {
    return this.data(2);
  }

  /** Number of value bytes of a get/set/async frame. */
  get valueLength(): number {
    return this.dataLength - 3;
  }

  /** The value of a get/set/async frame as a little-endian unsigned integer (≤ 6 bytes, else NaN). */
  valueUnsigned(): number {
    return leUnsigned(this.bytes, 4, this.valueLength);
  }

  /** The value as a little-endian two's-complement signed integer of its own width (≤ 6 bytes). */
  valueSigned(): number {
    return toSigned(leUnsigned(this.bytes, 4, this.valueLength), this.valueLength);
  }

  /** The characters between ':' and the terminator (allocates). */
  text(): string {
    let s = '';
    for (let i = 0; i < this.length; i++) s += String.fromCharCode(this.chars[i]!);
    return s;
  }

  /** Parser hook: start a new frame. */
  reset(): void {
    this.length = 0;
    this.byteCount = 0;
    this.valid = false;
  }

  /**
   * Parser hook: the frame ended; `byLineFeed` is false when a byte other
   * than a hex digit or LF ended it. Decodes the digits and checks the sum.
   */
  finish(byLineFeed: boolean): boolean {
    const n = this.length;
    this.byteCount = 0;
    // One command digit plus whole bytes, at least the check byte.
    if (n < 3 || (n & 1) === 0) {
      this.valid = false;
      return false;
    }
    const b = this.bytes;
    b[0] = nibble(this.chars[0]!);
    let sum = b[0]!;
    let k = 1;
    for (let i = 1; i < n; i += 2) {
      const v = (nibble(this.chars[i]!) << 4) | nibble(this.chars[i + 1]!);
      b[k++] = v;
      sum += v;
    }
    this.byteCount = k;
    this.valid = byLineFeed && (sum & 0xff) === 0x55;
    return this.valid;
  }
}

/** Value of an ASCII hex digit (either case), or -1. */
export function nibble(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

function leUnsigned(bytes: Uint8Array, start: number, len: number): number {
  if (len <= 0 || len > 6) return len === 0 ? 0 : NaN;
  let v = 0;
  for (let i = len - 1; i >= 0; i--) v = v * 256 + bytes[start + i]!;
  return v;
}

function toSigned(v: number, len: number): number {
  if (len <= 0 || len > 6 || Number.isNaN(v)) return v;
  const half = 2 ** (8 * len - 1);
  return v >= half ? v - 2 * half : v;
}

/** A decoded HEX frame (allocating; for logs, the CLI and tests). */
export type HexRecord =
  | { kind: 'get' | 'set' | 'async'; register: number; flags: number; valueLength: number; value: number; signedValue: number }
  | { kind: 'ping'; version: number }
  | { kind: 'done'; value: number }
  | { kind: 'unknown' | 'error'; data: number[] }
  | { kind: 'other'; command: number; data: number[] }
  | { kind: 'invalid' };

/** Typed record of a frame (VE.Direct HEX protocol, "Responses", "Get/Set/Async"). */
export function decodeHex(frame: HexFrame): HexRecord {
  if (!frame.valid) return { kind: 'invalid' };
  const c = frame.command;
  const data: number[] = [];
  for (let i = 0; i < frame.dataLength; i++) data.push(frame.data(i));
  if (frame.isRegister) {
    const kind = c === HexResponse.Get ? 'get' : c === HexResponse.Set ? 'set' : 'async';
    return { kind, register: frame.register, flags: frame.flags, valueLength: frame.valueLength, value: frame.valueUnsigned(), signedValue: frame.valueSigned() };
  }
  if (c === HexResponse.Ping) return { kind: 'ping', version: leUnsigned(frame.bytes, 1, frame.dataLength) };
  if (c === HexResponse.Done) return { kind: 'done', value: leUnsigned(frame.bytes, 1, frame.dataLength) };
  if (c === HexResponse.Unknown) return { kind: 'unknown', data };
  if (c === HexResponse.Error) return { kind: 'error', data };
  return { kind: 'other', command: c, data };
}

const DIGITS = '0123456789ABCDEF';

/**
 * Bytes of a HEX frame `:<command><data><check>\n` with upper-case digits
 * (VE.Direct HEX protocol, "Message format"; FAQ Q3 for the check byte).
 */
export function encodeHexFrame(command: number, data: ArrayLike<number>): Uint8Array {
  if (!Number.isInteger(command) || command < 0 || command > 15) throw new RangeError('HEX command is one nibble');
  const out = new Uint8Array(1 + 1 + 2 * data.length + 2 + 1);
  let o = 0;
  out[o++] = 0x3a;
  out[o++] = DIGITS.charCodeAt(command);
  let sum = command;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]! & 0xff;
    sum += v;
    out[o++] = DIGITS.charCodeAt(v >> 4);
    out[o++] = DIGITS.charCodeAt(v & 15);
  }
  const check = (0x55 - sum) & 0xff;
  out[o++] = DIGITS.charCodeAt(check >> 4);
  out[o++] = DIGITS.charCodeAt(check & 15);
  out[o++] = 0x0a;
  return out;
}

/** Data bytes id (un16 LE), flags, value (little-endian, `width` bytes) of a get/set/async frame. */
export function registerData(register: number, flags: number, value: number | null, width: number): number[] {
  const data = [register & 0xff, (register >> 8) & 0xff, flags & 0xff];
  if (value !== null) {
    let v = value < 0 ? value + 2 ** (8 * width) : value;
    for (let i = 0; i < width; i++) {
      data.push(v % 256);
      v = Math.floor(v / 256);
    }
  }
  return data;
}

/** `:7<id><flags>…` — ask the device for a register (VE.Direct HEX protocol, "Get"). */
export function encodeGet(register: number): Uint8Array {
  return encodeHexFrame(HexCommand.Get, registerData(register, 0, null, 0));
}

/** `:8<id><flags><value>…` — write a register (VE.Direct HEX protocol, "Set"). */
export function encodeSet(register: number, value: number, width: number): Uint8Array {
  return encodeHexFrame(HexCommand.Set, registerData(register, 0, value, width));
}

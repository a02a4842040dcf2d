/**
 * NTP/SNTP packet codec (RFC 5905 §7.3; SNTP RFC 4330). 48-byte header,
 * timestamps in NTP era-0 format: seconds since 1900-01-01 (32 bits) and a
 * 32-bit binary fraction. Pure: bytes in, bytes out.
 */

/** Seconds between 1900-01-01 (NTP epoch) and 1970-01-01 (Unix epoch). */
export const NTP_UNIX_OFFSET_S = 2_208_988_800;
export const NTP_PACKET_BYTES = 48;

export interface NtpPacket {
  leap: number;
  version: number;
  mode: number;
  stratum: number;
  poll: number;
  precision: number;
  rootDelay: number;
  rootDispersion: number;
  referenceId: number;
  referenceMs: number;
  originateMs: number;
  receiveMs: number;
  transmitMs: number;
  /** The transmit timestamp exactly as sent (echoed in a reply's originate field). */
  transmitRaw: Uint8Array;
}

function readTs(view: DataView, at: number): number {
  const s = view.getUint32(at);
  const f = view.getUint32(at + 4);
  if (s === 0 && f === 0) return 0;
  return (s - NTP_UNIX_OFFSET_S) * 1000 + Math.floor((f * 1000) / 2 ** 32);
}

function writeTs(view: DataView, at: number, ms: number): void {
  const s = Math.floor(ms / 1000);
  const frac = Math.floor(((ms - s * 1000) / 1000) * 2 ** 32);
  view.setUint32(at, (s + NTP_UNIX_OFFSET_S) >>> 0);
  view.setUint32(at + 4, frac >>> 0);
}

/** Decode a packet; `null` when it is too short to be NTP. */
export function decodeNtp(bytes: Uint8Array): NtpPacket | null {
  if (bytes.length < NTP_PACKET_BYTES) return null;
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const b0 = v.getUint8(0);
  return {
    leap: b0 >> 6,
    version: (b0 >> 3) & 7,
    mode: b0 & 7,
    stratum: v.getUint8(1),
    poll: v.getInt8(2),
    precision: v.getInt8(3),
    rootDelay: v.getUint32(4),
    rootDispersion: v.getUint32(8),
    referenceId: v.getUint32(12),
    referenceMs: readTs(v, 16),
    originateMs: readTs(v, 24),
    receiveMs: readTs(v, 32),
    transmitMs: readTs(v, 40),
    transmitRaw: bytes.slice(40, 48),
  };
}

/** A client request (mode 3) transmitted at `transmitMs`. */
export function encodeRequest(transmitMs: number, version = 4): Uint8Array {
  const out = new Uint8Array(NTP_PACKET_BYTES);
  const v = new DataView(out.buffer);
  v.setUint8(0, (version << 3) | 3);
  writeTs(v, 40, transmitMs);
  return out;
}

export interface ReplyOptions {
  stratum: number;
  /** Four ASCII characters, e.g. "LOCL" for an undisciplined local clock. */
  referenceId: string;
  referenceMs: number;
  receiveMs: number;
  transmitMs: number;
}

/**
 * The server reply (mode 4) to `request`: version echoed, originate = the
 * client's transmit timestamp copied bit for bit (RFC 5905 §8), so the client
 * can match it and compute offset and delay.
 */
export function encodeReply(request: NtpPacket, o: ReplyOptions): Uint8Array {
  const out = new Uint8Array(NTP_PACKET_BYTES);
  const v = new DataView(out.buffer);
  const version = request.version >= 1 && request.version <= 4 ? request.version : 4;
  v.setUint8(0, (0 << 6) | (version << 3) | 4);
  v.setUint8(1, o.stratum);
  v.setInt8(2, request.poll > 4 && request.poll < 17 ? request.poll : 6);
  v.setInt8(3, -10); // ~1 ms precision (2^-10 s)
  v.setUint32(4, 0);
  v.setUint32(8, 0x00000010); // 1/4096 s root dispersion
  let id = 0;
  for (let i = 0; i < 4; i++) id = (id << 8) | (o.referenceId.charCodeAt(i) & 0xff);
  v.setUint32(12, id >>> 0);
  writeTs(v, 16, o.referenceMs);
  out.set(request.transmitRaw, 24);
  writeTs(v, 32, o.receiveMs);
  writeTs(v, 40, o.transmitMs);
  return out;
}

/** Offset of the server clock relative to the client's (RFC 5905 §8: θ = ((T2−T1)+(T3−T4))/2). */
export function clockOffsetMs(t1: number, t2: number, t3: number, t4: number): number {
  return (t2 - t1 + (t3 - t4)) / 2;
}

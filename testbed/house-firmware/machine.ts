/**
 * Framing of the commands a firmware machine takes (./village-machine.ts):
 * a little-endian u32 header length, a UTF-8 JSON header, then the binary
 * sections the header's lengths name (VE.Direct bytes and MQTT payloads
 * travel as bytes, never as JSON strings). Portable (XS and Node).
 */
import { utf8Decode, utf8Encode } from '../../shared/bytes';

/** Frame a JSON header and byte sections. */
export function frame(header: unknown, sections: Uint8Array[]): Uint8Array {
  const h = utf8Encode(JSON.stringify(header));
  let n = 4 + h.length;
  for (const s of sections) n += s.length;
  const out = new Uint8Array(n);
  const len = h.length;
  out[0] = len & 0xff;
  out[1] = (len >>> 8) & 0xff;
  out[2] = (len >>> 16) & 0xff;
  out[3] = (len >>> 24) & 0xff;
  out.set(h, 4);
  let o = 4 + h.length;
  for (const s of sections) {
    out.set(s, o);
    o += s.length;
  }
  return out;
}

/** Split a frame into its header and a reader of its sections, in order. */
export function unframe<T>(bytes: Uint8Array): { header: T; take: (len: number) => Uint8Array } {
  const len = bytes[0]! | (bytes[1]! << 8) | (bytes[2]! << 16) | (bytes[3]! << 24);
  const header = JSON.parse(utf8Decode(bytes.subarray(4, 4 + len))) as T;
  let o = 4 + len;
  return {
    header,
    take(n: number): Uint8Array {
      const s = bytes.subarray(o, o + n);
      o += n;
      return s;
    },
  };
}


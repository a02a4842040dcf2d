/**
 * Writing VE.Direct text blocks (for emulators and tests): the inverse of
 * the parser. VE.Direct Protocol 3.33, "Text-Mode": each field is
 * `CR LF <label> TAB <value>`, the last is `Checksum` TAB <one byte> that
 * makes the modulo-256 sum of the whole block 0 ("Data integrity").
 */

/** The checksum byte for a block whose other bytes sum to `sum`. */
export function checksumByte(sum: number): number {
  return (256 - (sum & 0xff)) & 0xff;
}

/** Bytes of one text block with its Checksum field. Labels and values must be printable ASCII. */
export function encodeTextBlock(fields: ReadonlyArray<readonly [string, string]>): Uint8Array {
  let size = 0;
  for (const [label, value] of fields) size += 2 + label.length + 1 + value.length;
  size += 2 + 8 + 1 + 1;
  const out = new Uint8Array(size);
  let o = 0;
  let sum = 0;
  const put = (c: number): void => {
    out[o++] = c;
    sum += c;
  };
  const text = (s: string): void => {
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x20 || c > 0x7e) throw new RangeError(`not printable ASCII in ${JSON.stringify(s)}`);
      put(c);
    }
  };
  for (const [label, value] of fields) {
    put(0x0d);
    put(0x0a);
    text(label);
    put(0x09);
    text(value);
  }
  put(0x0d);
  put(0x0a);
  text('Checksum');
  put(0x09);
  out[o++] = checksumByte(sum);
  return out;
}

/**
 * Streaming VE.Direct parser: text blocks and HEX frames from one serial
 * stream (19 200 baud 8N1), fed in chunks of any size. Pure: no IO, no
 * clock, fixed buffers allocated once; nothing is allocated per byte or per
 * block in steady state (blocks and frames are handed out as views).
 *
 * Text mode (VE.Direct Protocol 3.33, "Text-Mode", "Message format"): a
 * block is a run of fields `CR LF <label> TAB <value>`; its last field is
 * `Checksum`, whose value is ONE byte of any value (it "will not necessarily
 * be a printable ASCII character") chosen so that the modulo-256 sum of all
 * bytes of the block is 0 ("Data integrity"). Nothing follows that byte: the
 * next block's CR LF, or a HEX frame, comes right after it.
 *
 * HEX frames (VE.Direct Protocol 3.33, "HEX-mode": "some products will send
 * asynchronous HEX messages, starting with ':A' and ending with a newline
 * '\n', on their own initiative") arrive between blocks and, from older
 * firmware, inside a block, even inside a field. A ':' anywhere except in
 * the checksum byte starts one; its bytes are not part of the text
 * checksum; after its LF the text block resumes where it was.
 *
 * Robustness rules (beyond the spec, from what users of other parsers ran
 * into: a ':' checksum byte taken for a HEX start, async HEX right after the
 * checksum byte, bit errors, UART overruns that merge two blocks, boot
 * garbage):
 * - a block is emitted only after its checksum byte makes the sum 0, all its
 *   labels and values are printable ASCII and no cap was exceeded;
 * - a label the open block already has, or "PID" after the first field, means
 *   two blocks ran together (the first lost its end to an overrun): the first
 *   is dropped and a new block is taken to start at that field's CR LF;
 * - a block is "anchored" when it starts right after the previous block's
 *   checksum byte (HEX frames in between are fine). After noise, a malformed
 *   field or a cap overflow the parser hunts for the next CR; a block found
 *   that way may be the tail of a block whose start was lost, so it is emitted
 *   only if it starts with the "PID" field (the first field every product
 *   sends); otherwise it only re-synchronises the parser;
 * - a HEX frame ends at LF; any other non-hex-digit byte ends it as invalid
 *   and is then handled as if the frame had not been there (so a CR that
 *   follows a truncated frame still starts the next block). An invalid or
 *   overflowing frame inside a block drops that block (the ':' may be a
 *   corrupted text byte that swallowed part of the block).
 *
 * Cost (XS compute meter, `npm run bench -- vedirect`): about 13 700 per
 * 167-byte MPPT block. {@link VeDirectParser.push} takes runs of label and
 * value bytes, CR, LF, TAB and the usual new field inline; every other byte
 * goes through the per-byte reference path that states the rules above.
 */
import { TextBlock } from './block';
import { HexFrame, nibble } from './hex';

/** Caps that bound memory. Exceeding one drops the block or frame and counts an overflow. */
export interface VeDirectLimits {
  /** Longest label in bytes (spec labels are ≤ 8). Default 16. */
  maxLabel?: number;
  /** Longest value in bytes (spec values are ≤ 32). Default 40. */
  maxValue?: number;
  /** Most fields in one block, without Checksum (spec: ≤ 22). Default 32. */
  maxFields?: number;
  /** Most characters between ':' and LF in a HEX frame. Default 128. */
  maxHex?: number;
}

/** Receives what the parser found. Views are valid only during the call. */
export interface VeDirectHandler {
  block?(block: TextBlock): void;
  /** Every ended HEX frame, valid or not (`frame.valid`); overflowing frames are not reported. */
  hex?(frame: HexFrame): void;
}

/** Counters, updated in place (read them any time; never reset by the parser). */
export interface VeDirectCounters {
  /** Text blocks emitted. */
  blocks: number;
  /** Blocks read up to their checksum byte whose byte sum was not 0 mod 256. */
  checksumErrors: number;
  /** Blocks dropped for another reason: malformed field, repeated label, overflow, or a tail found while hunting. */
  dropped: number;
  /** Times the parser lost its place and hunted for the next block. */
  resyncs: number;
  /** Bytes skipped while hunting (noise, boot garbage, rest of a dropped block). */
  skippedBytes: number;
  /** HEX frames whose check byte matched. */
  hexValid: number;
  /** HEX frames that were malformed, cut short or failed their check. */
  hexInvalid: number;
  /** Caps exceeded (label, value, fields per block, HEX length). */
  overflows: number;
  /** A block or HEX frame still open when the stream ended ({@link VeDirectParser.end}). */
  truncated: number;
}

const CR = 0x0d;
const LF = 0x0a;
const TAB = 0x09;
const COLON = 0x3a;

// Parser states (numbers, so the hot loop compares small integers).
const HUNT = 0; // lost: skip to the next CR; a block found from here is not anchored
const IDLE = 1; // between blocks, anchored: the next byte should be CR (or ':')
const NEED_LF = 2; // after CR
const LABEL = 3;
const VALUE = 4;
const CHECKSUM = 5; // the next byte is the checksum byte, whatever it is

/** Byte classes of the inline path: printable ASCII but ':' (a value byte); the same but space (a label byte). */
const VALUE_BYTE = 1;
const LABEL_BYTE = 2;

/** labelKey of "Checksum" and of "PID" (labels.ts; checked by the vedirect record tests). */
export const CHECKSUM_KEY = 2_497_646_583_552_227;
export const PID_KEY = 437_131;

export class VeDirectParser {
  readonly counters: VeDirectCounters = {
    blocks: 0,
    checksumErrors: 0,
    dropped: 0,
    resyncs: 0,
    skippedBytes: 0,
    hexValid: 0,
    hexInvalid: 0,
    overflows: 0,
    truncated: 0,
  };

  private readonly maxLabel: number;
  private readonly maxValue: number;
  private readonly maxFields: number;
  private readonly maxHex: number;
  private readonly arena: Uint8Array;
  /** Label key of each field of the open block (shared with the view). */
  private readonly keys: Float64Array;
  private readonly view: TextBlock;
  /** Byte classes for the inline path: VALUE_BYTE, LABEL_BYTE. */
  private readonly classes: Uint8Array;
  /**
   * Labels of the open block as a small open-addressing set (labels of up
   * to 8 characters, by key): a slot belongs to the open block when its
   * stamp is the block's generation.
   */
  private readonly seenKey: Float64Array;
  private readonly seenStamp: Uint32Array;
  private readonly seenMask: number;
  private generation = 1;
  private readonly hex: HexFrame;
  private readonly handler: VeDirectHandler;

  private state = HUNT;
  private sum = 0;
  /** labelKey digits of the open label so far (meaningful while it is ≤ 8 bytes). */
  private key = 0;
  private pos = 0;
  private fieldStart = 0;
  private anchored = false;
  private inHex = false;
  private hexOverflow = false;

  constructor(handler: VeDirectHandler, limits: VeDirectLimits = {}) {
    this.handler = handler;
    this.maxLabel = limits.maxLabel ?? 16;
    this.maxValue = limits.maxValue ?? 40;
    this.maxFields = limits.maxFields ?? 32;
    this.maxHex = limits.maxHex ?? 128;
    // Room for every field at its caps plus the Checksum label.
    this.arena = new Uint8Array(this.maxFields * (this.maxLabel + this.maxValue) + this.maxLabel);
    this.keys = new Float64Array(this.maxFields);
    this.view = new TextBlock(this.arena, new Uint16Array(this.maxFields), new Uint16Array(this.maxFields), new Uint16Array(this.maxFields), this.keys);
    this.hex = new HexFrame(this.maxHex);
    this.classes = new Uint8Array(256);
    for (let c = 0x20; c < 0x7f; c++) this.classes[c] = c === COLON ? 0 : c === 0x20 ? VALUE_BYTE : VALUE_BYTE | LABEL_BYTE;
    let size = 16;
    while (size < 2 * this.maxFields) size *= 2;
    this.seenKey = new Float64Array(size);
    this.seenStamp = new Uint32Array(size);
    this.seenMask = size - 1;
  }

  /**
   * Feed bytes `chunk[start, end)`. Handlers run synchronously, in stream order.
   *
   * One loop with the hot state in locals: runs of label and value bytes,
   * CR, LF and TAB are handled inline (most of a block); every other byte
   * (HEX frames, the checksum byte, errors, hunting) goes through
   * {@link byte}, the rules' reference path, with the locals written back
   * first and read again after.
   */
  push(chunk: Uint8Array, start = 0, end = chunk.length): void {
    const arena = this.arena;
    const cls = this.classes;
    const v = this.view;
    const keys = this.keys;
    const seenKey = this.seenKey;
    const seenStamp = this.seenStamp;
    const seenMask = this.seenMask;
    let i = start;
    while (i < end) {
      let state = this.state;
      if (this.inHex || state < NEED_LF || state > VALUE) {
        this.byte(chunk[i]!);
        i++;
        continue;
      }
      let sum = this.sum;
      let pos = this.pos;
      let key = this.key;
      // The byte the inline cases stopped at (the reference path takes it), or -1.
      let b = -1;
      for (;;) {
        if (state === VALUE) {
          // A run of value bytes, up to the cap (a CR at the cap is still fine).
          const room = v.labelEnd[v.count]! + this.maxValue - pos;
          const stop = room < end - i ? i + room : end;
          for (; i < stop; i++) {
            b = chunk[i]!;
            if ((cls[b]! & VALUE_BYTE) === 0) break;
            arena[pos++] = b;
            sum += b;
          }
          if (i === end) {
            b = -1;
            break;
          }
          b = chunk[i]!;
          if (b !== CR) break;
          sum += CR;
          v.valueEnd[v.count++] = pos;
          state = NEED_LF;
          i++;
        }
        if (state === NEED_LF) {
          if (i === end) {
            b = -1;
            break;
          }
          b = chunk[i]!;
          if (b !== LF) break;
          sum += LF;
          this.fieldStart = pos;
          key = 0;
          state = LABEL;
          i++;
        }
        // LABEL: a run of label bytes up to the cap, then TAB.
        const room = this.fieldStart + this.maxLabel - pos;
        const stop = room < end - i ? i + room : end;
        for (; i < stop; i++) {
          b = chunk[i]!;
          if ((cls[b]! & LABEL_BYTE) === 0) break;
          arena[pos++] = b;
          sum += b;
          key = key * 95 + b - 0x20;
        }
        if (i === end) {
          b = -1;
          break;
        }
        b = chunk[i]!;
        if (b !== TAB) break;
        i++;
        sum += TAB;
        // The usual label (1…8 bytes, not Checksum or PID, new to the block,
        // room for it) is added here; everything else goes to endLabel.
        const fieldStart = this.fieldStart;
        const count = v.count;
        if (pos > fieldStart && pos - fieldStart <= 8 && key !== CHECKSUM_KEY && key !== PID_KEY && count < this.maxFields) {
          let h = key % (seenMask + 1);
          while (seenStamp[h] === this.generation && seenKey[h] !== key) h = (h + 1) & seenMask;
          if (seenStamp[h] !== this.generation) {
            seenStamp[h] = this.generation;
            seenKey[h] = key;
            v.labelStart[count] = fieldStart;
            v.labelEnd[count] = pos;
            keys[count] = key;
            state = VALUE;
            continue;
          }
        }
        this.sum = sum;
        this.pos = pos;
        this.key = key;
        this.endLabel();
        state = this.state;
        sum = this.sum;
        pos = this.pos;
        if (state !== VALUE) {
          // The Checksum label, or the block was dropped: the reference path goes on.
          b = -1;
          break;
        }
      }
      this.state = state;
      this.sum = sum;
      this.pos = pos;
      this.key = key;
      if (b >= 0) {
        this.byte(b);
        i++;
      }
    }
  }

  /**
   * The stream ended (or went silent long enough that nothing open can still
   * complete): an open block or HEX frame is dropped and counted as
   * truncated; the next byte is treated as the start of a new stream.
   */
  end(): void {
    if (this.inHex || this.state >= NEED_LF) this.counters.truncated++;
    this.inHex = false;
    this.state = HUNT;
  }

  /** Whether the parser is between blocks, in step with the stream. */
  get synchronised(): boolean {
    return this.state === IDLE && !this.inHex;
  }

  private byte(b: number): void {
    if (this.inHex) {
      this.hexByte(b);
      return;
    }
    // A ':' is a HEX start everywhere except as the checksum byte.
    if (b === COLON && this.state !== CHECKSUM) {
      this.inHex = true;
      this.hexOverflow = false;
      this.hex.reset();
      return;
    }
    this.text(b);
  }

  private hexByte(b: number): void {
    const hex = this.hex;
    if (nibble(b) >= 0) {
      if (hex.length < this.maxHex) hex.chars[hex.length++] = b;
      else this.hexOverflow = true;
      return;
    }
    this.inHex = false;
    let ok = false;
    if (this.hexOverflow) {
      this.counters.overflows++;
    } else {
      ok = hex.finish(b === LF);
      if (ok) this.counters.hexValid++;
      else this.counters.hexInvalid++;
      this.handler.hex?.(hex);
    }
    // A broken frame inside a block taints the block: the ':' may have been
    // a corrupted text byte, and the digits it swallowed were the block's.
    if (!ok && this.state >= NEED_LF) this.malformed(-1);
    // A byte other than LF was not part of the frame: handle it as if the
    // frame had not been there (it may be the CR of the next field or block).
    if (b !== LF) this.byte(b);
  }

  private text(b: number): void {
    switch (this.state) {
      case HUNT:
        this.hunt(b);
        return;
      case IDLE:
        if (b === CR) this.begin(true);
        else {
          this.counters.resyncs++;
          this.counters.skippedBytes++;
          this.state = HUNT;
        }
        return;
      case NEED_LF:
        if (b !== LF) return this.malformed(b);
        this.sum += b;
        this.fieldStart = this.pos;
        this.key = 0;
        this.state = LABEL;
        return;
      case LABEL:
        if (b === TAB) {
          this.sum += b;
          this.endLabel();
          return;
        }
        if (b <= 0x20 || b >= 0x7f) return this.malformed(b);
        if (this.pos - this.fieldStart >= this.maxLabel) return this.overflow(b);
        this.arena[this.pos++] = b;
        this.sum += b;
        this.key = this.key * 95 + b - 0x20;
        return;
      case VALUE:
        if (b === CR) {
          this.sum += b;
          this.view.valueEnd[this.view.count++] = this.pos;
          this.state = NEED_LF;
          return;
        }
        if (b < 0x20 || b >= 0x7f) return this.malformed(b);
        if (this.pos - this.view.labelEnd[this.view.count]! >= this.maxValue) return this.overflow(b);
        this.arena[this.pos++] = b;
        this.sum += b;
        return;
      default: // CHECKSUM: any byte at all
        this.sum += b;
        this.endBlock();
    }
  }

  private hunt(b: number): void {
    if (b === CR) this.begin(false);
    else this.counters.skippedBytes++;
  }

  private begin(anchored: boolean): void {
    this.anchored = anchored;
    this.sum = CR;
    this.pos = 0;
    this.view.count = 0;
    this.forget();
    this.state = NEED_LF;
  }

  /** Empty the set of the open block's labels (a new block). */
  private forget(): void {
    if (++this.generation === 0xffffffff) {
      this.seenStamp.fill(0);
      this.generation = 1;
    }
  }

  /** Whether the open block already has the label with key `key` (≥ 0); if not, it has it now. */
  private seenOrAdd(key: number): boolean {
    const stamps = this.seenStamp;
    const keys = this.seenKey;
    const mask = this.seenMask;
    const generation = this.generation;
    let h = key % (mask + 1);
    while (stamps[h] === generation) {
      if (keys[h] === key) return true;
      h = (h + 1) & mask;
    }
    stamps[h] = generation;
    keys[h] = key;
    return false;
  }

  private endLabel(): void {
    const start = this.fieldStart;
    const end = this.pos;
    if (end === start) return this.malformed(-1);
    const arena = this.arena;
    // The label's exact key (labels.ts labelKey: base-95 digits, -1 beyond 8 characters).
    const key = end - start <= 8 ? this.key : -1;
    if (key === CHECKSUM_KEY) {
      this.pos = start;
      this.state = CHECKSUM;
      return;
    }
    const v = this.view;
    // "PID" after the first field, or a label the block already has (labels
    // are unique in a block): this field cannot belong to the open block.
    const another = key === PID_KEY ? v.count > 0 : key >= 0 ? this.seenOrAdd(key) : v.count > 0 && this.longLabelSeen(start, end);
    if (another) {
      // Two blocks ran together (the first lost its end): drop the first and
      // start a new, unanchored block at this field's CR, as if hunting had
      // found it there; its sum is what came since that CR.
      this.counters.dropped++;
      this.counters.resyncs++;
      arena.copyWithin(0, start, end);
      this.pos = end - start;
      // What came since that CR: CR LF <label> TAB.
      let sum = CR + LF + TAB;
      for (let i = 0; i < this.pos; i++) sum += arena[i]!;
      this.sum = sum;
      this.anchored = false;
      v.count = 0;
      v.labelStart[0] = 0;
      v.labelEnd[0] = this.pos;
      this.keys[0] = key;
      this.forget();
      if (key >= 0) this.seenOrAdd(key);
      this.state = VALUE;
      return;
    }
    if (v.count >= this.maxFields) return this.overflow(-1);
    v.labelStart[v.count] = start;
    v.labelEnd[v.count] = end;
    this.keys[v.count] = key;
    this.state = VALUE;
  }

  /** Whether the open block has a field whose label (longer than 8 characters: key -1) is `arena[start, end)`. */
  private longLabelSeen(start: number, end: number): boolean {
    const v = this.view;
    const keys = this.keys;
    const arena = this.arena;
    for (let j = 0; j < v.count; j++) {
      if (keys[j] === -1 && equalRanges(arena, v.labelStart[j]!, v.labelEnd[j]!, start, end)) return true;
    }
    return false;
  }

  private endBlock(): void {
    const c = this.counters;
    const v = this.view;
    this.state = IDLE; // the next block starts right after the checksum byte
    if (!this.anchored && !(v.count > 0 && this.keys[0] === PID_KEY)) {
      // Found while hunting and not starting with PID: maybe the tail of a
      // block whose beginning was lost; it only puts us back in step.
      c.dropped++;
      return;
    }
    if ((this.sum & 0xff) !== 0) {
      c.checksumErrors++;
      return;
    }
    c.blocks++;
    this.handler.block?.(v);
  }

  /** Drop the open block and hunt; `b` (if ≥ 0) is looked at again as a hunting byte. */
  private malformed(b: number): void {
    this.counters.dropped++;
    this.counters.resyncs++;
    this.state = HUNT;
    if (b >= 0) this.hunt(b);
  }

  private overflow(b: number): void {
    this.counters.overflows++;
    this.malformed(b);
  }
}

function equalRanges(bytes: Uint8Array, a: number, aEnd: number, b: number, bEnd: number): boolean {
  if (aEnd - a !== bEnd - b) return false;
  for (let i = 0; i < aEnd - a; i++) if (bytes[a + i] !== bytes[b + i]) return false;
  return true;
}

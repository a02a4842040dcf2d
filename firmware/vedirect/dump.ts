/**
 * The stream as JSON lines, the same on XS and Node (the CLI's
 * `vedirect decode` runs this on either engine and compares them):
 *   {"type":"block","fields":{label: rawValue, …}}   wire order, no Checksum
 *   {"type":"hex","frame":"<characters between ':' and LF>","valid":true|false}
 * plus one line of counters at the end.
 */
import type { TextBlock } from './block';
import type { HexFrame } from './hex';
import { VeDirectParser, type VeDirectCounters, type VeDirectLimits } from './parser';

/** JSON line of a block. */
export function blockLine(block: TextBlock): string {
  return JSON.stringify({ type: 'block', fields: block.toObject() });
}

/** JSON line of a HEX frame. */
export function hexLine(frame: HexFrame): string {
  return JSON.stringify({ type: 'hex', frame: frame.text(), valid: frame.valid });
}

/** A parser that collects JSON lines; `take()` returns and clears them. */
export class LineDump {
  readonly parser: VeDirectParser;
  private lines: string[] = [];

  constructor(limits: VeDirectLimits = {}) {
    this.parser = new VeDirectParser(
      {
        block: (b) => {
          this.lines.push(blockLine(b));
        },
        hex: (f) => {
          this.lines.push(hexLine(f));
        },
      },
      limits,
    );
  }

  push(bytes: Uint8Array): void {
    this.parser.push(bytes);
  }

  /** Lines found since the last call. */
  take(): string[] {
    const out = this.lines;
    this.lines = [];
    return out;
  }

  /** End the stream; returns the counters. */
  end(): VeDirectCounters {
    this.parser.end();
    return { ...this.parser.counters };
  }
}

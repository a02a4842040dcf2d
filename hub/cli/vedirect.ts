/**
 * `swarmgrid vedirect decode [FILE|-] [--engine xs|node]`: decode a VE.Direct
 * capture with the firmware parser (by default inside the real XS engine)
 * and print one JSON line per block or HEX frame, in stream order; the
 * counters go to stderr as one JSON line at the end.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { fail } from '../../shared/errors';
import { LineDump } from '../../firmware/vedirect/dump';
import { bundleForXs } from '../../testbed/xs/bundle';
import { startXs } from '../../testbed/xs/engine';
import type { Command } from './main';

/** Bytes per push (and per XS command): about two seconds of a 19 200 baud line. */
const CHUNK = 4096;

export interface Decoded {
  lines: string[];
  counters: Record<string, number>;
}

/** Decode `bytes` on Node. */
export function decodeOnNode(bytes: Uint8Array, chunk = CHUNK): Decoded {
  const d = new LineDump();
  const lines: string[] = [];
  for (let i = 0; i < bytes.length; i += chunk) {
    d.push(bytes.subarray(i, i + chunk));
    lines.push(...d.take());
  }
  return { lines, counters: { ...d.end() } };
}

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Decode `bytes` with the same parser running inside XS, fed in chunks as commands. */
export async function decodeOnXs(bytes: Uint8Array, chunk = CHUNK): Promise<Decoded> {
  const code = await bundleForXs({
    resolveDir: root,
    contents: `
      import { LineDump } from ${JSON.stringify(join(root, 'firmware/vedirect/dump'))};
      const dump = new LineDump();
      const enc = new TextEncoder();
      globalThis.handleCommand = (buffer) => {
        const b = new Uint8Array(buffer);
        if (b[0] === 0x64) { // 'd' + bytes
          dump.push(b.subarray(1));
          return enc.encode(dump.take().join('\\n')).buffer;
        }
        return enc.encode(JSON.stringify(dump.end())).buffer; // 'e'
      };`,
  });
  const xs = await startXs({ name: 'vedirect-decode' });
  const dec = new TextDecoder();
  try {
    await xs.evaluate(code);
    const lines: string[] = [];
    for (let i = 0; i < bytes.length; i += chunk) {
      const part = bytes.subarray(i, i + chunk);
      const msg = new Uint8Array(part.length + 1);
      msg[0] = 0x64;
      msg.set(part, 1);
      const text = dec.decode((await xs.command(msg)).reply);
      if (text) lines.push(...text.split('\n'));
    }
    const counters = JSON.parse(dec.decode((await xs.command('e')).reply)) as Record<string, number>;
    return { lines, counters };
  } finally {
    await xs.close();
  }
}

async function readInput(file: string): Promise<Uint8Array> {
  try {
    if (file === '-') {
      const parts: Buffer[] = [];
      for await (const p of process.stdin) parts.push(p as Buffer);
      return new Uint8Array(Buffer.concat(parts));
    }
    return new Uint8Array(await readFile(file));
  } catch (e) {
    return fail('E_VEDIRECT_INPUT', `cannot read ${file === '-' ? 'standard input' : file}: ${(e as Error).message}`);
  }
}

export const command: Command = {
  summary: 'Decode a VE.Direct capture to JSON lines (blocks and HEX frames), counters on stderr.',
  usage: 'swarmgrid vedirect decode [FILE|-] [--engine xs|node]',
  async run(args) {
    const { values, positionals } = parseArgs({
      args,
      options: { engine: { type: 'string', default: 'xs' } },
      allowPositionals: true,
      strict: true,
    });
    const engine = values.engine;
    if (engine !== 'xs' && engine !== 'node') return fail('E_VEDIRECT_ENGINE', `unknown engine "${engine}" (xs or node)`);
    if (positionals.length > 1) return fail('E_VEDIRECT_INPUT', 'one input file at most');
    const bytes = await readInput(positionals[0] ?? '-');
    const out = engine === 'xs' ? await decodeOnXs(bytes) : decodeOnNode(bytes);
    if (out.lines.length) process.stdout.write(out.lines.join('\n') + '\n');
    process.stderr.write(JSON.stringify(out.counters) + '\n');
    return 0;
  },
};

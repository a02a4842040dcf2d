/**
 * `swarmgrid firmware replay --node coupling|meter EVENTS.jsonl [--engine xs|node]`:
 * feed a timed event script into a node (firmware/replay) and print every
 * output as JSON lines: relay writes, published messages decoded, mode
 * changes, faults, contract decisions, window events. By default the node
 * runs inside the real XS engine; `--engine node` runs the same code on Node
 * (both print the same bytes).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { fail, SwarmError, type ErrorCode } from '../../shared/errors';
import { Replay, type ReplayNodeKind } from '../../firmware/replay/replay';
import { bundleForXs } from '../../testbed/xs/bundle';
import { startXs } from '../../testbed/xs/engine';
import type { Command } from './main';

/** Lines per XS command. */
const CHUNK_LINES = 200;

/** Replay on Node; returns the output lines. */
export function replayOnNode(kind: ReplayNodeKind, text: string): string[] {
  const r = new Replay(kind);
  const out: string[] = [];
  const lines = text.split('\n');
  for (const l of lines) for (const o of r.line(l)) out.push(o);
  for (const o of r.end()) out.push(o);
  return out;
}

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Replay inside XS: the same core, bundled, fed in chunks of lines. */
export async function replayOnXs(kind: ReplayNodeKind, text: string): Promise<string[]> {
  const code = await bundleForXs({
    resolveDir: root,
    contents: `
      import { Replay } from ${JSON.stringify(join(root, 'firmware/replay/replay'))};
      const enc = new TextEncoder();
      const dec = new TextDecoder();
      let replay = null;
      const reply = (lines) => enc.encode(lines.join('\\n')).buffer;
      globalThis.handleCommand = (buffer) => {
        const b = new Uint8Array(buffer);
        try {
          if (b[0] === 0x6b) { replay = new Replay(dec.decode(b.subarray(1))); return reply([]); } // 'k' + kind
          if (b[0] === 0x6c) { // 'l' + lines
            const out = [];
            for (const l of dec.decode(b.subarray(1)).split('\\n')) for (const o of replay.line(l)) out.push(o);
            return reply(out);
          }
          return reply(replay.end()); // 'e'
        } catch (e) {
          return enc.encode('!' + JSON.stringify({ code: e && e.code ? e.code : 'E_REPLAY_INPUT', message: String(e && e.message ? e.message : e) })).buffer;
        }
      };`,
  });
  const xs = await startXs({ name: 'firmware-replay' });
  const dec = new TextDecoder();
  const enc = new TextEncoder();
  const call = async (tag: string, body: string): Promise<string[]> => {
    const b = enc.encode(body);
    const msg = new Uint8Array(b.length + 1);
    msg[0] = tag.charCodeAt(0);
    msg.set(b, 1);
    const text = dec.decode((await xs.command(msg)).reply);
    if (text.startsWith('!')) {
      const e = JSON.parse(text.slice(1)) as { code: string; message: string };
      const message = e.message.replace(/^SwarmError: /, '').replace(e.code + ': ', '');
      throw new SwarmError(e.code as ErrorCode, message);
    }
    return text ? text.split('\n') : [];
  };
  try {
    await xs.evaluate(code);
    await call('k', kind);
    const out: string[] = [];
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i += CHUNK_LINES) out.push(...(await call('l', lines.slice(i, i + CHUNK_LINES).join('\n'))));
    out.push(...(await call('e', '')));
    return out;
  } finally {
    await xs.close();
  }
}

async function readInput(file: string): Promise<string> {
  try {
    if (file === '-') {
      const parts: Buffer[] = [];
      for await (const p of process.stdin) parts.push(p as Buffer);
      return Buffer.concat(parts).toString('utf8');
    }
    return await readFile(file, 'utf8');
  } catch (e) {
    return fail('E_REPLAY_INPUT', `cannot read ${file === '-' ? 'standard input' : file}: ${(e as Error).message}`);
  }
}

export const command: Command = {
  summary: 'Replay a timed event script (JSON lines) into a coupling or meter node; print its outputs as JSON lines.',
  usage: 'swarmgrid firmware replay --node coupling|meter EVENTS.jsonl|- [--engine xs|node]',
  async run(args) {
    const { values, positionals } = parseArgs({
      args,
      options: { engine: { type: 'string', default: 'xs' }, node: { type: 'string', default: 'coupling' } },
      allowPositionals: true,
      strict: true,
    });
    const engine = values.engine;
    if (engine !== 'xs' && engine !== 'node') return fail('E_REPLAY_ENGINE', `unknown engine "${engine}" (xs or node)`);
    const kind = values.node;
    if (kind !== 'coupling' && kind !== 'meter') return fail('E_REPLAY_ENGINE', `unknown node "${kind}" (coupling or meter)`);
    if (positionals.length !== 1) return fail('E_REPLAY_INPUT', 'one event file (or - for standard input)');
    const text = await readInput(positionals[0]!);
    const out = engine === 'xs' ? await replayOnXs(kind, text) : replayOnNode(kind, text);
    if (out.length) process.stdout.write(out.join('\n') + '\n');
    return 0;
  },
};

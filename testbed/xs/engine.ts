/**
 * The real XS engine on the host: an `xsnap` worker process (from
 * @agoric/xsnap) driven from a worker_thread that holds the SES lockdown the
 * package needs. Used by the XS test harness, the CLI's `--engine xs` and the
 * testbed.
 */
import { Worker, type MessagePort } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';

/** XS's deterministic meters for one crank. */
export interface XsMeter {
  /** Work units computed in this crank (deterministic). */
  compute: number;
  /** Live slots in the XS heap after the crank. */
  heapCount: number;
  /** Bytes allocated for chunks so far. */
  allocate: number;
  /** Compute of the step messages a peer machine ran here since the last command (see XsOptions.peer). */
  peerCompute?: number;
}

export interface XsReply {
  reply: Uint8Array;
  meter: XsMeter;
}

export interface XsMachine {
  /** Evaluate a script (an IIFE bundle; no `import`). */
  evaluate(code: string): Promise<XsReply>;
  /** Call the script's `globalThis.handleCommand(bytes)`. */
  command(bytes: Uint8Array | string): Promise<XsReply>;
  close(): Promise<void>;
}

export interface XsOptions {
  name?: string;
  /** Answers the script's `issueCommand(bytes)`; its return value goes back to XS. */
  onQuery?: (bytes: Uint8Array) => Uint8Array | string | void;
  /**
   * One end of a MessageChannel whose other end is another machine's peer:
   * the two workers carry step messages and answers between their XS
   * machines directly (testbed/house-firmware/split.ts, ./worker.js).
   */
  peer?: MessagePort;
}

const enc = new TextEncoder();

/** Start an XS machine. */
export async function startXs(options: XsOptions = {}): Promise<XsMachine> {
  const worker = new Worker(fileURLToPath(new URL('./worker.js', import.meta.url)), {
    workerData: { name: options.name ?? 'swarmgrid-xs', ...(options.peer ? { peer: options.peer } : {}) },
    ...(options.peer ? { transferList: [options.peer] } : {}),
  });
  const waiting = new Map<number, { resolve: (r: XsReply) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let failed: Error | undefined;

  const ready = new Promise<void>((resolve, reject) => {
    worker.once('error', reject);
    worker.on('message', function first(msg: { ready?: boolean }) {
      if (msg.ready) {
        worker.off('message', first);
        resolve();
      }
    });
  });

  worker.on('message', (msg: { id?: number; ok?: boolean; reply?: Uint8Array; meter?: XsMeter; error?: string; query?: number; bytes?: Uint8Array }) => {
    if (msg.query !== undefined) {
      let answer: Uint8Array = new Uint8Array(0);
      try {
        const r = options.onQuery?.(msg.bytes ?? new Uint8Array(0));
        if (typeof r === 'string') answer = enc.encode(r);
        else if (r) answer = r;
      } catch (e) {
        answer = enc.encode(JSON.stringify({ hostError: String(e) }));
      }
      worker.postMessage({ answer: msg.query, bytes: answer });
      return;
    }
    if (msg.id === undefined) return;
    const w = waiting.get(msg.id);
    if (!w) return;
    waiting.delete(msg.id);
    if (msg.ok) w.resolve({ reply: msg.reply ?? new Uint8Array(0), meter: msg.meter ?? { compute: 0, heapCount: 0, allocate: 0 } });
    else w.reject(new Error(msg.error ?? 'xs error'));
  });
  worker.on('error', (e) => {
    failed = e;
    for (const w of waiting.values()) w.reject(e);
    waiting.clear();
  });
  worker.on('exit', () => {
    const e = failed ?? new Error('xs worker exited');
    for (const w of waiting.values()) w.reject(e);
    waiting.clear();
  });

  await ready;

  function call(msg: Record<string, unknown>): Promise<XsReply> {
    if (failed) return Promise.reject(failed);
    const id = nextId++;
    return new Promise((resolve, reject) => {
      waiting.set(id, { resolve, reject });
      worker.postMessage({ id, ...msg });
    });
  }

  return {
    evaluate: (code) => call({ op: 'evaluate', code }),
    command: (bytes) => call({ op: 'command', bytes: typeof bytes === 'string' ? enc.encode(bytes) : bytes }),
    async close() {
      try {
        await call({ op: 'close' });
      } finally {
        await worker.terminate();
      }
    },
  };
}

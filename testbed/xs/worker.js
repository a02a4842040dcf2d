// Runs inside a worker_thread: SES lockdown (required by @agoric/xsnap's Node
// API) stays in this realm, never in the hub's or the test runner's.
// Protocol with the parent over parentPort:
//   parent → worker  {id, op: 'evaluate', code} | {id, op: 'command', bytes} | {id, op: 'close'}
//   worker → parent  {id, ok: true, reply?, meter} | {id, ok: false, error}
//                    {query: qid, bytes}   (XS called issueCommand; parent answers {answer: qid, bytes})
import '@endo/init';
import { xsnap } from '@agoric/xsnap';
import { parentPort, workerData } from 'node:worker_threads';
import { spawn } from 'node:child_process';
import os from 'node:os';
import fs from 'node:fs';

const pending = new Map();
let nextQuery = 1;

const worker = await xsnap({
  os: os.type(),
  spawn,
  fs: { ...fs, ...fs.promises },
  name: workerData?.name ?? 'swarmgrid-xs',
  stdout: 'inherit',
  stderr: 'inherit',
  meteringLimit: 0,
  handleCommand: (bytes) =>
    new Promise((resolve) => {
      const qid = nextQuery++;
      pending.set(qid, resolve);
      parentPort.postMessage({ query: qid, bytes: new Uint8Array(bytes) });
    }),
});

parentPort.on('message', async (msg) => {
  if (msg.answer !== undefined) {
    const resolve = pending.get(msg.answer);
    pending.delete(msg.answer);
    resolve(msg.bytes ?? new Uint8Array(0));
    return;
  }
  const { id, op } = msg;
  try {
    if (op === 'evaluate') {
      const r = await worker.evaluate(msg.code);
      parentPort.postMessage({ id, ok: true, reply: new Uint8Array(r.reply), meter: meter(r.meterUsage) });
    } else if (op === 'command') {
      const r = await worker.issueCommand(msg.bytes);
      parentPort.postMessage({ id, ok: true, reply: new Uint8Array(r.reply), meter: meter(r.meterUsage) });
    } else if (op === 'close') {
      await worker.close();
      parentPort.postMessage({ id, ok: true });
      parentPort.close();
    }
  } catch (e) {
    parentPort.postMessage({ id, ok: false, error: String(e && e.message ? e.message : e) });
  }
});

parentPort.postMessage({ ready: true });

function meter(m) {
  return { compute: m.compute ?? 0, heapCount: m.currentHeapCount ?? 0, allocate: m.allocate ?? 0 };
}

// Runs inside a worker_thread: SES lockdown (required by @agoric/xsnap's Node
// API) stays in this realm, never in the hub's or the test runner's.
// Protocol with the parent over parentPort:
//   parent → worker  {id, op: 'evaluate', code} | {id, op: 'command', bytes} | {id, op: 'close'}
//   worker → parent  {id, ok: true, reply?, meter} | {id, ok: false, error}
//                    {query: qid, bytes}   (XS called issueCommand; parent answers {answer: qid, bytes})
// With a peer (workerData.peer, a MessagePort to another such worker: two XS
// machines on two cores, testbed/house-firmware/split.ts), worker to worker
// without the parent:
//   - XS issues a step message (first four bytes ff ff ff ff): posted to the
//     peer, answered at once with nothing (XS goes on while the peer works);
//   - XS issues the receive query (fe ff ff ff): answered with the peer's
//     next answer, as soon as it is there;
//   - a step message from the peer: run in this worker's XS (handleCommand),
//     its reply posted back (on an exception: 0x01 + the message). Their
//     compute is added to the meter of the next command from the parent
//     (meter.peerCompute).
import '@endo/init';
import { xsnap } from '@agoric/xsnap';
import { parentPort, workerData } from 'node:worker_threads';
import { spawn } from 'node:child_process';
import os from 'node:os';
import fs from 'node:fs';

const pending = new Map();
let nextQuery = 1;
const peer = workerData?.peer;
/** Peer answers not yet asked for, and a receive query waiting for one. */
const answers = [];
let waitingAnswer;
let peerCompute = 0;
const isStep = (b) => b.length >= 4 && b[0] === 0xff && b[1] === 0xff && b[2] === 0xff && b[3] === 0xff;
const isReceive = (b) => b.length === 4 && b[0] === 0xfe && b[1] === 0xff && b[2] === 0xff && b[3] === 0xff;
const EMPTY = new Uint8Array(0);

const worker = await xsnap({
  os: os.type(),
  spawn,
  fs: { ...fs, ...fs.promises },
  name: workerData?.name ?? 'swarmgrid-xs',
  stdout: 'inherit',
  stderr: 'inherit',
  meteringLimit: 0,
  handleCommand: (bytes) => {
    if (peer && isStep(bytes)) {
      const copy = bytes.slice();
      peer.postMessage(copy, [copy.buffer]);
      return Promise.resolve(EMPTY);
    }
    if (peer && isReceive(bytes)) {
      if (answers.length > 0) return Promise.resolve(answers.shift());
      return new Promise((resolve) => {
        waitingAnswer = resolve;
      });
    }
    return new Promise((resolve) => {
      const qid = nextQuery++;
      pending.set(qid, resolve);
      parentPort.postMessage({ query: qid, bytes: new Uint8Array(bytes) });
    });
  },
});

if (peer) {
  peer.on('message', async (msg) => {
    if (msg instanceof Uint8Array && isStep(msg)) {
      // A step from the peer: run it here, post the answer back.
      let out;
      try {
        const r = await worker.issueCommand(msg);
        peerCompute += r.meterUsage.compute ?? 0;
        out = r.reply.slice();
      } catch (e) {
        const m = new TextEncoder().encode(String(e && e.message ? e.message : e));
        out = new Uint8Array(1 + m.length);
        out[0] = 1;
        out.set(m, 1);
      }
      peer.postMessage(out, [out.buffer]);
      return;
    }
    // The peer's answer to our step.
    const bytes = msg instanceof Uint8Array ? msg : new Uint8Array(msg);
    if (waitingAnswer) {
      const resolve = waitingAnswer;
      waitingAnswer = undefined;
      resolve(bytes);
    } else answers.push(bytes);
  });
}

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
      peer?.close();
      parentPort.postMessage({ id, ok: true });
      parentPort.close();
    }
  } catch (e) {
    parentPort.postMessage({ id, ok: false, error: String(e && e.message ? e.message : e) });
  }
});

parentPort.postMessage({ ready: true });

function meter(m) {
  const peerUsed = peerCompute;
  peerCompute = 0;
  return { compute: m.compute ?? 0, heapCount: m.currentHeapCount ?? 0, allocate: m.allocate ?? 0, peerCompute: peerUsed };
}

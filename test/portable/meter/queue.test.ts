import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeQueued, encodeQueued, ReportQueue } from '../../../firmware/meter/queue';
import { MemoryStore } from '../../../firmware/meter/record';
import { SwarmError } from '../../../shared/errors';
import { FaultyStore } from '../../../firmware/meter/faulty-store';

const D = 'swg-meter';
const r = (seq: number, final = false) => ({ seq, final, payload: `{"seq":${seq},"x":"é"}` });
const seqs = (q: ReportQueue) => q.entries().map((e) => e.seq);

const queue = suite('report queue');

queue('records round-trip (UTF-8 payload, final flag)', () => {
  assert.equal(decodeQueued(encodeQueued(r(7, true))), r(7, true));
});

queue('acked reports leave the queue and the store', () => {
  const store = new MemoryStore();
  const q = new ReportQueue(store, D, 4);
  q.push(r(1));
  q.push(r(2));
  q.push(r(3));
  assert.ok(q.ack(2));
  assert.not.ok(q.ack(2));
  assert.equal(seqs(q), [1, 3]);
  assert.is(store.keys(D).length, 2);
});

queue('when full the oldest periodic report goes first, finals are kept', () => {
  const q = new ReportQueue(new MemoryStore(), D, 3);
  q.push(r(1, true));
  q.push(r(2));
  q.push(r(3));
  assert.equal(q.push(r(4)), [2]);
  assert.equal(seqs(q), [1, 3, 4]);
  assert.equal(q.push(r(5, true)), [3]);
  assert.equal(q.push(r(6, true)), [4]);
  assert.equal(seqs(q), [1, 5, 6]);
  // all final: a periodic report is not queued, a final one displaces the oldest final
  assert.equal(q.push(r(7)), [7]);
  assert.equal(q.push(r(8, true)), [1]);
  assert.equal(seqs(q), [5, 6, 8]);
  assert.is(q.dropped, 5);
});

queue('the queue survives a reboot in seq order and slots are reused', () => {
  const store = new MemoryStore();
  const q = new ReportQueue(store, D, 4);
  for (const s of [1, 2, 3, 4]) q.push(r(s, s === 2));
  q.ack(1);
  q.ack(3);
  q.push(r(5));
  const q2 = new ReportQueue(store, D, 4);
  q2.restore(5);
  assert.equal(q2.entries(), [r(2, true), r(4), r(5)]);
  assert.equal(store.keys(D).sort(), ['q0', 'q1', 'q3']);
});

queue('restore deletes corrupt records and those newer than the last checkpointed seq', () => {
  const store = new MemoryStore();
  const q = new ReportQueue(store, D, 8);
  for (const s of [1, 2, 3]) q.push(r(s));
  store.set(D, 'q5', new Uint8Array([0x51, 1, 0, 0, 0, 0, 9]).buffer);
  const q2 = new ReportQueue(store, D, 8);
  q2.restore(2);
  assert.equal(seqs(q2), [1, 2]);
  assert.equal(store.keys(D).sort(), ['q0', 'q1']);
});

queue('a torn queue write is refused and does not come back after reboot', () => {
  const store = new FaultyStore();
  const q = new ReportQueue(store, D, 4);
  q.push(r(1));
  store.failNext('torn');
  try {
    q.push(r(2));
    assert.unreachable();
  } catch (e) {
    assert.is((e as SwarmError).code, 'E_METER_STORE');
  }
  assert.equal(seqs(q), [1]);
  const q2 = new ReportQueue(store, D, 4);
  q2.restore(10);
  assert.equal(seqs(q2), [1]);
});

queue.run();

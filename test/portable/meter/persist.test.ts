import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { CheckpointSlots, decodeCheckpoint, encodeCheckpoint, WearPolicy, type Checkpoint } from '../../../firmware/meter/persist';
import { crc32, MemoryStore, RecordReader, RecordWriter } from '../../../firmware/meter/record';
import { UNITS_PER_MWH } from '../../../firmware/meter/integrator';
import { utf8Encode } from '../../../shared/bytes';
import { SwarmError } from '../../../shared/errors';
import { FaultyStore } from '../../../firmware/meter/faulty-store';

const D = 'swg-meter';

function cp(n: number): Omit<Checkpoint, 'gen'> {
  return {
    lastSeq: n,
    export: { mWh: 2 ** 40 + n, rem: UNITS_PER_MWH - 1 },
    import: { mWh: n, rem: 12345 },
    faultLatched: n % 2 === 1,
    contract: n % 3 === 0 ? null : { id: `c-${n}`, beginMs: 1_700_000_000_000, endMs: 1_700_003_600_000, active: n % 3 === 2, fromMs: 1_700_000_000_500, startExport: { mWh: 7, rem: 8 }, startImport: { mWh: 9, rem: 10 } },
    lastClosedId: n > 1 ? `c-${n - 1}` : '',
    savedAtMs: 1_700_000_000_000 + n,
  };
}

const rec = suite('records');

rec('CRC-32 of "123456789" is CBF43926 (the IEEE check value)', () => {
  assert.is(crc32(utf8Encode('123456789')), 0xcbf43926);
  assert.is(crc32(new Uint8Array(0)), 0);
});

rec('64-bit counters and signed times round-trip through uint32 pairs', () => {
  const w = new RecordWriter(64);
  w.u64(2 ** 53 - 1).i64(-123456789012).i64(1_700_000_000_000).u64(0);
  const r = new RecordReader(w.finish());
  assert.is(r.u64(), 2 ** 53 - 1);
  assert.is(r.i64(), -123456789012);
  assert.is(r.i64(), 1_700_000_000_000);
  assert.is(r.u64(), 0);
  assert.ok(r.done);
});

rec('a flipped bit anywhere in a record is detected', () => {
  const buf = encodeCheckpoint({ ...cp(4), gen: 3 });
  const bytes = new Uint8Array(buf);
  for (let i = 0; i < bytes.length; i++) {
    const copy = bytes.slice();
    copy[i] = copy[i]! ^ 0x10;
    try {
      decodeCheckpoint(copy.buffer);
      assert.unreachable(`byte ${i}`);
    } catch (e) {
      assert.is((e as SwarmError).code, 'E_METER_STORE');
    }
  }
});

rec('checkpoints round-trip, with and without a contract', () => {
  for (const n of [0, 1, 2, 3, 4, 5]) {
    const full = { ...cp(n), gen: n + 1 };
    const buf = encodeCheckpoint(full);
    assert.ok(buf.byteLength <= 4000);
    assert.equal(decodeCheckpoint(buf), full);
  }
});

const slots = suite('two-slot checkpoints');

slots('saves alternate between the slots and load takes the newest', () => {
  const store = new MemoryStore();
  const s = new CheckpointSlots(store, D);
  assert.is(s.load(), null);
  s.save(cp(1));
  s.save(cp(2));
  s.save(cp(3));
  assert.equal(store.keys(D).sort(), ['ck0', 'ck1']);
  const again = new CheckpointSlots(store, D).load();
  assert.is(again?.gen, 3);
  assert.is(again?.lastSeq, 3);
  assert.is(store.writes, 3);
});

slots('a crash mid-write leaves the older checkpoint valid', () => {
  const store = new FaultyStore();
  const s = new CheckpointSlots(store, D);
  s.load();
  s.save(cp(1));
  s.save(cp(2));
  store.failNext('torn');
  try {
    s.save(cp(3));
    assert.unreachable();
  } catch (e) {
    assert.is((e as SwarmError).code, 'E_METER_STORE');
  }
  store.revive();
  const after = new CheckpointSlots(store, D);
  const got = after.load();
  assert.is(got?.lastSeq, 2);
  assert.is(after.invalidSlots, 1, 'the torn slot is seen and ignored');
  // the next save overwrites the torn slot, not the good one
  after.save(cp(4));
  const final = new CheckpointSlots(store, D);
  assert.is(final.load()?.lastSeq, 4);
  assert.is(final.invalidSlots, 0);
});

slots('after a failed write in the same run the next save still spares the good slot', () => {
  const store = new FaultyStore();
  const s = new CheckpointSlots(store, D);
  s.load();
  s.save(cp(1)); // slot 0
  store.failNext('torn');
  try {
    s.save(cp(2)); // slot 1 torn
  } catch {
    // expected
  }
  store.revive();
  store.failNext('torn');
  try {
    s.save(cp(3)); // must go to slot 1 again, never over the good slot 0
  } catch {
    // expected
  }
  assert.is(new CheckpointSlots(store, D).load()?.lastSeq, 1);
});

slots('garbage and foreign values in the slots are ignored', () => {
  const store = new MemoryStore();
  store.set(D, 'ck0', 'not a buffer');
  store.set(D, 'ck1', new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]).buffer);
  const s = new CheckpointSlots(store, D);
  assert.is(s.load(), null);
  assert.is(s.invalidSlots, 1);
});

const wear = suite('wear policy');

wear('at most one background write per minGapMs, then by time or energy', () => {
  const w = new WearPolicy({ minGapMs: 60_000, everyMs: 900_000, everyMWh: 1000 });
  w.restored(0, 0);
  assert.not.ok(w.due(30_000, 5000), 'inside the minimum gap');
  assert.ok(w.due(60_000, 1000), 'energy threshold');
  assert.not.ok(w.due(60_000, 999));
  assert.not.ok(w.due(899_999, 999));
  assert.ok(w.due(900_000, 1), 'time threshold');
  assert.not.ok(w.due(10_000_000, 0), 'nothing changed');
  w.wrote(900_000, 1);
  assert.not.ok(w.due(900_001, 5000));
});

rec.run();
slots.run();
wear.run();

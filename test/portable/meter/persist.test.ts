import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import v1 from '../../vectors/meter/checkpoint-v1.json';
import { CheckpointSlots, CLOSED_RING, decodeCheckpoint, encodeCheckpoint, MAX_SCHEDULE, WearPolicy, type Checkpoint, type ContractState } from '../../../firmware/meter/persist';
import { crc32, MemoryStore, RecordReader, RecordWriter } from '../../../firmware/meter/record';
import { UNITS_PER_MWH } from '../../../firmware/meter/integrator';
import { fromHex, utf8Encode } from '../../../shared/bytes';
import { SwarmError } from '../../../shared/errors';
import { FaultyStore } from '../../../firmware/meter/faulty-store';

const D = 'swg-meter';
const ZERO = { mWh: 0, rem: 0 };
const H = 3_600_000;

/** A full-size checkpoint: 16 windows (head open) and 16 closed ids, all ids 64 bytes. */
function biggest(): Checkpoint {
  const long = (k: string, i: number) => `${k}${String(i).padStart(2, '0')}`.padEnd(64, 'x');
  return {
    gen: 9,
    lastSeq: 1234,
    export: { mWh: 2 ** 50, rem: 1 },
    import: { mWh: 3, rem: 0 },
    faultLatched: false,
    schedule: Array.from({ length: MAX_SCHEDULE }, (_, i) => ({
      id: long('w', i),
      beginMs: 1_718_784_000_000 + i * H,
      endMs: 1_718_784_000_000 + i * H + 900_000,
      active: i === 0,
      fromMs: i === 0 ? 1_718_784_001_000 : 1_718_784_000_000 + i * H,
      startExport: i === 0 ? { mWh: 5, rem: 6 } : ZERO,
      startImport: ZERO,
    })),
    closedIds: Array.from({ length: CLOSED_RING }, (_, i) => long('k', i)),
    savedAtMs: 1_718_784_002_000,
  };
}

function cp(n: number): Omit<Checkpoint, 'gen'> {
  return {
    lastSeq: n,
    export: { mWh: 2 ** 40 + n, rem: UNITS_PER_MWH - 1 },
    import: { mWh: n, rem: 12345 },
    faultLatched: n % 2 === 1,
    schedule: n % 3 === 0 ? [] : [{ id: `c-${n}`, beginMs: 1_700_000_000_000, endMs: 1_700_003_600_000, active: n % 3 === 2, fromMs: n % 3 === 2 ? 1_700_000_000_500 : 1_700_000_000_000, startExport: n % 3 === 2 ? { mWh: 7, rem: 8 } : ZERO, startImport: n % 3 === 2 ? { mWh: 9, rem: 10 } : ZERO }],
    closedIds: n > 1 ? [`c-${n - 1}`] : [],
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
    assert.is(new Uint8Array(buf)[1], 2, 'written as version 2');
    assert.equal(decodeCheckpoint(buf), full);
  }
});

rec('the largest checkpoint (16 windows, 16 closed ids of 64 bytes) round-trips within 4000 bytes', () => {
  const big = biggest();
  const buf = encodeCheckpoint(big);
  assert.ok(buf.byteLength <= 4000, `${buf.byteLength} bytes`);
  assert.is(buf.byteLength, 2545, 'the size the module doc states');
  assert.equal(decodeCheckpoint(buf), big);
});

rec('version 1 checkpoints (one contract, last closed id) still load', () => {
  assert.is(v1.records.length, 3);
  const want: Array<Pick<Checkpoint, 'schedule' | 'closedIds'>> = [
    { schedule: [v1.records[0]!.checkpoint.contract as ContractState], closedIds: ['c-000002'] },
    { schedule: [{ ...(v1.records[1]!.checkpoint.contract as ContractState), active: false }], closedIds: ['c-000003'] },
    { schedule: [], closedIds: [] },
  ];
  v1.records.forEach((r, i) => {
    const bytes = fromHex(r.hex);
    assert.is(bytes[1], 1, 'a version 1 record');
    const got = decodeCheckpoint(bytes.slice().buffer);
    const { contract: _c, lastClosedId: _l, ...rest } = r.checkpoint;
    assert.equal(got, { ...rest, ...want[i]! });
  });
  assert.is(decodeCheckpoint(fromHex(v1.records[0]!.hex).slice().buffer).schedule[0]!.startExport.mWh, 120000);
});

rec('checkpoints that break the schedule rules are rejected (E_METER_STORE)', () => {
  const bad: Checkpoint[] = [
    { ...biggest(), schedule: [...biggest().schedule, { ...biggest().schedule[1]!, id: 'one-more' }] },
    { ...biggest(), closedIds: [...biggest().closedIds, 'one-more'] },
  ];
  for (const b of bad) {
    try {
      encodeCheckpoint(b);
      assert.unreachable();
    } catch (e) {
      assert.is((e as SwarmError).code, 'E_METER_STORE');
    }
  }
  // an open window after the head: encode writes it, decode refuses it
  const two = { ...cp(1), gen: 1, schedule: [cp(1).schedule[0]!, { ...cp(2).schedule[0]!, beginMs: 1_700_010_000_000, endMs: 1_700_011_000_000 }] };
  const buf = encodeCheckpoint(two);
  try {
    decodeCheckpoint(buf);
    assert.unreachable();
  } catch (e) {
    assert.is((e as SwarmError).code, 'E_METER_STORE');
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

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { VeDirectParser } from '../../../firmware/vedirect/parser';
import { VictronRecord } from '../../../firmware/vedirect/record';
import { decodeHex, type HexRecord } from '../../../firmware/vedirect/hex';
import fc from 'fast-check';
import { encodeTextBlock } from '../../../firmware/vedirect/encode';
import { BmvEmulator } from '../../../testbed/victron/bmv';
import { BlockWriter } from '../../../testbed/victron/writer';
import { MpptEmulator } from '../../../testbed/victron/mppt';

function sum(b: Uint8Array): number {
  return b.reduce((a, x) => a + x, 0) & 0xff;
}

const emu = suite('Victron emulators');

emu('an MPPT 75|15 block is byte-exact: field order, CR LF / TAB framing, sum 0 mod 256', () => {
  const m = new MpptEmulator({ batteryVoltageMV: 13_456, batteryCurrentMA: 2_345, panelVoltageMV: 35_012, panelPowerW: 31, chargeState: 3, trackerMode: 2, offReason: 0, loadCurrentMA: 260 });
  const b = m.textBlock();
  const text = String.fromCharCode(...b.subarray(0, b.length - 1));
  assert.is(text, '\r\nPID\t0xA053\r\nFW\t164\r\nSER#\tHQ2219XYZ12\r\nV\t13460\r\nI\t2350\r\nVPV\t35010\r\nPPV\t31\r\nCS\t3\r\nMPPT\t2\r\nOR\t0x00000000\r\nERR\t0\r\nLOAD\tON\r\nIL\t300\r\nH19\t0\r\nH20\t0\r\nH21\t0\r\nH22\t0\r\nH23\t0\r\nHSDS\t0\r\nChecksum\t');
  assert.is(sum(b), 0);
});

emu('the MPPT state arrives in the typed record in integer units', () => {
  const m = new MpptEmulator({ batteryVoltageMV: 12_900, batteryCurrentMA: 4_000, panelVoltageMV: 36_000, panelPowerW: 55, chargeState: 4, yieldTotal10Wh: 4321, yieldToday10Wh: 23, maxPowerTodayW: 61 });
  const r = new VictronRecord();
  const p = new VeDirectParser({ block: (b) => void r.apply(b, 5) });
  p.push(m.textBlock());
  assert.is(r.productId, 0xa053);
  assert.is(r.voltageMV, 12_900);
  assert.is(r.currentMA, 4_000);
  assert.is(r.panelPowerMW, 55_000);
  assert.is(r.chargeState, 4);
  assert.is(r.yieldTotalMWh, 43_210_000);
  assert.is(r.yieldTodayMWh, 230_000);
  assert.is(r.maxPowerTodayMW, 61_000);
  assert.is(r.loadOn, true);
});

emu('a BMV-700 sends two blocks, each with its own checksum, and the record holds both halves', () => {
  const bmv = new BmvEmulator({ batteryVoltageMV: 12_480, batteryCurrentMA: -3_200, socPermille: 812, consumedMAh: -7_500, timeToGoMin: 540 });
  const [main, hist] = bmv.textBlocks();
  assert.is(sum(main), 0);
  assert.is(sum(hist), 0);
  assert.is(String.fromCharCode(...main.subarray(0, 12)), '\r\nPID\t0x203\r');
  assert.is(String.fromCharCode(...hist.subarray(0, 5)), '\r\nH1\t');
  const r = new VictronRecord();
  const p = new VeDirectParser({ block: (b) => void r.apply(b) });
  p.push(main);
  p.push(hist);
  assert.is(r.productId, 0x203);
  assert.is(r.socPermille, 812);
  assert.is(r.powerMW, -40_000);
  assert.is(r.timeToGoMin, 540);
  assert.is(r.model, '700');
  assert.is(r.chargeCycles, 12);
  assert.is(r.chargedEnergyMWh, 3_500_000);
  assert.is(p.counters.blocks, 2);
});

emu('HEX async updates, get replies and ping replies decode to what the emulator holds', () => {
  const m = new MpptEmulator({ batteryVoltageMV: 13_370, batteryCurrentMA: 1_500, panelPowerW: 42, chargeState: 5 });
  const got: HexRecord[] = [];
  const p = new VeDirectParser({ hex: (f) => void got.push(decodeHex(f)) });
  for (const f of m.asyncUpdates()) p.push(f);
  p.push(m.pingReply());
  p.push(m.getReply(0xedbb));
  p.push(m.getReply(0x4242));
  assert.equal(got.map((g) => g.kind), ['async', 'async', 'async', 'async', 'ping', 'get', 'get']);
  assert.equal(got[0], { kind: 'async', register: 0xedd5, flags: 0, valueLength: 2, value: 1337, signedValue: 1337 });
  assert.equal(got[2], { kind: 'async', register: 0xedbc, flags: 0, valueLength: 4, value: 4200, signedValue: 4200 });
  assert.equal(got[3], { kind: 'async', register: 0x0201, flags: 0, valueLength: 1, value: 5, signedValue: 5 });
  assert.equal(got[4], { kind: 'ping', version: 0x4164 });
  assert.equal(got[6], { kind: 'get', register: 0x4242, flags: 1, valueLength: 0, value: 0, signedValue: 0 });
  assert.is(p.counters.hexValid, 7);
});

const num = fc.oneof(
  fc.integer({ min: -2_000_000, max: 2_000_000 }),
  fc.integer({ min: -9, max: 9 }),
  fc.constantFrom(0, -0, 0.5, -0.5, 12.25, 1e21, -1e21, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 2 ** 53 + 2, NaN, Infinity),
  fc.double({ min: -1e7, max: 1e7, noNaN: true }),
);
const word = fc.string({ minLength: 0, maxLength: 20, unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)) });

emu('every MPPT block equals encodeTextBlock(fields()) while the state changes block to block (cached fields)', () => {
  const mpptState = fc.record({
    productId: fc.integer({ min: 0, max: 0xffff }), firmware: word, serial: word,
    batteryVoltageMV: num, batteryCurrentMA: num, panelVoltageMV: num, panelPowerW: num, chargeState: num, trackerMode: num,
    offReason: fc.oneof(fc.integer({ min: 0, max: 0x1ff }), fc.integer({ min: -5, max: 0 })), errorCode: num, loadOn: fc.boolean(), loadCurrentMA: num,
    yieldTotal10Wh: num, yieldToday10Wh: num, maxPowerTodayW: num, yieldYesterday10Wh: num, maxPowerYesterdayW: num, daySequence: num,
  }, { requiredKeys: [] });
  fc.assert(
    fc.property(fc.array(mpptState, { minLength: 1, maxLength: 8 }), (states) => {
      const m = new MpptEmulator();
      for (const st of states) {
        Object.assign(m.state, st);
        assert.equal(Array.from(m.textBlock()), Array.from(encodeTextBlock(m.fields())));
      }
    }),
    { numRuns: 400 },
  );
});

emu('every BMV block pair equals encodeTextBlock of its field lists while the state changes (cached fields, history length)', () => {
  const bmvState = fc.record({
    productId: fc.integer({ min: 0, max: 0xffff }), model: word, firmware: word,
    batteryVoltageMV: num, batteryCurrentMA: num, consumedMAh: num, socPermille: num, timeToGoMin: num,
    alarm: fc.boolean(), relay: fc.boolean(), alarmReason: num, monitorMode: num,
    history: fc.array(num, { maxLength: 20 }),
  }, { requiredKeys: [] });
  fc.assert(
    fc.property(fc.array(bmvState, { minLength: 1, maxLength: 8 }), (states) => {
      const b = new BmvEmulator();
      for (const st of states) {
        Object.assign(b.state, st);
        const [main, hist] = b.textBlocks();
        assert.equal(Array.from(main), Array.from(encodeTextBlock(b.mainFields())));
        assert.equal(Array.from(hist), Array.from(encodeTextBlock(b.historyFields())));
      }
    }),
    { numRuns: 400 },
  );
});

emu('the block writer refuses what encodeTextBlock refuses: a value that is not printable ASCII', () => {
  const w = new BlockWriter(['A']);
  assert.throws(() => w.text(0, 'x\ty'), (e: Error) => e instanceof RangeError);
  assert.throws(() => new MpptEmulator({ serial: 'é' }).textBlock(), (e: Error) => e instanceof RangeError);
});

emu.run();

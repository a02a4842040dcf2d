import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { DigitalRelays, FakeRelays, type DigitalClass } from '../../../firmware/coupling/relays';
import { relayDriverConformance } from './relay-conformance';

/** A fake ECMA-419 Digital: output pins drive a contact that a sense pin reads (unless stuck). */
function fakeBoard() {
  const level = new Map<number, 0 | 1>();
  const stuck = new Map<number, 0 | 1>();
  const log: string[] = [];
  const senseOf = new Map<number, number>([[21, 4], [22, 5]]); // sense pin → coil pin
  const Digital = class {
    static readonly Output = 'out';
    static readonly Input = 'in';
    static readonly InputPullUp = 'inpu';
    private readonly pin: number;
    private readonly mode: unknown;
    constructor(o: { pin: number; mode: unknown }) {
      this.pin = o.pin;
      this.mode = o.mode;
    }
    write(v: 0 | 1) {
      if (this.mode !== 'out') throw new Error('write on an input');
      level.set(this.pin, v);
      log.push(`${this.pin}=${v}`);
    }
    read(): 0 | 1 {
      if (this.mode === 'out') throw new Error('read() on an output throws on ESP32');
      const coil = senseOf.get(this.pin)!;
      return stuck.get(coil) ?? level.get(coil) ?? 0;
    }
    close() {}
  } satisfies DigitalClass;
  return { Digital, level, stuck, log };
}

relayDriverConformance('FakeRelays', () => {
  const d = new FakeRelays();
  return { driver: d, stick: (r, closed) => (d.stuck[r] = closed) };
});

relayDriverConformance('DigitalRelays on a fake board', () => {
  const b = fakeBoard();
  const d = new DigitalRelays(b.Digital, { rl1: 4, rl2: 5, rl1Sense: 21, rl2Sense: 22 });
  return { driver: d, stick: (r, closed) => b.stuck.set(r === 'rl1' ? 4 : 5, closed ? 1 : 0) };
});

const dg = suite('DigitalRelays specifics');

dg('coils are written off at construction, and an opening coil is written before a closing one', () => {
  const b = fakeBoard();
  const d = new DigitalRelays(b.Digital, { rl1: 4, rl2: 5 });
  d.write(true, false);
  d.write(false, true);
  assert.equal(b.log, ['4=0', '5=0', '4=1', '4=0', '5=1']);
  assert.is(d.readBack(), null);
});

dg('active-low coils are inverted', () => {
  const b = fakeBoard();
  const d = new DigitalRelays(b.Digital, { rl1: 4, rl2: 5, activeHigh: false });
  d.write(true, false);
  assert.equal(b.log, ['4=1', '5=1', '4=0']);
});

dg('a missing or duplicate pin fails at start with E_RELAY_CONFIG', () => {
  const b = fakeBoard();
  const code = (fn: () => unknown) => {
    try {
      fn();
      return 'none';
    } catch (e) {
      return (e as { code: string }).code;
    }
  };
  assert.is(code(() => new DigitalRelays(b.Digital, { rl1: 4, rl2: 4 })), 'E_RELAY_CONFIG');
  assert.is(code(() => new DigitalRelays(b.Digital, { rl1: 4, rl2: 5, rl1Sense: 21 })), 'E_RELAY_CONFIG');
});

dg.run();

/**
 * Board provider for the Linux simulator (`mcconfig -p lin`), mapped as the
 * module `swarmgrid/board` by the manifests' `platforms.lin`: the same shape
 * as a board's host/provider.js (`io` classes and `pin` map). The simulator
 * has no `embedded:io/digital`, no UART wired to a Victron and no INA226, so
 * one `SimBench` stands in: pin levels (each relay's sense input follows its
 * coil, as an auxiliary contact would), VE.Direct text blocks from an MPPT
 * (port 1) and a BMV-700 (port 2) once a second, and an INA226 whose current
 * follows a slow triangle. The classes have the ECMA-419 shapes the adapters
 * in ../moddable expect. Not used on the device.
 *
 * Self-contained on purpose: a relative import here would resolve against
 * the module name `swarmgrid/board`, not this file's path.
 */
import Timer from 'timer';

const MODE_INPUT = 0;
const MODE_INPUT_PULLUP = 1;
const MODE_OUTPUT = 8;

/** A VE.Direct text block: CR LF label TAB value …, then a Checksum byte making the sum 0 mod 256. */
function textBlock(fields: ReadonlyArray<readonly [string, string]>): Uint8Array {
  let s = '';
  for (const [label, value] of fields) s += `\r\n${label}\t${value}`;
  s += '\r\nChecksum\t';
  const out = new Uint8Array(s.length + 1);
  let sum = 0;
  for (let i = 0; i < s.length; i++) {
    out[i] = s.charCodeAt(i);
    sum += out[i]!;
  }
  out[s.length] = (256 - (sum & 0xff)) & 0xff;
  return out;
}

/** Simulated hardware shared by the stand-in classes of one provider. */
class SimBench {
  readonly levels = new Map<number, 0 | 1>();
  /** Relay coil pin → its sense (auxiliary contact) pin. */
  readonly senseOf = new Map<number, number>();
  /** Simulated seconds since start (drives the waveforms). */
  t = 0;

  digitalClass(): unknown {
    const bench = this;
    return class SimDigital {
      static readonly Input = MODE_INPUT;
      static readonly InputPullUp = MODE_INPUT_PULLUP;
      static readonly Output = MODE_OUTPUT;
      readonly #pin: number;
      readonly #output: boolean;

      constructor(o: { pin: number; mode: number; initialValue?: 0 | 1 }) {
        this.#pin = o.pin;
        this.#output = o.mode === MODE_OUTPUT;
        if (this.#output) this.write(o.initialValue ?? 0);
        else if (!bench.levels.has(o.pin)) bench.levels.set(o.pin, o.mode === MODE_INPUT_PULLUP ? 1 : 0);
      }

      read(): 0 | 1 {
        if (this.#output) throw new Error('read() on an output (as on the ESP32: keep the commanded state)');
        return bench.levels.get(this.#pin) ?? 1;
      }

      write(value: 0 | 1): void {
        if (!this.#output) throw new Error('write() on an input');
        bench.levels.set(this.#pin, value);
        const sense = bench.senseOf.get(this.#pin);
        // Active-high coil; the closed contact pulls the pulled-up sense input low.
        if (sense !== undefined) bench.levels.set(sense, value ? 0 : 1);
      }

      close(): void {}
    };
  }

  serialClass(): unknown {
    const bench = this;
    return class SimSerial {
      readonly #port: number;
      readonly #onReadable: ((this: unknown, count: number) => void) | undefined;
      #pending: Uint8Array | undefined;
      readonly #timer: unknown;

      constructor(o: { port: number; onReadable?: (this: unknown, count: number) => void; onWritable?: (this: unknown, count: number) => void }) {
        this.#port = o.port;
        this.#onReadable = o.onReadable;
        this.#timer = Timer.repeat(() => this.#emit(), 1000);
        o.onWritable?.call(this, 128);
      }

      #emit(): void {
        if (this.#port === 1) bench.t++;
        this.#pending = this.#port === 1 ? bench.mpptBlock() : bench.bmvBlock();
        this.#onReadable?.call(this, this.#pending.length);
      }

      read(): ArrayBuffer | undefined {
        const p = this.#pending;
        this.#pending = undefined;
        return p ? (p.buffer as ArrayBuffer).slice(p.byteOffset, p.byteOffset + p.length) : undefined;
      }

      write(): void {}

      close(): void {
        Timer.clear(this.#timer as Parameters<typeof Timer.clear>[0]);
      }
    };
  }

  /** An INA226 on 0x40 behind a 10 mΩ shunt. */
  i2cClass(): unknown {
    const bench = this;
    return class SimI2c {
      readonly #regs = new Map<number, number>();
      #pointer = 0;

      constructor(o: { address: number }) {
        if (o.address !== 0x40) throw new Error(`no device at 0x${o.address.toString(16)}`);
        this.#reset();
      }

      #reset(): void {
        this.#regs.clear();
        this.#regs.set(0x00, 0x4127);
        this.#regs.set(0x05, 0);
        this.#regs.set(0xfe, 0x5449);
        this.#regs.set(0xff, 0x2260);
      }

      write(data: ArrayBuffer | Uint8Array): void {
        const b = data instanceof Uint8Array ? data : new Uint8Array(data);
        this.#pointer = b[0] ?? 0;
        if (b.length >= 3) {
          const v = (b[1]! << 8) | b[2]!;
          if (this.#pointer === 0x00 && v & 0x8000) this.#reset();
          else this.#regs.set(this.#pointer, v);
        }
      }

      read(count: number): ArrayBuffer {
        let v = this.#regs.get(this.#pointer) ?? 0;
        if (this.#pointer === 0x02) v = Math.round(bench.busMV() / 1.25);
        if (this.#pointer === 0x01) v = bench.shuntRaw() & 0xffff;
        // Datasheet: Current = ShuntVoltage × CAL / 2048.
        if (this.#pointer === 0x04) v = Math.trunc((bench.shuntRaw() * (this.#regs.get(0x05) ?? 0)) / 2048) & 0xffff;
        const out = new Uint8Array(count);
        out[0] = (v >> 8) & 0xff;
        out[1] = v & 0xff;
        return out.buffer;
      }

      close(): void {}
    };
  }

  /** 0 → 1 → 0 over a 10-minute simulated "day". */
  phase(): number {
    const p = (this.t % 600) / 300;
    return p <= 1 ? p : 2 - p;
  }

  busMV(): number {
    return 12_800 + Math.round(600 * this.phase());
  }

  /** Shunt register (2.5 µV/bit) for −0.5 … +2.5 A through 10 mΩ: 4 LSB per mA. */
  shuntRaw(): number {
    return (-500 + Math.round(3000 * this.phase())) * 4;
  }

  mpptBlock(): Uint8Array {
    const ph = this.phase();
    const ppv = Math.round(60 * ph);
    return textBlock([
      ['PID', '0xA053'],
      ['V', String(this.busMV())],
      ['I', String(Math.round((ppv * 1000) / 13) - 400)],
      ['VPV', String(17_000 + Math.round(2000 * ph))],
      ['PPV', String(ppv)],
      ['CS', ppv > 0 ? '3' : '0'],
      ['ERR', '0'],
      ['LOAD', 'ON'],
      ['IL', '400'],
      ['H19', '1234'],
      ['HSDS', '12'],
    ]);
  }

  bmvBlock(): Uint8Array {
    const ph = this.phase();
    const ma = Math.round(4000 * ph) - 500;
    return textBlock([
      ['PID', '0x203'],
      ['V', String(this.busMV())],
      ['I', String(ma)],
      ['P', String(Math.round((this.busMV() * ma) / 1e6))],
      ['CE', String(-20_000 + Math.round(15_000 * ph))],
      ['SOC', String(500 + Math.round(300 * ph))],
      ['TTG', '-1'],
      ['Alarm', 'OFF'],
      ['Relay', 'OFF'],
      ['AR', '0'],
      ['BMV', '700'],
      ['FW', '0308'],
    ]);
  }
}

const bench = new SimBench();
bench.senseOf.set(25, 34);
bench.senseOf.set(26, 35);

const board = Object.freeze({
  name: 'lin-simulator',
  io: Object.freeze({ Digital: bench.digitalClass(), Serial: bench.serialClass(), I2C: bench.i2cClass() }),
  pin: Object.freeze({
    mpptRx: 16,
    mpptTx: 17,
    bmvRx: 18,
    bmvTx: 19,
    rl1: 25,
    rl2: 26,
    rl1Sense: 34,
    rl2Sense: 35,
    sda: 21,
    scl: 22,
  } as Record<string, number>),
});

export default board;

/**
 * A register-level model of an INA226 behind the `I2cBus` interface, for
 * tests: pointer register, POR values, reset bit, read-only registers, and
 * the chip's own arithmetic (Current = Shunt·CAL/2048, Power = Current·Bus/20000).
 */
import type { I2cBus } from '../../../firmware/meter/ina226';

export class FakeIna226 implements I2cBus {
  /** Simulate "no device": every transfer throws (an ESP32 I2C NACK throws). */
  absent = false;
  manufacturerId = 0x5449;
  dieId = 0x2260;
  /** Ignore writes to these registers (a broken or different chip). */
  readonly stuck = new Set<number>();
  readonly writes: number[][] = [];
  #pointer = 0;
  #regs = new Map<number, number>();
  /** Shunt voltage in units of 2.5 µV (signed) and bus in 1.25 mV units. */
  #shuntRaw = 0;
  #busRaw = 0;

  constructor() {
    this.#reset();
  }

  #reset(): void {
    this.#regs.clear();
    this.#regs.set(0x00, 0x4127);
    for (const r of [0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07]) this.#regs.set(r, 0);
  }

  /** Set the analog inputs: shunt voltage in nV, bus voltage in µV. */
  setInputs(shuntNV: number, busUV: number): void {
    this.#shuntRaw = Math.trunc(shuntNV / 2500);
    this.#busRaw = Math.max(0, Math.min(0x7fff, Math.trunc(busUV / 1250)));
  }

  #value(reg: number): number {
    const cal = this.#regs.get(0x05) ?? 0;
    const current = Math.trunc((this.#shuntRaw * cal) / 2048);
    switch (reg) {
      case 0x01: return this.#shuntRaw & 0xffff;
      case 0x02: return this.#busRaw;
      case 0x03: return Math.trunc((Math.abs(current) * this.#busRaw) / 20000) & 0xffff;
      case 0x04: return current & 0xffff;
      case 0xfe: return this.manufacturerId;
      case 0xff: return this.dieId;
      default: return this.#regs.get(reg) ?? 0xffff;
    }
  }

  write(buffer: Uint8Array): void {
    if (this.absent) throw new Error('I2C NACK');
    this.writes.push([...buffer]);
    if (buffer.length === 0) return;
    this.#pointer = buffer[0]!;
    if (buffer.length === 3) {
      const v = (buffer[1]! << 8) | buffer[2]!;
      if (this.stuck.has(this.#pointer)) return;
      if (this.#pointer === 0x00) {
        if (v & 0x8000) this.#reset();
        else this.#regs.set(0x00, v | 0x4000);
      } else if (this.#pointer === 0x05) this.#regs.set(0x05, v & 0x7fff);
      else if (this.#pointer === 0x06 || this.#pointer === 0x07) this.#regs.set(this.#pointer, v);
    }
  }

  read(byteLength: number): ArrayBuffer {
    if (this.absent) throw new Error('I2C NACK');
    const v = this.#value(this.#pointer);
    const out = new Uint8Array(byteLength);
    if (byteLength > 0) out[0] = v >> 8;
    if (byteLength > 1) out[1] = v & 0xff;
    return out.buffer;
  }
}

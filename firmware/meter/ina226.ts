/**
 * INA226-class current/voltage monitor over an injected I2C bus.
 *
 * The bus is shaped like ECMA-419 `embedded:io/i2c` (one instance per device
 * address): `write(buffer)` and `read(byteLength)`. A Moddable `I2C` object
 * can be passed as is; tests pass a fake that models the registers.
 *
 * Register map (TI SBOS547, "Register Maps"): all registers are 16 bit,
 * big-endian on the wire; a write is pointer byte + MSB + LSB; a read is a
 * pointer write followed by a 2-byte read.
 *   00h configuration (POR 4127h; bit 15 = reset)   01h shunt voltage (2.5 µV/bit, signed)
 *   02h bus voltage (1.25 mV/bit, bit 15 always 0)  03h power (25 × Current_LSB per bit)
 *   04h current (Current_LSB per bit, signed)       05h calibration (bit 15 reserved)
 *   06h mask/enable   07h alert limit   FEh manufacturer id = 5449h ("TI")   FFh die id = 2260h
 *
 * Calibration (datasheet eq. 1 and 2):
 *   Current_LSB = max expected current / 2^15,  CAL = 0.00512 / (Current_LSB · R_shunt)
 * done here in integers: Current_LSB in nA (rounded up, so the full range
 * still fits in 15 bits) and R_shunt in µΩ, so
 *   CAL = floor(5.12e12 / (lsbNA · shuntMicroOhm)).
 */
import { fail, SwarmError } from '../../shared/errors';

/** The part of ECMA-419 `embedded:io/i2c` the driver uses. */
export interface I2cBus {
  write(buffer: Uint8Array): void;
  read(byteLength: number): ArrayBuffer;
}

/** Register pointers (datasheet register map). */
export const Ina226Reg = {
  config: 0x00,
  shunt: 0x01,
  bus: 0x02,
  power: 0x03,
  current: 0x04,
  calibration: 0x05,
  maskEnable: 0x06,
  alertLimit: 0x07,
  manufacturerId: 0xfe,
  dieId: 0xff,
} as const;

/** "TI" in ASCII: the manufacturer id register of every TI power monitor. */
export const INA226_MANUFACTURER_ID = 0x5449;
/** Die id of the INA226 (bits 15–4 = device 226h, bits 3–0 = revision 0). */
export const INA226_DIE_ID = 0x2260;

/** Averaging counts the AVG field (bits 11–9) can select. */
const AVERAGES = [1, 4, 16, 64, 128, 256, 512, 1024] as const;
/** Conversion times in µs the VBUSCT/VSHCT fields (bits 8–6, 5–3) can select. */
const CONVERSION_US = [140, 204, 332, 588, 1100, 2116, 4156, 8244] as const;

export interface Ina226Options {
  /** Shunt resistance in µΩ (e.g. 2 mΩ = 2000). */
  shuntMicroOhm: number;
  /** Largest current to measure, mA (either direction). */
  maxCurrentMA: number;
  /** Samples averaged per reading (1, 4, 16 … 1024). Default 16. */
  averages?: number;
  /** Conversion time per channel in µs (140 … 8244). Default 1100. */
  conversionUs?: number;
  /** Accepted die ids; default INA226 only (any revision). */
  dieIds?: readonly number[];
}

export interface Ina226Reading {
  busMV: number;
  /** Signed current through the shunt, mA (positive = IN+ → IN−). */
  currentMA: number;
}

/** Configuration register value for the chosen averaging and conversion time, continuous shunt + bus mode. */
export function configWord(averages: number, conversionUs: number): number {
  const avg = AVERAGES.indexOf(averages as (typeof AVERAGES)[number]);
  const ct = CONVERSION_US.indexOf(conversionUs as (typeof CONVERSION_US)[number]);
  if (avg < 0) fail('E_SENSOR_CONFIG', `averages must be one of ${AVERAGES.join(', ')}`);
  if (ct < 0) fail('E_SENSOR_CONFIG', `conversionUs must be one of ${CONVERSION_US.join(', ')}`);
  // Bit 14 reads as 1 (POR 4127h); mode 111b = shunt and bus, continuous.
  return 0x4000 | (avg << 9) | (ct << 6) | (ct << 3) | 0b111;
}

/** Current_LSB (nA per bit) and CAL for a shunt and maximum current, integers only. */
export function calibrationFor(shuntMicroOhm: number, maxCurrentMA: number): { currentLsbNA: number; cal: number } {
  if (!Number.isSafeInteger(shuntMicroOhm) || shuntMicroOhm < 1 || shuntMicroOhm > 100_000_000) {
    fail('E_SENSOR_CONFIG', 'shuntMicroOhm must be an integer in 1 … 1e8');
  }
  if (!Number.isSafeInteger(maxCurrentMA) || maxCurrentMA < 1 || maxCurrentMA > 1_000_000) {
    fail('E_SENSOR_CONFIG', 'maxCurrentMA must be an integer in 1 … 1e6');
  }
  // max / 2^15 in nA, rounded up so maxCurrentMA still fits the signed 16-bit register.
  const currentLsbNA = Math.ceil((maxCurrentMA * 1_000_000) / 32768);
  const cal = Math.floor(5_120_000_000_000 / (currentLsbNA * shuntMicroOhm));
  if (cal < 1 || cal > 0x7fff) {
    fail('E_SENSOR_CONFIG', `CAL ${cal} outside 1 … 32767: shunt ${shuntMicroOhm} µΩ and max ${maxCurrentMA} mA do not fit the INA226`);
  }
  return { currentLsbNA, cal };
}

/** Integer division rounding half away from zero. */
function roundDiv(n: number, d: number): number {
  const q = Math.floor((Math.abs(n) * 2 + d) / (2 * d));
  return n < 0 ? -q : q;
}

/** INA226 driver: `init()` once, then `read()` per sample. */
export class Ina226 {
  readonly currentLsbNA: number;
  readonly cal: number;
  readonly config: number;
  readonly #bus: I2cBus;
  readonly #dieIds: readonly number[];
  #ready = false;

  constructor(bus: I2cBus, options: Ina226Options) {
    this.#bus = bus;
    const c = calibrationFor(options.shuntMicroOhm, options.maxCurrentMA);
    this.currentLsbNA = c.currentLsbNA;
    this.cal = c.cal;
    this.config = configWord(options.averages ?? 16, options.conversionUs ?? 1100);
    this.#dieIds = options.dieIds ?? [INA226_DIE_ID];
  }

  /**
   * Identify the chip, reset it, write configuration and calibration, and
   * read both back. Throws E_SENSOR_ABSENT (no answer), E_SENSOR_ID (another
   * chip) or E_SENSOR_CONFIG (registers did not take the values).
   */
  init(): void {
    this.#ready = false;
    let maker: number;
    try {
      maker = this.readRegister(Ina226Reg.manufacturerId);
    } catch (e) {
      if (e instanceof SwarmError && e.code === 'E_SENSOR_IO') fail('E_SENSOR_ABSENT', 'no INA226 answers on the bus');
      throw e;
    }
    if (maker !== INA226_MANUFACTURER_ID) fail('E_SENSOR_ID', `manufacturer id ${hex4(maker)}, expected 5449`);
    const die = this.readRegister(Ina226Reg.dieId);
    // The revision nibble may change between silicon revisions: compare the device part.
    if (!this.#dieIds.some((d) => d >> 4 === die >> 4)) fail('E_SENSOR_ID', `die id ${hex4(die)} is not an accepted INA226-class device`);
    this.writeRegister(Ina226Reg.config, 0x8000); // reset: every register back to its POR value
    this.writeRegister(Ina226Reg.config, this.config);
    this.writeRegister(Ina226Reg.calibration, this.cal);
    const config = this.readRegister(Ina226Reg.config);
    const cal = this.readRegister(Ina226Reg.calibration);
    if (config !== this.config || cal !== this.cal) {
      fail('E_SENSOR_CONFIG', `read back config ${hex4(config)} cal ${hex4(cal)}, wrote ${hex4(this.config)} ${hex4(this.cal)}`);
    }
    this.#ready = true;
  }

  /** Bus voltage (mV, 1.25 mV/bit) and signed current (mA, Current_LSB/bit). */
  read(): Ina226Reading {
    if (!this.#ready) fail('E_SENSOR_CONFIG', 'read before init');
    const busRaw = this.readRegister(Ina226Reg.bus) & 0x7fff;
    const curRaw = this.readRegister(Ina226Reg.current);
    const signed = curRaw & 0x8000 ? curRaw - 0x10000 : curRaw;
    return {
      busMV: Math.floor((busRaw * 5 + 2) / 4),
      currentMA: roundDiv(signed * this.currentLsbNA, 1_000_000),
    };
  }

  /** One 16-bit register; I2C failures become E_SENSOR_IO. */
  readRegister(pointer: number): number {
    let bytes: Uint8Array;
    try {
      this.#bus.write(Uint8Array.of(pointer));
      bytes = new Uint8Array(this.#bus.read(2));
    } catch (e) {
      if (e instanceof SwarmError) throw e;
      return fail('E_SENSOR_IO', `reading register ${hex2(pointer)}: ${String(e)}`);
    }
    if (bytes.length !== 2) fail('E_SENSOR_IO', `register ${hex2(pointer)} returned ${bytes.length} bytes`);
    return (bytes[0]! << 8) | bytes[1]!;
  }

  writeRegister(pointer: number, value: number): void {
    try {
      this.#bus.write(Uint8Array.of(pointer, (value >> 8) & 0xff, value & 0xff));
    } catch (e) {
      fail('E_SENSOR_IO', `writing register ${hex2(pointer)}: ${String(e)}`);
    }
  }
}

function hex4(n: number): string {
  return (n + 0x10000).toString(16).slice(-4);
}

function hex2(n: number): string {
  return (n + 0x100).toString(16).slice(-2);
}

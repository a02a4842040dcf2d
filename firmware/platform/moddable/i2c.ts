/**
 * I2C adapter over ECMA-419 `embedded:io/i2c` for the INA226 (one instance
 * per device address; 400 kHz fast mode is within the INA226's rating).
 * The INA226 driver (firmware/meter/ina226) needs only write(bytes) and
 * read(count); the SDK object already has that shape, so this adapter only
 * opens it with the board's pins.
 */
import type { I2cBus } from '../types';
import type { I2cCtor, I2cIo } from './io';

export interface I2cPins {
  data: number;
  clock: number;
  /** 7-bit address (INA226 with A0 = A1 = GND: 0x40). */
  address: number;
  hz?: number;
  port?: number;
}

export const INA226_DEFAULT_ADDRESS = 0x40;

/** An I2C bus handle bound to one device address. */
export function openI2c(I2C: I2cCtor, pins: I2cPins): I2cBus & { close(): void } {
  const options: ConstructorParameters<I2cCtor>[0] = { data: pins.data, clock: pins.clock, hz: pins.hz ?? 400_000, address: pins.address };
  if (pins.port !== undefined) options.port = pins.port;
  const io: I2cIo = new I2C(options);
  return {
    write: (bytes: Uint8Array) => io.write(bytes),
    read: (byteLength: number) => io.read(byteLength),
    close: () => io.close(),
  };
}

/**
 * UART adapter over ECMA-419 `embedded:io/serial` for VE.Direct
 * (19 200 baud, 8N1, no flow control).
 *
 * There is no software receive buffer on the ESP32: the RX FIFO holds
 * 128 bytes, about 65 ms at 19 200 baud. So every `onReadable` drains the
 * FIFO completely and hands each chunk to the listener at once; the listener
 * (the VE.Direct parser's `push`) must return quickly. UART 0 belongs to
 * xsbug/serial2xsbug: ports 1 and 2 only.
 */
import type { SerialPort } from '../types';
import type { SerialCtor, SerialIo } from './io';

export interface UartPins {
  /** 1 or 2 (0 is the debugger's). */
  port: number;
  receive: number;
  transmit?: number;
  baud?: number;
}

/** VE.Direct's line speed (VE.Direct Protocol, "Physical layer"). */
export const VEDIRECT_BAUD = 19200;

/** Open a UART; `listener` gets every received chunk. Throws on port 0. */
export function openSerial(Serial: SerialCtor, pins: UartPins): SerialPort {
  if (pins.port !== 1 && pins.port !== 2) throw new Error(`serial: port ${pins.port} is not 1 or 2 (UART 0 is xsbug's)`);
  return new UartPort(Serial, pins);
}

class UartPort implements SerialPort {
  readonly #io: SerialIo;
  #listener: ((bytes: Uint8Array) => void) | undefined;
  /** TX FIFO room reported by the last onWritable. */
  #writable = 0;

  constructor(Serial: SerialCtor, pins: UartPins) {
    const port = this;
    const options: ConstructorParameters<SerialCtor>[0] = {
      port: pins.port,
      receive: pins.receive,
      baud: pins.baud ?? VEDIRECT_BAUD,
      format: 'buffer',
      onReadable() {
        port.#drain();
      },
      onWritable(count: number) {
        port.#writable = count;
      },
    };
    if (pins.transmit !== undefined) options.transmit = pins.transmit;
    this.#io = new Serial(options);
  }

  #drain(): void {
    // read() with no argument takes everything in the FIFO; loop in case
    // more arrived while the listener ran.
    for (let chunk = this.#io.read(); chunk !== undefined && chunk.byteLength > 0; chunk = this.#io.read()) {
      this.#listener?.(new Uint8Array(chunk));
    }
  }

  onBytes(listener: (bytes: Uint8Array) => void): void {
    this.#listener = listener;
  }

  write(bytes: Uint8Array): number {
    if (bytes.length === 0 || bytes.length > this.#writable) return 0;
    this.#io.write(bytes);
    this.#writable -= bytes.length;
    return bytes.length;
  }

  close(): void {
    this.#listener = undefined;
    this.#io.close();
  }
}

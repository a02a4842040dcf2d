/**
 * Relay coils and contact read-back over ECMA-419 `embedded:io/digital`.
 *
 * - Outputs are configured with `initialValue` = "off" so that neither coil
 *   pulses while the pin is set up at boot (the house stays autonomous).
 * - An output cannot be read back on the ESP32, so the commanded state is
 *   kept here; the real contact state comes from separate inputs wired to
 *   the relays' auxiliary contacts (pull-up, contact to ground: closed = 0).
 * - The interlock (firmware/coupling/interlock) is the only caller of
 *   `write`; this adapter adds a last line of defence and refuses on-on.
 */
import type { ReadBackInputs, RelayOutputs } from '../types';
import type { DigitalCtor, DigitalIo } from './io';

export interface RelayPins {
  rl1: number;
  rl2: number;
  /** True when the driver energises the coil on a low level (many relay modules). */
  activeLow?: boolean;
}

export interface ReadBackPins {
  rl1: number;
  rl2: number;
  /** True (default) when a closed contact pulls the input low against the pull-up. */
  closedLow?: boolean;
}

/** The two coils; the commanded state is readable from `rl1`/`rl2`. */
export class DigitalRelays implements RelayOutputs {
  readonly #rl1: DigitalIo;
  readonly #rl2: DigitalIo;
  readonly #off: 0 | 1;
  #state = { rl1: false, rl2: false };

  constructor(Digital: DigitalCtor, pins: RelayPins) {
    if (pins.rl1 === pins.rl2) throw new Error('relays: RL1 and RL2 need two different pins');
    this.#off = pins.activeLow ? 1 : 0;
    this.#rl1 = new Digital({ pin: pins.rl1, mode: Digital.Output, initialValue: this.#off });
    this.#rl2 = new Digital({ pin: pins.rl2, mode: Digital.Output, initialValue: this.#off });
  }

  get rl1(): boolean {
    return this.#state.rl1;
  }

  get rl2(): boolean {
    return this.#state.rl2;
  }

  write(rl1: boolean, rl2: boolean): void {
    if (rl1 && rl2) {
      // Never reached through the interlock; open both rather than obey.
      rl1 = false;
      rl2 = false;
    }
    const on: 0 | 1 = this.#off ? 0 : 1;
    // Open before close, within this one call, so the two are never on together.
    if (!rl1) this.#rl1.write(this.#off);
    if (!rl2) this.#rl2.write(this.#off);
    if (rl1) this.#rl1.write(on);
    if (rl2) this.#rl2.write(on);
    this.#state = { rl1, rl2 };
  }

  close(): void {
    this.write(false, false);
    this.#rl1.close();
    this.#rl2.close();
  }
}

/** Auxiliary-contact inputs with the internal pull-ups enabled. */
export class DigitalReadBack implements ReadBackInputs {
  readonly #rl1: DigitalIo;
  readonly #rl2: DigitalIo;
  readonly #closed: 0 | 1;

  constructor(Digital: DigitalCtor, pins: ReadBackPins) {
    this.#closed = pins.closedLow === false ? 1 : 0;
    this.#rl1 = new Digital({ pin: pins.rl1, mode: Digital.InputPullUp });
    this.#rl2 = new Digital({ pin: pins.rl2, mode: Digital.InputPullUp });
  }

  read(): { rl1: boolean; rl2: boolean } {
    return { rl1: this.#rl1.read() === this.#closed, rl2: this.#rl2.read() === this.#closed };
  }

  close(): void {
    this.#rl1.close();
    this.#rl2.close();
  }
}

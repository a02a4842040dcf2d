/**
 * Relay driver for ECMA-419 digital IO (Moddable `embedded:io/digital`).
 *
 * The Digital class is injected (the device passes the real one; tests pass
 * a fake), so this file has no platform import and the conformance suite
 * runs against it on Node and XS. Outputs are opened with `initialValue`-
 * equivalent behaviour: both coils are written off immediately at
 * construction so the relays do not glitch at boot. On `write`, a coil that
 * opens is written BEFORE a coil that closes (the interlock already spaced
 * them by the dead time; this keeps even a single write ordered safely).
 */
import { fail } from '../../shared/errors';
import type { RelayOutputs, RelayReadBack } from './interlock';

/** The subset of ECMA-419 Digital this driver uses. */
export interface DigitalPin {
  write(value: 0 | 1): void;
  read(): 0 | 1;
  close(): void;
}

export interface DigitalClass {
  new (options: { pin: number; mode: unknown }): DigitalPin;
  readonly Output: unknown;
  readonly Input: unknown;
  readonly InputPullUp: unknown;
}

export interface RelayPins {
  rl1: number;
  rl2: number;
  /** Contact read-back inputs (optional on a board without them). */
  rl1Sense?: number;
  rl2Sense?: number;
  /** Coil driven by a high level (default true). */
  activeHigh?: boolean;
  /** Sense input reads high when the contact is closed (default true). */
  senseActiveHigh?: boolean;
}

/** A relay driver: coils plus optional read-back. */
export interface RelayDriver extends RelayOutputs {
  /** Contact state, or null when the board has no sense inputs. */
  readBack(): RelayReadBack | null;
  close(): void;
}

export class DigitalRelays implements RelayDriver {
  private readonly c1: DigitalPin;
  private readonly c2: DigitalPin;
  private readonly s1: DigitalPin | null;
  private readonly s2: DigitalPin | null;
  private readonly on: 0 | 1;
  private readonly senseOn: 0 | 1;
  private state1 = false;
  private state2 = false;

  constructor(Digital: DigitalClass, pins: RelayPins) {
    const okPin = (p: unknown) => typeof p === 'number' && Number.isInteger(p) && p >= 0;
    if (!okPin(pins.rl1) || !okPin(pins.rl2) || pins.rl1 === pins.rl2) fail('E_RELAY_CONFIG', 'rl1 and rl2 need two distinct pin numbers');
    if ((pins.rl1Sense === undefined) !== (pins.rl2Sense === undefined)) fail('E_RELAY_CONFIG', 'give both sense pins or none');
    this.on = pins.activeHigh === false ? 0 : 1;
    this.senseOn = pins.senseActiveHigh === false ? 0 : 1;
    const off = this.on === 1 ? 0 : 1;
    this.c1 = new Digital({ pin: pins.rl1, mode: Digital.Output });
    this.c1.write(off);
    this.c2 = new Digital({ pin: pins.rl2, mode: Digital.Output });
    this.c2.write(off);
    this.s1 = pins.rl1Sense === undefined ? null : new Digital({ pin: pins.rl1Sense, mode: Digital.Input });
    this.s2 = pins.rl2Sense === undefined ? null : new Digital({ pin: pins.rl2Sense, mode: Digital.Input });
  }

  write(rl1: boolean, rl2: boolean): void {
    if (rl1 && rl2) fail('E_RELAY_CONFIG', 'on-on requested from the relay driver'); // unreachable through the interlock
    const level = (v: boolean): 0 | 1 => (v ? this.on : this.on === 1 ? 0 : 1);
    // open first, then close
    if (!rl1 && this.state1) this.c1.write(level(false));
    if (!rl2 && this.state2) this.c2.write(level(false));
    if (rl1 && !this.state1) this.c1.write(level(true));
    if (rl2 && !this.state2) this.c2.write(level(true));
    this.state1 = rl1;
    this.state2 = rl2;
  }

  readBack(): RelayReadBack | null {
    if (!this.s1 || !this.s2) return null;
    return { rl1: this.s1.read() === this.senseOn, rl2: this.s2.read() === this.senseOn };
  }

  close(): void {
    this.write(false, false);
    this.c1.close();
    this.c2.close();
    this.s1?.close();
    this.s2?.close();
  }
}

/** An in-memory relay driver with ideal contacts (testbed, tests). */
export class FakeRelays implements RelayDriver {
  rl1 = false;
  rl2 = false;
  /** Every write in order, as "10"-style strings. */
  readonly log: string[] = [];
  /** Force a stuck contact: null = follows the coil. */
  stuck: { rl1: boolean | null; rl2: boolean | null } = { rl1: null, rl2: null };

  write(rl1: boolean, rl2: boolean): void {
    if (rl1 && rl2) fail('E_RELAY_CONFIG', 'on-on requested from the relay driver');
    this.rl1 = rl1;
    this.rl2 = rl2;
    this.log.push(`${rl1 ? 1 : 0}${rl2 ? 1 : 0}`);
  }

  readBack(): RelayReadBack {
    return { rl1: this.stuck.rl1 ?? this.rl1, rl2: this.stuck.rl2 ?? this.rl2 };
  }

  close(): void {
    this.write(false, false);
  }
}

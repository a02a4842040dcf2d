/**
 * Coupling device: RL1 (house → bus, through a diode: energy only leaves
 * the house on this path) and RL2 (bus → the house's secondary loads).
 * The firmware drives the coils; the contacts follow after a settle delay
 * and are read back on separate inputs, as on the real board. A contact can
 * be made to stick (welded closed or stuck open) to test the firmware's
 * read-back checks.
 *
 * This model does NOT enforce "RL1 and RL2 never on together" — that is the
 * firmware's interlock. If both contacts are closed it counts the time in
 * `bothClosedMs` so a test can prove the interlock held.
 */
export type RelayName = 'rl1' | 'rl2';
export type StuckState = 'open' | 'closed';

export interface CouplingOptions {
  /** Time for a contact to follow its coil, ms (default 20). */
  settleMs?: number;
}

interface Relay {
  coil: boolean;
  contact: boolean;
  /** Simulated ms since the coil last changed while the contact differs. */
  pendingMs: number;
  stuck: StuckState | null;
}

export class CouplingDevice {
  readonly settleMs: number;
  private readonly relays: Record<RelayName, Relay> = {
    rl1: { coil: false, contact: false, pendingMs: 0, stuck: null },
    rl2: { coil: false, contact: false, pendingMs: 0, stuck: null },
  };
  /** Total simulated ms with both contacts closed (should stay 0). */
  bothClosedMs = 0;

  constructor(options: CouplingOptions = {}) {
    this.settleMs = options.settleMs ?? 20;
  }

  /** Drive one coil (what the firmware's GPIO does). */
  set(relay: RelayName, on: boolean): void {
    const r = this.relays[relay];
    if (r.coil !== on) {
      r.coil = on;
      r.pendingMs = 0;
    }
  }

  /** Drive both coils at once. */
  command(rl1: boolean, rl2: boolean): void {
    this.set('rl1', rl1);
    this.set('rl2', rl2);
  }

  /** Commanded coil states. */
  coils(): { rl1: boolean; rl2: boolean } {
    return { rl1: this.relays.rl1.coil, rl2: this.relays.rl2.coil };
  }

  /** Contact read-back (what the firmware's input pins see). */
  contacts(): { rl1: boolean; rl2: boolean } {
    return { rl1: this.relays.rl1.contact, rl2: this.relays.rl2.contact };
  }

  /** Make a contact stick open or closed (null releases it). */
  injectStuck(relay: RelayName, state: StuckState | null): void {
    const r = this.relays[relay];
    r.stuck = state;
    if (state) r.contact = state === 'closed';
  }

  /** Advance the contacts by `dtMs` of simulated time. */
  step(dtMs: number): void {
    for (const r of [this.relays.rl1, this.relays.rl2]) {
      if (r.stuck) {
        r.contact = r.stuck === 'closed';
        continue;
      }
      if (r.contact === r.coil) continue;
      r.pendingMs += dtMs;
      if (r.pendingMs >= this.settleMs) r.contact = r.coil;
    }
    if (this.relays.rl1.contact && this.relays.rl2.contact) this.bothClosedMs += dtMs;
  }
}

/**
 * The relay interlock: the ONE place that commands RL1 (house → bus,
 * Prosumer) and RL2 (bus → secondary loads, Consumer).
 *
 * Why it looks like this:
 * - RL1 and RL2 closed together would feed the bus back into the house's own
 *   secondary loads through the coupling and defeat the export diode's
 *   purpose; the architecture forbids it outright. Every write goes through
 *   {@link Interlock.drive}, which refuses on-on whatever the caller asked.
 * - Relays are slow and bounce: opening RL1 and closing RL2 in the same
 *   instant may leave both contacts touching for a few ms. So switching is
 *   break-before-make: open first, wait `deadTimeMs` (≥ 100 ms), then close.
 *   The dead time also applies after boot and after a fault clears.
 * - ESP32 outputs cannot be read back (`read()` on an output throws), so the
 *   commanded state lives here. Contact read-back inputs (when the board has
 *   them) are compared with it once `settleMs` has passed since the last
 *   write; a mismatch is {@link InterlockFault} `E_RELAY_READBACK`: both
 *   relays are forced open and the fault latches until {@link Interlock.clearFault}.
 *
 * Time is an input (`nowMs`); the driver is injected. Pure apart from the
 * driver call.
 */
import { fail } from '../../shared/errors';

/** What the interlock drives: the two relay coils (one write sets both). */
export interface RelayOutputs {
  /** Set the coils. Never called with `rl1 && rl2`. */
  write(rl1: boolean, rl2: boolean): void;
}

/** Contact read-back (true = contact closed). */
export interface RelayReadBack {
  rl1: boolean;
  rl2: boolean;
}

/** Which relay the caller wants closed. */
export type RelayTarget = 'none' | 'rl1' | 'rl2';

export interface InterlockConfig {
  /** Break-before-make gap between one relay opening and the other closing (≥ 100). */
  deadTimeMs: number;
  /** Time after a write before read-back is trusted (contact travel + bounce). */
  settleMs: number;
}

export const DEFAULT_INTERLOCK_CONFIG: InterlockConfig = { deadTimeMs: 150, settleMs: 50 };

/** A latched relay fault. */
export interface InterlockFault {
  code: 'E_RELAY_READBACK';
  atMs: number;
  detail: string;
}

/** Commanded state as the interlock last wrote it. */
export interface InterlockState {
  rl1: boolean;
  rl2: boolean;
  target: RelayTarget;
  fault: InterlockFault | null;
}

/** Minimum dead time the interlock accepts, whatever the configuration asks. */
export const MIN_DEAD_TIME_MS = 100;

function checkConfig(c: InterlockConfig): void {
  if (!Number.isSafeInteger(c.deadTimeMs) || c.deadTimeMs < MIN_DEAD_TIME_MS || c.deadTimeMs > 60_000)
    fail('E_RELAY_CONFIG', `deadTimeMs must be an integer in ${MIN_DEAD_TIME_MS}..60000`);
  if (!Number.isSafeInteger(c.settleMs) || c.settleMs < 0 || c.settleMs > 60_000)
    fail('E_RELAY_CONFIG', 'settleMs must be an integer in 0..60000');
}

/**
 * Break-before-make relay interlock with read-back supervision.
 *
 * Usage: `command(target, nowMs)` records the wish (and acts at once when it
 * can); `tick(nowMs, readBack?)` must be called periodically (every control
 * step, ≤ the dead time) to finish pending switching and check read-back.
 */
export class Interlock {
  private readonly out: RelayOutputs;
  private readonly cfg: InterlockConfig;
  private rl1 = false;
  private rl2 = false;
  private want: RelayTarget = 'none';
  /** When each relay was last commanded open (a closed relay: +Infinity is never used; see openSince). */
  private rl1OpenSince: number;
  private rl2OpenSince: number;
  private lastWriteMs: number;
  private latched: InterlockFault | null = null;

  /** Writes both-open at once (boot state), so the dead time also guards boot. */
  constructor(outputs: RelayOutputs, nowMs: number, config: InterlockConfig = DEFAULT_INTERLOCK_CONFIG) {
    checkConfig(config);
    this.out = outputs;
    this.cfg = { deadTimeMs: config.deadTimeMs, settleMs: config.settleMs };
    this.rl1OpenSince = nowMs;
    this.rl2OpenSince = nowMs;
    this.lastWriteMs = nowMs;
    this.out.write(false, false);
  }

  /** Commanded state (what the coils were last told), the wish and any latched fault. */
  get state(): InterlockState {
    return { rl1: this.rl1, rl2: this.rl2, target: this.want, fault: this.latched };
  }

  get fault(): InterlockFault | null {
    return this.latched;
  }

  /**
   * Ask for one relay closed (or none). Opening happens at once; closing
   * waits for the other relay's dead time (finished by a later `tick`).
   * Returns false (and changes nothing) while a fault is latched, except
   * for 'none' which is always accepted.
   */
  command(target: RelayTarget, nowMs: number): boolean {
    if (this.latched && target !== 'none') return false;
    this.want = target;
    this.advance(nowMs);
    return true;
  }

  /** Like {@link command} but throws `E_RELAY_LATCHED` instead of returning false. */
  require(target: RelayTarget, nowMs: number): void {
    if (!this.command(target, nowMs)) fail('E_RELAY_LATCHED', `cannot close ${target}: ${this.latched?.code ?? ''} latched`);
  }

  /** Open both relays now (fail-safe path); the wish becomes 'none'. */
  forceOpen(nowMs: number): void {
    this.want = 'none';
    this.drive(false, false, nowMs);
  }

  /**
   * Advance pending switching and supervise read-back. Returns the fault
   * raised by this tick, if any (a latched fault is reported once).
   */
  tick(nowMs: number, readBack?: RelayReadBack): InterlockFault | null {
    let raised: InterlockFault | null = null;
    if (readBack && !this.latched && nowMs - this.lastWriteMs >= this.cfg.settleMs) {
      if (readBack.rl1 !== this.rl1 || readBack.rl2 !== this.rl2) {
        raised = {
          code: 'E_RELAY_READBACK',
          atMs: nowMs,
          detail: `commanded rl1=${this.rl1 ? 1 : 0} rl2=${this.rl2 ? 1 : 0}, read rl1=${readBack.rl1 ? 1 : 0} rl2=${readBack.rl2 ? 1 : 0}`,
        };
        this.latched = raised;
        this.forceOpen(nowMs);
        return raised;
      }
    }
    this.advance(nowMs);
    return raised;
  }

  /**
   * Clear a latched fault (an operator action or the supervisor after the
   * contacts read back open). Relays stay open; the dead time restarts.
   */
  clearFault(nowMs: number): void {
    if (!this.latched) return;
    this.latched = null;
    this.want = 'none';
    this.drive(false, false, nowMs);
    this.rl1OpenSince = nowMs;
    this.rl2OpenSince = nowMs;
  }

  /** Move the commanded state one safe step toward the wish. */
  private advance(nowMs: number): void {
    const w = this.want;
    if (w === 'none') {
      if (this.rl1 || this.rl2) this.drive(false, false, nowMs);
      return;
    }
    if (w === 'rl1') {
      if (this.rl2) {
        this.drive(false, false, nowMs); // break first
        return;
      }
      if (!this.rl1 && nowMs - this.rl2OpenSince >= this.cfg.deadTimeMs) this.drive(true, false, nowMs);
      return;
    }
    if (this.rl1) {
      this.drive(false, false, nowMs);
      return;
    }
    if (!this.rl2 && nowMs - this.rl1OpenSince >= this.cfg.deadTimeMs) this.drive(false, true, nowMs);
  }

  /**
   * The single function through which every relay write passes. On-on is
   * impossible by construction here: such a request (a bug upstream) opens
   * both instead. A relay that closes is only closed if the other one has
   * been commanded open for the dead time (re-checked here, not trusted
   * from the caller).
   */
  private drive(rl1: boolean, rl2: boolean, nowMs: number): void {
    if (rl1 && rl2) {
      rl1 = false;
      rl2 = false;
    }
    if (rl1 && !this.rl1 && (this.rl2 || nowMs - this.rl2OpenSince < this.cfg.deadTimeMs)) rl1 = false;
    if (rl2 && !this.rl2 && (this.rl1 || nowMs - this.rl1OpenSince < this.cfg.deadTimeMs)) rl2 = false;
    if (rl1 === this.rl1 && rl2 === this.rl2) return;
    if (this.rl1 && !rl1) this.rl1OpenSince = nowMs;
    if (this.rl2 && !rl2) this.rl2OpenSince = nowMs;
    this.rl1 = rl1;
    this.rl2 = rl2;
    this.lastWriteMs = nowMs;
    this.out.write(rl1, rl2);
  }
}

/**
 * Fail-safe supervisor (architecture rule 5): any doubt puts the house in
 * Autonomous — both relays open — and emits a fault with a stable code.
 *
 * Conditions watched:
 * - E_VED_STALE: no valid VE.Direct block for `vedStaleMs` (default 5 s);
 *   without fresh battery data the SOC limits cannot be enforced.
 * - E_RELAY_READBACK: the interlock saw a contact disagree with its command.
 * - E_REVERSE_CURRENT: the meter saw bus → house current while exporting
 *   (failed diode).
 * - E_CONTRACT_INVALID: a contract failed verification (maybe forged).
 * - E_BROKER_LOST: the broker has been unreachable beyond the running
 *   window's end (and a grace period): the window itself always ends by the
 *   local clock, but no new trading happens without the hub.
 *
 * Timed conditions are edge-triggered (one fault per episode, re-armed when
 * the condition clears) and hold `healthy` false while they last; event
 * conditions emit every time. Every fault calls the injected
 * {@link SafeState.enterAutonomous} before it is returned.
 */
import type { Interlock } from './interlock';
import type { WindowEvent, WindowExecutor } from './window';

export type FaultCode = 'E_VED_STALE' | 'E_RELAY_READBACK' | 'E_REVERSE_CURRENT' | 'E_CONTRACT_INVALID' | 'E_BROKER_LOST';

export interface Fault {
  code: FaultCode;
  atMs: number;
  detail: string;
}

/** What the supervisor asks of the node when a fault happens. */
export interface SafeState {
  enterAutonomous(fault: Fault): void;
}

export interface FailsafeConfig {
  vedStaleMs: number;
  /** How long a lost broker is tolerated when no window runs longer. */
  brokerGraceMs: number;
}

export const DEFAULT_FAILSAFE_CONFIG: FailsafeConfig = { vedStaleMs: 5000, brokerGraceMs: 30_000 };

export class FailsafeSupervisor {
  private readonly safe: SafeState;
  private readonly cfg: FailsafeConfig;
  private lastVedMs: number;
  private vedStale = false;
  private brokerLostAt: number | null = null;
  private brokerFaulted = false;
  private windowEndMs: number | null = null;

  /** The clock starts at construction: no VE.Direct block within vedStaleMs of boot is a fault too. */
  constructor(safe: SafeState, nowMs: number, config: FailsafeConfig = DEFAULT_FAILSAFE_CONFIG) {
    this.safe = safe;
    this.cfg = { ...config };
    this.lastVedMs = nowMs;
  }

  /** False while a timed condition (stale VE.Direct, lost broker) lasts. */
  get healthy(): boolean {
    return !this.vedStale && !this.brokerFaulted;
  }

  /** A VE.Direct block passed its checksum. */
  vedirectBlock(atMs: number): void {
    if (atMs > this.lastVedMs) this.lastVedMs = atMs;
    this.vedStale = false;
  }

  brokerConnected(): void {
    this.brokerLostAt = null;
    this.brokerFaulted = false;
  }

  brokerLost(atMs: number): void {
    if (this.brokerLostAt === null) this.brokerLostAt = atMs;
  }

  /** End of the running delivery window (WindowExecutor.currentEndMs), or null. */
  setWindowEnd(endMs: number | null): void {
    this.windowEndMs = endMs;
  }

  relayReadback(atMs: number, detail: string): Fault {
    return this.raise({ code: 'E_RELAY_READBACK', atMs, detail });
  }

  reverseCurrent(atMs: number, detail: string): Fault {
    return this.raise({ code: 'E_REVERSE_CURRENT', atMs, detail });
  }

  contractInvalid(atMs: number, detail: string): Fault {
    return this.raise({ code: 'E_CONTRACT_INVALID', atMs, detail });
  }

  /** Check the timed conditions; returns the faults raised now. */
  tick(nowMs: number): Fault[] {
    const out: Fault[] = [];
    if (!this.vedStale && nowMs - this.lastVedMs > this.cfg.vedStaleMs) {
      this.vedStale = true;
      out.push(this.raise({ code: 'E_VED_STALE', atMs: nowMs, detail: `no valid VE.Direct block for ${nowMs - this.lastVedMs} ms` }));
    }
    if (this.brokerLostAt !== null && !this.brokerFaulted) {
      const graceEnd = this.brokerLostAt + this.cfg.brokerGraceMs;
      const deadline = this.windowEndMs !== null && this.windowEndMs > graceEnd ? this.windowEndMs : graceEnd;
      if (nowMs >= deadline) {
        this.brokerFaulted = true;
        out.push(this.raise({ code: 'E_BROKER_LOST', atMs: nowMs, detail: `broker unreachable since ${this.brokerLostAt}` }));
      }
    }
    return out;
  }

  private raise(f: Fault): Fault {
    this.safe.enterAutonomous(f);
    return f;
  }
}

/**
 * The usual {@link SafeState}: open both relays and abort every window.
 * `onEvents` receives the executor's stop/skip events (for reporting);
 * the HEMTS glue should also cancel open orders on a fault.
 */
export function relaySafeState(interlock: Interlock, executor: WindowExecutor, onEvents?: (ev: WindowEvent[], fault: Fault) => void): SafeState {
  return {
    enterAutonomous(fault: Fault): void {
      const ev = executor.abort(fault.atMs);
      interlock.forceOpen(fault.atMs);
      if (onEvents) onEvents(ev, fault);
    },
  };
}

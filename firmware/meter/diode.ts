/**
 * Diode-direction check. In Prosumer mode RL1 connects the house to the bus
 * through a diode, so current may only flow house → bus (positive
 * `currentMA`, see integrator.ts). Current bus → house beyond
 * `reverseThresholdMA` for at least `debounceMs` means the diode is shorted
 * or wired backwards: the check latches E_REVERSE_CURRENT, which the coupling
 * node acts on (both relays open, ARCHITECTURE rule 5). The latch survives
 * mode changes and only `clear()` releases it.
 */
import { fail } from '../../shared/errors';

/** Coupling modes as the meter sees them (RL1 on = prosumer, RL2 on = consumer). */
export type MeterMode = 'autonomous' | 'prosumer' | 'consumer';

export const METER_MODES: readonly MeterMode[] = ['autonomous', 'prosumer', 'consumer'];

export interface DiodeConfig {
  /** Reverse current (mA, positive number) tolerated as noise. Default 50. */
  reverseThresholdMA: number;
  /** How long the reverse current must last, ms. Default 2000. */
  debounceMs: number;
}

export const DEFAULT_DIODE: DiodeConfig = { reverseThresholdMA: 50, debounceMs: 2000 };

export class DiodeCheck {
  readonly config: DiodeConfig;
  #reverseSinceMs: number | null = null;
  #faulted: boolean;

  constructor(config: Partial<DiodeConfig> = {}, faulted = false) {
    this.config = { ...DEFAULT_DIODE, ...config };
    const c = this.config;
    if (!Number.isInteger(c.reverseThresholdMA) || c.reverseThresholdMA < 0) fail('E_METER_CONFIG', 'reverseThresholdMA must be an integer ≥ 0');
    if (!Number.isInteger(c.debounceMs) || c.debounceMs < 0) fail('E_METER_CONFIG', 'debounceMs must be an integer ≥ 0');
    this.#faulted = faulted;
  }

  /**
   * Feed one sample. Returns true exactly once: on the sample that latches
   * the fault. Outside Prosumer mode reverse current is expected (Consumer)
   * or impossible (Autonomous), so the debounce restarts.
   */
  check(atMs: number, currentMA: number, mode: MeterMode): boolean {
    if (mode !== 'prosumer' || currentMA >= -this.config.reverseThresholdMA) {
      this.#reverseSinceMs = null;
      return false;
    }
    if (this.#faulted) return false;
    if (this.#reverseSinceMs === null || atMs < this.#reverseSinceMs) this.#reverseSinceMs = atMs;
    if (atMs - this.#reverseSinceMs >= this.config.debounceMs) {
      this.#faulted = true;
      return true;
    }
    return false;
  }

  /** True while E_REVERSE_CURRENT is latched. */
  get faulted(): boolean {
    return this.#faulted;
  }

  /** Release the latch (an explicit operator or coupling-node decision). */
  clear(): void {
    this.#faulted = false;
    this.#reverseSinceMs = null;
  }
}

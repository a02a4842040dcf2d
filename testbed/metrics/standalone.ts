/**
 * Standalone day: every house autonomous (RL1 and RL2 open), stepped with
 * the physical models through one day, then the KPIs.
 */
import type { Scenario } from '../scenario/types';
import { Village, type VillageOptions } from '../models/village';
import { computeMetrics, type DayMetrics } from './metrics';
import type { VillageLog } from './log';

export interface StandaloneResult {
  log: VillageLog;
  metrics: DayMetrics;
  /** Per house, PV in − (served + Δbattery + losses + sent − received), µJ (0 = conserved). */
  balanceUJ: Record<string, number>;
}

export function simulateStandalone(scenario: Scenario, options: VillageOptions & { dtMs?: number } = {}): StandaloneResult {
  const { dtMs = 1000, ...villageOptions } = options;
  const village = new Village(scenario, villageOptions);
  village.runDay(dtMs);
  const log = village.log();
  const balanceUJ: Record<string, number> = {};
  for (const h of village.houses) balanceUJ[h.id] = h.balanceUJ();
  return { log, metrics: computeMetrics(log), balanceUJ };
}

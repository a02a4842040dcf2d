/**
 * Typed view of the scenario format `shs-p2p-scenario/1`
 * (`/work/shared/scenarios/README.md`; example `testbed/scenarios/paper-two-house.json`).
 * Energies in the file are watt-hours (floats) at real scale; windows are
 * [startMinute, endMinute) in the day; hour index h is [h:00, h+1:00).
 */
export const SCENARIO_SCHEMA = 'shs-p2p-scenario/1';

export type LoadKind = 'primary' | 'secondary';

export interface ScenarioLoad {
  name: string;
  kind: LoadKind;
  powerW: number;
  number: number;
  /** [startMinute, endMinute) pairs, 0 ≤ start < end ≤ 1440, not overlapping. */
  windows: [number, number][];
}

export interface ScenarioPv {
  peakW: number;
  /** 24 hourly energies at the array (before η_SHSD), Wh. */
  hourlyWh: number[];
  derivation?: Record<string, unknown>;
}

export type BatteryChemistry = 'lead-acid' | 'lifepo4';

export interface ScenarioBattery {
  voltage: number;
  capacityAh: number;
  initialSoc: number;
  minSoc: number;
  /** Extension (optional): the open-circuit-voltage curve to use; default lead-acid. */
  chemistry?: BatteryChemistry;
}

export interface ScenarioDerived {
  pvDailyWh: number;
  primaryHourlyWh: number[];
  secondaryHourlyWh: number[];
}

export interface ScenarioHousehold {
  id: string;
  role?: string;
  pv?: ScenarioPv;
  battery?: ScenarioBattery;
  loads: ScenarioLoad[];
  dailyDemandWh: number;
  derived?: ScenarioDerived;
}

export interface ScenarioEfficiency {
  /** η_SHSD (eq. 5): PV → loads through the charge controller. */
  shsDirect: number;
  batteryDischarge: number;
  batteryCharge: number;
  /** Coupling diode + relays + bus cable between two houses. */
  link: number;
  notes?: string;
}

export interface ScenarioHemts {
  socP: number;
  socPmin: number;
  socC: number;
  socCmax: number;
  offerThresholdWh: number;
  requestThresholdWh: number;
  [rule: string]: unknown;
}

export interface Scenario {
  schema: typeof SCENARIO_SCHEMA;
  name: string;
  description?: string;
  time: { stepMin: 60; steps: 24; [k: string]: unknown };
  efficiency: ScenarioEfficiency;
  market: { priceUnitsPerKWh: number; [k: string]: unknown };
  hemts: ScenarioHemts;
  model?: Record<string, string>;
  households: ScenarioHousehold[];
  /** Reference figures; free-form (see the README). */
  expected?: Record<string, unknown>;
  [k: string]: unknown;
}

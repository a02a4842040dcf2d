/**
 * The log metrics are computed from: per household, one entry per interval
 * of `stepMin` minutes (60 for the hourly reference, finer if wanted), plus
 * the battery SOC at every interval boundary. Energies in Wh (floats).
 */
export interface HouseLog {
  id: string;
  /** PV energy at the array. */
  pvWh: number[];
  primaryDemandWh: number[];
  secondaryDemandWh: number[];
  /** Load not served (own output short, or bus short while on RL2). */
  unservedWh: number[];
  /** PV not harvested, PV-side Wh (curtailed useful energy / η_SHSD). */
  wastedPvWh: number[];
  /** Energy leaving the house through RL1 (at its coupling point). */
  sentWh: number[];
  /** Energy reaching the house's loads from the bus (at its coupling point). */
  receivedWh: number[];
  /** SOC 0..1 at each boundary (intervals + 1 values); null without a battery. */
  soc: number[] | null;
}

export interface VillageLog {
  /** Minutes per interval (a divisor of 60). */
  stepMin: number;
  /** η_SHSD (eq. 7 counts sent energy in PV terms: sent / η_SHSD). */
  shsDirect: number;
  /** Link efficiency: a seller's sent energy × link is what its buyers received. */
  link: number;
  priceUnitsPerKWh: number;
  households: HouseLog[];
}

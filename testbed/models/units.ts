/**
 * Units of the physical models. Energies inside the models are integer
 * microjoules (µJ, suffix `UJ`): a power in milliwatts times a duration in
 * milliseconds is exactly µJ, so every step's energy is an integer and the
 * balance of a house closes to the last µJ. Readings leave the models in the
 * project's units (`…MWh` milliwatt-hours, `…MV`, `…MA`, `…MW`).
 */

/** µJ in one milliwatt-hour (3.6 J). */
export const UJ_PER_MWH = 3_600_000;
/** µJ in one watt-hour (3 600 J). */
export const UJ_PER_WH = 3_600_000_000;
/** Milliseconds in an hour and in a day. */
export const MS_PER_HOUR = 3_600_000;
export const MS_PER_DAY = 86_400_000;
export const MS_PER_MIN = 60_000;

/** Watt-hours (float) → µJ (integer). */
export function whToUJ(wh: number): number {
  return Math.round(wh * UJ_PER_WH);
}

/** µJ → watt-hours (float). */
export function uJToWh(uJ: number): number {
  return uJ / UJ_PER_WH;
}

/** µJ → integer milliwatt-hours (rounded half up). */
export function uJToMWh(uJ: number): number {
  return Math.round(uJ / UJ_PER_MWH);
}

/** Average power in mW of `uJ` over `dtMs` (0 when dtMs is 0). */
export function powerMW(uJ: number, dtMs: number): number {
  return dtMs > 0 ? uJ / dtMs : 0;
}

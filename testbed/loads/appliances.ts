/**
 * Appliance templates for DC solar-home-system households, described the
 * way LoadProGen (Mandelli et al. 2016) and RAMP (Lombardi et al. 2019) take
 * their inputs: power, how many a household owns, functioning windows,
 * total daily functioning time with a random variation, a minimum
 * functioning cycle, a random variation of the windows, and a probability
 * of being used on a given day. Figures are typical for small DC appliances.
 */
import type { LoadKind } from '../scenario/types';

export interface ApplianceTemplate {
  name: string;
  kind: LoadKind;
  powerW: number;
  /** Units owned: uniform integer in [min, max]. */
  number: [number, number];
  /** Functioning windows [start, end) in minutes of the day. */
  windows: [number, number][];
  /** Total functioning time per day, minutes (per unit). */
  funcTimeMin: number;
  /** Random variation of the functioning time (± fraction, RAMP r_t). */
  timeVar: number;
  /** Minimum time the appliance stays on once switched on, minutes. */
  funcCycleMin: number;
  /** Random variation of the window edges (± fraction of the window length, RAMP r_w). */
  windowVar: number;
  /** Probability the household owns it. */
  ownership: number;
  /** Probability it is used on the day (occasional use). */
  useProbability: number;
  /** All units switch together (e.g. a room's lamps on one switch). */
  fixed: boolean;
}

/** A household with a solar home system. */
export const SHS_APPLIANCES: ApplianceTemplate[] = [
  { name: 'LED lamps indoor', kind: 'primary', powerW: 3, number: [3, 5], windows: [[320, 400], [1080, 1380]], funcTimeMin: 300, timeVar: 0.2, funcCycleMin: 30, windowVar: 0.1, ownership: 1, useProbability: 1, fixed: true },
  { name: 'LED lamp outdoor (security)', kind: 'primary', powerW: 4, number: [1, 1], windows: [[0, 360], [1320, 1440]], funcTimeMin: 450, timeVar: 0.1, funcCycleMin: 60, windowVar: 0.05, ownership: 0.8, useProbability: 1, fixed: true },
  { name: 'Phone charger', kind: 'primary', powerW: 5, number: [1, 3], windows: [[540, 720], [1080, 1320]], funcTimeMin: 110, timeVar: 0.3, funcCycleMin: 40, windowVar: 0.15, ownership: 1, useProbability: 1, fixed: false },
  { name: 'Radio', kind: 'primary', powerW: 5, number: [1, 1], windows: [[360, 480], [720, 840], [1140, 1290]], funcTimeMin: 150, timeVar: 0.3, funcCycleMin: 20, windowVar: 0.1, ownership: 0.7, useProbability: 0.9, fixed: true },
  { name: 'TV + decoder', kind: 'secondary', powerW: 25, number: [1, 1], windows: [[720, 900], [1140, 1380]], funcTimeMin: 240, timeVar: 0.25, funcCycleMin: 30, windowVar: 0.1, ownership: 0.7, useProbability: 0.95, fixed: true },
  { name: 'DC fan', kind: 'secondary', powerW: 18, number: [1, 1], windows: [[720, 960], [1200, 1380]], funcTimeMin: 240, timeVar: 0.3, funcCycleMin: 30, windowVar: 0.1, ownership: 0.5, useProbability: 0.9, fixed: true },
  { name: 'Hair clipper', kind: 'secondary', powerW: 20, number: [1, 1], windows: [[960, 1140]], funcTimeMin: 40, timeVar: 0.4, funcCycleMin: 15, windowVar: 0.1, ownership: 0.2, useProbability: 0.7, fixed: true },
];

/** A household without any SHS: everything it has waits for the bus (secondary). */
export const NO_SHS_APPLIANCES: ApplianceTemplate[] = [
  { name: 'LED lamps', kind: 'secondary', powerW: 3, number: [2, 3], windows: [[1080, 1350]], funcTimeMin: 200, timeVar: 0.2, funcCycleMin: 30, windowVar: 0.1, ownership: 1, useProbability: 1, fixed: true },
  { name: 'Phone charger', kind: 'secondary', powerW: 5, number: [1, 2], windows: [[600, 900], [1080, 1260]], funcTimeMin: 90, timeVar: 0.3, funcCycleMin: 30, windowVar: 0.15, ownership: 1, useProbability: 1, fixed: false },
  { name: 'Radio', kind: 'secondary', powerW: 5, number: [1, 1], windows: [[720, 840], [1140, 1290]], funcTimeMin: 90, timeVar: 0.3, funcCycleMin: 20, windowVar: 0.1, ownership: 0.5, useProbability: 0.9, fixed: true },
];

/** The village shop: a DC fridge (community load) and its own lights and phone-charging service. */
export const SHOP_APPLIANCES: ApplianceTemplate[] = [
  { name: 'DC fridge (compressor)', kind: 'secondary', powerW: 60, number: [1, 1], windows: [[0, 1440]], funcTimeMin: 600, timeVar: 0.15, funcCycleMin: 15, windowVar: 0, ownership: 1, useProbability: 1, fixed: true },
  { name: 'LED lamps shop', kind: 'primary', powerW: 3, number: [3, 4], windows: [[1080, 1320]], funcTimeMin: 200, timeVar: 0.15, funcCycleMin: 60, windowVar: 0.1, ownership: 1, useProbability: 1, fixed: true },
  { name: 'Phone charging service', kind: 'secondary', powerW: 5, number: [3, 5], windows: [[480, 1140]], funcTimeMin: 180, timeVar: 0.3, funcCycleMin: 45, windowVar: 0.05, ownership: 1, useProbability: 1, fixed: false },
];

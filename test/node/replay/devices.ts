/**
 * The emulated Victron devices behind the coupling node's test vectors and
 * the example replay: named states of an MPPT 75|15 and a BMV-700, as
 * built by testbed/victron. Node-side only (make.ts and the sync test).
 */
import { toHex } from '../../../shared/bytes';
import { BmvEmulator, MpptEmulator, type BmvState, type MpptState } from '../../../testbed/victron/index';

export const MPPT_STATES: Record<string, Partial<MpptState>> = {
  /** 60 W of PV charging a 13 V battery at 3 A, 200 Wh harvested today. */
  sunny: { batteryVoltageMV: 13_000, batteryCurrentMA: 3000, panelVoltageMV: 18_000, panelPowerW: 60, chargeState: 3, trackerMode: 2, offReason: 0, yieldToday10Wh: 20 },
  /** Night: no PV, the load output draws 1 A. */
  night: { batteryVoltageMV: 12_400, batteryCurrentMA: 0, panelVoltageMV: 0, panelPowerW: 0, chargeState: 0, trackerMode: 0, offReason: 1, loadCurrentMA: 1000, yieldToday10Wh: 40 },
};

export const BMV_STATES: Record<string, Partial<BmvState>> = {
  /** Nearly full and charging. */
  full: { batteryVoltageMV: 13_000, batteryCurrentMA: 2000, socPermille: 900 },
  /** Low and discharging. */
  low: { batteryVoltageMV: 12_100, batteryCurrentMA: -1500, socPermille: 300 },
};

/** Hex of one MPPT text block and the BMV's two blocks per named state. */
export function deviceVectors(): { mppt: Record<string, string>; bmv: Record<string, [string, string]> } {
  const mppt: Record<string, string> = {};
  const bmv: Record<string, [string, string]> = {};
  for (const [k, s] of Object.entries(MPPT_STATES)) mppt[k] = toHex(new MpptEmulator(s).textBlock());
  for (const [k, s] of Object.entries(BMV_STATES)) {
    const [a, b] = new BmvEmulator(s).textBlocks();
    bmv[k] = [toHex(a), toHex(b)];
  }
  return { mppt, bmv };
}

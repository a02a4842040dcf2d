/**
 * VE.Direct text-mode field table and the name tables of its enumerated
 * fields. Source: Victron Energy, "VE.Direct Protocol" (version 3.33),
 * section "Text-Mode", table "Fields" and the label descriptions that follow
 * it ("CS", "ERR", "MPPT", "OR", "AR", "MODE").
 *
 * Units are converted to this project's integer units on decoding:
 * mV, mA, mAh, mW (the spec's W × 1000), mWh (the spec's 0.01 kWh × 10 000),
 * permille, minutes, seconds, °C, VA.
 */

/** How a field's ASCII value is read (VE.Direct Protocol, "Fields"). */
export type FieldKind =
  /** decimal integer, optionally signed ("-1", "12790") */
  | 'int'
  /** hexadecimal with a 0x prefix ("0xA053", "0x00000001") */
  | 'hex'
  /** "ON" / "OFF" */
  | 'onoff'
  /** kept as text (serial number, firmware version, model) */
  | 'text';

/** One row of the field table. `prop` names the {@link VictronRecord} property it updates. */
export interface FieldSpec {
  label: string;
  prop: string;
  kind: FieldKind;
  /** Multiplier from the wire unit to the record's unit (1 for text/onoff). */
  scale: number;
  /** The wire unit, as the spec writes it. */
  unit: string;
}

/**
 * Every text-mode label this decoder knows (VE.Direct Protocol 3.33,
 * "Fields"). Labels not in this table are kept as raw strings.
 */
export const FIELD_SPECS: readonly FieldSpec[] = [
  { label: 'V', prop: 'voltageMV', kind: 'int', scale: 1, unit: 'mV' },
  { label: 'V2', prop: 'voltage2MV', kind: 'int', scale: 1, unit: 'mV' },
  { label: 'V3', prop: 'voltage3MV', kind: 'int', scale: 1, unit: 'mV' },
  { label: 'VS', prop: 'auxVoltageMV', kind: 'int', scale: 1, unit: 'mV' },
  { label: 'VM', prop: 'midVoltageMV', kind: 'int', scale: 1, unit: 'mV' },
  { label: 'DM', prop: 'midDeviationPermille', kind: 'int', scale: 1, unit: '‰' },
  { label: 'VPV', prop: 'panelVoltageMV', kind: 'int', scale: 1, unit: 'mV' },
  { label: 'PPV', prop: 'panelPowerMW', kind: 'int', scale: 1000, unit: 'W' },
  { label: 'I', prop: 'currentMA', kind: 'int', scale: 1, unit: 'mA' },
  { label: 'I2', prop: 'current2MA', kind: 'int', scale: 1, unit: 'mA' },
  { label: 'I3', prop: 'current3MA', kind: 'int', scale: 1, unit: 'mA' },
  { label: 'IL', prop: 'loadCurrentMA', kind: 'int', scale: 1, unit: 'mA' },
  { label: 'LOAD', prop: 'loadOn', kind: 'onoff', scale: 1, unit: '' },
  { label: 'T', prop: 'batteryTemperatureC', kind: 'int', scale: 1, unit: '°C' },
  { label: 'P', prop: 'powerMW', kind: 'int', scale: 1000, unit: 'W' },
  { label: 'CE', prop: 'consumedMAh', kind: 'int', scale: 1, unit: 'mAh' },
  { label: 'SOC', prop: 'socPermille', kind: 'int', scale: 1, unit: '‰' },
  { label: 'TTG', prop: 'timeToGoMin', kind: 'int', scale: 1, unit: 'min' },
  { label: 'Alarm', prop: 'alarmOn', kind: 'onoff', scale: 1, unit: '' },
  { label: 'Relay', prop: 'relayOn', kind: 'onoff', scale: 1, unit: '' },
  { label: 'AR', prop: 'alarmReason', kind: 'int', scale: 1, unit: '' },
  { label: 'OR', prop: 'offReason', kind: 'hex', scale: 1, unit: '' },
  { label: 'H1', prop: 'deepestDischargeMAh', kind: 'int', scale: 1, unit: 'mAh' },
  { label: 'H2', prop: 'lastDischargeMAh', kind: 'int', scale: 1, unit: 'mAh' },
  { label: 'H3', prop: 'averageDischargeMAh', kind: 'int', scale: 1, unit: 'mAh' },
  { label: 'H4', prop: 'chargeCycles', kind: 'int', scale: 1, unit: '' },
  { label: 'H5', prop: 'fullDischarges', kind: 'int', scale: 1, unit: '' },
  { label: 'H6', prop: 'cumulativeDrawnMAh', kind: 'int', scale: 1, unit: 'mAh' },
  { label: 'H7', prop: 'minVoltageMV', kind: 'int', scale: 1, unit: 'mV' },
  { label: 'H8', prop: 'maxVoltageMV', kind: 'int', scale: 1, unit: 'mV' },
  { label: 'H9', prop: 'sinceFullChargeS', kind: 'int', scale: 1, unit: 's' },
  { label: 'H10', prop: 'autoSyncs', kind: 'int', scale: 1, unit: '' },
  { label: 'H11', prop: 'lowVoltageAlarms', kind: 'int', scale: 1, unit: '' },
  { label: 'H12', prop: 'highVoltageAlarms', kind: 'int', scale: 1, unit: '' },
  { label: 'H13', prop: 'lowAuxVoltageAlarms', kind: 'int', scale: 1, unit: '' },
  { label: 'H14', prop: 'highAuxVoltageAlarms', kind: 'int', scale: 1, unit: '' },
  { label: 'H15', prop: 'minAuxVoltageMV', kind: 'int', scale: 1, unit: 'mV' },
  { label: 'H16', prop: 'maxAuxVoltageMV', kind: 'int', scale: 1, unit: 'mV' },
  { label: 'H17', prop: 'dischargedEnergyMWh', kind: 'int', scale: 10_000, unit: '0.01 kWh' },
  { label: 'H18', prop: 'chargedEnergyMWh', kind: 'int', scale: 10_000, unit: '0.01 kWh' },
  { label: 'H19', prop: 'yieldTotalMWh', kind: 'int', scale: 10_000, unit: '0.01 kWh' },
  { label: 'H20', prop: 'yieldTodayMWh', kind: 'int', scale: 10_000, unit: '0.01 kWh' },
  { label: 'H21', prop: 'maxPowerTodayMW', kind: 'int', scale: 1000, unit: 'W' },
  { label: 'H22', prop: 'yieldYesterdayMWh', kind: 'int', scale: 10_000, unit: '0.01 kWh' },
  { label: 'H23', prop: 'maxPowerYesterdayMW', kind: 'int', scale: 1000, unit: 'W' },
  { label: 'ERR', prop: 'errorCode', kind: 'int', scale: 1, unit: '' },
  { label: 'CS', prop: 'chargeState', kind: 'int', scale: 1, unit: '' },
  { label: 'BMV', prop: 'model', kind: 'text', scale: 1, unit: '' },
  { label: 'FW', prop: 'firmware', kind: 'text', scale: 1, unit: '' },
  { label: 'FWE', prop: 'firmware24', kind: 'text', scale: 1, unit: '' },
  { label: 'PID', prop: 'productId', kind: 'hex', scale: 1, unit: '' },
  { label: 'SER#', prop: 'serial', kind: 'text', scale: 1, unit: '' },
  { label: 'HSDS', prop: 'daySequence', kind: 'int', scale: 1, unit: '' },
  { label: 'MODE', prop: 'deviceMode', kind: 'int', scale: 1, unit: '' },
  { label: 'AC_OUT_V', prop: 'acOutVoltageMV', kind: 'int', scale: 10, unit: '0.01 V' },
  { label: 'AC_OUT_I', prop: 'acOutCurrentMA', kind: 'int', scale: 100, unit: '0.1 A' },
  { label: 'AC_OUT_S', prop: 'acOutApparentPowerVA', kind: 'int', scale: 1, unit: 'VA' },
  { label: 'WARN', prop: 'warningReason', kind: 'int', scale: 1, unit: '' },
  { label: 'MPPT', prop: 'trackerMode', kind: 'int', scale: 1, unit: '' },
  { label: 'MON', prop: 'monitorMode', kind: 'int', scale: 1, unit: '' },
  { label: 'DC_IN_V', prop: 'dcInVoltageMV', kind: 'int', scale: 10, unit: '0.01 V' },
  { label: 'DC_IN_I', prop: 'dcInCurrentMA', kind: 'int', scale: 100, unit: '0.1 A' },
  { label: 'DC_IN_P', prop: 'dcInPowerMW', kind: 'int', scale: 1000, unit: 'W' },
];

/** "CS" — state of operation (VE.Direct Protocol 3.33, "CS"). */
export const CHARGE_STATE_NAMES: Readonly<Record<number, string>> = {
  0: 'off',
  1: 'low power',
  2: 'fault',
  3: 'bulk',
  4: 'absorption',
  5: 'float',
  6: 'storage',
  7: 'equalize (manual)',
  9: 'inverting',
  11: 'power supply',
  245: 'starting-up',
  246: 'repeated absorption',
  247: 'auto equalize / recondition',
  248: 'BatterySafe',
  252: 'external control',
};

/** "ERR" — charger error code (VE.Direct Protocol 3.33, "ERR"). */
export const ERROR_NAMES: Readonly<Record<number, string>> = {
  0: 'no error',
  2: 'battery voltage too high',
  17: 'charger temperature too high',
  18: 'charger over current',
  19: 'charger current reversed',
  20: 'bulk time limit exceeded',
  21: 'current sensor issue',
  26: 'terminals overheated',
  28: 'converter issue',
  33: 'input voltage too high (solar panel)',
  34: 'input current too high (solar panel)',
  38: 'input shutdown (excessive battery voltage)',
  39: 'input shutdown (current flow during off mode)',
  65: 'lost communication with one of the devices',
  66: 'synchronised charging device configuration issue',
  67: 'BMS connection lost',
  68: 'network misconfigured',
  116: 'factory calibration data lost',
  117: 'invalid or incompatible firmware',
  119: 'user settings invalid',
};

/** "MPPT" — tracker operation mode (VE.Direct Protocol 3.33, "MPPT"). */
export const TRACKER_MODE_NAMES: Readonly<Record<number, string>> = {
  0: 'off',
  1: 'voltage or current limited',
  2: 'MPPT tracker active',
};

/** "OR" — off reason, a bit mask (VE.Direct Protocol 3.33, "OR"). */
export const OFF_REASON_BITS: Readonly<Record<number, string>> = {
  0x1: 'no input power',
  0x2: 'switched off (power switch)',
  0x4: 'switched off (device mode register)',
  0x8: 'remote input',
  0x10: 'protection active',
  0x20: 'paygo',
  0x40: 'BMS',
  0x80: 'engine shutdown detection',
  0x100: 'analysing input voltage',
};

/** "AR" — alarm reason, a sum of bits sent in decimal (VE.Direct Protocol 3.33, "AR"). */
export const ALARM_REASON_BITS: Readonly<Record<number, string>> = {
  1: 'low voltage',
  2: 'high voltage',
  4: 'low SOC',
  8: 'low starter voltage',
  16: 'high starter voltage',
  32: 'low temperature',
  64: 'high temperature',
  128: 'mid voltage',
  256: 'overload',
  512: 'DC-ripple',
  1024: 'low V AC out',
  2048: 'high V AC out',
  4096: 'short circuit',
  8192: 'BMS lockout',
};

/** "MODE" — device mode (VE.Direct Protocol 3.33, "MODE"). */
export const DEVICE_MODE_NAMES: Readonly<Record<number, string>> = {
  1: 'charger',
  2: 'inverter',
  4: 'off',
  5: 'eco',
  0xfd: 'hibernate',
};

/** Names of the bits set in `mask` according to `table` (for OR, AR, WARN). */
export function bitNames(mask: number, table: Readonly<Record<number, string>>): string[] {
  const out: string[] = [];
  for (let bit = 1; bit <= mask && bit <= 0x40000000; bit *= 2) {
    if ((mask & bit) !== 0) out.push(table[bit] ?? `bit 0x${bit.toString(16)}`);
  }
  return out;
}

/**
 * Exact numeric key of a label held in `bytes[start, end)`: base-95 digits
 * of its printable ASCII characters. Labels of up to 8 characters map to
 * distinct integers below 95^8 < 2^53, so no hashing and no collisions;
 * longer labels return -1 (they are unknown to the table anyway). Used to
 * look a field up without making a string.
 */
export function labelKey(bytes: Uint8Array, start: number, end: number): number {
  if (end - start > 8 || end <= start) return -1;
  let key = 0;
  for (let i = start; i < end; i++) {
    const c = bytes[i]!;
    if (c <= 0x20 || c > 0x7e) return -1;
    key = key * 95 + (c - 0x20);
  }
  return key;
}

/** {@link labelKey} of a label given as text. */
export function labelKeyOfText(label: string): number {
  if (label.length > 8 || label.length === 0) return -1;
  let key = 0;
  for (let i = 0; i < label.length; i++) {
    const c = label.charCodeAt(i);
    if (c <= 0x20 || c > 0x7e) return -1;
    key = key * 95 + (c - 0x20);
  }
  return key;
}

/**
 * Victron SmartSolar MPPT 75|15 emulator: byte-exact VE.Direct text blocks
 * and HEX frames from a state object. Portable (no Node APIs), so the
 * testbed can run it beside the firmware on either engine.
 *
 * Field set and order follow what an MPPT sends in text mode (VE.Direct
 * Protocol 3.33, "Text-Mode", "Fields"; the product table lists the fields
 * per product family): PID FW SER# V I VPV PPV CS MPPT OR ERR LOAD IL
 * H19 H20 H21 H22 H23 HSDS Checksum.
 */
import { HexResponse, Register, encodeHexFrame, registerData } from '../../firmware/vedirect/hex';
import { BlockWriter } from './writer';

/** The charger's state in integer units (the emulator rounds to the device's resolution). */
export interface MpptState {
  /** PID, default 0xA053 (SmartSolar MPPT 75|15). */
  productId: number;
  /** FW as sent, e.g. "164" = v1.64. */
  firmware: string;
  serial: string;
  batteryVoltageMV: number;
  /** Positive = charging the battery. */
  batteryCurrentMA: number;
  panelVoltageMV: number;
  panelPowerW: number;
  /** CS: 0 off, 3 bulk, 4 absorption, 5 float, … */
  chargeState: number;
  /** MPPT: 0 off, 1 limited, 2 tracking. */
  trackerMode: number;
  /** OR bit mask. */
  offReason: number;
  /** ERR */
  errorCode: number;
  loadOn: boolean;
  loadCurrentMA: number;
  /** H19, H20, H22 in 0.01 kWh (as on the wire). */
  yieldTotal10Wh: number;
  yieldToday10Wh: number;
  maxPowerTodayW: number;
  yieldYesterday10Wh: number;
  maxPowerYesterdayW: number;
  /** HSDS 0…364. */
  daySequence: number;
  /** Firmware version reported by a HEX ping, e.g. 0x4164. */
  pingVersion: number;
}

export function defaultMpptState(): MpptState {
  return {
    productId: 0xa053,
    firmware: '164',
    serial: 'HQ2219XYZ12',
    batteryVoltageMV: 12_800,
    batteryCurrentMA: 0,
    panelVoltageMV: 0,
    panelPowerW: 0,
    chargeState: 0,
    trackerMode: 0,
    offReason: 0x1,
    errorCode: 0,
    loadOn: true,
    loadCurrentMA: 0,
    yieldTotal10Wh: 0,
    yieldToday10Wh: 0,
    maxPowerTodayW: 0,
    yieldYesterday10Wh: 0,
    maxPowerYesterdayW: 0,
    daySequence: 0,
    pingVersion: 0x4164,
  };
}

/** "0x…" as Victron writes PID (upper-case digits, no padding). */
export function hexWord(v: number): string {
  return '0x' + v.toString(16).toUpperCase();
}

/** "0x…" with 8 digits, as Victron writes OR. */
export function hexLong(v: number): string {
  return '0x' + (v >>> 0).toString(16).toUpperCase().padStart(8, '0');
}

const round = (v: number, step: number): number => Math.round(v / step) * step;

/** Labels of {@link MpptEmulator.fields}, in wire order. */
const MPPT_LABELS = ['PID', 'FW', 'SER#', 'V', 'I', 'VPV', 'PPV', 'CS', 'MPPT', 'OR', 'ERR', 'LOAD', 'IL', 'H19', 'H20', 'H21', 'H22', 'H23', 'HSDS'];

export class MpptEmulator {
  readonly state: MpptState;
  #writer: BlockWriter | undefined;

  constructor(state: Partial<MpptState> = {}) {
    this.state = { ...defaultMpptState(), ...state };
  }

  /** Fields of the next text block, in wire order (without Checksum). */
  fields(): [string, string][] {
    const s = this.state;
    return [
      ['PID', hexWord(s.productId)],
      ['FW', s.firmware],
      ['SER#', s.serial],
      ['V', String(round(s.batteryVoltageMV, 10))],
      ['I', String(round(s.batteryCurrentMA, 10))],
      ['VPV', String(round(s.panelVoltageMV, 10))],
      ['PPV', String(Math.round(s.panelPowerW))],
      ['CS', String(s.chargeState)],
      ['MPPT', String(s.trackerMode)],
      ['OR', hexLong(s.offReason)],
      ['ERR', String(s.errorCode)],
      ['LOAD', s.loadOn ? 'ON' : 'OFF'],
      ['IL', String(round(s.loadCurrentMA, 100))],
      ['H19', String(s.yieldTotal10Wh)],
      ['H20', String(s.yieldToday10Wh)],
      ['H21', String(s.maxPowerTodayW)],
      ['H22', String(s.yieldYesterday10Wh)],
      ['H23', String(s.maxPowerYesterdayW)],
      ['HSDS', String(s.daySequence)],
    ];
  }

  /** The next text block, byte-exact, with its Checksum field (the bytes of `encodeTextBlock(this.fields())`). */
  textBlock(): Uint8Array {
    return this.textBlockView().slice();
  }

  /**
   * {@link textBlock} without a copy: a view on the emulator's buffer, valid
   * until the next call. Fields whose value did not change since the last
   * block are not formatted again.
   */
  textBlockView(): Uint8Array {
    const s = this.state;
    const w = (this.#writer ??= new BlockWriter(MPPT_LABELS));
    w.formatted(0, s.productId, hexWord);
    w.text(1, s.firmware);
    w.text(2, s.serial);
    w.decimal(3, round(s.batteryVoltageMV, 10));
    w.decimal(4, round(s.batteryCurrentMA, 10));
    w.decimal(5, round(s.panelVoltageMV, 10));
    w.decimal(6, Math.round(s.panelPowerW));
    w.decimal(7, s.chargeState);
    w.decimal(8, s.trackerMode);
    w.formatted(9, s.offReason, hexLong);
    w.decimal(10, s.errorCode);
    w.text(11, s.loadOn ? 'ON' : 'OFF');
    w.decimal(12, round(s.loadCurrentMA, 100));
    w.decimal(13, s.yieldTotal10Wh);
    w.decimal(14, s.yieldToday10Wh);
    w.decimal(15, s.maxPowerTodayW);
    w.decimal(16, s.yieldYesterday10Wh);
    w.decimal(17, s.maxPowerYesterdayW);
    w.decimal(18, s.daySequence);
    return w.view();
  }

  /** An asynchronous register update `:A<id><flags><value><check>\n` (VE.Direct HEX protocol, "Async"). */
  asyncFrame(register: number, value: number, width: number, flags = 0): Uint8Array {
    return encodeHexFrame(HexResponse.Async, registerData(register, flags, value, width));
  }

  /** Async updates of the live values an MPPT pushes (charger voltage/current, panel power, state). */
  asyncUpdates(): Uint8Array[] {
    const s = this.state;
    return [
      this.asyncFrame(Register.ChargerVoltage, Math.round(s.batteryVoltageMV / 10), 2),
      this.asyncFrame(Register.ChargerCurrent, Math.max(0, Math.round(s.batteryCurrentMA / 100)), 2),
      this.asyncFrame(Register.PanelPower, Math.round(s.panelPowerW * 100), 4),
      this.asyncFrame(Register.DeviceState, s.chargeState, 1),
    ];
  }

  /** Reply to a HEX ping: `:5<version LE><check>\n` (VE.Direct HEX protocol, "Ping"). */
  pingReply(): Uint8Array {
    const v = this.state.pingVersion;
    return encodeHexFrame(HexResponse.Ping, [v & 0xff, (v >> 8) & 0xff]);
  }

  /** Reply to a get of `register` (flags UnknownId when the emulator does not know it). */
  getReply(register: number): Uint8Array {
    const s = this.state;
    const known: Record<number, [number, number]> = {
      [Register.ProductId]: [s.productId, 4],
      [Register.DeviceState]: [s.chargeState, 1],
      [Register.OffReason]: [s.offReason, 4],
      [Register.ChargerVoltage]: [Math.round(s.batteryVoltageMV / 10), 2],
      [Register.PanelVoltage]: [Math.round(s.panelVoltageMV / 10), 2],
      [Register.PanelPower]: [Math.round(s.panelPowerW * 100), 4],
      [Register.LoadCurrent]: [Math.round(s.loadCurrentMA / 100), 2],
    };
    const k = known[register];
    if (!k) return encodeHexFrame(HexResponse.Get, registerData(register, 0x01, null, 0));
    return encodeHexFrame(HexResponse.Get, registerData(register, 0, k[0], k[1]));
  }
}

/**
 * Victron BMV-700 battery monitor emulator: one data set in two text
 * blocks, each with its own Checksum (VE.Direct Protocol 3.33, "Text-Mode":
 * "multiple blocks are sent containing different fields"):
 *   block 1: PID V I P CE SOC TTG Alarm Relay AR BMV FW MON Checksum
 *   block 2: H1 … H18 Checksum
 * Portable (no Node APIs).
 */
import { HexResponse, encodeHexFrame, registerData } from '../../firmware/vedirect/hex';
import { hexWord } from './mppt';
import { BlockWriter } from './writer';

export interface BmvState {
  /** PID, default 0x203 (BMV-700). */
  productId: number;
  /** BMV model field, "700". */
  model: string;
  /** FW as sent, e.g. "0308". */
  firmware: string;
  batteryVoltageMV: number;
  /** Positive = charging. */
  batteryCurrentMA: number;
  /** Consumed charge, ≤ 0. */
  consumedMAh: number;
  socPermille: number;
  /** -1 = infinite (charging). */
  timeToGoMin: number;
  alarm: boolean;
  relay: boolean;
  alarmReason: number;
  monitorMode: number;
  /** H1 … H18 as sent (mAh, counts, mV, s, 0.01 kWh), index 0 = H1. */
  history: number[];
}

export function defaultBmvState(): BmvState {
  return {
    productId: 0x203,
    model: '700',
    firmware: '0308',
    batteryVoltageMV: 12_800,
    batteryCurrentMA: 0,
    consumedMAh: 0,
    socPermille: 1000,
    timeToGoMin: -1,
    alarm: false,
    relay: false,
    alarmReason: 0,
    monitorMode: 0,
    history: [-20_000, -5_000, -8_000, 12, 0, -250_000, 11_200, 14_400, 3_600, 9, 0, 0, 0, 0, 0, 0, 310, 350],
  };
}

/** Labels of {@link BmvEmulator.mainFields}, in wire order. */
const MAIN_LABELS = ['PID', 'V', 'I', 'P', 'CE', 'SOC', 'TTG', 'Alarm', 'Relay', 'AR', 'BMV', 'FW', 'MON'];

export class BmvEmulator {
  readonly state: BmvState;
  #main: BlockWriter | undefined;
  #history: BlockWriter | undefined;

  constructor(state: Partial<BmvState> = {}) {
    this.state = { ...defaultBmvState(), ...state };
  }

  /** Fields of the first block (live values), in wire order. */
  mainFields(): [string, string][] {
    const s = this.state;
    const v = Math.round(s.batteryVoltageMV);
    const i = Math.round(s.batteryCurrentMA);
    return [
      ['PID', hexWord(s.productId)],
      ['V', String(v)],
      ['I', String(i)],
      // P in W = V·I, as the monitor computes it.
      ['P', String(Math.round((v * i) / 1_000_000))],
      ['CE', String(Math.round(s.consumedMAh))],
      ['SOC', String(Math.round(s.socPermille))],
      ['TTG', String(Math.round(s.timeToGoMin))],
      ['Alarm', s.alarm ? 'ON' : 'OFF'],
      ['Relay', s.relay ? 'ON' : 'OFF'],
      ['AR', String(s.alarmReason)],
      ['BMV', s.model],
      ['FW', s.firmware],
      ['MON', String(s.monitorMode)],
    ];
  }

  /** Fields of the second block (history H1…H18). */
  historyFields(): [string, string][] {
    return this.state.history.slice(0, 18).map((v, k) => [`H${k + 1}`, String(Math.round(v))] as [string, string]);
  }

  /** Both blocks of one data set, byte-exact: [main, history] (the bytes of `encodeTextBlock` of each field list). */
  textBlocks(): [Uint8Array, Uint8Array] {
    return [this.mainBlockView().slice(), this.historyBlockView().slice()];
  }

  /** The main block without a copy: a view valid until the next call; unchanged fields are not formatted again. */
  mainBlockView(): Uint8Array {
    const s = this.state;
    const w = (this.#main ??= new BlockWriter(MAIN_LABELS));
    const v = Math.round(s.batteryVoltageMV);
    const i = Math.round(s.batteryCurrentMA);
    w.formatted(0, s.productId, hexWord);
    w.decimal(1, v);
    w.decimal(2, i);
    w.decimal(3, Math.round((v * i) / 1_000_000));
    w.decimal(4, Math.round(s.consumedMAh));
    w.decimal(5, Math.round(s.socPermille));
    w.decimal(6, Math.round(s.timeToGoMin));
    w.text(7, s.alarm ? 'ON' : 'OFF');
    w.text(8, s.relay ? 'ON' : 'OFF');
    w.decimal(9, s.alarmReason);
    w.text(10, s.model);
    w.text(11, s.firmware);
    w.decimal(12, s.monitorMode);
    return w.view();
  }

  /** The history block (H1 … H18) without a copy, as {@link mainBlockView}. */
  historyBlockView(): Uint8Array {
    const h = this.state.history;
    const n = Math.min(h.length, 18);
    let w = this.#history;
    if (w === undefined || w.count !== n) {
      const labels: string[] = [];
      for (let k = 0; k < n; k++) labels.push(`H${k + 1}`);
      w = this.#history = new BlockWriter(labels);
    }
    for (let k = 0; k < n; k++) w.decimal(k, Math.round(h[k]!));
    return w.view();
  }

  /** Ping reply (VE.Direct HEX protocol, "Ping"). */
  pingReply(version = 0x4308): Uint8Array {
    return encodeHexFrame(HexResponse.Ping, [version & 0xff, (version >> 8) & 0xff]);
  }

  /** Async register update. */
  asyncFrame(register: number, value: number, width: number): Uint8Array {
    return encodeHexFrame(HexResponse.Async, registerData(register, 0, value, width));
  }
}

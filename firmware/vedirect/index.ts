/**
 * VE.Direct (Victron MPPT, BMV-700) for the coupling node: a streaming
 * parser for text blocks and HEX frames, typed records, and encoders.
 */
export { VeDirectParser, type VeDirectCounters, type VeDirectHandler, type VeDirectLimits } from './parser';
export { TextBlock } from './block';
export { HexFrame, HexCommand, HexResponse, HexFlags, Register, decodeHex, encodeHexFrame, encodeGet, encodeSet, registerData, type HexRecord } from './hex';
export { VictronRecord } from './record';
export { encodeTextBlock, checksumByte } from './encode';
export { FIELD_SPECS, CHARGE_STATE_NAMES, ERROR_NAMES, TRACKER_MODE_NAMES, OFF_REASON_BITS, ALARM_REASON_BITS, DEVICE_MODE_NAMES, bitNames, type FieldSpec } from './labels';
export { LineDump, blockLine, hexLine } from './dump';

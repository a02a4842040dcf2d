/** Victron device emulators speaking VE.Direct (text blocks and HEX frames). */
export { MpptEmulator, defaultMpptState, hexWord, hexLong, type MpptState } from './mppt';
export { BmvEmulator, defaultBmvState, type BmvState } from './bmv';
export { BlockWriter } from './writer';

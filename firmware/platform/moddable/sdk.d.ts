// Declarations the firmware's `tsc -b` needs beyond firmware/tsconfig.json's
// list: the @moddable/typings modules the mains import, and the board
// provider module. mcconfig's own tsc uses the SDK's typings/ instead (this
// file is not mapped into the mcconfig build).
/// <reference path="../../../node_modules/@moddable/typings/sntp.d.ts" />
/// <reference path="../../../node_modules/@moddable/typings/wifi.d.ts" />
/// <reference path="../../../node_modules/@moddable/typings/time.d.ts" />

declare module 'swarmgrid/board' {
  /** The board's pin map and IO classes: boards/<board>/host/provider.js, or firmware/platform/lin/provider on the simulator. */
  const board: {
    name?: string;
    io: Readonly<Record<string, unknown>>;
    pin: Readonly<Record<string, number | undefined>>;
  };
  export default board;
}

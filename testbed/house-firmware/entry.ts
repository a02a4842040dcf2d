/**
 * XS entry point of the village machine (models, emulators and every
 * house's boards): bundled to one script (testbed/xs/bundle) and evaluated
 * in an xsnap worker; Node sends the commands of ./village-machine.ts
 * through `handleCommand`.
 */
import { VillageMachine } from './village-machine';

const machine = new VillageMachine();
(globalThis as unknown as { handleCommand: (b: ArrayBuffer) => ArrayBuffer }).handleCommand = (buffer: ArrayBuffer): ArrayBuffer => {
  const out = machine.handle(new Uint8Array(buffer));
  return out.buffer.byteLength === out.length ? (out.buffer as ArrayBuffer) : (out.slice().buffer as ArrayBuffer);
};

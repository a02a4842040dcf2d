/**
 * XS entry point of the village machine (models, emulators and every
 * house's boards, or — as the peer of a two-machine village — some houses'
 * boards only): bundled to one script (testbed/xs/bundle) and evaluated in
 * an xsnap worker; Node sends the commands of ./village-machine.ts through
 * `handleCommand`. The peer (./split.ts) is reached through `issueCommand`:
 * a step message is handed over at once, the receive query waits for the
 * peer's answer (testbed/xs/worker.js carries both between the workers).
 */
import { RECEIVE_QUERY, type Peer } from './split';
import { VillageMachine } from './village-machine';

const g = globalThis as unknown as {
  handleCommand: (b: ArrayBuffer) => ArrayBuffer;
  issueCommand?: (b: ArrayBuffer) => ArrayBuffer;
};
const buffer = (b: Uint8Array): ArrayBuffer => (b.byteOffset === 0 && b.buffer.byteLength === b.length ? (b.buffer as ArrayBuffer) : (b.slice().buffer as ArrayBuffer));
const receive = RECEIVE_QUERY.slice().buffer as ArrayBuffer;
const peer: Peer = {
  send(bytes) {
    g.issueCommand!(buffer(bytes));
  },
  receive() {
    return new Uint8Array(g.issueCommand!(receive));
  },
};
const machine = new VillageMachine(peer);
g.handleCommand = (b: ArrayBuffer): ArrayBuffer => buffer(machine.handle(new Uint8Array(b)));

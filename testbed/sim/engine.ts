/**
 * Where the village machine (models + emulators + the houses' firmware)
 * runs: inside the real XS engine (an xsnap worker) or in Node (the same
 * modules, the same command bytes). Both take the commands of
 * testbed/house-firmware/village-machine.ts.
 *
 * {@link startMachinePair}: two machines for one village (two cores,
 * testbed/house-firmware/split.ts). On XS the two workers are joined by a
 * MessageChannel and carry the per-second step messages between their
 * xsnap processes without the main thread; on Node the second machine is
 * called in place (same bytes, one core: for tests).
 */
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import type { Peer } from '../house-firmware/split';
import { VillageMachine } from '../house-firmware/village-machine';
import { bundleForXs } from '../xs/bundle';
import { startXs, type XsMachine } from '../xs/engine';

export type EngineKind = 'xs' | 'node';

/** One machine: bytes in, bytes out. */
export interface FirmwareMachine {
  command(bytes: Uint8Array): Promise<Uint8Array>;
  /** XS compute units of the last command (0 on Node). */
  readonly lastCompute: number;
  close(): Promise<void>;
}

class NodeMachine implements FirmwareMachine {
  readonly #m: VillageMachine;
  lastCompute = 0;
  constructor(peer?: Peer) {
    this.#m = new VillageMachine(peer);
  }
  /** The machine itself (the peer of a Node pair calls it in place). */
  get inner(): VillageMachine {
    return this.#m;
  }
  async command(bytes: Uint8Array): Promise<Uint8Array> {
    return this.#m.handle(bytes);
  }
  async close(): Promise<void> {}
}

class XsHouseMachine implements FirmwareMachine {
  lastCompute = 0;
  constructor(private readonly xs: XsMachine) {}
  async command(bytes: Uint8Array): Promise<Uint8Array> {
    const r = await this.xs.command(bytes);
    this.lastCompute = r.meter.compute + (r.meter.peerCompute ?? 0);
    return r.reply;
  }
  close(): Promise<void> {
    return this.xs.close();
  }
}

const root = fileURLToPath(new URL('../..', import.meta.url));
let bundled: Promise<string> | undefined;

/** The XS script of a house machine (bundled once per process). */
export function houseBundle(): Promise<string> {
  bundled ??= bundleForXs({ resolveDir: root, contents: `import './testbed/house-firmware/entry';` });
  return bundled;
}

/** Start one machine on the given engine. */
export async function startMachine(kind: EngineKind, name: string): Promise<FirmwareMachine> {
  if (kind === 'node') return new NodeMachine();
  return startXsMachine(name);
}

async function startXsMachine(name: string, peer?: MessagePort): Promise<FirmwareMachine> {
  const code = await houseBundle();
  const xs = await startXs({ name, ...(peer ? { peer } : {}) });
  try {
    await xs.evaluate(code);
  } catch (e) {
    await xs.close();
    throw e;
  }
  return new XsHouseMachine(xs);
}

/**
 * Two machines joined as peers: `[a, b]`, where `a` takes `init` with
 * `remoteFrom` and `run`, and `b` takes `group`, `deliver` and `collect`
 * (testbed/house-firmware/split.ts). `b`'s compute of the steps `a` sent it
 * is counted in `b.lastCompute` of its next command.
 */
export async function startMachinePair(kind: EngineKind, name: string): Promise<[FirmwareMachine, FirmwareMachine]> {
  if (kind === 'node') {
    const b = new NodeMachine();
    let pending: Uint8Array | undefined;
    const peer: Peer = {
      send(bytes) {
        pending = bytes;
      },
      receive() {
        const bytes = pending;
        pending = undefined;
        if (!bytes) throw new Error('nothing sent to the peer');
        return b.inner.handle(bytes);
      },
    };
    return [new NodeMachine(peer), b];
  }
  const { port1, port2 } = new MessageChannel();
  const [a, b] = await Promise.allSettled([startXsMachine(`${name}-a`, port1), startXsMachine(`${name}-b`, port2)]);
  if (a.status === 'fulfilled' && b.status === 'fulfilled') return [a.value, b.value];
  if (a.status === 'fulfilled') await a.value.close();
  if (b.status === 'fulfilled') await b.value.close();
  throw a.status === 'rejected' ? a.reason : (b as PromiseRejectedResult).reason;
}

/**
 * Where the village machine (models + emulators + the houses' firmware)
 * runs: inside the real XS engine (an xsnap worker) or in Node (the same
 * modules, the same command bytes). Both take the commands of
 * testbed/house-firmware/village-machine.ts.
 */
import { fileURLToPath } from 'node:url';
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
  readonly #m = new VillageMachine();
  lastCompute = 0;
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
    this.lastCompute = r.meter.compute;
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
  const code = await houseBundle();
  const xs = await startXs({ name });
  try {
    await xs.evaluate(code);
  } catch (e) {
    await xs.close();
    throw e;
  }
  return new XsHouseMachine(xs);
}

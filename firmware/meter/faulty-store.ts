/**
 * A Preference store that can fail: `failNext('refuse')` throws without
 * writing; `failNext('torn')` stores a truncated, bit-flipped value and then
 * throws (a power cut in the middle of a flash write) — after which the
 * device is dead: every later write throws until `revive()` (the reboot).
 * For tests and the testbed's power-cut simulation: it proves that
 * checkpoints and the report queue survive crashes mid-write.
 */
import { MemoryStore, type PreferenceStore } from './record';

export type Failure = 'refuse' | 'torn';

export class FaultyStore implements PreferenceStore {
  readonly inner = new MemoryStore();
  #fail: { mode: Failure; afterSets: number } | null = null;
  #dead = false;

  /** The reboot after a torn write: writes work again (and a pending failure is disarmed). */
  revive(): void {
    this.#dead = false;
    this.#fail = null;
  }

  /** Make the set call after `afterSets` successful ones fail. */
  failNext(mode: Failure, afterSets = 0): void {
    this.#fail = { mode, afterSets };
  }

  get(domain: string, key: string): string | boolean | number | ArrayBuffer | undefined {
    return this.inner.get(domain, key);
  }

  set(domain: string, key: string, value: string | boolean | number | ArrayBuffer): void {
    if (this.#dead) throw new Error('device is down');
    const f = this.#fail;
    if (f) {
      if (f.afterSets > 0) f.afterSets--;
      else {
        this.#fail = null;
        if (f.mode === 'torn' && value instanceof ArrayBuffer) {
          const half = new Uint8Array(value.slice(0, Math.max(1, value.byteLength >> 1)));
          half[0] = half[0]! ^ 0x5a;
          this.inner.set(domain, key, half.buffer);
          this.#dead = true;
        }
        throw new Error(`simulated ${f.mode} write of ${key}`);
      }
    }
    this.inner.set(domain, key, value);
  }

  delete(domain: string, key: string): void {
    if (this.#dead) throw new Error('device is down');
    this.inner.delete(domain, key);
  }

  keys(domain: string): string[] {
    return this.inner.keys(domain);
  }
}

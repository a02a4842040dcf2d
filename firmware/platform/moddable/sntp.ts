/**
 * Wall-clock sync from the village hub's SNTP server (ARCHITECTURE rule 7:
 * no cloud time). The `sntp` module calls back with 1 (value = Unix
 * seconds: we call `Time.set`), 2 (retrying) or −1 (error: returning a host
 * would try it; we return nothing and retry later ourselves). After a
 * success it resyncs every `resyncMs` (default 1 h).
 */
import type { Log, TimerHandle, Timers } from '../types';
import type { SntpCtor, TimeModule } from './io';

export const SNTP_TIME = 1;
export const SNTP_RETRY = 2;
export const SNTP_ERROR = -1;

export interface SntpOptions {
  host: string;
  resyncMs?: number;
  retryMs?: number;
}

export class SntpSync {
  readonly #SNTP: SntpCtor;
  readonly #time: TimeModule;
  readonly #timers: Timers;
  readonly #log: Log;
  readonly #host: string;
  readonly #resyncMs: number;
  readonly #retryMs: number;
  #client: { close(): void } | undefined;
  #timer: TimerHandle | undefined;
  #listener: ((unixSeconds: number) => void) | undefined;
  /** True once the clock has been set from the hub. */
  synced = false;

  constructor(SNTP: SntpCtor, time: TimeModule, timers: Timers, log: Log, options: SntpOptions) {
    if (!options.host) throw new Error('sntp: no hub address provisioned');
    this.#SNTP = SNTP;
    this.#time = time;
    this.#timers = timers;
    this.#log = log;
    this.#host = options.host;
    this.#resyncMs = options.resyncMs ?? 3_600_000;
    this.#retryMs = options.retryMs ?? 30_000;
  }

  onSynced(listener: (unixSeconds: number) => void): void {
    this.#listener = listener;
  }

  /** Ask now (call when the network comes up). */
  start(): void {
    if (this.#client) return;
    this.#timers.clear(this.#timer);
    this.#timer = undefined;
    this.#client = new this.#SNTP({ host: this.#host }, (message: number, value?: number | string) => {
      if (message === SNTP_TIME && typeof value === 'number') {
        this.#time.set(value);
        this.synced = true;
        this.#client = undefined; // the module closed its socket before calling back
        this.#log('info', `sntp: time ${value} from ${this.#host}`);
        this.#listener?.(value);
        this.#schedule(this.#resyncMs);
      } else if (message === SNTP_ERROR) {
        this.#client = undefined; // returning nothing: the module closes itself
        this.#log('warn', `sntp: ${String(value)}`);
        this.#schedule(this.#retryMs);
      }
      return undefined;
    });
  }

  stop(): void {
    this.#timers.clear(this.#timer);
    this.#timer = undefined;
    this.#client?.close();
    this.#client = undefined;
  }

  #schedule(ms: number): void {
    this.#timers.clear(this.#timer);
    this.#timer = this.#timers.set(() => {
      this.#timer = undefined;
      this.start();
    }, ms);
  }
}

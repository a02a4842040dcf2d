/**
 * Station-mode WiFi that reconnects by itself. The `wifi` module
 * (modules/network/wifi) does not reconnect after a drop: on "disconnect"
 * this supervisor calls `WiFi.connect` again after a backoff. State changes
 * go to the listener ('up' only once an address is obtained).
 */
import type { LinkState, Log, TimerHandle, Timers } from '../types';
import { Backoff } from './backoff';
import type { WifiCtor, WifiMessage } from './io';

export interface WifiCredentials {
  ssid: string;
  password?: string;
}

export class WifiSupervisor {
  readonly #WiFi: WifiCtor;
  readonly #credentials: WifiCredentials;
  readonly #timers: Timers;
  readonly #log: Log;
  readonly #backoff = new Backoff(2000, 60_000);
  #station: { close(): void } | undefined;
  #retry: TimerHandle | undefined;
  #listener: ((state: LinkState) => void) | undefined;
  state: LinkState = 'down';

  constructor(WiFi: WifiCtor, credentials: WifiCredentials, timers: Timers, log: Log) {
    if (!credentials.ssid) throw new Error('wifi: no SSID provisioned');
    this.#WiFi = WiFi;
    this.#credentials = credentials;
    this.#timers = timers;
    this.#log = log;
  }

  onState(listener: (state: LinkState) => void): void {
    this.#listener = listener;
  }

  start(): void {
    this.#set('connecting');
    const options = this.#options();
    this.#station = new this.#WiFi(options, (message: WifiMessage) => this.#onMessage(message));
  }

  close(): void {
    this.#timers.clear(this.#retry);
    this.#station?.close();
    this.#station = undefined;
    this.#set('down');
  }

  #options(): { ssid: string; password?: string } {
    return this.#credentials.password ? { ssid: this.#credentials.ssid, password: this.#credentials.password } : { ssid: this.#credentials.ssid };
  }

  #onMessage(message: WifiMessage): void {
    if (message === 'gotIP') {
      this.#backoff.reset();
      this.#log('info', `wifi: up on "${this.#credentials.ssid}"`);
      this.#set('up');
    } else if (message === 'lostIP' || message === 'disconnect') {
      if (this.state === 'down' && this.#retry !== undefined) return;
      this.#set('down');
      const delay = this.#backoff.next();
      this.#log('warn', `wifi: ${message}, reconnecting in ${delay} ms`);
      this.#timers.clear(this.#retry);
      this.#retry = this.#timers.set(() => {
        this.#retry = undefined;
        this.#set('connecting');
        this.#WiFi.connect(this.#options());
      }, delay);
    }
  }

  #set(state: LinkState): void {
    if (state === this.state) return;
    this.state = state;
    this.#listener?.(state);
  }
}

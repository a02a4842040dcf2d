/**
 * The small interfaces the node logic gets injected (ARCHITECTURE rule 1:
 * pure core, thin edges). The Moddable adapters in `./moddable/` implement
 * them on the device; tests and the testbed pass fakes; `./lin/` holds the
 * stand-ins the Linux simulator uses.
 *
 * Where a core module already defines the shape it consumes, this file
 * re-exports it instead of duplicating it, so there is one definition per
 * interface: relay coils and read-back (firmware/coupling/interlock), the I2C
 * bus (firmware/meter/ina226), the Preference-shaped store
 * (firmware/meter/record).
 */
export type { RelayOutputs, RelayReadBack } from '../coupling/interlock';
export type { I2cBus } from '../meter/ina226';
export type { PreferenceStore } from '../meter/record';

/** Wall clock: integer ms since the Unix epoch (the hub's time once SNTP has run). */
export interface Clock {
  nowMs(): number;
}

/** Opaque handle of a scheduled callback. */
export type TimerHandle = unknown;

/** One-shot and repeating callbacks (Moddable `timer`; no `setTimeout` on the device). */
export interface Timers {
  /** Call `fn` once after `delayMs`. */
  set(fn: () => void, delayMs: number): TimerHandle;
  /** Call `fn` every `intervalMs` (first call after `intervalMs`). */
  repeat(fn: () => void, intervalMs: number): TimerHandle;
  /** Cancel; `undefined` is ignored, as is a handle that already fired. */
  clear(handle: TimerHandle | undefined): void;
}

/**
 * Bytes arriving from a UART. The adapter drains the hardware FIFO in every
 * interrupt turn and hands each chunk to the listener at once: the core must
 * consume it synchronously (there is no software receive buffer).
 */
export interface ByteSource {
  onBytes(listener: (bytes: Uint8Array) => void): void;
}

/** Bytes to a UART (VE.Direct HEX commands). Returns the count accepted. */
export interface ByteSink {
  write(bytes: Uint8Array): number;
}

/** A serial port: both directions plus close. */
export interface SerialPort extends ByteSource, ByteSink {
  close(): void;
}

/** Contact read-back inputs (auxiliary contacts, true = contact closed). */
export interface ReadBackInputs {
  read(): { rl1: boolean; rl2: boolean };
}

/** MQTT quality of service. */
export type Qos = 0 | 1 | 2;

export interface PublishOptions {
  qos?: Qos;
  retain?: boolean;
}

/** Connection state of a transport, as the node logic sees it. */
export type LinkState = 'down' | 'connecting' | 'up';

/**
 * A publish/subscribe transport (MQTT on the device, in-memory in tests).
 * Subscriptions are remembered and renewed after every reconnect; the
 * transport reconnects by itself with backoff. Publishing while down
 * returns false: delivery guarantees belong to the caller (meter reports
 * carry sequence numbers and are re-sent from the meter's queue).
 */
export interface Transport {
  readonly state: LinkState;
  /** False when the message could not be handed to the link (down or output full). */
  publish(topic: string, payload: Uint8Array, options?: PublishOptions): boolean;
  subscribe(filter: string, qos?: Qos): void;
  onMessage(listener: (topic: string, payload: Uint8Array) => void): void;
  onState(listener: (state: LinkState) => void): void;
  close(): void;
}

/** Log levels, least to most severe. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Logging (`trace()` on the device; nothing in release builds). */
export interface Log {
  (level: LogLevel, message: string): void;
}

/** A log that drops everything. */
export const silentLog: Log = () => undefined;

/**
 * Structural shapes of the Moddable SDK classes the adapters use, checked
 * against the SDK 8.2.3 sources (paths below, in Moddable-OpenSource/moddable).
 *
 * The adapters take these classes as constructor arguments instead of
 * importing SDK modules: the host provider (`device.io.*`) hands them to the
 * `main` module, which passes them on (STYLE rule 2). That keeps every
 * adapter testable on Node with fakes, and independent of the two typings
 * packages (@moddable/typings 5.6.0 for `tsc -b`, the SDK's own `typings/`
 * for mcconfig), which disagree on details such as Digital's `initialValue`.
 */

/** ECMA-419 serial, `format: "buffer"` (modules/io/serial/esp32/serial.c). */
export interface SerialIo {
  /** All bytes in the RX FIFO, or undefined when it is empty. */
  read(): ArrayBuffer | undefined;
  /** Throws "output full" when the TX FIFO has less room than `data`. */
  write(data: ArrayBuffer | Uint8Array): void;
  close(): void;
}

export interface SerialIoOptions {
  port: number;
  receive: number;
  transmit?: number;
  baud: number;
  format: 'buffer';
  onReadable(this: SerialIo, count: number): void;
  onWritable?(this: SerialIo, count: number): void;
}

export type SerialCtor = new (options: SerialIoOptions) => SerialIo;

/**
 * ECMA-419 digital (modules/io/digital/digital.js over digitalbank): on
 * ESP32, `read()` on an output reads the input register, which is not the
 * relay's state: the adapters never read outputs.
 */
export interface DigitalIo {
  read(): 0 | 1;
  write(value: 0 | 1): void;
  close(): void;
}

export interface DigitalIoOptions {
  pin: number;
  mode: number;
  /** Output level set while configuring the pin (no glitch at boot). */
  initialValue?: 0 | 1;
}

export interface DigitalCtor {
  new (options: DigitalIoOptions): DigitalIo;
  readonly Input: number;
  readonly InputPullUp: number;
  readonly Output: number;
}

/** ECMA-419 I2C (modules/io/i2c/esp32): one instance per device address. */
export interface I2cIo {
  write(data: ArrayBuffer | Uint8Array, stop?: boolean): void;
  read(byteLength: number, stop?: boolean): ArrayBuffer;
  close(): void;
}

export interface I2cIoOptions {
  data: number;
  clock: number;
  hz: number;
  address: number;
  port?: number;
}

export type I2cCtor = new (options: I2cIoOptions) => I2cIo;

/** Moddable `timer` (modules/base/timer). */
export interface TimerModule {
  set(callback: () => void, delayMs?: number, repeatMs?: number): unknown;
  repeat(callback: () => void, intervalMs: number): unknown;
  clear(timer: unknown): void;
}

/** Moddable `preference` (modules/files/preference/esp32). */
export interface PreferenceModule {
  get(domain: string, key: string): string | boolean | number | ArrayBuffer | undefined;
  set(domain: string, key: string, value: string | boolean | number | ArrayBuffer): void;
  delete(domain: string, key: string): void;
  keys(domain: string): string[];
}

/** Messages of the `wifi` module's callback (modules/network/wifi/wifi.js). */
export type WifiMessage = 'connect' | 'gotIP' | 'lostIP' | 'disconnect' | string;

/** Moddable `wifi` (modules/network/wifi/esp32): `new WiFi(options, callback)`. */
export interface WifiCtor {
  new (options: { ssid: string; password?: string }, callback: (message: WifiMessage) => void): { close(): void };
  connect(options?: { ssid: string; password?: string }): void;
}

/**
 * Moddable `sntp` (modules/network/sntp/sntp.js): callback(1, unixSeconds)
 * on success, (2) while retrying, (−1, message) on error — returning a host
 * string there makes it try that host.
 */
export type SntpCtor = new (options: { host: string }, callback: (message: number, value?: number | string) => string | void) => { close(): void };

/** Moddable `time`: `set(unixSeconds)` sets the wall clock. */
export interface TimeModule {
  set(seconds: number): void;
}

/** Control message of the ECMA-419 MQTT client (examples/io/tcp/mqttclient/mqttclient.js). */
export interface MqttControl {
  operation: number;
  id?: number;
  returnCode?: number;
}

export interface MqttReadOptions {
  more: boolean;
  topic?: string;
  byteLength?: number;
  QoS?: number;
}

export interface MqttClientIo {
  read(count: number): ArrayBuffer | undefined;
  /** Throws "overflow" when the socket cannot take the whole packet now. */
  write(data: ArrayBuffer | Uint8Array | null, options: {
    operation?: number;
    topic?: string;
    QoS?: number;
    retain?: boolean;
    items?: { topic: string; QoS?: number }[];
  }): number;
  close(): void;
}

/** What `new MQTTClient(options)` takes: the implementation calls onControl(msg) with one argument. */
export interface MqttClientOptions {
  host: string;
  port?: number;
  id: string;
  user?: string;
  password?: string;
  clean?: boolean;
  keepalive?: number;
  will?: { topic: string; message: string | ArrayBuffer; QoS?: number; retain?: boolean };
  dns: object;
  socket: object;
  onControl(this: MqttClientIo, msg: MqttControl): void;
  onReadable(this: MqttClientIo, count: number, options: MqttReadOptions): void;
  onWritable(this: MqttClientIo, count: number): void;
  onError(this: MqttClientIo): void;
}

export interface MqttCtor {
  new (options: MqttClientOptions): MqttClientIo;
  readonly CONNACK: number;
  readonly SUBSCRIBE: number;
}

/**
 * CouplingNode: the full coupling node core. It joins the VE.Direct records,
 * the SOC estimator, HEMTS decisions, signed orders, verified contracts, the
 * delivery-window executor, the relay interlock and the fail-safe supervisor
 * behind the {@link CouplingCore} seam of firmware/main/coupling-app.ts.
 *
 * Pure apart from the injected relay outputs and Preference-like store:
 * time is an argument of every call, messages to publish are returned.
 *
 * Data flow per control step ({@link CouplingNode.tick}, every ≤ 100 ms):
 *   1. interlock read-back supervision (E_RELAY_READBACK → fault);
 *   2. fail-safe timed conditions (E_VED_STALE, E_BROKER_LOST);
 *   3. window executor: start / stop / skip windows (quantity from the
 *      meter samples given to {@link CouplingNode.meterSample}; a buyer
 *      leaves a dead bus, a seller stops when the buyer stops drawing or at
 *      energy ÷ `linkPermille`, see window.ts);
 *   4. HEMTS (`decide`) at most every `hemtsEveryMs`, only while healthy:
 *      offers / requests / cancels signed with the node key;
 *   5. telemetry every `telemetryEveryMs` and on every mode change.
 *
 * Contracts (`in/contract` only; copies on `public/contracts` are ignored):
 * decode → hub signature (one fixed-key {@link Verifier}) → village → role
 * (this node is seller or buyer) → window not ended → seq above the highest
 * accepted (persisted) → queued; a signed `contract-ack` answers each one.
 * A contract that does not decode or verify also raises E_CONTRACT_INVALID
 * (both relays open, windows aborted, signed `fault`).
 *
 * Signing, encoding and the hub-signature check are injected ({@link NodeWire};
 * `protocolWire` in firmware/main/coupling-app.ts is the real one): this
 * module is preloaded on the device and must not reach the SHA-256/curve code.
 *
 * Sequence numbers of the node's signed messages rise strictly across
 * reboots: they are reserved in blocks of {@link SEQ_BLOCK} in the store
 * (key `msgSeqHi`), so the store is written once per block, not per message.
 * Order numbers (`<node>-o-<n>`) are reserved the same way (key `ordHi`).
 */
import { fail } from '../../shared/errors';
import { nodeTopic, tryParseTopic } from '../../shared/protocol/topics';
import type { Bodies, ContractBody, TelemetryBody } from '../../shared/protocol/index';
import { FailsafeSupervisor, DEFAULT_FAILSAFE_CONFIG, type FailsafeConfig, type Fault, type SafeState } from './failsafe';
import { decide, deliveryLimits, INITIAL_STATE, type HemtsState, type Mode, type Decision } from './hemts';
import { DEFAULT_INTERLOCK_CONFIG, Interlock, type InterlockConfig, type RelayOutputs, type RelayReadBack } from './interlock';
import { PvProfileLearner } from './pvlearn';
import { DEFAULT_SETTINGS, SettingsPersister, type HemtsSettings, type SettingsStore } from './settings';
import { DEFAULT_SOC_CONFIG, SocEstimator, type SocConfig } from './soc';
import { WindowExecutor, type BusSample, type FlowRules, type MeterCounters, type WindowEvent } from './window';
import { NodeEnergy } from './node-energy';
import type { VictronRecord } from '../vedirect/record';
import type { CouplingCore, CouplingPublish } from '../main/coupling-app';

/** Store key: highest message seq reserved (the next boot starts above it). */
export const SEQ_KEY = 'msgSeqHi';
/** Store key: highest order number reserved. */
export const ORDER_KEY = 'ordHi';
/** How many seqs / order numbers one store write reserves. */
export const SEQ_BLOCK = 64;

const DAY_MS = 86_400_000;
const INT32_MAX = 2_147_483_647;
const ID = /^[a-z0-9][a-z0-9-]{0,31}$/;

/** Kinds the coupling node sends. */
export type NodeKind = 'telemetry' | 'offer' | 'request' | 'cancel' | 'contract-ack' | 'fault';

/** The node's wire: encoding and signing with its key, the pinned hub key's check. */
export interface NodeWire {
  /** Canonical payload of `body` (signed with the node key for signed kinds); throws E_MSG_* for a bad body. */
  encode<K extends NodeKind>(kind: K, body: Bodies[K]): Uint8Array;
  /** Strictly decode a contract payload (throws E_MSG_*); `valid` = the hub's signature verifies. */
  contract(payload: Uint8Array): { body: ContractBody; valid: boolean };
}

export interface CouplingNodeOptions {
  nodeId: string;
  village: string;
  /** Signing with the node's secret key and the pinned hub key: `protocolWire(sk, hubPk)`. */
  wire: NodeWire;
  /** Preference-like store (one domain): settings, `winSeq`, `msgSeqHi`, `ordHi`. */
  store: SettingsStore;
  /** Settings defaults (over DEFAULT_SETTINGS); values already in the store win. */
  settings?: Partial<HemtsSettings>;
  /** Telemetry period (default 10 000 ms). */
  telemetryEveryMs?: number;
  /** HEMTS step period (default 1 000 ms; the forecast itself runs at most once a minute). */
  hemtsEveryMs?: number;
  /** SOC at boot before any BMV reading (default 500 ‰). */
  initialSocPermille?: number;
  /** SOC estimator overrides (battery size and efficiencies come from the settings). */
  soc?: Partial<SocConfig>;
  interlock?: InterlockConfig;
  failsafe?: Partial<FailsafeConfig>;
  /** A BMV-700 is wired (default true): its stream counts for staleness and its SOC is authoritative. */
  hasBmv?: boolean;
  /** After any fault the HEMTS posts no order for this long (default 60 000 ms). */
  faultHoldMs?: number;
  /** Local time = UTC + this (for the HEMTS day and hour slots; default 0). */
  utcOffsetMs?: number;
  /** Broker state at construction (default false: down until `linkState(true)`). */
  linkUp?: boolean;
  /** Every node event (mode changes, faults, contract decisions, window events), for logs and replay. */
  onEvent?: (e: NodeEvent) => void;
}

/** What the node tells its observer (never sent on the wire as such). */
export type NodeEvent =
  | { kind: 'mode'; atMs: number; mode: Mode; from: Mode }
  | { kind: 'fault'; atMs: number; code: string; detail: string }
  | { kind: 'contract'; atMs: number; id: string; seq: number; accepted: boolean; reason?: string }
  | { kind: 'window'; atMs: number; event: WindowEvent };

/** A meter reading given to the node: positive current = house → bus (export). */
export interface MeterSampleInput {
  atMs: number;
  busMV: number;
  currentMA: number;
}

const MODE_LETTER: Record<Mode, TelemetryBody['mode']> = { autonomous: 'A', prosumer: 'P', consumer: 'C' };

function intOr(v: unknown, lo: number, hi: number, d: number): number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= lo && v <= hi ? v : d;
}

function errCode(e: unknown): string {
  const c = (e as { code?: unknown } | null)?.code;
  return typeof c === 'string' && /^[A-Z][A-Z0-9_]{0,47}$/.test(c) ? c : 'E_INTERNAL';
}

/** The window executor's flow rules from the settings. */
function flowRules(s: HemtsSettings): FlowRules {
  return {
    linkPermille: s.linkPermille,
    deadBusMV: Math.floor((s.batteryVoltageMV * s.deadBusPermille) / 1000),
    idleMA: s.idleCurrentMA,
    debounceMs: s.flowDebounceMs,
  };
}

function clip(s: string, n: number): string {
  return s.length > n ? s.slice(0, n - 1) + '…' : s;
}

export class CouplingNode implements CouplingCore {
  readonly nodeId: string;
  readonly village: string;
  readonly #wire: NodeWire;
  readonly #store: SettingsStore;
  readonly #settings: SettingsPersister;
  readonly #soc: SocEstimator;
  readonly #interlock: Interlock;
  readonly #executor: WindowExecutor;
  readonly #failsafe: FailsafeSupervisor;
  readonly #pv: PvProfileLearner;
  readonly #energy = new NodeEnergy(10_000);
  readonly #counters: MeterCounters = { exportMWh: 0, importMWh: 0 };
  readonly #telemetryEveryMs: number;
  readonly #hemtsEveryMs: number;
  readonly #staleMs: number;
  readonly #faultHoldMs: number;
  readonly #hasBmv: boolean;
  readonly #utcOffsetMs: number;
  readonly #onEvent: ((e: NodeEvent) => void) | undefined;
  readonly #topics: { telemetry: string; offer: string; request: string; cancel: string; ack: string; fault: string };
  #limits: { sellerMinPermille: number; buyerMaxPermille: number };
  #flow: FlowRules;
  /** Latest valid meter sample (dead-bus / idle rules of a running window). */
  #sample: BusSample | null = null;
  #pvForecast: number[];
  #hemts: HemtsState;
  #seqNext: number;
  #seqHi: number;
  #ordHi: number;
  #out: CouplingPublish[] = [];
  #mppt: VictronRecord | null = null;
  #bmv: VictronRecord | null = null;
  #mpptAtMs = -1;
  #bmvAtMs = -1;
  #pvSinceMs: number | null = null;
  #meterSeen = false;
  #busPowerMW = 0;
  #readBack: RelayReadBack | null = null;
  #nextTelemetryMs = 0;
  #nextHemtsMs = 0;
  #nextFlushMs = 0;
  #nowMs: number;
  #reverseLatched: { atMs: number } | null = null;
  #brokerFaulted = false;
  /** Event fault codes (contract invalid, meter faults) seen since the last telemetry. */
  #recentFaults: string[] = [];
  /** Contracts accepted lately (id + seq): a redelivery is acked again, not refused as a replay. */
  #accepted: { id: string; seq: number }[] = [];

  constructor(relays: RelayOutputs, nowMs: number, o: CouplingNodeOptions) {
    if (!ID.test(o.nodeId) || o.nodeId === 'public' || o.nodeId === 'hub') fail('E_NODE_CONFIG', 'nodeId must match ^[a-z0-9][a-z0-9-]{0,31}$ (not public or hub)');
    if (!ID.test(o.village)) fail('E_NODE_CONFIG', 'village must match ^[a-z0-9][a-z0-9-]{0,31}$');
    if (!o.wire || typeof o.wire.encode !== 'function' || typeof o.wire.contract !== 'function') fail('E_NODE_CONFIG', 'wire must be a NodeWire (protocolWire(secretKeyHex, hubPublicKeyHex))');
    this.#wire = o.wire;
    this.nodeId = o.nodeId;
    this.village = o.village;
    this.#store = o.store;
    this.#nowMs = nowMs;
    this.#telemetryEveryMs = intOr(o.telemetryEveryMs, 100, 3_600_000, 10_000);
    this.#hemtsEveryMs = intOr(o.hemtsEveryMs, 100, 3_600_000, 1000);
    this.#hasBmv = o.hasBmv !== false;
    this.#faultHoldMs = intOr(o.faultHoldMs, 0, DAY_MS, 60_000);
    this.#utcOffsetMs = intOr(o.utcOffsetMs, -DAY_MS, DAY_MS, 0);
    this.#onEvent = o.onEvent;
    const fsCfg: FailsafeConfig = { ...DEFAULT_FAILSAFE_CONFIG, ...o.failsafe };
    this.#staleMs = fsCfg.vedStaleMs;

    // Relays first: both open from the first instant.
    this.#interlock = new Interlock(relays, nowMs, o.interlock ?? DEFAULT_INTERLOCK_CONFIG);
    this.#settings = new SettingsPersister(o.store, { ...DEFAULT_SETTINGS, ...o.settings });
    const s = this.#settings.settings;
    this.#limits = deliveryLimits(s);
    this.#flow = flowRules(s);
    this.#soc = new SocEstimator(
      { ...DEFAULT_SOC_CONFIG, batteryVoltageMV: s.batteryVoltageMV, capacityMAh: s.capacityMAh, chargeEfficiencyPermille: s.chargePermille, dischargeEfficiencyPermille: s.dischargePermille, ...o.soc },
      intOr(o.initialSocPermille, 0, 1000, 500),
    );
    this.#pv = new PvProfileLearner(s.pvProfileMWh);
    this.#pvForecast = s.pvProfileMWh ? s.pvProfileMWh.slice() : new Array<number>(24).fill(0);
    this.#executor = new WindowExecutor(this.#interlock, o.store);
    const safe: SafeState = { enterAutonomous: (f) => this.#enterAutonomous(f) };
    this.#failsafe = new FailsafeSupervisor(safe, nowMs, fsCfg);
    if (o.linkUp !== true) this.#failsafe.brokerLost(nowMs);

    const hi = intOr(o.store.get(SEQ_KEY), 0, INT32_MAX, 0);
    this.#seqHi = hi;
    this.#seqNext = hi + 1;
    this.#ordHi = intOr(o.store.get(ORDER_KEY), 0, INT32_MAX, 0);
    this.#hemts = { ...INITIAL_STATE, orders: [], nextOrderNo: this.#ordHi + 1 };
    const t = (k: 'telemetry' | 'offer' | 'request' | 'cancel' | 'contract-ack' | 'fault') => nodeTopic(o.village, o.nodeId, k);
    this.#topics = { telemetry: t('telemetry'), offer: t('offer'), request: t('request'), cancel: t('cancel'), ack: t('contract-ack'), fault: t('fault') };
  }

  // ---- read-only views -------------------------------------------------

  get socPermille(): number {
    return this.#soc.socPermille;
  }

  get mode(): Mode {
    return this.#hemts.mode;
  }

  get settings(): HemtsSettings {
    return this.#settings.settings;
  }

  /** Commanded relay state, the interlock's wish and its latched fault. */
  get relays(): { rl1: boolean; rl2: boolean } {
    const st = this.#interlock.state;
    return { rl1: st.rl1, rl2: st.rl2 };
  }

  /** The window being executed, if any. */
  get activeWindow(): { id: string; role: 'seller' | 'buyer'; energyMWh: number; deliveredMWh: number; endMs: number } | null {
    const a = this.#executor.active;
    return a ? { id: a.window.id, role: a.window.role, energyMWh: a.window.energyMWh, deliveredMWh: a.deliveredMWh, endMs: a.window.endMs } : null;
  }

  get pendingWindows(): number {
    return this.#executor.pendingCount;
  }

  /** Highest contract seq accepted (persisted as `winSeq`). */
  get highestContractSeq(): number {
    return this.#executor.highestSeq;
  }

  /** Lifetime meter counters from the samples given to {@link meterSample}. */
  get meterCounters(): MeterCounters {
    return { exportMWh: this.#counters.exportMWh, importMWh: this.#counters.importMWh };
  }

  /** Open orders posted by the HEMTS and not yet expired. */
  get openOrders(): HemtsState['orders'] {
    return this.#hemts.orders;
  }

  /** Fault codes active now (what telemetry carries). */
  faults(nowMs: number = this.#nowMs): string[] {
    const f: string[] = [];
    if (this.#vedStale(nowMs)) f.push('E_VED_STALE');
    if (this.#brokerFaulted) f.push('E_BROKER_LOST');
    const lf = this.#interlock.fault;
    if (lf) f.push(lf.code);
    if (this.#reverseLatched) f.push('E_REVERSE_CURRENT');
    for (const c of this.#recentFaults) if (!f.includes(c) && f.length < 16) f.push(c);
    return f;
  }

  // ---- inputs ----------------------------------------------------------

  mppt(record: VictronRecord, atMs: number): void {
    this.#mppt = record;
    this.#mpptAtMs = atMs;
    this.#see(atMs);
    this.#vedBlock();
    const dayStart = this.#dayStart(atMs);
    if (this.#pvSinceMs === null || this.#pvSinceMs < dayStart - DAY_MS) this.#pvSinceMs = atMs;
    const rolled = this.#pv.sample(atMs, dayStart, record.panelPowerMW ?? -1);
    if (rolled) {
      this.#pvSinceMs = atMs;
      this.#pvForecast = rolled.slice();
      try {
        this.#settings.update({ pvProfileMWh: rolled }, atMs);
      } catch {
        // a profile out of range is not stored; the forecast still uses it today
      }
    }
    if (!this.#bmvFresh(atMs) && record.voltageMV !== null && record.currentMA !== null) {
      // No BMV: the MPPT's battery voltage and its net battery current (charger output − load output).
      this.#soc.sample({ atMs, voltageMV: record.voltageMV, currentMA: record.currentMA - (record.loadCurrentMA ?? 0) });
    }
  }

  bmv(record: VictronRecord, atMs: number): void {
    this.#bmv = record;
    this.#bmvAtMs = atMs;
    this.#see(atMs);
    this.#vedBlock();
    if (record.socPermille !== null) this.#soc.bmv(record.socPermille, atMs);
    if (record.voltageMV !== null && record.currentMA !== null) this.#soc.sample({ atMs, voltageMV: record.voltageMV, currentMA: record.currentMA });
  }

  /**
   * One reading of the coupling's own meter (bus voltage, current; positive
   * = house → bus). Delivered energy for "quantity reached" is integrated
   * from these (trapezoid, gaps > 10 s not integrated); the latest one also
   * drives a running window's dead-bus (buyer) and no-draw (seller) rules.
   * Invalid samples are ignored.
   */
  meterSample(s: MeterSampleInput): void {
    if (!this.#energy.push(s.atMs, s.busMV, s.currentMA)) return;
    this.#see(s.atMs);
    this.#meterSeen = true;
    this.#counters.exportMWh = this.#energy.exportMWh;
    this.#counters.importMWh = this.#energy.importMWh;
    this.#busPowerMW = this.#energy.powerMW;
    const p = this.#sample; // reused: no allocation per sample
    if (p) {
      p.atMs = s.atMs;
      p.busMV = s.busMV;
      p.currentMA = s.currentMA;
    } else this.#sample = { atMs: s.atMs, busMV: s.busMV, currentMA: s.currentMA };
  }

  /**
   * A fault from the meter (e.g. `E_REVERSE_CURRENT`: the export diode
   * failed). Reverse current latches Autonomous until a reboot; other codes
   * are reported in telemetry. The fault message is returned by the next tick.
   */
  meterFault(code: string, atMs: number): void {
    this.#see(atMs);
    if (code === 'E_REVERSE_CURRENT') {
      this.#reverseLatched = { atMs };
      this.#failsafe.reverseCurrent(atMs, 'the meter saw bus → house current on the export path');
    } else this.#noteRecent(/^[A-Z][A-Z0-9_]{0,47}$/.test(code) ? code : 'E_METER_FAULT');
  }

  linkState(up: boolean, nowMs: number): void {
    this.#see(nowMs);
    if (up) {
      this.#failsafe.brokerConnected();
      this.#brokerFaulted = false;
      this.#nextTelemetryMs = nowMs; // say hello at once
    } else this.#failsafe.brokerLost(nowMs);
  }
  /** Change settings at run time (validated as a whole; E_HEMTS_SETTING). */
  applySettings(patch: Partial<HemtsSettings>, nowMs: number): void {
    this.#settings.update(patch, nowMs);
    this.#limits = deliveryLimits(this.#settings.settings);
    this.#flow = flowRules(this.#settings.settings);
    if (patch.pvProfileMWh) this.#pvForecast = patch.pvProfileMWh.slice();
    this.#nextHemtsMs = nowMs;
    this.#hemts = { ...this.#hemts, nextEvalMs: 0 };
  }

  // ---- control step ----------------------------------------------------

  tick(nowMs: number, readBack: RelayReadBack | undefined): CouplingPublish[] {
    this.#see(nowMs);
    if (readBack) this.#readBack = readBack;
    const rf = this.#interlock.tick(nowMs, readBack);
    if (rf) {
      this.#failsafe.relayReadback(nowMs, rf.detail);
    }
    this.#failsafe.setWindowEnd(this.#executor.currentEndMs);
    for (const f of this.#failsafe.tick(nowMs)) if (f.code === 'E_BROKER_LOST') this.#brokerFaulted = true;
    const allowed = this.#allowed();
    const ev = this.#executor.tick({
      nowMs,
      socPermille: this.#soc.socPermille,
      meter: this.#meterSeen ? this.#counters : null,
      limits: this.#limits,
      allowed,
      sample: this.#sample,
      flow: this.#flow,
    });
    for (const e of ev) this.#emit({ kind: 'window', atMs: nowMs, event: e });
    if (ev.length) this.#interlock.tick(nowMs); // a window that just started may close at once

    if (allowed && nowMs >= this.#nextHemtsMs && !this.#vedStale(nowMs)) {
      // Only on fresh battery data: the first evaluation must not act on the boot-time SOC guess.
      this.#nextHemtsMs = nowMs + this.#hemtsEveryMs;
      this.#runHemts(nowMs);
    }
    if (nowMs >= this.#nextTelemetryMs) {
      this.#nextTelemetryMs = nowMs + this.#telemetryEveryMs;
      this.#out.push({ topic: this.#topics.telemetry, payload: this.#wire.encode('telemetry', this.telemetry(nowMs)), qos: 0 });
      this.#recentFaults = [];
    }
    if (nowMs >= this.#nextFlushMs) {
      // Throttled writes of changed settings (a learned PV profile); checking costs an encode, so once a minute.
      this.#nextFlushMs = nowMs + 60_000;
      this.#settings.flush(nowMs);
    }
    return this.#drain();
  }

  message(topic: string, payload: Uint8Array, nowMs: number): CouplingPublish[] {
    this.#see(nowMs);
    const t = tryParseTopic(topic);
    if (!t || t.scope !== 'in' || t.kind !== 'contract' || t.node !== this.nodeId || t.village !== this.village) return this.#drain();
    this.#contract(payload, nowMs);
    return this.#drain();
  }

  /** The telemetry body now (unsigned). */
  telemetry(nowMs: number): TelemetryBody {
    const b = this.#bmvFresh(nowMs) ? this.#bmv : null;
    const m = this.#mppt;
    const batteryMV = b?.voltageMV ?? m?.voltageMV ?? 0;
    const batteryMA = b ? (b.currentMA ?? 0) : m ? (m.currentMA ?? 0) - (m.loadCurrentMA ?? 0) : 0;
    const loadMA = m?.loadCurrentMA ?? 0;
    const rb = this.#readBack ?? this.#interlock.state;
    const clampP = (v: number) => (v < 0 ? 0 : v > 100_000_000 ? 100_000_000 : v);
    return {
      node: this.nodeId,
      atMs: nowMs,
      mode: this.#allowed() ? MODE_LETTER[this.#hemts.mode] : 'A',
      socPermille: Math.max(0, Math.min(1000, this.#soc.socPermille)),
      batteryMV: Math.max(0, Math.min(1_000_000, batteryMV)),
      batteryMA: Math.max(-10_000_000, Math.min(10_000_000, batteryMA)),
      pvPowerMW: clampP(m?.panelPowerMW ?? 0),
      loadPowerMW: clampP(Math.round((loadMA * batteryMV) / 1000)),
      busPowerMW: Math.max(-100_000_000, Math.min(100_000_000, this.#busPowerMW)),
      relays: { rl1: rb.rl1, rl2: rb.rl2 },
      faults: this.faults(nowMs),
    };
  }

  // ---- internals -------------------------------------------------------

  #see(atMs: number): void {
    if (atMs > this.#nowMs) this.#nowMs = atMs;
  }

  #allowed(): boolean {
    return this.#failsafe.healthy && this.#interlock.fault === null && this.#reverseLatched === null;
  }

  #bmvFresh(nowMs: number): boolean {
    return this.#bmvAtMs >= 0 && nowMs - this.#bmvAtMs <= this.#staleMs;
  }

  #vedStale(nowMs: number): boolean {
    const stale = (at: number) => at < 0 || nowMs - at > this.#staleMs;
    return stale(this.#mpptAtMs) || (this.#hasBmv && stale(this.#bmvAtMs));
  }

  /** Feed the supervisor the age of the OLDER stream: both must be fresh. */
  #vedBlock(): void {
    const m = this.#mpptAtMs;
    if (m < 0) return;
    if (this.#hasBmv) {
      if (this.#bmvAtMs < 0) return;
      this.#failsafe.vedirectBlock(m < this.#bmvAtMs ? m : this.#bmvAtMs);
    } else this.#failsafe.vedirectBlock(m);
  }

  #dayStart(atMs: number): number {
    const local = atMs + this.#utcOffsetMs;
    return local - (((local % DAY_MS) + DAY_MS) % DAY_MS) - this.#utcOffsetMs;
  }

  #emit(e: NodeEvent): void {
    if (this.#onEvent) this.#onEvent(e);
  }

  #noteRecent(code: string): void {
    if (!this.#recentFaults.includes(code) && this.#recentFaults.length < 8) this.#recentFaults.push(code);
  }

  #drain(): CouplingPublish[] {
    if (this.#out.length === 0) return [];
    const out = this.#out;
    this.#out = [];
    return out;
  }

  #nextSeq(): number {
    if (this.#seqNext > this.#seqHi) {
      this.#seqHi = this.#seqNext + SEQ_BLOCK - 1;
      this.#store.set(SEQ_KEY, this.#seqHi); // reserve before use: a reboot starts above it
    }
    return this.#seqNext++;
  }

  #signed(topic: string, payload: Uint8Array): void {
    this.#out.push({ topic, payload, qos: 1 });
  }

  /** The SafeState of the supervisor: both relays open, windows aborted, orders cancelled, fault published. */
  #enterAutonomous(f: Fault): void {
    for (const e of this.#executor.abort(f.atMs)) this.#emit({ kind: 'window', atMs: f.atMs, event: e });
    this.#interlock.forceOpen(f.atMs);
    this.#emit({ kind: 'fault', atMs: f.atMs, code: f.code, detail: f.detail });
    this.#noteRecent(f.code);
    this.#signed(this.#topics.fault, this.#wire.encode('fault', { node: this.nodeId, seq: this.#nextSeq(), code: f.code, atMs: f.atMs, detail: clip(f.detail, 256) }));
    const st = this.#hemts;
    for (const o of st.orders) this.#signed(this.#topics.cancel, this.#wire.encode('cancel', { node: this.nodeId, seq: this.#nextSeq(), orderId: o.id, atMs: f.atMs }));
    if (st.mode !== 'autonomous') this.#emit({ kind: 'mode', atMs: f.atMs, mode: 'autonomous', from: st.mode });
    this.#hemts = { mode: 'autonomous', orders: [], nextOrderNo: st.nextOrderNo, nextEvalMs: 0 };
    this.#nextTelemetryMs = f.atMs; // report the fault in telemetry at the next step
    this.#nextHemtsMs = f.atMs + this.#faultHoldMs; // no new orders for a while
  }

  #runHemts(nowMs: number): void {
    const st = this.#hemts;
    if (st.nextOrderNo + 2 > this.#ordHi) {
      this.#ordHi = st.nextOrderNo + SEQ_BLOCK;
      this.#store.set(ORDER_KEY, this.#ordHi);
    }
    const dayStartMs = this.#dayStart(nowMs);
    const pvToday = this.#pvTodayMWh(nowMs, dayStartMs);
    const r = decide(this.#settings.settings, st, {
      node: this.nodeId,
      nowMs,
      dayStartMs,
      socPermille: this.#soc.socPermille,
      pvForecastMWh: this.#pvForecast,
      activeRole: this.#executor.activeRole,
      ...(pvToday === undefined ? {} : { pvTodayMWh: pvToday }),
    });
    this.#hemts = r.state;
    for (const d of r.decisions) this.#publishDecision(d, nowMs);
  }

  /** PV measured today: the learner's count if it has watched since midnight, else the MPPT's own H20. */
  #pvTodayMWh(nowMs: number, dayStartMs: number): number | undefined {
    if (this.#pvSinceMs !== null && this.#pvSinceMs <= dayStartMs + 600_000 && nowMs - this.#mpptAtMs <= this.#staleMs) return this.#pv.todayMWh;
    const y = this.#mppt?.yieldTodayMWh;
    return typeof y === 'number' && y >= 0 && nowMs - this.#mpptAtMs <= this.#staleMs ? y : undefined;
  }

  #publishDecision(d: Decision, nowMs: number): void {
    if (d.kind === 'mode') {
      this.#emit({ kind: 'mode', atMs: nowMs, mode: d.mode, from: d.from });
      this.#nextTelemetryMs = nowMs; // mode changes go out in telemetry at once
      return;
    }
    if (d.kind === 'cancel') {
      this.#signed(this.#topics.cancel, this.#wire.encode('cancel', { node: this.nodeId, seq: this.#nextSeq(), orderId: d.orderId, atMs: nowMs }));
      return;
    }
    const body = {
      node: this.nodeId,
      seq: this.#nextSeq(),
      id: d.id,
      energyMWh: d.energyMWh,
      priceUnitsPerKWh: d.priceUnitsPerKWh,
      fromMs: d.fromMs,
      toMs: d.toMs,
      maxPowerMW: d.maxPowerMW,
      socPermille: Math.max(0, Math.min(1000, d.socPermille)),
      atMs: nowMs,
    };
    this.#signed(d.kind === 'offer' ? this.#topics.offer : this.#topics.request, this.#wire.encode(d.kind, body));
  }

  #ack(c: { id: string; seq: number }, accepted: boolean, reason: string | null, nowMs: number): void {
    const body = { node: this.nodeId, seq: this.#nextSeq(), contractId: c.id, contractSeq: c.seq, accepted, atMs: nowMs, ...(reason ? { reason } : {}) };
    this.#signed(this.#topics.ack, this.#wire.encode('contract-ack', body));
    this.#emit({ kind: 'contract', atMs: nowMs, id: c.id, seq: c.seq, accepted, ...(reason ? { reason } : {}) });
  }

  #contract(payload: Uint8Array, nowMs: number): void {
    let c: ContractBody;
    let valid: boolean;
    try {
      const d = this.#wire.contract(payload);
      c = d.body;
      valid = d.valid;
    } catch (e) {
      // Cannot even name the contract: no ack, but the house goes safe.
      this.#failsafe.contractInvalid(nowMs, `undecodable contract (${errCode(e)})`);
      return;
    }
    if (!valid) {
      this.#failsafe.contractInvalid(nowMs, `contract ${c.id} (seq ${c.seq}): hub signature does not verify`);
      this.#ack(c, false, 'E_CONTRACT_INVALID', nowMs);
      return;
    }
    if (c.village !== this.village) return this.#ack(c, false, 'E_CONTRACT_VILLAGE', nowMs);
    const role = c.seller === this.nodeId ? 'seller' : c.buyer === this.nodeId ? 'buyer' : null;
    if (role === null) return this.#ack(c, false, 'E_WINDOW_ROLE', nowMs);
    if (this.#accepted.some((a) => a.id === c.id && a.seq === c.seq)) return this.#ack(c, true, null, nowMs); // redelivery
    try {
      this.#executor.accept({ id: c.id, seq: c.seq, role, energyMWh: c.energyMWh, beginMs: c.beginMs, endMs: c.endMs }, nowMs);
    } catch (e) {
      return this.#ack(c, false, errCode(e), nowMs);
    }
    this.#accepted.push({ id: c.id, seq: c.seq });
    if (this.#accepted.length > 8) this.#accepted.shift();
    this.#ack(c, true, null, nowMs);
  }
}

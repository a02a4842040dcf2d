/**
 * MeterNode: the meter's pure core, wiring the integrator, the diode check,
 * the contract book, checkpoints and the report queue. Time is an input
 * (`atMs` of samples, `nowMs` of ticks); the store and the signing key are
 * injected; outputs are collected until `drain()`.
 *
 * Issuing a report (periodic or final) is write-ahead:
 *   1. the signed report is queued and persisted (queue record),
 *   2. a checkpoint holding its seq and the counters it states is written,
 *   3. only then is it handed out for publishing.
 * A crash before 2 completes leaves a queued record newer than the
 * checkpoint; restore deletes it (it was never published), so a seq is never
 * published with two different bodies, and counters resume from a
 * checkpoint at or before the last published report, never after it: energy
 * since the last checkpoint may be lost, never counted twice.
 *
 * Contracts: `beginContract` adds a window to the schedule (reports.ts,
 * ContractBook) and never closes another one; several contracts may arrive
 * at once. At every sample and tick the node rolls the schedule forward: it
 * closes windows that ended (final report each, in schedule order), cuts an
 * open window short when the next one begins inside it (overlap), and opens
 * the head once its window has begun. `endContract` ends only the open
 * window; pending ones stay scheduled. A full schedule refuses the newcomer
 * and raises E_METER_SCHEDULE (carried in the next report). Every change of
 * the schedule is checkpointed, so pending windows and the closed-id ring
 * survive a reboot.
 */
import { fail, SwarmError, type ErrorCode } from '../../shared/errors';
import { DiodeCheck, METER_MODES, type DiodeConfig, type MeterMode } from './diode';
import { checkSample, EnergyIntegrator, type IntegratorConfig, type Sample } from './integrator';
import { CheckpointSlots, WearPolicy, type ContractState, type PersistPolicy } from './persist';
import { ContractBook, DEFAULT_SCHEDULE, FaultLog, reportPayload, signReport, type BeginResult, type ContractWindow, type MeterReportBody } from './reports';
import { ReportQueue } from './queue';
import type { PreferenceStore } from './record';

export interface MeterNodeOptions {
  /** This meter's id (`^[a-z0-9][a-z0-9-]{0,31}$`). */
  meterId: string;
  /** The household node it meters. */
  nodeId: string;
  /** The meter's secp256k1 secret key (hex) for signing reports. */
  secretKeyHex: string;
  store: PreferenceStore;
  /** Preference domain (≤ 15 characters). Default "swg-meter". */
  domain?: string;
  integrator?: Partial<IntegratorConfig>;
  diode?: Partial<DiodeConfig>;
  persist?: Partial<PersistPolicy>;
  /** Period of reports. Default 300 000 (5 min); at least persist.minGapMs. */
  reportEveryMs?: number;
  /** Republish an unacknowledged report after this long while connected. Default 30 000. */
  retryMs?: number;
  /** Reports kept while the broker is unreachable. Default 16. */
  queueCapacity?: number;
  /** Contract windows scheduled at once, the open one included. Default 8, at most 16. */
  scheduleCapacity?: number;
}

/** One report to publish (MQTT payload = canonical envelope text). */
export interface Outgoing {
  seq: number;
  final: boolean;
  payload: string;
}

export interface MeterOutput {
  /** Reports to publish now, oldest first. */
  publish: Outgoing[];
  /** Fault codes raised since the last drain (E_REVERSE_CURRENT: the coupling node opens both relays). */
  faults: string[];
  /** Store writes (set + delete) since the last drain. */
  writes: number;
}

export interface MeterStatus {
  seq: number;
  mode: MeterMode;
  connected: boolean;
  exportMWh: number;
  importMWh: number;
  gaps: number;
  clockJumps: number;
  queued: number;
  dropped: number;
  faultLatched: boolean;
  /** The open window, else the next pending one (null: nothing scheduled). */
  contract: ContractState | null;
  /** Every scheduled window, head first. */
  schedule: ContractState[];
  /** Contract ids closed recently (ring, oldest first): sent again, they are ignored. */
  closedIds: string[];
  /** Store writes since construction. */
  writes: number;
  /** Checkpoint generation restored at construction (0: fresh store). */
  restoredGen: number;
}

const NODE_ID = /^[a-z0-9][a-z0-9-]{0,31}$/;

/** Counts set/delete calls on the way to the real store. */
class CountingStore implements PreferenceStore {
  writes = 0;
  readonly #inner: PreferenceStore;

  constructor(inner: PreferenceStore) {
    this.#inner = inner;
  }

  get(domain: string, key: string): string | boolean | number | ArrayBuffer | undefined {
    return this.#inner.get(domain, key);
  }

  set(domain: string, key: string, value: string | boolean | number | ArrayBuffer): void {
    this.writes++;
    this.#inner.set(domain, key, value);
  }

  delete(domain: string, key: string): void {
    this.writes++;
    this.#inner.delete(domain, key);
  }

  keys(domain: string): string[] {
    return this.#inner.keys(domain);
  }
}

export class MeterNode {
  readonly meterId: string;
  readonly nodeId: string;
  readonly reportEveryMs: number;
  readonly retryMs: number;
  readonly #sk: string;
  readonly #store: CountingStore;
  readonly #slots: CheckpointSlots;
  readonly #queue: ReportQueue;
  readonly #wear: WearPolicy;
  readonly #integrator: EnergyIntegrator;
  readonly #diode: DiodeCheck;
  readonly #book: ContractBook;
  readonly #faults = new FaultLog();
  readonly #restoredGen: number;
  #seq: number;
  #mode: MeterMode = 'autonomous';
  #connected = false;
  #nowMs: number | null = null;
  #nextReportMs: number | null = null;
  #sentAt = new Map<number, number>();
  #publish: Outgoing[] = [];
  #raised: string[] = [];
  #writesAtDrain = 0;

  constructor(o: MeterNodeOptions) {
    if (!NODE_ID.test(o.meterId) || !NODE_ID.test(o.nodeId)) fail('E_METER_CONFIG', 'meterId and nodeId must match ^[a-z0-9][a-z0-9-]{0,31}$');
    const domain = o.domain ?? 'swg-meter';
    if (domain.length < 1 || domain.length > 15) fail('E_METER_CONFIG', 'domain must be 1 … 15 characters');
    this.meterId = o.meterId;
    this.nodeId = o.nodeId;
    this.#sk = o.secretKeyHex;
    this.#wear = new WearPolicy(o.persist);
    this.reportEveryMs = o.reportEveryMs ?? 300_000;
    this.retryMs = o.retryMs ?? 30_000;
    if (!Number.isInteger(this.reportEveryMs) || this.reportEveryMs < Math.max(1, this.#wear.policy.minGapMs)) {
      fail('E_METER_CONFIG', 'reportEveryMs must be an integer ≥ persist.minGapMs (each report writes the store)');
    }
    if (!Number.isInteger(this.retryMs) || this.retryMs < 1) fail('E_METER_CONFIG', 'retryMs must be a positive integer');
    this.#store = new CountingStore(o.store);
    this.#slots = new CheckpointSlots(this.#store, domain);
    this.#queue = new ReportQueue(this.#store, domain, o.queueCapacity ?? 16);

    const cp = this.#slots.load();
    this.#restoredGen = cp?.gen ?? 0;
    this.#seq = cp?.lastSeq ?? 0;
    this.#queue.restore(this.#seq);
    this.#integrator = new EnergyIntegrator(o.integrator, {
      export: cp ? { ...cp.export } : { mWh: 0, rem: 0 },
      import: cp ? { ...cp.import } : { mWh: 0, rem: 0 },
      last: null,
      gaps: 0,
      clockJumps: 0,
    });
    this.#diode = new DiodeCheck(o.diode, cp?.faultLatched ?? false);
    this.#book = new ContractBook(cp ? { schedule: cp.schedule, closedIds: cp.closedIds } : null, o.scheduleCapacity ?? DEFAULT_SCHEDULE);
    if (this.#slots.invalidSlots) this.#raise('E_METER_STORE');
    if (this.#diode.faulted) this.#raise('E_REVERSE_CURRENT');
  }

  /** One sensor reading. Invalid samples are dropped and noted (E_METER_SAMPLE). */
  sample(s: Sample): void {
    try {
      checkSample(s);
    } catch {
      this.#raise('E_METER_SAMPLE');
      return;
    }
    this.#advance(s.atMs);
    if (this.#diode.check(s.atMs, s.currentMA, this.#mode)) {
      this.#raise('E_REVERSE_CURRENT');
      this.#checkpoint(s.atMs);
    }
    this.#roll(s.atMs, true);
    const kind = this.#integrator.push(s);
    if (kind === 'gap') this.#raise('E_METER_GAP');
    else if (kind === 'clock') this.#raise('E_METER_CLOCK');
  }

  /** The coupling node's mode (the diode check applies in Prosumer mode). */
  setMode(mode: MeterMode): void {
    if (!METER_MODES.includes(mode)) fail('E_METER_CONFIG', `unknown mode ${String(mode)}`);
    this.#mode = mode;
  }

  /**
   * Schedule a contract window (received at `atMs`, default: the latest time
   * seen). Windows already scheduled ('same') or closed recently ('closed')
   * are ignored; a full schedule refuses it ('full', E_METER_SCHEDULE raised).
   * A new window never closes another one; it opens when its window begins,
   * at once if that is already past, and a window whose end has passed
   * gets its zero final report now. E_METER_CONTRACT for a malformed window.
   */
  beginContract(w: ContractWindow, atMs?: number): BeginResult {
    const now = atMs ?? this.#nowMs ?? w.beginMs;
    this.#advance(now);
    const r = this.#book.begin(w);
    if (r === 'full') this.#raise('E_METER_SCHEDULE');
    if (r !== 'new') return r;
    if (this.#roll(now, false) === 0) this.#checkpoint(now); // the new window survives a reboot
    return r;
  }

  /**
   * End the open window early (quantity reached, or the coupling node
   * stopped): final report now, stating min(atMs, endMs). A window that has
   * begun by `atMs` counts as open. Pending windows stay scheduled.
   */
  endContract(atMs: number): void {
    this.#advance(atMs);
    this.#roll(atMs, false);
    const cur = this.#book.current;
    if (cur && cur.active) this.#issue(atMs, true, Math.min(atMs, cur.endMs));
  }

  /** Time passes: closes windows, issues periodic reports, background checkpoints (wear policy), retries. */
  tick(nowMs: number): void {
    this.#advance(nowMs);
    this.#roll(nowMs, false);
    if (this.#nextReportMs === null || nowMs < this.#nextReportMs - this.reportEveryMs) this.#nextReportMs = nowMs + this.reportEveryMs;
    else if (nowMs >= this.#nextReportMs) {
      this.#issue(nowMs, false, nowMs);
      this.#nextReportMs = nowMs + this.reportEveryMs;
    }
    this.#backgroundCheckpoint(nowMs);
    if (this.#connected) {
      for (const e of this.#queue.entries()) {
        const sent = this.#sentAt.get(e.seq);
        if (sent === undefined || nowMs - sent >= this.retryMs || nowMs < sent) this.#send(e, nowMs);
      }
    }
  }

  /** The hub stored report `seq`: drop it from the queue. */
  ack(seq: number): void {
    this.#queue.ack(seq);
    this.#sentAt.delete(seq);
  }

  /** Broker connection state. On connect every queued report is published again, oldest first. */
  connected(up: boolean, atMs?: number): void {
    const was = this.#connected;
    this.#connected = up;
    if (up && !was) {
      const now = atMs ?? this.#nowMs ?? 0;
      for (const e of this.#queue.entries()) this.#send(e, now);
    }
  }

  /** An adapter-level fault (e.g. E_SENSOR_IO) to carry in the next report. */
  noteFault(code: ErrorCode): void {
    this.#raise(code);
  }

  /** Release the E_REVERSE_CURRENT latch (explicit decision only). */
  clearFault(atMs: number): void {
    if (!this.#diode.faulted) return;
    this.#diode.clear();
    this.#advance(atMs);
    this.#checkpoint(atMs);
  }

  /** Collect and reset the outputs. */
  drain(): MeterOutput {
    const out: MeterOutput = { publish: this.#publish, faults: this.#raised, writes: this.#store.writes - this.#writesAtDrain };
    this.#publish = [];
    this.#raised = [];
    this.#writesAtDrain = this.#store.writes;
    return out;
  }

  status(): MeterStatus {
    const book = this.#book.state();
    return {
      seq: this.#seq,
      mode: this.#mode,
      connected: this.#connected,
      exportMWh: this.#integrator.exportMWh,
      importMWh: this.#integrator.importMWh,
      gaps: this.#integrator.gaps,
      clockJumps: this.#integrator.clockJumps,
      queued: this.#queue.size,
      dropped: this.#queue.dropped,
      faultLatched: this.#diode.faulted,
      contract: this.#book.current,
      schedule: book.schedule,
      closedIds: book.closedIds,
      writes: this.#store.writes,
      restoredGen: this.#restoredGen,
    };
  }

  /** Reports waiting for an ack (oldest first). */
  queued(): Outgoing[] {
    return this.#queue.entries();
  }

  #advance(nowMs: number): void {
    if (this.#nowMs === null) this.#wear.restored(nowMs, this.#energy());
    if (this.#nowMs === null || nowMs > this.#nowMs) this.#nowMs = nowMs;
  }

  #energy(): number {
    return this.#integrator.exportMWh + this.#integrator.importMWh;
  }

  #raise(code: string): void {
    this.#faults.note(code);
    if (!this.#raised.includes(code)) this.#raised.push(code);
  }

  /**
   * Bring the schedule to `atMs` (a segment end for samples, else a tick):
   * close ended or overlapped windows with final reports and open the head
   * when due, each step checkpointed. Stops at a final report the store
   * refused (retried at the next call). Returns the number of steps taken;
   * each removes a window or opens the head, so it is bounded by twice the
   * schedule size.
   */
  #roll(atMs: number, segment: boolean): number {
    let steps = 0;
    for (;;) {
      const due = this.#book.next(atMs, segment);
      if (due === null) return steps;
      if (due === 'open') {
        this.#book.open(atMs, this.#integrator.lastAtMs, this.#integrator.exportCount(), this.#integrator.importCount());
        this.#checkpoint(atMs);
      } else if (due === 'lapsed') {
        if (!this.#issue(atMs, true, this.#book.endMsAt(1) ?? atMs, 1)) return steps;
      } else if (!this.#issue(atMs, true, due)) return steps;
      steps++;
    }
  }

  #send(e: Outgoing, nowMs: number): void {
    this.#publish.push({ seq: e.seq, final: e.final, payload: e.payload });
    this.#sentAt.set(e.seq, nowMs);
  }

  /**
   * Issue one report (write-ahead, see module doc); a final one closes the
   * scheduled window at `index` (default the head). False when the store
   * refused it (the book is restored, so the close is retried).
   */
  #issue(atMs: number, final: boolean, toMs: number, index = 0): boolean {
    const exp = this.#integrator.exportCount();
    const imp = this.#integrator.importCount();
    if (this.#diode.faulted) this.#faults.note('E_REVERSE_CURRENT');
    const faults = this.#faults.take();
    const seq = ++this.#seq; // consumed even on failure: an unpublished seq may be skipped, never reused in this run
    const body: MeterReportBody = {
      meter: this.meterId,
      node: this.nodeId,
      seq,
      atMs,
      lifetime: { exportMWh: exp.mWh, importMWh: imp.mWh },
      contract: this.#book.part(exp, imp, toMs, final, index),
      faults,
    };
    const payload = reportPayload(signReport(body, this.#sk));
    const before = final ? this.#book.state() : null;
    if (final) this.#book.close(index);
    let queued = false;
    try {
      const dropped = this.#queue.push({ seq, final, payload });
      queued = !dropped.includes(seq);
      for (const d of dropped) this.#sentAt.delete(d);
      if (dropped.length) this.#raise('E_METER_QUEUE_DROP');
      this.#save(atMs);
    } catch (e) {
      if (!(e instanceof SwarmError)) throw e;
      this.#queue.discard(seq);
      if (before) this.#book.restore(before);
      for (const f of faults) this.#faults.note(f);
      this.#raise('E_METER_STORE');
      return false;
    }
    if (this.#connected) this.#send({ seq, final, payload }, atMs);
    else if (!queued) this.#raise('E_METER_QUEUE_DROP');
    return true;
  }

  #save(atMs: number): void {
    this.#slots.save({
      lastSeq: this.#seq,
      export: this.#integrator.exportCount(),
      import: this.#integrator.importCount(),
      faultLatched: this.#diode.faulted,
      ...this.#book.state(),
      savedAtMs: atMs,
    });
    this.#wear.wrote(atMs, this.#energy());
  }

  /** A forced checkpoint (contract opened, fault latched or cleared); failures are noted, not thrown. */
  #checkpoint(atMs: number): void {
    try {
      this.#save(atMs);
    } catch (e) {
      if (!(e instanceof SwarmError)) throw e;
      this.#raise('E_METER_STORE');
    }
  }

  #backgroundCheckpoint(atMs: number): void {
    if (this.#wear.due(atMs, this.#energy())) this.#checkpoint(atMs);
  }
}

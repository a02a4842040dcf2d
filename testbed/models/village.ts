/**
 * A village: houses on one shared DC bus, stepped together by one simulated
 * clock. Each step: every house begins (contacts settle, PV and demand for
 * the step), the bus matches what RL1 houses can give with what RL2 houses'
 * secondary loads ask, every house finishes, the recorder samples, and the
 * clock advances. Same scenario + same options → same result, bit for bit.
 */
import type { Scenario } from '../scenario/types';
import { SimClock } from './clock';
import { DcBus } from './bus';
import { House, type HouseOptions } from './house';
import type { CloudOptions } from './pv';
import type { MeterNoise } from './meter';
import type { CouplingOptions } from './coupling';
import { MS_PER_DAY, MS_PER_HOUR, uJToWh } from './units';
import type { HouseLog, VillageLog } from '../metrics/log';

export interface VillageOptions {
  /** Epoch ms of 00:00 of the simulated day (default 2024-04-14 UTC). */
  dayStartMs?: number;
  /** Epoch ms the clock starts at (default dayStartMs; e.g. dayStartMs + 12 h to start at noon). */
  startMs?: number;
  clouds?: CloudOptions;
  meterNoise?: MeterNoise;
  coupling?: CouplingOptions;
  chargeLimitMA?: number;
  loadLimitMA?: number;
  /** Log interval, ms (default one hour; must divide the hour). */
  logStepMs?: number;
  /** Diode forward drop on RL1, mV (default 400). */
  diodeDropMV?: number;
}

interface Snapshot {
  atMs: number;
  pvUJ: number;
  primaryDemandUJ: number;
  secondaryDemandUJ: number;
  unservedUJ: number;
  curtailedUJ: number;
  sentUJ: number;
  receivedUJ: number;
  soc: number;
}

export class Village {
  readonly scenario: Scenario;
  readonly clock: SimClock;
  readonly houses: House[];
  readonly bus: DcBus;
  readonly logStepMs: number;
  private readonly byId = new Map<string, House>();
  private readonly snaps: Snapshot[][];
  private nextLogMs: number;
  private readonly startMs: number;

  constructor(scenario: Scenario, options: VillageOptions = {}) {
    this.scenario = scenario;
    this.clock = new SimClock(options.dayStartMs, options.startMs ?? options.dayStartMs);
    this.startMs = this.clock.nowMs();
    this.logStepMs = options.logStepMs ?? MS_PER_HOUR;
    if (MS_PER_HOUR % this.logStepMs !== 0) throw new RangeError('logStepMs must divide one hour');
    const houseOptions: HouseOptions = {
      clock: this.clock,
      ...(options.clouds ? { clouds: options.clouds } : {}),
      ...(options.meterNoise ? { meterNoise: options.meterNoise } : {}),
      ...(options.coupling ? { coupling: options.coupling } : {}),
      ...(options.chargeLimitMA !== undefined ? { chargeLimitMA: options.chargeLimitMA } : {}),
      ...(options.loadLimitMA !== undefined ? { loadLimitMA: options.loadLimitMA } : {}),
    };
    this.houses = scenario.households.map((h) => new House(h, scenario.efficiency, houseOptions));
    for (const h of this.houses) this.byId.set(h.id, h);
    this.bus = new DcBus(scenario.efficiency.link, options.diodeDropMV);
    this.snaps = this.houses.map((h) => [this.snapshot(h)]);
    this.nextLogMs = this.startMs + this.logStepMs;
  }

  /** The house with this id (throws on an unknown id). */
  house(id: string): House {
    const h = this.byId.get(id);
    if (!h) throw new RangeError(`no household "${id}"`);
    return h;
  }

  /** Advance every model by `dtMs` of simulated time. */
  step(dtMs: number): void {
    const ports = this.houses.map((h) => h.begin(dtMs));
    const sources = ports.map((p) => ({ capacityUJ: p.exportCapacityUJ, voltageMV: p.sourceVoltageMV }));
    const r = this.bus.resolve(sources, ports.map((p) => p.importDemandUJ));
    const view = { sourceVoltageMV: r.sourceVoltageMV, sinkVoltageMV: r.sinkVoltageMV };
    this.houses.forEach((h, i) => h.finish(r.sentUJ[i]!, r.receivedUJ[i]!, view));
    this.clock.advance(dtMs);
    while (this.clock.nowMs() >= this.nextLogMs) {
      this.houses.forEach((h, i) => this.snaps[i]!.push(this.snapshot(h)));
      this.nextLogMs += this.logStepMs;
    }
  }

  /** Step with `dtMs` until the clock reaches `untilMs` (the last step may be shorter). */
  runUntil(untilMs: number, dtMs: number): void {
    while (this.clock.nowMs() < untilMs) this.step(Math.min(dtMs, untilMs - this.clock.nowMs()));
  }

  /** Run one whole day from the current time. */
  runDay(dtMs = 1000): void {
    this.runUntil(this.clock.nowMs() + MS_PER_DAY, dtMs);
  }

  /** Link loss on the bus since the start, µJ. */
  linkLossUJ(): number {
    return this.bus.sentUJ - this.bus.receivedUJ;
  }

  private snapshot(h: House): Snapshot {
    const c = h.counters;
    return {
      atMs: this.clock.nowMs(),
      pvUJ: c.pvUJ,
      primaryDemandUJ: c.primaryDemandUJ,
      secondaryDemandUJ: c.secondaryDemandUJ,
      unservedUJ: c.unservedUJ,
      curtailedUJ: c.curtailedUJ,
      sentUJ: c.sentUJ,
      receivedUJ: c.receivedUJ,
      soc: h.soc(),
    };
  }

  /** The log recorded so far (complete intervals only), for the metrics. */
  log(): VillageLog {
    const eff = this.scenario.efficiency;
    const households: HouseLog[] = this.houses.map((h, i) => {
      const s = this.snaps[i]!;
      const diff = (k: keyof Snapshot, scale = 1) => s.slice(1).map((x, j) => (uJToWh(x[k] - s[j]![k]) * scale));
      return {
        id: h.id,
        pvWh: diff('pvUJ'),
        primaryDemandWh: diff('primaryDemandUJ'),
        secondaryDemandWh: diff('secondaryDemandUJ'),
        unservedWh: diff('unservedUJ'),
        wastedPvWh: diff('curtailedUJ', 1 / eff.shsDirect),
        sentWh: diff('sentUJ'),
        receivedWh: diff('receivedUJ'),
        soc: h.battery ? s.map((x) => x.soc) : null,
      };
    });
    return {
      stepMin: this.logStepMs / 60_000,
      shsDirect: eff.shsDirect,
      link: eff.link,
      priceUnitsPerKWh: this.scenario.market.priceUnitsPerKWh,
      households,
    };
  }
}

/**
 * HEMTS — the home energy management and trading system's decisions
 * (paper Fig. 7–8), as a pure function of (settings, state, inputs).
 *
 * Modes: Autonomous (RL1, RL2 open), Prosumer (sells through RL1), Consumer
 * (buys through RL2). Here the mode is the trading intent; the relays are
 * closed only by the delivery-window executor during a signed window.
 *
 * Two selectable strategies, both working on the current clock-hour slot
 * [now, next hour) and posting at most one order per slot:
 *
 * - 'paper' (Fig. 7–8): offer when SOC ≥ SOC_p (SOC_pmin while Prosumer) and
 *   the hour has PV surplus: min(surplus, E_sh) with E_sh = SOC·E_tbat − E_td
 *   (eq. 4, E_tbat eq. 1, E_td from now to midnight eq. 3), posted when over
 *   O_th. Request when SOC ≤ SOC_c (SOC_cmax while Consumer): E_rq = the
 *   hour's secondary load the house cannot cover from its own PV, posted
 *   when over R_th. Prosumer → Autonomous below SOC_pmin, Consumer →
 *   Autonomous above SOC_cmax (open orders are cancelled).
 *
 * - 'forecast' (ours): the node simulates its own day from now (battery,
 *   eq. 3 load schedule, expected PV per hour) and
 *   * offers, in every hour that has a direct PV surplus, as much of that
 *     surplus as the battery would otherwise WASTE later today (forecast
 *     overflow once it is full, less a safety margin) — early, while SOC is
 *     still low, instead of waiting for SOC_p. Exporting surplus that would
 *     have gone into the battery only delays filling it, so the battery does
 *     no extra discharge and ends the day where it would have standalone; a
 *     cap keeps the lowered trajectory above its own standalone minimum.
 *   * requests, in every hour where it would otherwise discharge its battery
 *     for secondary loads, that discharge — capped so the saved battery
 *     energy never makes it overflow later (energy it could not use).
 *   Both keep each battery to the cycles it would do anyway or fewer.
 *
 * Both strategies: an offer spans the rest of the slot at the export power;
 * a request is placed where the house's secondary loads are scheduled to
 * draw it ({@link requestWindow}). Forecast strategy only: an offer is in
 * contract terms (what the buyer receives: what may leave × the link
 * efficiency), a need under R_th gathers the next hours' needs
 * ({@link gatherNeeds}), and a PV-direct house (no battery) offers the
 * hour's direct surplus at its average power.
 */
import { batteryEnergyMWh } from './soc';
import { demandBetween, densestStretch, hourlyDemand, HOUR_MS, secondarySpan, type Demand } from './schedule';
import type { HemtsSettings } from './settings';

export type Mode = 'autonomous' | 'prosumer' | 'consumer';

/** An order this node has posted and that has not yet expired. */
export interface OpenOrder {
  id: string;
  kind: 'offer' | 'request';
  energyMWh: number;
  fromMs: number;
  toMs: number;
}

export interface HemtsState {
  mode: Mode;
  orders: OpenOrder[];
  /** Next order number (ids `<node>-o-<n>` / `<node>-r-<n>`). */
  nextOrderNo: number;
  /** The forecast/offer evaluation runs again at or after this time (exits run every step). */
  nextEvalMs: number;
}

export const INITIAL_STATE: HemtsState = { mode: 'autonomous', orders: [], nextOrderNo: 1, nextEvalMs: 0 };

/** How often the (costly) forecast evaluation runs at most; also at every hour slot start. */
export const EVAL_INTERVAL_MS = 60_000;

export interface HemtsInputs {
  node: string;
  nowMs: number;
  /** Local midnight that starts today (the node glue owns time zones). */
  dayStartMs: number;
  /** SOC to act on (SocEstimator.socPermille). */
  socPermille: number;
  /** Expected PV at the array per clock hour today, mWh (24 values). */
  pvForecastMWh: readonly number[];
  /** The window executor's current role, if a window is running. */
  activeRole: 'seller' | 'buyer' | null;
  /**
   * PV measured at the array since midnight, mWh (MPPT yield), when known.
   * The rest of the forecast is scaled down by measured / forecast-so-far
   * (never up), so an optimistic forecast corrects itself during the day.
   */
  pvTodayMWh?: number;
}

export interface OrderDecision {
  kind: 'offer' | 'request';
  id: string;
  energyMWh: number;
  priceUnitsPerKWh: number;
  fromMs: number;
  toMs: number;
  maxPowerMW: number;
  socPermille: number;
}

export type Decision = OrderDecision | { kind: 'cancel'; orderId: string } | { kind: 'mode'; mode: Mode; from: Mode };

export interface HemtsResult {
  state: HemtsState;
  decisions: Decision[];
}

/**
 * SOC limits for trading and for running a delivery window. Paper strategy:
 * a seller stops below SOC_pmin, a buyer above SOC_cmax (Fig. 7–8). The
 * forecast strategy trades far from those triggers on purpose (it protects
 * the battery through its own forecast), so only the battery floor and a
 * full battery limit it.
 */
export function deliveryLimits(s: HemtsSettings): { sellerMinPermille: number; buyerMaxPermille: number } {
  if (s.strategy === 'paper') return { sellerMinPermille: s.socPminPermille, buyerMaxPermille: s.socCmaxPermille };
  return { sellerMinPermille: s.minSocPermille, buyerMaxPermille: 1000 };
}

/** eq. 4: E_sh = SOC·E_tbat − E_td (may be negative), mWh. */
export function energyShareable(socPermille: number, capacityMWh: number, demandRemainingMWh: number): number {
  return Math.floor((socPermille * capacityMWh) / 1000) - demandRemainingMWh;
}

/** A standalone forecast of the rest of today, hour by hour (index = clock hour). */
export interface DayForecast {
  /** Current slot (clock hour), its end, and the time left in it. */
  hour: number;
  slotEndMs: number;
  leftMs: number;
  capacityMWh: number;
  /** Battery floor (minSoc · E_tbat), mWh. */
  floorMWh: number;
  /** Useful PV (after η_SHSD) per hour; the current hour pro-rated to what is left of it. */
  usefulMWh: number[];
  /** Load per hour (eq. 3), current hour pro-rated by the schedule itself. */
  loadMWh: number[];
  secondaryMWh: number[];
  /** Stored energy at the start of hour k (k = hour..24; [24] = midnight). */
  storedMWh: number[];
  /** Useful PV the full battery could not take, per hour. */
  wasteMWh: number[];
  /** Load the battery could not carry (floor reached), per hour. */
  unservedMWh: number[];
}

/**
 * Today's PV forecast corrected by what was measured so far: the remaining
 * hours are scaled by min(1, measured / forecast so far) once at least 5 %
 * of the day's forecast should have arrived.
 */
export function correctedForecast(pvForecastMWh: readonly number[], nowMs: number, dayStartMs: number, pvTodayMWh: number | undefined): readonly number[] {
  if (pvTodayMWh === undefined) return pvForecastMWh;
  const into = Math.max(0, Math.min(24 * HOUR_MS, nowMs - dayStartMs));
  let total = 0;
  let soFar = 0;
  for (let h = 0; h < 24; h++) {
    const v = pvForecastMWh[h] ?? 0;
    total += v;
    const done = Math.max(0, Math.min(HOUR_MS, into - h * HOUR_MS));
    soFar += Math.floor((v * done) / HOUR_MS);
  }
  if (soFar <= 0 || soFar * 20 < total || pvTodayMWh >= soFar) return pvForecastMWh;
  const out: number[] = [];
  for (let h = 0; h < 24; h++) out.push(Math.floor(((pvForecastMWh[h] ?? 0) * pvTodayMWh) / soFar));
  return out;
}

/** Simulate today from now with no exchange (the "standalone" forecast). */
export function forecastDay(s: HemtsSettings, socPermille: number, nowMs: number, dayStartMs: number, pvForecastMWh: readonly number[]): DayForecast {
  // A PV-direct house stores nothing: surplus is wasted, deficit unserved.
  const capacityMWh = s.hasBattery ? batteryEnergyMWh(s.batteryVoltageMV, s.capacityMAh) : 0;
  const floorMWh = Math.floor((capacityMWh * s.minSocPermille) / 1000);
  let into = nowMs - dayStartMs;
  if (into < 0) into = 0;
  if (into > 24 * HOUR_MS - 1) into = 24 * HOUR_MS - 1;
  const hour = Math.floor(into / HOUR_MS);
  const slotEndMs = dayStartMs + (hour + 1) * HOUR_MS;
  const left = (hour + 1) * HOUR_MS - into; // ms left in the current hour
  const hd = hourlyDemand(s.appliances);
  const z = () => new Array<number>(25).fill(0);
  const f: DayForecast = { hour, slotEndMs, leftMs: left, capacityMWh, floorMWh, usefulMWh: z(), loadMWh: z(), secondaryMWh: z(), storedMWh: z(), wasteMWh: z(), unservedMWh: z() };
  let stored = Math.floor((socPermille * capacityMWh) / 1000);
  for (let h = hour; h < 24; h++) {
    let pv = pvForecastMWh[h] ?? 0;
    let d: Demand = { primaryMWh: hd.primaryMWh[h] as number, secondaryMWh: hd.secondaryMWh[h] as number };
    if (h === hour && left < HOUR_MS) {
      pv = Math.floor((pv * left) / HOUR_MS);
      d = demandBetween(s.appliances, Math.floor(into / 60_000), (hour + 1) * 60);
    }
    const useful = Math.floor((pv * s.shsDirectPermille) / 1000);
    const load = d.primaryMWh + d.secondaryMWh;
    f.usefulMWh[h] = useful;
    f.loadMWh[h] = load;
    f.secondaryMWh[h] = d.secondaryMWh;
    f.storedMWh[h] = stored;
    const net = useful - load;
    if (net >= 0) {
      stored += Math.floor((net * s.chargePermille) / 1000);
      if (stored > capacityMWh) {
        f.wasteMWh[h] = Math.floor(((stored - capacityMWh) * 1000) / s.chargePermille);
        stored = capacityMWh;
      }
    } else {
      const draw = Math.ceil((-net * 1000) / s.dischargePermille);
      if (stored - draw < floorMWh) {
        f.unservedMWh[h] = Math.floor(((draw - (stored - floorMWh)) * s.dischargePermille) / 1000);
        stored = floorMWh < stored ? floorMWh : stored;
      } else stored -= draw;
    }
  }
  f.storedMWh[24] = stored;
  return f;
}

/**
 * Forecast strategy, seller side: how much a buyer may receive in this hour
 * without lowering the seller's end-of-day state, because its battery would
 * otherwise waste that much PV later today.
 *
 * Accounting in battery energy: exporting lowers the stored energy by a
 * "deficit" D that later overflow (waste·η_c) absorbs; D must never exceed
 * what the remaining waste can absorb, nor push the lowered trajectory below
 * the day's standalone minimum before it is absorbed.
 * - In an hour with direct PV surplus only that surplus leaves (the battery
 *   just charges less: no extra discharge, no extra cycle).
 * - In an hour the battery is discharging anyway (net < 0, before the fill),
 *   the export may come from the battery: it lengthens a discharge run that
 *   exists anyway, so it adds no cycle either.
 */
export function forecastOfferMWh(s: HemtsSettings, f: DayForecast): number {
  // A contract's energy is what the buyer consumes: the seller sends
  // energy ÷ link, so what may leave is offered times the link efficiency.
  return Math.floor((forecastExportMWh(s, f) * s.linkPermille) / 1000);
}

/** Forecast strategy: what may leave this seller in this hour (at its coupling point), see {@link forecastOfferMWh}. */
export function forecastExportMWh(s: HemtsSettings, f: DayForecast): number {
  const h = f.hour;
  const net = (f.usefulMWh[h] as number) - (f.loadMWh[h] as number);
  // No battery: this hour's direct surplus is lost unless it leaves now.
  if (f.capacityMWh === 0) return net > 0 ? net : 0;
  let wasteBat = 0;
  let lastWaste = -1;
  // Already full: this hour's surplus is lost as it arrives, and the window
  // (placed by the buyer's loads) may come late in the hour; on average
  // only the half after it can refill what the window takes.
  const fullNow = (f.storedMWh[h] as number) * 100 >= f.capacityMWh * 99;
  for (let k = h; k < 24; k++) {
    if ((f.wasteMWh[k] as number) > 0) {
      const w = k === h && fullNow ? Math.floor((f.wasteMWh[k] as number) / 2) : (f.wasteMWh[k] as number);
      wasteBat += Math.floor((w * s.chargePermille) / 1000);
      lastWaste = k;
    }
  }
  if (lastWaste < 0) return 0;
  let dayMin = f.storedMWh[24] as number;
  for (let k = h; k < 24; k++) if ((f.storedMWh[k] as number) < dayMin) dayMin = f.storedMWh[k] as number;
  let room = Number.MAX_SAFE_INTEGER;
  for (let k = h + 1; k <= lastWaste; k++) {
    const r = (f.storedMWh[k] as number) - dayMin;
    if (r < room) room = r;
  }
  const budgetBat = Math.min(Math.floor((wasteBat * (1000 - s.forecastMarginPermille)) / 1000), room);
  if (budgetBat <= 0) return 0;
  if (net > 0) return Math.min(net, Math.floor((budgetBat * 1000) / s.chargePermille));
  if (net < 0 && lastWaste > h) {
    // From the battery: D grows by x/η_d per x sent.
    const byPower = Math.floor((s.exportPowerMW * f.leftMs) / HOUR_MS);
    return Math.min(byPower, Math.floor((budgetBat * s.dischargePermille) / 1000));
  }
  return 0;
}

/**
 * Forecast strategy, buyer side: this hour's secondary load the battery
 * would otherwise carry, capped so the saved energy is still usable later.
 */
export function forecastRequestMWh(s: HemtsSettings, f: DayForecast): number {
  const need = hourNeedMWh(f, f.hour);
  return need > 0 ? Math.min(need, requestCapMWh(s, f)) : 0;
}

/** Hour k's secondary load that the house's own PV does not cover (≤ 0: none). */
function hourNeedMWh(f: DayForecast, k: number): number {
  const deficit = (f.loadMWh[k] as number) - (f.usefulMWh[k] as number);
  return Math.min(f.secondaryMWh[k] as number, deficit);
}

/**
 * The most a buyer may receive from now on without it turning into wasted
 * PV: each mWh received saves 1/η_d mWh of storage, which must fit under
 * the cap at every later hour. Unbounded without a battery (nothing can
 * overflow).
 */
export function requestCapMWh(s: HemtsSettings, f: DayForecast): number {
  if (f.capacityMWh === 0) return Number.MAX_SAFE_INTEGER;
  let headroom = Number.MAX_SAFE_INTEGER;
  for (let k = f.hour + 1; k <= 24; k++) {
    const r = f.capacityMWh - (f.storedMWh[k] as number);
    if (r < headroom) headroom = r;
  }
  return Math.floor((headroom * s.dischargePermille) / 1000);
}

/** Paper strategy, seller side (Fig. 7, eq. 4). */
function paperOfferMWh(s: HemtsSettings, f: DayForecast, socPermille: number, prev: Mode, dayStartMs: number, nowMs: number): number {
  const trigger = prev === 'prosumer' ? s.socPminPermille : s.socPPermille;
  if (socPermille < trigger) return 0;
  const h = f.hour;
  const surplus = (f.usefulMWh[h] as number) - (f.loadMWh[h] as number);
  if (surplus <= 0) return 0;
  const td = demandBetween(s.appliances, Math.floor((nowMs - dayStartMs) / 60_000)); // eq. 3, now → midnight
  const esh = energyShareable(socPermille, f.capacityMWh, td.primaryMWh + td.secondaryMWh); // eq. 4
  return Math.max(0, Math.min(surplus, esh));
}

/** Paper strategy, buyer side (Fig. 8): E_rq for this hour. */
function paperRequestMWh(s: HemtsSettings, f: DayForecast, socPermille: number, prev: Mode): number {
  const trigger = prev === 'consumer' ? s.socCmaxPermille : s.socCPermille;
  if (socPermille > trigger) return 0;
  const h = f.hour;
  const deficit = (f.loadMWh[h] as number) - (f.usefulMWh[h] as number);
  if (deficit <= 0) return 0;
  return Math.min(f.secondaryMWh[h] as number, deficit);
}

/**
 * One HEMTS step. Pure: the returned state replaces the given one; the
 * decisions are for the node glue to sign and publish (orders, cancels) or
 * to log (mode changes).
 */
export function decide(s: HemtsSettings, state: HemtsState, inp: HemtsInputs): HemtsResult {
  const now = inp.nowMs;
  const soc = inp.socPermille;
  const prev = state.mode;
  const decisions: Decision[] = [];
  let orders = state.orders.filter((o) => o.toMs > now);
  let nextOrderNo = state.nextOrderNo;

  // Fig. 7–8 exits: Prosumer below SOC_pmin, Consumer above SOC_cmax.
  const lim = deliveryLimits(s);
  let blockOffers = false;
  let blockRequests = false;
  if (prev === 'prosumer' && soc < lim.sellerMinPermille) {
    blockOffers = true;
    for (const o of orders) if (o.kind === 'offer') decisions.push({ kind: 'cancel', orderId: o.id });
    orders = orders.filter((o) => o.kind !== 'offer');
  }
  if (prev === 'consumer' && soc > lim.buyerMaxPermille) {
    blockRequests = true;
    for (const o of orders) if (o.kind === 'request') decisions.push({ kind: 'cancel', orderId: o.id });
    orders = orders.filter((o) => o.kind !== 'request');
  }

  let nextEvalMs = state.nextEvalMs;
  if (now < nextEvalMs && nextEvalMs - now <= EVAL_INTERVAL_MS) {
    // Between evaluations only the exits above apply (cheap path).
    const mode: Mode = modeOf(inp.activeRole, orders, blockOffers, blockRequests);
    if (mode !== prev) decisions.push({ kind: 'mode', mode, from: prev });
    return { state: { mode, orders, nextOrderNo, nextEvalMs }, decisions };
  }
  const f = forecastDay(s, soc, now, inp.dayStartMs, correctedForecast(inp.pvForecastMWh, now, inp.dayStartMs, inp.pvTodayMWh));
  nextEvalMs = Math.min(now + EVAL_INTERVAL_MS, f.slotEndMs);
  // An open order that starts before this slot ends covers it (a request may
  // end before its slot does, or span the next hours: see gatherNeeds).
  const slotTaken = (kind: OpenOrder['kind']) => orders.some((o) => o.kind === kind && o.fromMs < f.slotEndMs);
  const busy = inp.activeRole !== null;

  let offer = 0;
  let request = 0;
  let requestEndMs = f.slotEndMs;
  if (!busy && !blockOffers && !slotTaken('offer')) {
    offer = s.strategy === 'paper' ? paperOfferMWh(s, f, soc, prev, inp.dayStartMs, now) : forecastOfferMWh(s, f);
    if (offer < s.offerThresholdMWh || offer <= 0) offer = 0;
  }
  if (!busy && !blockRequests && offer === 0 && !slotTaken('request') && !orders.some((o) => o.kind === 'offer')) {
    request = s.strategy === 'paper' ? paperRequestMWh(s, f, soc, prev) : forecastRequestMWh(s, f);
    if (request > 0 && request < s.requestThresholdMWh && s.strategy === 'forecast') {
      const more = gatherNeeds(s, f, request);
      request = more.energyMWh;
      requestEndMs = inp.dayStartMs + more.endHour * HOUR_MS + HOUR_MS;
    }
    if (request < s.requestThresholdMWh || request <= 0) request = 0;
  }
  const post = (kind: 'offer' | 'request', energyMWh: number, fromMs: number, toMs: number, maxPowerMW: number) => {
    const id = `${inp.node}-${kind === 'offer' ? 'o' : 'r'}-${nextOrderNo++}`;
    orders.push({ id, kind, energyMWh, fromMs, toMs });
    decisions.push({ kind, id, energyMWh, priceUnitsPerKWh: s.priceUnitsPerKWh, fromMs, toMs, maxPowerMW, socPermille: soc });
  };
  if (offer > 0) {
    // Without a battery the export is the PV surplus as it comes: offer the
    // hour's average surplus power (in the buyer's terms), not the output's limit.
    const power = f.capacityMWh === 0 ? Math.min(s.exportPowerMW, Math.max(1, Math.floor((offer * HOUR_MS) / f.leftMs))) : s.exportPowerMW;
    post('offer', offer, now, f.slotEndMs, power);
  } else if (request > 0) {
    const w = requestWindow(s, now, inp.dayStartMs, requestEndMs, request);
    if (w) post('request', request, w.fromMs, w.toMs, w.maxPowerMW);
  }

  const mode = modeOf(inp.activeRole, orders, blockOffers, blockRequests);
  if (mode !== prev) decisions.push({ kind: 'mode', mode, from: prev });
  return { state: { mode, orders, nextOrderNo, nextEvalMs }, decisions };
}

/** Hours a request under R_th may reach ahead to gather the next hours' needs. */
export const GATHER_HOURS = 3;

/**
 * A need this hour under R_th: add the needs of the next hours (up to
 * {@link GATHER_HOURS}) until the request reaches R_th, so small loads (a
 * phone charger, a radio, a fan for half an hour) are fed too; never more
 * than {@link requestCapMWh}. Returns the energy and the last hour with a
 * need.
 */
export function gatherNeeds(s: HemtsSettings, f: DayForecast, firstMWh: number): { energyMWh: number; endHour: number } {
  const cap = requestCapMWh(s, f);
  let energyMWh = firstMWh;
  let endHour = f.hour;
  for (let k = f.hour + 1; k < 24 && k <= f.hour + GATHER_HOURS && energyMWh < s.requestThresholdMWh && energyMWh < cap; k++) {
    const need = hourNeedMWh(f, k);
    if (need <= 0) continue;
    energyMWh = Math.min(cap, energyMWh + need);
    endHour = k;
  }
  return { energyMWh, endHour };
}

/**
 * When and how fast a request should be delivered (the bus can only feed
 * loads that are on): from the start of the shortest stretch in which the
 * scheduled secondary loads draw the energy (or of all their runs, if they
 * draw less) until the last of them stops, at the power that delivers the
 * energy over that shortest stretch (so the market's window, energy ÷
 * power, is that stretch when the seller is free), never above the loads'
 * peak. Null when no secondary load runs in the rest of the slot.
 */
export function requestWindow(s: HemtsSettings, nowMs: number, dayStartMs: number, slotEndMs: number, energyMWh: number): { fromMs: number; toMs: number; maxPowerMW: number } | null {
  const fromMinute = Math.floor((nowMs - dayStartMs) / 60_000);
  const toMinute = Math.ceil((slotEndMs - dayStartMs) / 60_000);
  const span = secondarySpan(s.appliances, fromMinute, toMinute);
  if (!span) return null;
  const toMs = Math.min(slotEndMs, dayStartMs + span[1] * 60_000);
  // Where the loads draw the energy soonest: start there, at the power that
  // delivers it in that stretch (the window may still slide later, up to
  // the last load's stop, if the seller is busy first).
  const dense = densestStretch(s.appliances, fromMinute, toMinute, energyMWh);
  const first = dense ?? span;
  const fromMs = Math.max(nowMs, dayStartMs + first[0] * 60_000);
  const stretchEndMs = Math.min(toMs, dayStartMs + first[1] * 60_000);
  if (toMs <= fromMs || stretchEndMs <= fromMs) return null;
  const spread = Math.ceil((energyMWh * HOUR_MS) / (stretchEndMs - fromMs));
  return { fromMs, toMs, maxPowerMW: Math.max(1, Math.min(s.maxPowerMW, spread)) };
}

/** Mode from the running window's role, else from the open orders. */
function modeOf(role: HemtsInputs['activeRole'], orders: readonly OpenOrder[], blockOffers: boolean, blockRequests: boolean): Mode {
  if (role === 'seller' && !blockOffers) return 'prosumer';
  if (role === 'buyer' && !blockRequests) return 'consumer';
  if (orders.some((o) => o.kind === 'offer')) return 'prosumer';
  if (orders.some((o) => o.kind === 'request')) return 'consumer';
  return 'autonomous';
}

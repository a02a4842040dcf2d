/**
 * Shared DC bus. Each step, houses with RL1 closed offer a capacity (what
 * their load output can still give) and houses with RL2 closed ask for
 * their secondary loads' demand. The bus delivers min(demand, link·supply):
 * sources give in proportion to their capacity, sinks receive in proportion
 * to their demand, and the link loss (coupling diode, relays, cable:
 * scenario `efficiency.link`) is what is sent and not received.
 *
 * Voltages: the bus sits at the highest source's battery voltage minus the
 * diode drop; at the sinks it is lower by the link loss when current flows
 * (same current, P_received = link · P_sent ⇒ V_sink = link · V_source).
 *
 * Brown-out: when the sinks ask for more than the sources can give (after
 * the link loss), the sources hit their current limits and the bus voltage
 * collapses: nothing is delivered and the bus reads dead (0 V) until the
 * demand fits again (a buyer's firmware then leaves the bus, and its loads
 * go back to its own battery). DC loads on a diode-OR bus do not share a
 * shortfall gracefully.
 */
export interface BusSource {
  capacityUJ: number;
  /** Battery-side voltage behind the diode, mV. */
  voltageMV: number;
}

export interface BusResult {
  sentUJ: number[];
  receivedUJ: number[];
  lossUJ: number;
  /** Bus voltage at the sources (after the diodes) and at the sinks, mV (0 = dead bus). */
  sourceVoltageMV: number;
  sinkVoltageMV: number;
}

/** Split `total` into integers proportional to `weights` (largest remainders, ties to the lower index). */
export function splitProportional(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum <= 0 || total <= 0) return weights.map(() => 0);
  const raw = weights.map((w) => (total * w) / sum);
  const out = raw.map(Math.floor);
  let rest = total - out.reduce((a, b) => a + b, 0);
  const order = raw.map((r, i) => [r - Math.floor(r), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of order) {
    if (rest <= 0) break;
    if (out[i]! < weights[i]!) (out[i]! += 1), rest--;
  }
  return out;
}

export class DcBus {
  readonly link: number;
  /** Diode forward drop, mV (default 400, a Schottky at a few amperes). */
  readonly diodeDropMV: number;
  /** Lifetime totals, µJ. */
  sentUJ = 0;
  receivedUJ = 0;

  constructor(link: number, diodeDropMV = 400) {
    this.link = link;
    this.diodeDropMV = diodeDropMV;
  }

  resolve(sources: readonly BusSource[], demandsUJ: readonly number[]): BusResult {
    const caps = sources.map((s) => Math.max(0, s.capacityUJ));
    const supply = caps.reduce((a, b) => a + b, 0);
    const demand = demandsUJ.reduce((a, b) => a + Math.max(0, b), 0);
    const live = sources.filter((_, i) => caps[i]! > 0);
    const sourceVoltageMV = live.length ? Math.max(0, Math.max(...live.map((s) => s.voltageMV)) - this.diodeDropMV) : 0;
    if (demand > 0 && Math.floor(supply * this.link) < demand) {
      return { sentUJ: caps.map(() => 0), receivedUJ: demandsUJ.map(() => 0), lossUJ: 0, sourceVoltageMV: 0, sinkVoltageMV: 0 };
    }
    let received = Math.min(demand, Math.floor(supply * this.link));
    // What the sources must send so that `received` arrives.
    let sent = received > 0 ? Math.min(supply, Math.ceil(received / this.link)) : 0;
    if (sent === 0) received = 0;
    const sentUJ = splitProportional(sent, caps);
    const receivedUJ = splitProportional(received, demandsUJ.map((d) => Math.max(0, d)));
    this.sentUJ += sent;
    this.receivedUJ += received;
    return {
      sentUJ,
      receivedUJ,
      lossUJ: sent - received,
      sourceVoltageMV,
      sinkVoltageMV: received > 0 ? Math.round(sourceVoltageMV * this.link) : sourceVoltageMV,
    };
  }
}

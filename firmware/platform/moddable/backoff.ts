/** Exponential backoff for reconnects: min, 2·min, 4·min … capped at max; reset on success. */
export class Backoff {
  readonly #minMs: number;
  readonly #maxMs: number;
  #nextMs: number;

  constructor(minMs = 1000, maxMs = 60_000) {
    this.#minMs = minMs;
    this.#maxMs = maxMs;
    this.#nextMs = minMs;
  }

  /** The delay to wait now; the following one doubles. */
  next(): number {
    const d = this.#nextMs;
    this.#nextMs = Math.min(this.#maxMs, this.#nextMs * 2);
    return d;
  }

  reset(): void {
    this.#nextMs = this.#minMs;
  }
}

/**
 * The meter node's V·I sensor at the coupling point, bus side: voltage and
 * current as integer mV and mA, current positive when energy leaves the
 * house (export, through RL1 and the diode) and negative when it comes in
 * (import, through RL2). Optional seeded Gaussian noise and a fixed offset,
 * as a cheap shunt amplifier would show.
 */
import { Rng } from './rng';

export interface MeterNoise {
  seed: number | string;
  voltageSigmaMV?: number;
  currentSigmaMA?: number;
  currentOffsetMA?: number;
}

export interface ViSample {
  voltageMV: number;
  currentMA: number;
}

export class ViSensor {
  private trueV = 0;
  private trueI = 0;
  private readonly rng: Rng | null;
  private readonly noise: MeterNoise | null;

  constructor(noise?: MeterNoise) {
    this.noise = noise ?? null;
    this.rng = noise ? new Rng(noise.seed).fork('meter') : null;
  }

  /** Set the true values (the house does this after each step). */
  setTrue(voltageMV: number, currentMA: number): void {
    this.trueV = voltageMV;
    this.trueI = currentMA;
  }

  /** The true values, without noise. */
  truth(): ViSample {
    return { voltageMV: this.trueV, currentMA: this.trueI };
  }

  /** A reading as the sensor reports it (with noise if configured). */
  read(): ViSample {
    if (!this.rng || !this.noise) return this.truth();
    const v = this.trueV + (this.noise.voltageSigmaMV ?? 0) * this.rng.normal();
    const i = this.trueI + (this.noise.currentOffsetMA ?? 0) + (this.noise.currentSigmaMA ?? 0) * this.rng.normal();
    return { voltageMV: Math.max(0, Math.round(v)), currentMA: Math.round(i) };
  }
}

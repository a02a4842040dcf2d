import { fileURLToPath } from 'node:url';
import { loadScenario } from '../../../testbed/scenario/load';
import type { Scenario } from '../../../testbed/scenario/types';

export const root = fileURLToPath(new URL('../../..', import.meta.url));
export const paperPath = `${root}testbed/scenarios/paper-two-house.json`;

/** A fresh copy of the paper scenario (tests may mutate it). */
export function paper(): Scenario {
  return loadScenario(paperPath);
}

/** The expected block of the paper scenario, loosely typed. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;
export function expected(s: Scenario): Json {
  return s.expected as Json;
}

export function near(actual: number, want: number, tol: number): boolean {
  return Math.abs(actual - want) <= tol;
}

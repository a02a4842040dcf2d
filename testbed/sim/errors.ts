import { fail, type ErrorCode } from '../../shared/errors';

/** Codes of the firmware-in-the-loop simulation and its CLI (their home: shared/errors.ts). */
export type SimErrorCode = Extract<ErrorCode, `E_SIM_${string}`>;

/** Throw a SwarmError with one of the simulation's codes. */
export function simFail(code: SimErrorCode, message: string): never {
  return fail(code, message);
}

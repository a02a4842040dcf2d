import { fail, type ErrorCode } from '../../shared/errors';

/** Codes for scenario files, the LP oracle and the load generator (their home: shared/errors.ts). */
export type ScenarioErrorCode = Extract<ErrorCode, `E_SCENARIO_${string}` | 'E_ORACLE_SOLVE' | 'E_LOADS_ARG'>;

/** Throw a SwarmError with one of the testbed's scenario codes. */
export function scenarioFail(code: ScenarioErrorCode, message: string): never {
  return fail(code, message);
}

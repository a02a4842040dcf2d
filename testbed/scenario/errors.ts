import { SwarmError } from '../../shared/errors';

/**
 * Stable codes for scenario files, the LP oracle and the load generator. They belong in `shared/errors.ts` once the
 * testbed has its own section there; until then they live here and travel in
 * an ordinary {@link SwarmError}.
 */
export const ScenarioErrorCodes = {
  E_SCENARIO_IO: 'the scenario file could not be read',
  E_SCENARIO_JSON: 'the scenario file is not valid JSON',
  E_SCENARIO_SCHEMA: 'the "schema" field is not shs-p2p-scenario/1',
  E_SCENARIO_FIELD: 'a required field is missing or has the wrong type',
  E_SCENARIO_RANGE: 'a number outside its allowed range',
  E_SCENARIO_ID: 'a household id that is malformed or used twice',
  E_SCENARIO_WINDOW: 'a load window outside [0, 1440) minutes, empty, or overlapping another',
  E_SCENARIO_DERIVED: 'dailyDemandWh or a derived hourly sum disagrees with the loads or the PV profile',
  E_ORACLE_SOLVE: 'the LP oracle did not reach an optimum (infeasible or solver error)',
  E_LOADS_ARG: 'a bad option for the load-profile generator',
} as const;

export type ScenarioErrorCode = keyof typeof ScenarioErrorCodes;

/** Throw a SwarmError with one of the testbed's codes. */
export function scenarioFail(code: ScenarioErrorCode, message: string): never {
  throw new SwarmError(code, message);
}

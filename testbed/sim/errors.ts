import { SwarmError } from '../../shared/errors';

/**
 * Stable codes of the firmware-in-the-loop simulation and its CLI
 * (`swarmgrid simulate`, `swarmgrid start`). Like the scenario codes
 * (testbed/scenario/errors.ts) they travel in an ordinary SwarmError.
 */
export const SimErrorCodes = {
  E_SIM_ARG: 'a bad option for swarmgrid simulate or swarmgrid start (the message names it)',
  E_SIM_MQTT: 'the MQTT traffic between the virtual boards and the hub did not come to rest (a message was lost or never handled)',
  E_SIM_DATA: 'the data directory holds a ledger the virtual village cannot continue (another village)',
} as const;

export type SimErrorCode = keyof typeof SimErrorCodes;

export function simFail(code: SimErrorCode, message: string): never {
  throw new SwarmError(code, message);
}

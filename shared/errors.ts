/**
 * Stable error codes. Every rejection anywhere in swarmgrid (firmware, hub,
 * CLI) carries one of these codes so that it can travel in an MQTT error
 * payload, a log line or a CLI exit message and be matched by machines.
 * The table is the single home of the codes; README.md lists them.
 */
export const ErrorCodes = {
  // encoding (shared/canonical, shared/bytes)
  E_CANON_TYPE: 'a value that has no canonical form (float, NaN, undefined, function, symbol, bigint)',
  E_CANON_KEY: 'an object key outside [A-Za-z0-9_]',
  E_CANON_DEPTH: 'nesting deeper than the canonical encoder allows',
  E_HEX: 'not an even-length lowercase/uppercase hex string',
  E_UTF8: 'bytes that are not valid UTF-8',
  // signatures (shared/sign)
  E_KEY: 'a secret or public key of the wrong length or off the curve',
  E_SIG_FORMAT: 'a signature that is not 64 bytes of hex',
  E_SIG_INVALID: 'a signature that does not verify for this message and key',
  // --- VE.Direct (firmware/vedirect) ---
  E_VEDIRECT_INPUT: 'a VE.Direct capture that cannot be read (missing file, directory, permission)',
  E_VEDIRECT_ENGINE: 'an engine other than xs or node for decoding VE.Direct',
  // --- protocol: topics and messages (shared/protocol) ---
  E_TOPIC: 'a topic outside the swarmgrid/v1 scheme (bad level count, id, scope or kind)',
  E_MSG_SIZE: 'a payload larger than its kind allows',
  E_MSG_JSON: 'a payload that is not UTF-8 JSON holding an object',
  E_MSG_CANONICAL: 'a payload whose bytes are not the canonical encoding of its envelope',
  E_MSG_VERSION: 'an envelope whose v is not 1',
  E_MSG_KIND: 'an unknown message kind, or one that does not belong on its topic',
  E_MSG_FIELD: 'a missing, unknown, mistyped or out-of-range field (the message names its path)',
  E_MSG_TOPIC: 'a body that contradicts its topic (e.g. body.node differs from the topic node)',
  E_REPLAY: 'a seq not strictly greater than the last one accepted from this signer',
  // --- coupling node: interlock, SOC, HEMTS, contracts (firmware/coupling) ---
  E_NODE_CONFIG: 'coupling node options out of range (ids, secret key, missing hub key)',
  E_CONTRACT_VILLAGE: 'a verified contract for another village (refused in the contract-ack)',
  E_REPLAY_INPUT: 'a replay event file that cannot be read or has a malformed line (the message names the line)',
  E_REPLAY_ENGINE: 'an engine other than xs or node, or a node kind other than coupling or meter, for a replay',
  E_RELAY_READBACK: 'a relay contact read back differently from the commanded state after the settle time (both relays forced open, latched)',
  E_RELAY_LATCHED: 'a relay command refused because a relay fault is latched until cleared',
  E_RELAY_CONFIG: 'an interlock configuration out of range (dead time < 100 ms, negative settle time)',
  E_SOC_CONFIG: 'a SOC estimator configuration out of range (battery size, efficiencies, gap bound)',
  E_HEMTS_SETTING: 'a HEMTS setting that is missing, not an integer, out of range or inconsistent',
  E_WINDOW_SHAPE: 'a delivery window with a missing or malformed field',
  E_WINDOW_ROLE: 'a delivery window that names no role (seller or buyer) for this node',
  E_WINDOW_ENDED: 'a delivery window whose end is already past',
  E_WINDOW_REPLAY: 'a delivery window whose seq is not above the highest seq already accepted',
  E_WINDOW_QUEUE: 'too many delivery windows pending',
  E_VED_STALE: 'no valid VE.Direct block for longer than the staleness bound (house put in autonomous mode)',
  E_CONTRACT_INVALID: 'a contract that failed verification (house put in autonomous mode)',
  E_BROKER_LOST: 'the broker was unreachable beyond the current delivery window end (house put in autonomous mode)',
  // --- meter node (firmware/meter) ---
  E_SENSOR_ABSENT: 'no device answers at the meter sensor I2C address',
  E_SENSOR_ID: 'the device at the sensor address is not an INA226-class monitor (manufacturer or die id)',
  E_SENSOR_CONFIG: 'sensor calibration out of range (shunt, max current) or it did not read back',
  E_SENSOR_IO: 'an I2C transfer with the meter sensor failed',
  E_METER_CONFIG: 'a meter option out of range',
  E_METER_SAMPLE: 'a meter sample that is not integers within the sensor range',
  E_METER_GAP: 'samples further apart than the integration bound: the interval was not integrated',
  E_METER_CLOCK: 'sample time went backwards or jumped: the interval was not integrated',
  E_REVERSE_CURRENT: 'current flowed bus to house in Prosumer mode beyond threshold and debounce (diode fault)',
  E_METER_CONTRACT: 'a contract window the meter cannot track (bad id or endMs <= beginMs)',
  E_METER_STORE: 'a persisted meter record failed its checks, or the store refused a write',
  E_METER_QUEUE_DROP: 'the report queue was full: a periodic report was dropped',
  E_METER_SCHEDULE: 'the meter\'s contract schedule was full: a new contract window was refused (not metered)',
  // --- ledger (hub/ledger) ---
  E_LEDGER_FORMAT: 'a ledger transaction, envelope or block of the wrong shape or unknown kind',
  E_LEDGER_GENESIS: 'a missing, malformed or unsigned genesis, or a ledger opened with another genesis',
  E_LEDGER_SIGNER: 'the signer is not allowed to sign this kind of ledger transaction',
  E_LEDGER_SIG: 'a ledger transaction whose signature does not verify under its signer\'s key',
  E_LEDGER_REPLAY: 'a used sequence number (a meter report with other content, a seq not above the last)',
  E_LEDGER_UNKNOWN: 'a household, meter, order or contract the ledger does not know',
  E_LEDGER_DUPLICATE: 'a household, meter, key, order or contract id already on the ledger',
  E_LEDGER_PRICE: 'a price outside the village\'s price band',
  E_LEDGER_CREDIT: 'a transfer, contract or settlement that would take an account below its credit floor',
  E_LEDGER_AMOUNT: 'a payment above what the contract allows, or an amount that overflows',
  E_LEDGER_SETTLED: 'a contract that is already settled',
  E_LEDGER_VILLAGE: 'a transaction for another village',
  E_LEDGER_TIME: 'a block time before the previous block\'s',
  E_LEDGER_STATE: 'the ledger is closed, not open, or has no open block',
  E_LEDGER_STORE: 'the store holds something inconsistent (missing block, wrong head)',
  E_AUDIT_FORMAT: 'audit: a block or export line that is not well formed',
  E_AUDIT_GENESIS: 'audit: a missing or invalid genesis',
  E_AUDIT_LINK: 'audit: a block whose height or prev hash does not follow the previous block',
  E_AUDIT_TIME: 'audit: a block time before the previous block\'s',
  E_AUDIT_SIG: 'audit: a block or transaction signature that does not verify',
  E_AUDIT_SIGNER: 'audit: a transaction signed by a key not allowed for its kind',
  E_AUDIT_ROOT: 'audit: a tx root or tx count that does not match the block\'s transactions',
  E_AUDIT_TX: 'audit: a transaction the ledger rules refuse on replay',
  E_AUDIT_STATE: 'audit: a state hash or stored state entry that differs from the replay',
  E_AUDIT_BALANCE: 'audit: a balance that differs from the one recomputed from genesis',
  // --- hub: broker, API (hub/broker, hub/api) ---
  E_BROKER_AUTH: 'an MQTT client with unknown credentials',
  E_BROKER_ACL: 'an MQTT publish or subscription outside the client\'s topics',
  E_API_NOT_FOUND: 'no such API route or resource',
  E_API_METHOD: 'the route exists but not for this HTTP method',
  E_API_AUTH: 'a write without the admin token',
  E_API_BODY_SIZE: 'a request body over the limit',
  E_API_BODY_JSON: 'a request body that is not JSON',
  E_API_INTERNAL: 'an unexpected hub error while serving a request',
  // --- market: matching (hub/market) ---
  E_MARKET_RULES: 'market rules that are not valid (price band, grid limits, payment mode)',
  E_MARKET_INPUT: 'a market input of unknown kind or without an integer atMs',
  E_MARKET_ORDER: 'a malformed order (ids, side, energy, power)',
  E_MARKET_PRICE_BAND: 'a limit price outside the market rules\' price band',
  E_MARKET_WINDOW: 'an order window that is empty or longer than the rules allow',
  E_MARKET_EXPIRED: 'an order whose window has already ended',
  E_MARKET_DUPLICATE: 'an order id the market has already seen',
  E_MARKET_OVER_DECLARED: 'an offer beyond the energy or power its node declared',
  E_MARKET_DECLARATION: 'a malformed capacity declaration',
  E_MARKET_UNKNOWN_ORDER: 'a cancel for an order that is not on the book',
  E_MARKET_NOT_OWNER: 'a cancel from a node that does not own the order',
  E_MARKET_UNKNOWN_TRADE: 'a settlement for a trade that is not open',
  // --- hub service (hub/service) ---
  E_HUB_CONFIG: 'hub options out of range (village id, ports, MQTT mode, intervals)',
  E_HUB_DATA: 'a file in the hub data directory that is missing, unreadable or malformed',
  E_HUB_STATE: 'the hub is not running (not started, or stopping)',
  E_HUB_UNKNOWN_NODE: 'a message from a node or meter that is not a member of the village',
  E_HUB_METER: 'a meter report or meter fault from a meter not bound to the topic\'s household',
  E_HUB_CONTRACT: 'a contract-ack for an unknown contract, a contract of other nodes, or a wrong contractSeq',
  E_HUB_MEMBER: 'a member request with a bad household id, name or key, or a household already admitted',
  E_HUB_QUERY: 'an API query parameter out of range (day, height, limit, state)',
  E_HUB_INTERNAL: 'an unexpected hub error while handling a message (logged; nothing stored)',
  E_HUB_CLOCK_DRIFT: 'a node whose clock (from its messages\' atMs) is off the hub clock by more than the drift bound',
  // --- testbed: scenarios, oracle, load profiles, simulation (testbed/) ---
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
  E_SIM_ARG: 'a bad option for swarmgrid simulate or swarmgrid start (the message names it)',
  E_SIM_MQTT: 'the MQTT traffic between the virtual boards and the hub did not come to rest (a message was lost or never handled)',
  E_SIM_DATA: 'the data directory holds a ledger the virtual village cannot continue (another village)',
} as const;

export type ErrorCode = keyof typeof ErrorCodes;

/** An error with a stable machine-readable `code` (see {@link ErrorCodes}). */
export class SwarmError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(`${code}: ${message}`);
    this.name = 'SwarmError';
    this.code = code;
  }
}

/** Throw a {@link SwarmError} with `code` and `message`. */
export function fail(code: ErrorCode, message: string): never {
  throw new SwarmError(code, message);
}

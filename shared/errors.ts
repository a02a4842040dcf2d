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
  // --- ledger (hub/ledger) ---
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

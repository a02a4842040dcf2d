/**
 * Identifier rules shared by topics and message bodies (contracts.md):
 * village, node and meter ids match `^[a-z0-9][a-z0-9-]{0,31}$`, so every
 * id is a single MQTT topic level with no wildcard or separator in it.
 */

/** Village, node and meter ids. */
export const ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,31}$/;

/**
 * Node ids that would collide with fixed topic levels: `public` is the
 * village-wide scope, `hub` names the hub in its presence message.
 */
export const RESERVED_NODE_IDS: readonly string[] = ['public', 'hub'];

/** Order and contract ids (node- or hub-chosen, e.g. "house-a-o-17", "c-000042"). */
export const REF_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;

/** Stable error and fault codes (as in shared/errors.ts, e.g. "E_VED_STALE"). */
export const CODE_PATTERN = /^[A-Z][A-Z0-9_]{0,47}$/;

/** True for a well-formed village or meter id. */
export function isId(s: unknown): s is string {
  return typeof s === 'string' && ID_PATTERN.test(s);
}

/** True for a well-formed node id that is not reserved. */
export function isNodeId(s: unknown): s is string {
  return isId(s) && RESERVED_NODE_IDS.indexOf(s) < 0;
}

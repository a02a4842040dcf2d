/**
 * Who signed a message, and the signature check itself. The receiver looks
 * up the public key for `signerOf(msg)` in its own registry (membership on
 * the hub, the pinned hub key on a node) and calls verifyMessage.
 */
import { verify } from '../sign';
import { SPECS, type Message } from './kinds';

/** The signer of a signed message: a node, a meter, or the hub of a village. */
export interface Signer {
  role: 'node' | 'meter' | 'hub';
  /** Node id, meter id, or (for the hub) the village id. */
  id: string;
}

/** The signer a signed message claims, or null for an unsigned kind. */
export function signerOf(msg: Message): Signer | null {
  switch (msg.kind) {
    case 'offer':
    case 'request':
    case 'cancel':
    case 'contract-ack':
      return { role: 'node', id: msg.body.node };
    case 'fault':
      return msg.body.meter === undefined ? { role: 'node', id: msg.body.node } : { role: 'meter', id: msg.body.meter };
    case 'meter-report':
      return { role: 'meter', id: msg.body.meter };
    case 'contract':
    case 'time':
      return { role: 'hub', id: msg.body.village };
    default:
      return null;
  }
}

/**
 * The replay-window key of a signed message: signer and kind
 * (`node:house-a/offer`). Sequence numbers are strictly increasing per
 * signer and kind; domain separation already stops cross-kind replays.
 */
export function replayKey(msg: Message): string | null {
  const s = signerOf(msg);
  return s ? `${s.role}:${s.id}/${msg.kind}` : null;
}

/**
 * True when `msg` is a signed kind and its signature verifies under
 * domain `msg.kind` for `publicKeyHex`. Unsigned kinds give false. A
 * malformed public key throws E_KEY (it is the receiver's own data).
 */
export function verifyMessage(msg: Message, publicKeyHex: string): boolean {
  if (!SPECS[msg.kind] || !SPECS[msg.kind].signed) return false;
  const sig = (msg as { sig?: unknown }).sig;
  if (typeof sig !== 'string') return false;
  return verify(msg.kind, msg.body, sig, publicKeyHex);
}

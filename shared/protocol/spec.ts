/**
 * What the codec needs to know about one message kind. Each kind lives in
 * its own module under kinds/ (STYLE rule 8) and exports one KindSpec.
 */
import type { Topic } from './topics';

export interface KindSpec<B> {
  /** Wire name, also the signing domain. */
  readonly kind: string;
  /** Signed kinds carry `sig`; unsigned kinds must not. */
  readonly signed: boolean;
  /** Largest payload (canonical envelope bytes) accepted or produced. */
  readonly maxBytes: number;
  /** Validate `body` (E_MSG_FIELD with the path) and return a fresh copy with exactly its fields. */
  read(body: unknown, path: string): B;
  /** Why `body` does not belong on `topic`, or null when it does. */
  misfit(topic: Topic, body: B): string | null;
}

/** 1 KiB: the default payload limit (an ESP32 MQTT buffer holds it comfortably). */
export const KIB = 1024;

/** Common topic rule: a node-scope topic carries only its own node's messages. */
export function nodeMisfit(topic: Topic, node: string): string | null {
  if (topic.scope === 'public') return null;
  return topic.node === node ? null : `body.node "${node}" is not the topic node "${topic.node}"`;
}

/** Common topic rule for village-stamped bodies. */
export function villageMisfit(topic: Topic, village: string): string | null {
  return topic.village === village ? null : `body.village "${village}" is not the topic village "${topic.village}"`;
}

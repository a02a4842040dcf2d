/**
 * The one module that builds and parses swarmgrid MQTT topics
 * (STYLE rule 9: no topic literal anywhere else).
 *
 *     swarmgrid/v1/<village>/<node>/<kind>       node → hub   (NODE_KINDS)
 *     swarmgrid/v1/<village>/<node>/in/<kind>    hub → node   (IN_KINDS)
 *     swarmgrid/v1/<village>/public/<kind>       hub → all    (PUBLIC_KINDS)
 *
 * The hub's own presence (its retained last will) is `public/presence`, so
 * "nodes read only their own in/# and public/#" needs no exception.
 */
import { fail } from '../errors';
import { isId, isNodeId } from './ids';

/** First two levels of every topic. */
export const TOPIC_ROOT = 'swarmgrid/v1';
/** Level that separates a node's inbox from what it publishes. */
export const IN_LEVEL = 'in';
/** Level that names the village-wide scope. */
export const PUBLIC_LEVEL = 'public';

export const NODE_KINDS = ['telemetry', 'offer', 'request', 'cancel', 'contract-ack', 'meter-report', 'fault', 'presence'] as const;
export const IN_KINDS = ['contract', 'error', 'ack'] as const;
export const PUBLIC_KINDS = ['time', 'book', 'contracts', 'presence'] as const;

export type NodeTopicKind = (typeof NODE_KINDS)[number];
export type InTopicKind = (typeof IN_KINDS)[number];
export type PublicTopicKind = (typeof PUBLIC_KINDS)[number];

/** A parsed topic. */
export type Topic =
  | { scope: 'node'; village: string; node: string; kind: NodeTopicKind }
  | { scope: 'in'; village: string; node: string; kind: InTopicKind }
  | { scope: 'public'; village: string; kind: PublicTopicKind };

function has<T extends string>(list: readonly T[], s: string): s is T {
  return list.indexOf(s as T) >= 0;
}

/** Topic string of a parsed topic (validates every level; E_TOPIC otherwise). */
export function topicOf(t: Topic): string {
  const s = t.scope === 'public' ? `${TOPIC_ROOT}/${t.village}/${PUBLIC_LEVEL}/${t.kind}`
    : t.scope === 'in' ? `${TOPIC_ROOT}/${t.village}/${t.node}/${IN_LEVEL}/${t.kind}`
    : `${TOPIC_ROOT}/${t.village}/${t.node}/${t.kind}`;
  parseTopic(s);
  return s;
}

/** `swarmgrid/v1/<village>/<node>/<kind>`: what a node publishes. */
export function nodeTopic(village: string, node: string, kind: NodeTopicKind): string {
  return topicOf({ scope: 'node', village, node, kind });
}

/** `swarmgrid/v1/<village>/<node>/in/<kind>`: what the hub sends one node. */
export function inTopic(village: string, node: string, kind: InTopicKind): string {
  return topicOf({ scope: 'in', village, node, kind });
}

/** `swarmgrid/v1/<village>/public/<kind>`: what the hub tells the whole village. */
export function publicTopic(village: string, kind: PublicTopicKind): string {
  return topicOf({ scope: 'public', village, kind });
}

/** Parse a topic name (no wildcards); E_TOPIC when it is outside the scheme. */
export function parseTopic(topic: string): Topic {
  if (typeof topic !== 'string') return fail('E_TOPIC', 'topic is not a string');
  const lv = topic.split('/');
  if (lv.length < 5 || lv.length > 6 || lv[0] !== 'swarmgrid' || lv[1] !== 'v1') return fail('E_TOPIC', `not a ${TOPIC_ROOT} topic: ${short(topic)}`);
  const village = lv[2]!;
  if (!isId(village)) return fail('E_TOPIC', `bad village id in ${short(topic)}`);
  const third = lv[3]!;
  const kind = lv[lv.length - 1]!;
  if (lv.length === 5 && third === PUBLIC_LEVEL) {
    if (has(PUBLIC_KINDS, kind)) return { scope: 'public', village, kind };
    return fail('E_TOPIC', `unknown public kind in ${short(topic)}`);
  }
  if (!isNodeId(third)) return fail('E_TOPIC', `bad node id in ${short(topic)}`);
  if (lv.length === 5) {
    if (has(NODE_KINDS, kind)) return { scope: 'node', village, node: third, kind };
    return fail('E_TOPIC', `unknown node kind in ${short(topic)}`);
  }
  if (lv[4] !== IN_LEVEL) return fail('E_TOPIC', `expected "${IN_LEVEL}" level in ${short(topic)}`);
  if (has(IN_KINDS, kind)) return { scope: 'in', village, node: third, kind };
  return fail('E_TOPIC', `unknown inbox kind in ${short(topic)}`);
}

/** Parse, or `null` instead of throwing. */
export function tryParseTopic(topic: string): Topic | null {
  try {
    return parseTopic(topic);
  } catch {
    return null;
  }
}

/** Subscription filter for one node's inbox: `swarmgrid/v1/<village>/<node>/in/#`. */
export function nodeInboxFilter(village: string, node: string): string {
  inTopic(village, node, 'contract');
  return `${TOPIC_ROOT}/${village}/${node}/${IN_LEVEL}/#`;
}

/** Subscription filter for the village-wide topics: `swarmgrid/v1/<village>/public/#`. */
export function publicFilter(village: string): string {
  publicTopic(village, 'time');
  return `${TOPIC_ROOT}/${village}/${PUBLIC_LEVEL}/#`;
}

/** Filter for one kind from every node of a village (the hub's view): `swarmgrid/v1/<village>/+/<kind>`. */
export function allNodesFilter(village: string, kind: NodeTopicKind): string {
  nodeTopic(village, 'x', kind);
  return `${TOPIC_ROOT}/${village}/+/${kind}`;
}

/** Everything in one village: `swarmgrid/v1/<village>/#`. */
export function villageFilter(village: string): string {
  publicTopic(village, 'time');
  return `${TOPIC_ROOT}/${village}/#`;
}

function short(s: string): string {
  return JSON.stringify(s.length > 80 ? s.slice(0, 80) + '…' : s);
}

/**
 * Broker access rules (the policy the hub's broker injects as
 * authorizePublish / authorizeSubscribe), built on the topic scheme:
 *
 *  - a node publishes only its own node-scope topics (never under in/, never
 *    public/), and reads only its own `in/#` and the village's `public/#`;
 *  - the hub publishes only inbox and public topics of its village (it never
 *    speaks for a node) and reads everything in its village;
 *  - a dashboard publishes nothing and reads everything in its village.
 *
 * Subscription filters are judged by what they could deliver: a filter is
 * allowed when it matches at least one topic of the scheme the identity may
 * read and none it may not (MQTT 3.1.1 §4.7 / 5.0 §4.7 wildcard rules).
 */
import { isId, isNodeId } from './ids';
import { IN_KINDS, IN_LEVEL, NODE_KINDS, PUBLIC_KINDS, PUBLIC_LEVEL, tryParseTopic, type Topic } from './topics';

/** Who is connected to the broker. */
export type Identity =
  | { role: 'node'; village: string; node: string }
  | { role: 'hub'; village: string }
  | { role: 'dashboard'; village: string };

/** May `identity` publish on `topic` (a topic name, no wildcards)? */
export function canPublish(identity: Identity, topic: string): boolean {
  const t = tryParseTopic(topic);
  if (!t || !validIdentity(identity) || t.village !== identity.village) return false;
  if (identity.role === 'node') return t.scope === 'node' && t.node === identity.node;
  if (identity.role === 'hub') return t.scope === 'in' || t.scope === 'public';
  return false;
}

/** May `identity` receive messages on the parsed topic `t`? */
export function canRead(identity: Identity, t: Topic): boolean {
  if (!validIdentity(identity) || t.village !== identity.village) return false;
  if (identity.role === 'node') return t.scope === 'public' || (t.scope === 'in' && t.node === identity.node);
  return true;
}

/** May `identity` subscribe with `filter` (wildcards allowed)? */
export function canSubscribe(identity: Identity, filter: string): boolean {
  if (!isValidFilter(filter) || !validIdentity(identity)) return false;
  let readable = 0;
  for (const topic of candidateTopics(identity, filter)) {
    if (!topicMatches(filter, topic)) continue;
    const t = tryParseTopic(topic);
    if (!t) continue;
    if (!canRead(identity, t)) return false;
    readable++;
  }
  return readable > 0;
}

/**
 * MQTT filter syntax: non-empty, no NUL, `+` and `#` only as whole levels,
 * `#` only last. Shared subscriptions (`$share/…`) and `$` topics are refused.
 */
export function isValidFilter(filter: string): boolean {
  if (typeof filter !== 'string' || filter.length === 0 || filter.length > 1024) return false;
  if (filter.indexOf('\u0000') >= 0 || filter.charAt(0) === '$') return false;
  const lv = filter.split('/');
  for (let i = 0; i < lv.length; i++) {
    const l = lv[i]!;
    if (l === '#') { if (i !== lv.length - 1) return false; continue; }
    if (l === '+') continue;
    if (l.indexOf('#') >= 0 || l.indexOf('+') >= 0) return false;
  }
  return true;
}

/** Does the MQTT `filter` match the topic name `topic`? (`#` also matches the parent level.) */
export function topicMatches(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    const l = f[i]!;
    if (l === '#') return true;
    if (i >= t.length) return false;
    if (l !== '+' && l !== t[i]) return false;
  }
  return f.length === t.length || (f.length === t.length + 1 && f[f.length - 1] === '#');
}

function validIdentity(id: Identity): boolean {
  if (!id || !isId(id.village)) return false;
  if (id.role === 'node') return isNodeId(id.node);
  return id.role === 'hub' || id.role === 'dashboard';
}

/**
 * A finite set of scheme topics that stands for every topic `filter` could
 * match, as far as reading rights go: an id level can only be "a literal
 * named in the filter", "the identity's own id" or "some other id"; kinds are
 * finite. Checking these is equivalent to checking all topics.
 */
function candidateTopics(identity: Identity, filter: string): string[] {
  const lv = filter.split('/');
  const named = new Set<string>();
  for (const l of lv) if (l !== '+' && l !== '#') named.add(l);
  named.add(identity.village);
  if (identity.role === 'node') named.add(identity.node);
  let k = 0;
  let other = 'other-0';
  while (named.has(other)) other = `other-${++k}`;
  const ids = (pos: number) => {
    const out = [identity.village, other];
    if (identity.role === 'node') out.push(identity.node);
    const l = lv[pos];
    if (l !== undefined && l !== '+' && l !== '#' && isId(l)) out.push(l);
    return out;
  };
  const out: string[] = [];
  for (const v of ids(2)) {
    for (const kind of PUBLIC_KINDS) out.push(`swarmgrid/v1/${v}/${PUBLIC_LEVEL}/${kind}`);
    for (const n of ids(3)) {
      if (!isNodeId(n)) continue;
      for (const kind of NODE_KINDS) out.push(`swarmgrid/v1/${v}/${n}/${kind}`);
      for (const kind of IN_KINDS) out.push(`swarmgrid/v1/${v}/${n}/${IN_LEVEL}/${kind}`);
    }
  }
  return out;
}

/**
 * presence (unsigned, retained, doubles as the MQTT last will with
 * online=false): a node on `<node>/presence`, the hub on `public/presence`
 * with node "hub".
 */
import { bool, id, ms, object } from '../fields';
import { KIB, type KindSpec } from '../spec';

/** The `node` value of the hub's own presence message. */
export const HUB_NODE = 'hub';

export interface PresenceBody {
  node: string;
  online: boolean;
  atMs: number;
}

export const presence: KindSpec<PresenceBody> = {
  kind: 'presence',
  signed: false,
  maxBytes: KIB,
  read(v, path) {
    const o = object(v, path, ['node', 'online', 'atMs']);
    return { node: id(o, 'node', path), online: bool(o, 'online', path), atMs: ms(o, 'atMs', path) };
  },
  misfit(topic, b) {
    const want = topic.scope === 'public' ? HUB_NODE : topic.node;
    return b.node === want ? null : `body.node "${b.node}" is not "${want}"`;
  },
};

/**
 * Who is online. A node's retained `presence` (online:true on connect, and
 * its last will online:false) sets the state; any message it sends counts
 * as seen.
 */
export interface PresenceState {
  online: boolean;
  lastSeenMs: number;
  offlineSinceMs: number | null;
}

export class PresenceBook {
  private readonly nodes = new Map<string, PresenceState>();

  /** A presence message. Returns true when the state changed. */
  set(node: string, online: boolean, nowMs: number): boolean {
    const p = this.nodes.get(node);
    if (p && p.online === online) {
      if (online) p.lastSeenMs = nowMs;
      return false;
    }
    this.nodes.set(node, { online, lastSeenMs: online ? nowMs : (p?.lastSeenMs ?? nowMs), offlineSinceMs: online ? null : nowMs });
    return true;
  }

  /** Any message from the node. Returns true when this brought it online. */
  seen(node: string, nowMs: number): boolean {
    const p = this.nodes.get(node);
    if (p && p.online) {
      p.lastSeenMs = nowMs;
      return false;
    }
    this.nodes.set(node, { online: true, lastSeenMs: nowMs, offlineSinceMs: null });
    return true;
  }

  get(node: string): PresenceState | undefined {
    return this.nodes.get(node);
  }
}

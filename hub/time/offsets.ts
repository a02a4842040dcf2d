/**
 * The hub is the village clock. It records each node's observed clock offset
 * (from SNTP requests and from the `atMs` stamps of the messages it receives)
 * and flags drift beyond a bound, so a node whose clock wanders is seen before
 * its delivery windows go wrong.
 */
export interface NodeClock {
  node: string;
  /** Node clock minus hub clock, ms (positive: the node is ahead). */
  offsetMs: number;
  /** Hub time of the observation. */
  seenMs: number;
  source: 'sntp' | 'message';
  drifting: boolean;
}

export class ClockWatch {
  private readonly nodes = new Map<string, NodeClock>();

  /** @param boundMs offsets beyond ±boundMs are flagged as drifting. */
  constructor(private readonly boundMs = 2_000) {}

  /** Record one observation; returns the node's record and whether it just started drifting. */
  observe(node: string, nodeMs: number, hubMs: number, source: NodeClock['source']): { clock: NodeClock; startedDrifting: boolean } {
    const before = this.nodes.get(node);
    const offsetMs = Math.round(nodeMs - hubMs);
    const drifting = Math.abs(offsetMs) > this.boundMs;
    const clock: NodeClock = { node, offsetMs, seenMs: hubMs, source, drifting };
    this.nodes.set(node, clock);
    return { clock, startedDrifting: drifting && !before?.drifting };
  }

  get(node: string): NodeClock | undefined {
    return this.nodes.get(node);
  }

  all(): NodeClock[] {
    return [...this.nodes.values()].sort((a, b) => (a.node < b.node ? -1 : a.node > b.node ? 1 : 0));
  }
}

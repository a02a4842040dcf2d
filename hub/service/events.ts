/**
 * Live events for the dashboard: one in-process bus, fanned out to
 * Server-Sent Events clients of GET /api/events (api.md). Each event is
 * `event: <type>` + `data: <JSON>`; a comment line every 15 s keeps proxies
 * and browsers from closing an idle stream.
 */
import type { ServerResponse } from 'node:http';

export type HubEventType = 'telemetry' | 'presence' | 'book' | 'contract' | 'settlement' | 'block' | 'fault' | 'status';

export type Listener = (type: HubEventType, data: unknown) => void;

export class EventBus {
  private readonly listeners = new Set<Listener>();
  private readonly streams = new Set<ServerResponse>();
  private keepAlive: NodeJS.Timeout | undefined;

  emit(type: HubEventType, data: unknown): void {
    for (const l of this.listeners) l(type, data);
    if (this.streams.size === 0) return;
    const text = `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const res of this.streams) res.write(text);
  }

  on(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Turn an HTTP response into an SSE stream; `hello` events are sent first. */
  attach(res: ServerResponse, hello: Array<[HubEventType, unknown]> = []): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write(': swarmgrid hub events\n\n');
    for (const [t, d] of hello) res.write(`event: ${t}\ndata: ${JSON.stringify(d)}\n\n`);
    this.streams.add(res);
    res.on('close', () => this.streams.delete(res));
    if (!this.keepAlive) {
      this.keepAlive = setInterval(() => {
        for (const r of this.streams) r.write(': keep-alive\n\n');
      }, 15_000);
      this.keepAlive.unref();
    }
  }

  get clients(): number {
    return this.streams.size;
  }

  close(): void {
    if (this.keepAlive) clearInterval(this.keepAlive);
    this.keepAlive = undefined;
    for (const r of this.streams) r.end();
    this.streams.clear();
    this.listeners.clear();
  }
}

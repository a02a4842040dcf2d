/// <reference lib="dom" />
/**
 * The hub's event stream (GET /api/events) with reconnection: the browser's
 * EventSource retries by itself while the connection is CONNECTING; when it
 * gives up (CLOSED, e.g. the hub answered an error) we start a new one with
 * a growing pause. Every (re)open reloads the snapshots, since events sent
 * while we were away are not replayed.
 */
import type { Store } from './store';

export const EVENT_KINDS = ['telemetry', 'presence', 'book', 'contract', 'settlement', 'block', 'fault', 'status'] as const;

export class Live {
  private es: EventSource | null = null;
  private retryMs = 1000;
  private timer: number | undefined;
  private stopped = false;

  constructor(private readonly store: Store, private readonly url = '/api/events') {}

  start(): void {
    this.stopped = false;
    this.open();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.es?.close();
    this.es = null;
  }

  private open(): void {
    const es = new EventSource(this.url);
    this.es = es;
    es.onopen = () => {
      this.retryMs = 1000;
      this.store.load().then(
        () => this.store.setConnection('live'),
        (e: Error) => {
          this.store.lastError = e.message;
          this.store.setConnection('reconnecting');
        },
      );
    };
    es.onerror = () => {
      this.store.setConnection(this.store.loaded ? 'reconnecting' : 'connecting');
      if (es.readyState === EventSource.CLOSED) {
        es.close();
        if (this.stopped) return;
        this.timer = window.setTimeout(() => this.open(), this.retryMs);
        this.retryMs = Math.min(this.retryMs * 2, 15000);
      }
    };
    for (const kind of EVENT_KINDS) {
      es.addEventListener(kind, (ev) => {
        let data: unknown;
        try {
          data = JSON.parse((ev as MessageEvent<string>).data);
        } catch {
          return;
        }
        this.store.apply(kind, data);
      });
    }
  }
}

/**
 * A one-line progress bar on a terminal (stderr), redrawn at most every
 * 100 ms; nothing at all when the stream is not a TTY.
 */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(s: string): boolean;
}

export class ProgressBar {
  #last = 0;
  #shown = false;
  constructor(private readonly stream: ProgressStream, private readonly label: string) {}

  /** `done` in [0, 1]; `note` a short text after the bar. */
  update(done: number, note = ''): void {
    if (!this.stream.isTTY) return;
    const now = Date.now();
    if (now - this.#last < 100 && done < 1) return;
    this.#last = now;
    const width = Math.max(10, Math.min(40, (this.stream.columns ?? 80) - this.label.length - note.length - 12));
    const fill = Math.round(Math.max(0, Math.min(1, done)) * width);
    this.stream.write(`\r${this.label} [${'#'.repeat(fill)}${'-'.repeat(width - fill)}] ${(done * 100).toFixed(0).padStart(3)} % ${note}\x1b[K`);
    this.#shown = true;
  }

  done(): void {
    if (this.#shown) this.stream.write('\r\x1b[K');
    this.#shown = false;
  }
}

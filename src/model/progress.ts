import { progressTask, type ProgressTask } from "../core/progress.js";

/**
 * A one-line progress bar on a terminal stream (nothing is written when the stream is not a TTY).
 * The same counts also go to the headless progress channel of core/progress.ts, so that a
 * notebook run by `npm run reproduce` shows how far a fit is even when its bar is off.
 */
export class ProgressBar {
  private readonly stream: NodeJS.WriteStream;
  private readonly total: number;
  private readonly active: boolean;
  private readonly start = Date.now();
  private readonly task: ProgressTask;

  constructor(total: number, stream: NodeJS.WriteStream = process.stderr, enabled = Boolean(stream.isTTY), label = "MARBLE fit, epochs") {
    this.stream = stream;
    this.total = total;
    this.active = enabled;
    this.task = progressTask(label, total);
  }

  update(done: number, label: string): void {
    this.task.update(done);
    if (!this.active) return;
    const width = 24;
    const filled = Math.round((width * done) / Math.max(1, this.total));
    const secs = (Date.now() - this.start) / 1000;
    const eta = done > 0 ? (secs / done) * (this.total - done) : 0;
    this.stream.write(`\r[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${done}/${this.total} ${label} ${secs.toFixed(0)}s (eta ${eta.toFixed(0)}s)\x1b[K`);
  }

  finish(): void {
    this.task.end();
    if (this.active) this.stream.write("\n");
  }
}

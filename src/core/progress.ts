/**
 * Progress of long work, reported to whoever runs it headless. When MARBLE_PROGRESS_FILE names a
 * file (as `npm run reproduce` does for the notebooks it runs), each task appends JSON lines
 * `{ "label", "done", "total", "seconds" }` to it, at most about once a second and once at the
 * end; the runner shows them in the terminal while the cell is still running. Without the
 * variable nothing is written.
 */
import { appendFileSync } from "node:fs";

export interface ProgressTask {
  /** `done` units of `total` are finished. */
  update(done: number): void;
  /** The task is over (reports the last count once more). */
  end(): void;
}

const MIN_INTERVAL_MS = 1000;

/** Starts reporting a task of `total` units called `label` (e.g. "MARBLE fit, epochs"). */
export function progressTask(label: string, total: number, file = process.env.MARBLE_PROGRESS_FILE): ProgressTask {
  if (!file) return { update() {}, end() {} };
  const start = Date.now();
  let last = 0;
  let lastDone = 0;
  const write = (done: number) => {
    const line = JSON.stringify({ label, done, total, seconds: Math.round((Date.now() - start) / 100) / 10 });
    try {
      appendFileSync(file, line + "\n");
    } catch {
      // progress is advisory: an unwritable file never stops the work
    }
  };
  return {
    update(done: number) {
      lastDone = done;
      const now = Date.now();
      if (now - last < MIN_INTERVAL_MS) return;
      last = now;
      write(done);
    },
    end() {
      write(lastDone);
    },
  };
}

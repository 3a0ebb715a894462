/**
 * A worker process of the local executor: `node worker.js SPEC INDEX [--retry-failed]` runs one
 * task (as `marble sweep run-task` does) and exits 0 when done or skipped, 1 when it failed,
 * 130 when stopped by SIGINT/SIGTERM.
 */
import { runTaskByIndex } from "./task-command.js";

void runTaskByIndex(process.argv.slice(2)).then((code) => process.exit(code), (err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});

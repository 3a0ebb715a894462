/**
 * `run-task SPEC INDEX [--out DIR] [--retry-failed]`: what a worker process or a cluster array
 * task runs. SIGINT and SIGTERM (Ctrl-C, scancel) stop the attempt cleanly.
 */
import { readTaskStatus } from "./layout.js";
import { runTask } from "./run-task.js";
import { openSweep } from "./sweep-dir.js";

export const RUN_TASK_USAGE = "usage: marble sweep run-task SPEC INDEX [--out DIR] [--retry-failed]";

export async function runTaskByIndex(argv: string[]): Promise<number> {
  const positional: string[] = [];
  let out: string | undefined;
  let retryFailed = false;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--retry-failed") retryFailed = true;
    else if (argv[i] === "--out") out = argv[++i];
    else if (argv[i].startsWith("--out=")) out = argv[i].slice(6);
    else if (argv[i].startsWith("-")) {
      console.error(`run-task: unknown option ${argv[i]}\n${RUN_TASK_USAGE}`);
      return 2;
    } else positional.push(argv[i]);
  }
  if (positional.length !== 2 || !/^\d+$/.test(positional[1])) {
    console.error(RUN_TASK_USAGE);
    return 2;
  }
  const sweep = openSweep(positional[0], { out });
  const index = Number(positional[1]);
  const task = sweep.tasks[index];
  if (!task) {
    console.error(`run-task: INDEX ${index} is out of range; the sweep has tasks 0 to ${sweep.tasks.length - 1}`);
    return 2;
  }
  const controller = new AbortController();
  const stop = (sig: NodeJS.Signals) => controller.abort(new Error(`received ${sig}`));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  const outcome = await runTask(sweep.dir, task, { retryFailed, signal: controller.signal });
  process.off("SIGINT", stop);
  process.off("SIGTERM", stop);
  const status = readTaskStatus(sweep.dir, index);
  console.log(`task ${index}: ${outcome}${status.detail ? ` (${status.detail})` : ""}`);
  return outcome === "done" || outcome === "skipped" ? 0 : outcome === "stopped" ? 130 : 1;
}

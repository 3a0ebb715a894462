/**
 * Sweeps: a JSON spec (datasets × parameter points × seeds) planned into numbered tasks, each run
 * idempotently into its own folder, by an executor, and collected into one table.
 *
 * Executor interface (executor.ts), for executors other than "local":
 *   const myExecutor: SweepExecutor = { name: "slurm", async run(sweep, todo, options) { ... } };
 *   registerExecutor("slurm", () => myExecutor);   // or add it to REGISTRY in executor.ts
 * - `sweep` is prepared: `sweep.dir` exists, `sweep.specPath` is the spec copy inside it,
 *   `sweep.tasks` the whole plan; `todo` are the tasks to run (index order).
 * - Every task must end up running `marble sweep run-task <sweep.specPath> <INDEX>` (add
 *   `--retry-failed` when options.retryFailed), with MARBLE_THREADS set to the task's cores; the
 *   task writes its folder (layout.ts: taskDir, log.txt is the log to point a scheduler's output at).
 * - Report with options.onProgress (kind start/done/failed/stopped/interrupted, from
 *   readTaskStatus), honour options.jobs, options.signal (stop/cancel) and options.dryRun
 *   (write the submission script, run nothing); options.settings carries command-line overrides.
 * - Resolve when the tasks have ended; runSweep then reads the folder's state.
 */
export { PARAMETERS, DATASETS, parameterInfo, datasetKind, type DatasetKind, type ParamValue, type ParameterInfo } from "./parameters.js";
export { validateSpec, readSpecFile, SweepSpecError, type SweepSpec, type SweepResources, type VaryEntry } from "./spec.js";
export { planSweep, formatPlan, sweptParameters, describeVaried, type SweepTask } from "./plan.js";
export {
  taskDir,
  readTaskStatus,
  readVerifiedResult,
  logTail,
  SPEC_COPY,
  LOG_FILE,
  RESULT_FILE,
  COMPLETE_FILE,
  type TaskState,
  type TaskStatus,
} from "./layout.js";
export { runTask, type TaskOutcome, type RunTaskOptions } from "./run-task.js";
export { openSweep, prepareSweep, sweepDirFor, type OpenSweep } from "./sweep-dir.js";
export { registerExecutor, getExecutor, executorNames, type SweepExecutor, type ExecutorOptions, type SweepProgress } from "./executor.js";
export { threadsPerTask } from "./local.js";
export { runSweep, sweepState, type RunSweepOptions, type RunSweepResult, type SweepState } from "./run-sweep.js";
export { runTaskByIndex } from "./task-command.js";
export { buildTable, tableCsv, tableParquet, type SweepTable, type TaskResult } from "./table.js";
export { arcOrderRho, pairwiseRho, blockRatio, METRIC_TITLES, METRIC_UNITS } from "./experiments/index.js";
export { collectSweep, readResults, type CollectedSweep, type CollectOptions } from "./collect.js";
export { type SeedSummary, FIGURE_METRICS } from "./summary-stats.js";

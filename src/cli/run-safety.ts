/**
 * What `marble fit` adds around training so that a run is never lost: `--force` (replace an
 * existing checkpoint), `--resume DIR` (continue an interrupted run with its recorded inputs),
 * `--checkpoint-every N`, and SIGINT/SIGTERM handling (stop at the end of the batch, save, say how
 * to resume, exit 130/143).
 */
import { readFileSync, existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { UsageError, type OptionSpec, type ParsedArgs } from "./args.js";
import type { MarbleDataset } from "../geometry/types.js";
import { Marble, TrainingInterrupted, type FitOptions, type FitResult } from "../model/marble.js";
import { checkOutputFolder, shellArg } from "../model/checkpoint-io.js";

/** The run-safety options of `marble fit`. */
export const RUN_SAFETY_OPTIONS: readonly OptionSpec[] = [
  { flag: "force", kind: "switch", description: "replace an existing checkpoint in --out (never a folder of other files)" },
  { flag: "resume", kind: "string", metavar: "DIR", description: "continue the interrupted run saved in DIR (inputs as recorded)" },
  { flag: "checkpoint-every", kind: "string", metavar: "N", default: "10", description: "save every N epochs (0: at the end, on a new best, on Ctrl-C)" },
];

/** The inputs a run was started with, recorded in its checkpoint so `--resume DIR` needs nothing else. */
export interface RecordedCommand {
  anchors: string[];
  vectors: string[];
  dataset: Record<string, unknown>;
  embedding: string | null;
}

export interface RunSafety {
  force: boolean;
  resume: string | null;
  checkpointEvery: number | undefined;
  /** With --resume: what the interrupted run was started with. */
  recorded: RecordedCommand | null;
}

/** Reads the run-safety flags; throws UsageError for invalid values and combinations. */
export function runSafety(parsed: ParsedArgs): RunSafety {
  const { strings, switches } = parsed;
  const force = switches.has("force");
  let checkpointEvery: number | undefined;
  if (strings["checkpoint-every"] !== undefined) {
    checkpointEvery = Number(strings["checkpoint-every"]);
    if (!Number.isInteger(checkpointEvery) || checkpointEvery < 0) throw new UsageError(`--checkpoint-every: expected a whole number of epochs ≥ 0, got "${strings["checkpoint-every"]}"`);
  }
  const resume = strings.resume ?? null;
  let recorded: RecordedCommand | null = null;
  if (resume) {
    const extra = Object.keys(parsed.model).filter((k) => k !== "seed");
    if (extra.length) throw new UsageError(`--resume: model options (${extra.join(", ")}) come from the checkpoint and cannot change within a run; drop them`);
    recorded = recordedCommand(resume);
  }
  return { force, resume, checkpointEvery, recorded };
}

function recordedCommand(dir: string): RecordedCommand | null {
  const file = join(dir, "model.json");
  if (!existsSync(file)) return null; // Marble.load names the problem
  try {
    const c = JSON.parse(readFileSync(file, "utf8"))?.run?.command;
    if (c && Array.isArray(c.anchors) && Array.isArray(c.vectors)) return { anchors: c.anchors, vectors: c.vectors, dataset: c.dataset ?? {}, embedding: c.embedding ?? null };
  } catch {
    // an unreadable manifest is reported by Marble.load
  }
  return null;
}

/** The inputs to record with a new run (absolute paths, so resuming from another folder works). */
export function commandToRecord(anchors: string[], vectors: string[], dataset: Record<string, unknown>, embedding: string | undefined): RecordedCommand {
  return { anchors: anchors.map((p) => resolve(p)), vectors: vectors.map((p) => resolve(p)), dataset, embedding: embedding ? resolve(embedding) : null };
}

/** Refuses an --out that is not new, empty or (with --force, or when resuming it) a checkpoint, before any data is read. */
export function checkOut(out: string, safety: RunSafety): void {
  if (safety.resume && resolve(safety.resume) === resolve(out)) return; // the run's own folder
  checkOutputFolder(out, { force: safety.force, where: "marble fit --out" });
}

/** Builds the model: a new one, or the interrupted run's. */
export function modelFor(data: MarbleDataset, modelOptions: Record<string, unknown>, safety: RunSafety): Marble {
  return safety.resume ? Marble.load(safety.resume) : new Marble(data, modelOptions);
}

export type FitOutcome = { stopped: false; result: FitResult } | { stopped: true; code: number; message: string };

const EXIT_CODE: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

/**
 * Runs `model.fit` with SIGINT and SIGTERM stopping it at the end of the current batch (the run is
 * saved in `outdir`). A second signal ends the process at once, without saving.
 */
export async function fitUntilSignal(model: Marble, data: MarbleDataset, options: FitOptions & { outdir: string }, safety: RunSafety, quiet: boolean, onStop?: (signal: NodeJS.Signals) => void): Promise<FitOutcome> {
  const controller = new AbortController();
  let received: NodeJS.Signals | null = null;
  const handlers = new Map<NodeJS.Signals, () => void>();
  const remove = () => {
    for (const [sig, h] of handlers) process.off(sig, h);
  };
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    const h = () => {
      if (received) {
        // a second signal: quit now (the last periodic checkpoint stays)
        remove();
        process.kill(process.pid, sig);
        return;
      }
      received = sig;
      onStop?.(sig);
      if (!quiet) process.stderr.write(`\nmarble fit: ${sig} received: stopping at the end of the current batch and saving (send it again to quit at once without saving)\n`);
      controller.abort(new Error(`stopped by ${sig}`));
    };
    handlers.set(sig, h);
    process.on(sig, h);
  }
  try {
    const result = await model.fit(data, { ...options, force: safety.force, resume: safety.resume !== null, checkpointEvery: safety.checkpointEvery, signal: controller.signal });
    return { stopped: false, result };
  } catch (e) {
    if (!(e instanceof TrainingInterrupted)) throw e;
    const sig = received ?? "SIGINT";
    const best = model.valLosses.length ? ` (best validation loss so far ${Math.min(...model.valLosses.filter(Number.isFinite)).toFixed(4)})` : "";
    const message =
      `marble fit: stopped by ${sig} after epoch ${e.epoch}${best}; the run so far is saved in ${options.outdir}.\n` +
      `Continue it with: marble fit --resume ${shellArg(options.outdir)}`;
    return { stopped: true, code: EXIT_CODE[sig] ?? 130, message };
  } finally {
    remove();
  }
}

/**
 * Where a sweep lives and how a folder is (re)opened: the output folder is `--out`, else the
 * spec's "output" relative to the spec file, else "<name>.sweep" beside it. The spec is copied into
 * the folder (with "output": "."), so `marble sweep run-task <folder>/sweep-spec.json INDEX` works
 * from anywhere, which is what cluster array tasks run.
 */
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { ValidationError } from "../core/validate.js";
import { writeFileAtomic } from "../io/atomic.js";
import { SPEC_COPY } from "./layout.js";
import { planSweep, type SweepTask } from "./plan.js";
import { checkTaskFolder } from "./run-task.js";
import { readSpecFile, validateSpec, type SweepSpec } from "./spec.js";

export interface OpenSweep {
  spec: SweepSpec;
  dir: string;
  /** The spec copy inside the folder (what array tasks are given). */
  specPath: string;
  tasks: SweepTask[];
}

export function sweepDirFor(spec: SweepSpec, specPath?: string, out?: string): string {
  if (out) return resolve(out);
  const base = specPath ? dirname(resolve(specPath)) : process.cwd();
  return resolve(base, spec.output ?? `${spec.name}.sweep`);
}

/** The spec as stored in its folder: fixed key order and "output": ".". */
export function specCopyText(spec: SweepSpec): string {
  return JSON.stringify({ ...spec, output: "." }, null, 2) + "\n";
}

/** Reads a spec file (or takes a spec object) and plans it, without writing anything. */
export function openSweep(spec: SweepSpec | string, options: { out?: string } = {}): OpenSweep {
  const s = typeof spec === "string" ? readSpecFile(spec) : validateSpec(spec);
  const dir = sweepDirFor(s, typeof spec === "string" ? spec : undefined, options.out);
  return { spec: s, dir, specPath: join(dir, SPEC_COPY), tasks: planSweep(s) };
}

/**
 * Creates the folder or checks that an existing one was made by the same plan (every existing task
 * folder must describe the task at its index), then stores the spec copy.
 */
export function prepareSweep(sweep: OpenSweep): void {
  mkdirSync(join(sweep.dir, "tasks"), { recursive: true });
  const copy = specCopyText(sweep.spec);
  const existing = existsSync(sweep.specPath) ? readFileSync(sweep.specPath, "utf8") : null;
  if (existing === copy) return;
  if (existing !== null) {
    try {
      validateSpec(JSON.parse(existing));
    } catch {
      throw new ValidationError(`${sweep.specPath} is not a sweep spec this folder can be reused with; choose another output folder (--out)`);
    }
  }
  for (const task of sweep.tasks) checkTaskFolder(sweep.dir, task);
  writeFileAtomic(sweep.specPath, copy);
}

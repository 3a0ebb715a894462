import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

/**
 * The repository root: the nearest folder above `from` whose package.json names this library.
 * Falls back to `from` itself, so interactive use outside a checkout still has somewhere to write.
 */
export function findRepoRoot(from: string = process.cwd()): string {
  let dir = resolve(from);
  for (;;) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, "utf8")) as { name?: string }).name === "@marble-lab/core") return dir;
      } catch {
        // unreadable package.json: keep walking up
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return resolve(from);
    dir = parent;
  }
}

/**
 * Where a notebook writes results and figures. `npm run reproduce` sets MARBLE_RESULTS_DIR to the
 * run's folder; a notebook opened interactively writes to `<repo>/results/interactive`.
 */
export function resultsDir(): string {
  const fromEnv = process.env.MARBLE_RESULTS_DIR;
  if (fromEnv && fromEnv.trim() !== "") return resolve(fromEnv);
  return join(findRepoRoot(), "results", "interactive");
}

/** Folder for a run's figures (next to the executed notebooks). */
export function figuresDir(): string {
  return join(resultsDir(), "figures");
}

export type RunMode = "quick" | "full";

/**
 * The experiment scale requested through MARBLE_MODE: "quick" (default, minutes on a laptop)
 * or "full" (the paper's settings).
 */
export function runMode(): RunMode {
  const raw = (process.env.MARBLE_MODE ?? "quick").trim().toLowerCase();
  if (raw === "" || raw === "quick") return "quick";
  if (raw === "full") return "full";
  throw new Error(`MARBLE_MODE must be "quick" or "full", got "${process.env.MARBLE_MODE}"`);
}

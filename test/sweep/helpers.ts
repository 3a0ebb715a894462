/** Small sweeps for the tests: van der Pol with few conditions and epochs (about a second a task). */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SweepSpec } from "../../src/sweep/index.js";

export function tinySpec(extra: Partial<SweepSpec> = {}): SweepSpec {
  return {
    name: "tiny",
    datasets: ["van-der-pol"],
    preprocessing: { numMu: 6, numInitial: 8, spacing: 0.05 },
    marble: { epochs: 4, k: 10 },
    seeds: [0, 1, 2],
    ...extra,
  };
}

/** A fresh temporary folder, removed after the test file (never a user's folder). */
export function scratch(t: { after: (fn: () => void) => void }, prefix = "marble-sweep-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

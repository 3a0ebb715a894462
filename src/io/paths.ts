/** Where the repository's shipped data and the download cache live. */
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";

/**
 * The repository's data/ folder, found by walking up from this module to the package root, so it
 * resolves both from src/ (run through tsx) and from dist/ (built). MARBLE_DATA_DIR overrides it.
 */
export function dataDir(): string {
  const override = process.env.MARBLE_DATA_DIR;
  if (override) return resolve(override);
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, "utf8")) as { name?: string }).name === "@marble-lab/core") return join(dir, "data");
      } catch {
        // not our package.json; keep walking
      }
    }
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  throw new Error("cannot locate the MarbleLab data/ folder; set MARBLE_DATA_DIR to the folder holding rat_hippocampus/ and rnn/");
}

/** The download cache (default ~/.cache/marble-lab); MARBLE_CACHE_DIR overrides it. */
export function cacheDir(): string {
  const override = process.env.MARBLE_CACHE_DIR;
  if (override) return resolve(override);
  const xdg = process.env.XDG_CACHE_HOME;
  return join(xdg ? resolve(xdg) : join(homedir(), ".cache"), "marble-lab");
}

/** The repository's data-manifests/ folder (next to data/). */
export function manifestsDir(): string {
  const override = process.env.MARBLE_MANIFESTS_DIR;
  if (override) return resolve(override);
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, "data-manifests", "schema.json"))) return join(dir, "data-manifests");
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  throw new Error("cannot locate the data-manifests/ folder; set MARBLE_MANIFESTS_DIR");
}

/**
 * Runs the `marble` command line as a child process, the way a user does: from the sources through
 * tsx (no build needed), or through bin/marble.js and the built dist/.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Matrix } from "../../src/core/index.js";
import { writeNpy } from "../../src/io/npy.js";
import { toyFields } from "../model/toy-data.js";

export const ROOT = join(__dirname, "..", "..");
const TSX = pathToFileURL(join(ROOT, "node_modules", "tsx", "dist", "loader.mjs")).href;
const ENTRY = join(ROOT, "src", "cli", "index.ts");

export interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

function run(file: string, args: string[], cwd: string): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { cwd, env: { ...process.env, MARBLE_THREADS: "1" }, maxBuffer: 1 << 24 }, (err, stdout, stderr) => {
      const code = err ? (err as { code?: unknown }).code : 0;
      if (typeof code !== "number") return reject(err);
      resolve({ code, stdout, stderr });
    });
  });
}

/** `marble ARGS` from the sources, in `cwd` (stdout and stderr are pipes, not a terminal). */
export function marble(args: string[], cwd: string): Promise<Outcome> {
  return run(process.execPath, ["--import", TSX, "-e", `require(${JSON.stringify(ENTRY)}).runCli(process.argv.slice(1))`, "--", ...args], cwd);
}

/** `node bin/marble.js ARGS` (needs dist/, which `npm test` builds first). */
export function marbleBin(args: string[], cwd: string): Promise<Outcome> {
  return run(process.execPath, [join(ROOT, "bin", "marble.js"), ...args], cwd);
}

export function npx(args: string[], cwd: string): Promise<Outcome> {
  return run(process.platform === "win32" ? "npx.cmd" : "npx", args, cwd);
}

/**
 * A temporary folder with two conditions of 80 points in 2-D (two toy vector fields):
 * pos0.npy, vel0.npy, pos1.npy, vel1.npy.
 */
export function workspace(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "marble-cli-"));
  toyFields(80, 2)
    .slice(0, 2)
    .forEach((f, i) => {
      writeNpy(Matrix.from(f.pos), join(dir, `pos${i}.npy`));
      writeNpy(Matrix.from(f.x), join(dir, `vel${i}.npy`));
    });
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

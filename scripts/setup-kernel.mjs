// Registers the tslab TypeScript kernel inside the repository (.jupyter/, gitignored), so that
// notebooks run without touching the user's global Jupyter configuration. Safe to run repeatedly:
// the kernel spec is rewritten only when it is missing or points at another checkout.
//
//   node scripts/setup-kernel.mjs          # prints the JUPYTER_PATH to export
//   import { setupKernel, jupyterEnv } from "./setup-kernel.mjs";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const KERNEL_NAME = "tslab";
/** Debian's interpreter, called by path: another python3 may come first on PATH. */
export const PYTHON = process.env.MARBLE_PYTHON ?? "/usr/bin/python3";

/** Where Jupyter should look for the repository's kernel specs. */
export function jupyterDataDir(root = repoRoot) {
  return join(root, ".jupyter", "share", "jupyter");
}

/** A copy of `baseEnv` with JUPYTER_PATH pointing at the repository's kernel specs first. */
export function jupyterEnv(root = repoRoot, baseEnv = process.env) {
  const own = jupyterDataDir(root);
  const rest = (baseEnv.JUPYTER_PATH ?? "").split(":").filter((p) => p && p !== own);
  return { ...baseEnv, JUPYTER_PATH: [own, ...rest].join(":") };
}

function kernelIsCurrent(root) {
  const specPath = join(jupyterDataDir(root), "kernels", KERNEL_NAME, "kernel.json");
  if (!existsSync(specPath)) return false;
  try {
    const spec = JSON.parse(readFileSync(specPath, "utf8"));
    const binary = spec.argv?.[0];
    return binary === join(root, "node_modules", ".bin", "tslab") && existsSync(binary);
  } catch {
    return false;
  }
}

/**
 * Installs the kernel spec when needed. Returns { jupyterPath, kernelName, installed } where
 * `installed` says whether anything was written. Throws with a hint when tslab or Python is missing.
 */
export function setupKernel({ root = repoRoot, quiet = false } = {}) {
  const jupyterPath = jupyterDataDir(root);
  if (kernelIsCurrent(root)) return { jupyterPath, kernelName: KERNEL_NAME, installed: false };
  const tslabCli = join(root, "node_modules", "tslab", "bin", "tslab");
  if (!existsSync(tslabCli)) {
    throw new Error(`tslab is not installed (${tslabCli} missing): run \`npm install\` first`);
  }
  const py = spawnSync(PYTHON, ["-c", "import jupyter_client"], { encoding: "utf8" });
  if (py.status !== 0) {
    throw new Error(
      `${PYTHON} cannot import jupyter_client: install Debian's Jupyter packages with ` +
        "`bash scripts/setup-system.sh` (as root)",
    );
  }
  const r = spawnSync(
    process.execPath,
    [
      tslabCli,
      "install",
      `--python=${PYTHON}`,
      `--prefix=${join(root, ".jupyter")}`,
      `--binary=${join(root, "node_modules", ".bin", "tslab")}`,
    ],
    { cwd: root, encoding: "utf8" },
  );
  if (r.status !== 0) {
    throw new Error(`tslab install failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  }
  if (!quiet) process.stderr.write(`setup-kernel: registered the tslab kernel in ${jupyterPath}\n`);
  return { jupyterPath, kernelName: KERNEL_NAME, installed: true };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  try {
    const { jupyterPath } = setupKernel();
    process.stdout.write(`export JUPYTER_PATH=${jupyterPath}\n`);
  } catch (err) {
    process.stderr.write(`setup-kernel: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
}

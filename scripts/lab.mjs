// `npm run lab`: builds (when sources changed) and serves MarbleLab's JupyterLab 4 app with
// the MARBLE renderers and the tslab TypeScript kernel, on 127.0.0.1 with a random token (or
// MARBLE_LAB_TOKEN), passed to the server through its environment, never on a command line.
//
//   npm run lab [-- --port 8888] [--root DIR] [--open PATH] [--no-build]
//
//   --port N     port to listen on (default: 8888, or a free one when taken; 0: any free port)
//   --root DIR   folder the file browser shows (default: the repository)
//   --open PATH  file or folder to open, relative to --root (default: notebooks)
//   --no-build   serve the existing build without checking it
//
// Needs Debian's Python Jupyter packages (bash scripts/setup-system.sh) and the extension's
// node_modules (installed on first use); "Save figure" makes its PDF with rsvg-convert (group
// `figures`, installed when missing and run as root). Ctrl-C stops the server and its kernels.
/* global fetch */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { buildApp, withBuildLock } from "./build-extension.mjs";
import { jupyterEnv, setupKernel, PYTHON } from "./setup-kernel.mjs";
import { ensureComponents } from "./system.mjs";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
let child = null;

function option(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}

function freePort(preferred) {
  return new Promise((res) => {
    const srv = createServer();
    srv.once("error", () => {
      const any = createServer();
      any.listen(0, "127.0.0.1", () => {
        const { port } = any.address();
        any.close(() => res(port));
      });
    });
    srv.listen(preferred, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
  });
}

async function waitForServer(url, child, timeoutMs = 60_000) {
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutMs) {
    if (child.exitCode !== null) throw new Error(`the Jupyter server exited with code ${child.exitCode}`);
    try {
      const r = await fetch(url);
      if (r.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the Jupyter server did not answer within ${timeoutMs / 1000} s`);
}

async function main() {
  const notebookRoot = resolve(option("--root", root));
  const open = option("--open", relative(notebookRoot, join(root, "notebooks")) || ".");
  const port = await freePort(Number(option("--port", "8888")));
  const token = process.env.MARBLE_LAB_TOKEN ?? randomBytes(24).toString("hex");

  if (!process.argv.includes("--no-build")) withBuildLock(() => buildApp());
  if (!existsSync(join(root, "extension", "build", "app", "bundle.js"))) throw new Error("extension/build/app is missing: run without --no-build");
  // "Save figure" writes a PDF through the server's rsvg-convert; without it, SVG and PNG only
  for (const [, why] of ensureComponents(["figures"], (m) => console.log(`lab: ${m}`))) console.warn(`lab: Save figure will write no PDF (${why}); as root: bash scripts/setup-system.sh figures`);
  const { jupyterPath } = setupKernel({ quiet: true });
  // settings, workspaces, runtime files and checkpoints stay out of the notebook folders
  const state = resolve(process.env.MARBLE_LAB_STATE ?? join(root, ".cache", "lab"));
  mkdirSync(state, { recursive: true });

  const args = [
    join(root, "extension", "app", "main.py"),
    "--ServerApp.ip=127.0.0.1",
    `--ServerApp.port=${port}`,
    "--ServerApp.port_retries=0",
    "--ServerApp.open_browser=False",
    `--ServerApp.root_dir=${notebookRoot}`,
    "--MultiKernelManager.default_kernel_name=tslab",
    `--FileCheckpoints.checkpoint_dir=${join(state, "checkpoints")}`,
  ];
  if (process.getuid?.() === 0) args.push("--ServerApp.allow_root=True");
  child = spawn(PYTHON, args, {
    cwd: notebookRoot,
    // the token travels in the environment (readable only by this user), never on a command line
    // that any local user can read with ps
    env: { ...jupyterEnv(root), JUPYTER_PATH: jupyterPath, JUPYTER_RUNTIME_DIR: join(state, "runtime"), MARBLE_LAB_STATE: state, JUPYTER_TOKEN: token },
    stdio: ["ignore", "inherit", "inherit"],
  });
  const stop = (signal) => {
    if (child.exitCode === null) child.kill(signal === "SIGINT" ? "SIGTERM" : signal);
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
  child.on("exit", (code, signal) => process.exit(code ?? (signal ? 0 : 1)));

  const base = `http://127.0.0.1:${port}`;
  await waitForServer(`${base}/api/status?token=${token}`, child);
  const path = open === "." ? "" : open.split("/").map(encodeURIComponent).join("/");
  console.log(`\nMarbleLab is running at:\n  ${base}/lab/tree/${path}?token=${token}\n(Ctrl-C to stop)\n`);
}

main().catch((e) => {
  console.error(`lab: ${e.message}`);
  if (child && child.exitCode === null) child.kill("SIGTERM");
  process.exit(1);
});

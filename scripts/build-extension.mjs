// Builds the JupyterLab extension and what uses it, skipping steps whose inputs have not
// changed since the last build (a content hash is kept in extension/build/.stamps/).
//
//   node scripts/build-extension.mjs [--lib] [--harness] [--app] [--labextension] [--all] [--force]
//
//   --lib           copy the payload schema and the palette from src/, compile extension/src → extension/lib
//   --harness       webpack page for the light browser tests → extension/build/harness
//   --app           the JupyterLab 4 application for `npm run lab` → extension/build/app
//   --labextension  prebuilt (federated) extension for a regular JupyterLab → extension/labextension
//   --federated-harness  test page that loads the prebuilt extension as JupyterLab does
//
// The extension has its own node_modules (JupyterLab is ~470 MB): when it is missing this
// runs `npm ci` in extension/ first.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const ext = join(root, "extension");
const stampDir = join(ext, "build", ".stamps");

function log(msg) {
  console.log(`[build-extension] ${msg}`);
}

function run(cmd, args, cwd = ext) {
  const t0 = Date.now();
  const r = spawnSync(cmd, args, { cwd, stdio: "inherit", env: { ...process.env, NODE_OPTIONS: process.env.NODE_OPTIONS ?? "--max-old-space-size=4096" } });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (exit ${r.status})`);
  return (Date.now() - t0) / 1000;
}

function filesUnder(p) {
  if (!existsSync(p)) return [];
  if (!statSync(p).isDirectory()) return [p];
  return readdirSync(p).sort().flatMap((n) => filesUnder(join(p, n)));
}

function hashOf(paths) {
  const h = createHash("sha256");
  for (const f of paths.flatMap(filesUnder)) {
    h.update(relative(root, f));
    h.update(readFileSync(f));
  }
  return h.digest("hex");
}

/** Runs `build` unless the stamp of `name` matches the hash of `inputs` and `outputs` exist. */
function cached(name, inputs, outputs, build, force) {
  const hash = hashOf(inputs);
  const stamp = join(stampDir, name);
  if (!force && existsSync(stamp) && readFileSync(stamp, "utf8") === hash && outputs.every((o) => existsSync(o))) {
    log(`${name}: up to date`);
    return;
  }
  const seconds = build();
  mkdirSync(stampDir, { recursive: true });
  writeFileSync(stamp + ".tmp", hash);
  renameSync(stamp + ".tmp", stamp);
  log(`${name}: built in ${seconds.toFixed(1)} s`);
}

export function ensureExtensionDeps() {
  const installed = join(ext, "node_modules", ".package-lock.json");
  const present = existsSync(join(ext, "node_modules", "@jupyterlab", "builder", "package.json")) && existsSync(installed);
  // a lockfile changed since the last install (e.g. after a pull) means node_modules is stale
  if (present && statSync(installed).mtimeMs >= statSync(join(ext, "package-lock.json")).mtimeMs) return;
  log(present ? "extension/package-lock.json is newer than extension/node_modules: running `npm ci` in extension/" :
    "extension/node_modules is missing: running `npm ci` in extension/ (JupyterLab packages, ~1 min)");
  run("npm", ["ci", "--no-audit", "--no-fund"]);
}

/** Library files the extension compiles as its own (each imports nothing): source → copy. */
export const SHARED_FILES = [
  ["src/display/payload.ts", "src/payload.ts"],
  ["src/reporting/palette.ts", "src/palette.ts"],
];

const bin = (name) => join(ext, "node_modules", ".bin", name);
const lockInputs = [join(ext, "package.json"), join(ext, "package-lock.json")];

export function buildLib(force = false) {
  ensureExtensionDeps();
  // the payload schema and the category colours are shared verbatim with the kernel side
  for (const [from, to] of SHARED_FILES) {
    const src = join(root, from);
    const dst = join(ext, to);
    if (!existsSync(dst) || readFileSync(dst, "utf8") !== readFileSync(src, "utf8")) {
      copyFileSync(src, dst);
      log(`copied ${from} → extension/${to}`);
    }
  }
  cached("lib", [join(ext, "src"), join(ext, "style"), join(ext, "tsconfig.json"), ...lockInputs], [join(ext, "lib", "index.js")], () => run(bin("tsc"), ["-p", "tsconfig.json"]), force);
}

export function buildHarness(force = false) {
  buildLib(force);
  cached("harness", [join(ext, "lib"), join(ext, "style"), join(ext, "harness"), join(ext, "webpack.config.js"), ...lockInputs], [join(ext, "build", "harness", "bundle.js")], () => {
    const s = run(bin("webpack"), ["--config", "webpack.config.js", "--env", "target=harness"]);
    copyFileSync(join(ext, "harness", "index.html"), join(ext, "build", "harness", "index.html"));
    return s;
  }, force);
}

export function buildFederatedHarness(force = false) {
  buildLabextension(force);
  cached("federated-harness", [join(ext, "harness"), join(ext, "webpack.config.js"), ...lockInputs], [join(ext, "build", "federated-harness", "bundle.js")], () => {
    const s = run(bin("webpack"), ["--config", "webpack.config.js", "--env", "target=federated-harness"]);
    copyFileSync(join(ext, "harness", "federated.html"), join(ext, "build", "federated-harness", "index.html"));
    return s;
  }, force);
}

export function buildApp(force = false) {
  buildLib(force);
  cached("app", [join(ext, "lib"), join(ext, "style"), join(ext, "app"), join(ext, "webpack.config.js"), ...lockInputs], [join(ext, "build", "app", "bundle.js")], () => run(bin("webpack"), ["--config", "webpack.config.js", "--env", "target=app"]), force);
}

export function buildLabextension(force = false) {
  buildLib(force);
  cached("labextension", [join(ext, "lib"), join(ext, "style"), join(ext, "core"), ...lockInputs], [join(ext, "labextension", "package.json")], () => run(bin("build-labextension"), ["--development", "--core-path", "core", "."]), force);
}

/**
 * Serialises builds between processes (test files run in parallel): a lock folder holding the
 * owner's pid, taken over when that process is gone.
 */
export function withBuildLock(fn) {
  const lock = join(ext, "build", ".lock");
  mkdirSync(join(ext, "build"), { recursive: true });
  const t0 = Date.now();
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, "pid"), String(process.pid));
      break;
    } catch {
      let owner = NaN;
      try {
        owner = Number(readFileSync(join(lock, "pid"), "utf8"));
      } catch {
        // the owner has not written its pid yet
      }
      let alive = true;
      if (Number.isInteger(owner) && owner > 0) {
        try {
          process.kill(owner, 0);
        } catch {
          alive = false;
        }
      }
      if (!alive) {
        rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (Date.now() - t0 > 20 * 60_000) throw new Error(`another build has held ${lock} for 20 min`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

const isMain = process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const args = new Set(process.argv.slice(2));
  const force = args.has("--force");
  const all = args.has("--all") || ![...args].some((a) => ["--lib", "--harness", "--app", "--labextension", "--federated-harness"].includes(a));
  try {
    withBuildLock(() => {
      if (all || args.has("--lib")) buildLib(force);
      if (all || args.has("--harness")) buildHarness(force);
      if (all || args.has("--app")) buildApp(force);
      if (all || args.has("--labextension")) buildLabextension(force);
      if (all || args.has("--federated-harness")) buildFederatedHarness(force);
    });
  } catch (e) {
    console.error(`[build-extension] ${e.message}`);
    process.exit(1);
  }
}

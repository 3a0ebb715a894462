// `npm run reproduce`: rebuilds the library, registers the notebook kernel, runs every notebook
// headless into results/<timestamp>/ (executed notebooks, figures, results.json, results.md) and
// exits 1 when a notebook errors, 2 when every notebook ran but a check against the paper failed.
//
//   npm run reproduce                    quick settings (minutes)
//   npm run reproduce -- --full          the paper's settings (hours)
//   npm run reproduce -- --only 01,05    a subset, by number or name
//   npm run reproduce -- --list          list the notebooks
//   npm run reproduce -- --stamp         strip outputs and refresh notebook metadata before a commit
//
// Other options: --out DIR, --notebooks-dir DIR, --no-build, --timeout SECONDS (per cell),
// --progress-every SECONDS (how often a log without a terminal gets a progress line; default 30).
// MARBLE_EXECUTOR=slurm runs notebook 07's sweeps on Slurm: the cluster `sinfo` answers for, or a
// single-node one started for the run and stopped after (scripts/reproduce-slurm.mjs).
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { clearInterval, setInterval } from "node:timers";
import { createRequire } from "node:module";
import { basename, dirname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { jupyterEnv, KERNEL_NAME, PYTHON, setupKernel } from "./setup-kernel.mjs";
import { ensureComponents } from "./system.mjs";
import { slurmForRun } from "./reproduce-slurm.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

function writeAtomic(path, data) {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

export function parseArgs(argv) {
  const opts = {
    mode: "quick",
    only: null,
    out: null,
    notebooksDir: join(root, "notebooks"),
    build: true,
    timeout: null,
    list: false,
    stamp: false,
    progressEvery: 30,
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].includes("=") ? argv[i].split(/=(.*)/s, 2) : [argv[i], undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined || v.startsWith("--")) throw new Error(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case "--full": opts.mode = "full"; break;
      case "--quick": opts.mode = "quick"; break;
      case "--only": opts.only = value().split(",").map((s) => s.trim()).filter(Boolean); break;
      case "--out": opts.out = resolve(value()); break;
      case "--notebooks-dir": opts.notebooksDir = resolve(value()); break;
      case "--no-build": opts.build = false; break;
      case "--timeout": {
        const t = Number(value());
        if (!(t >= 0)) throw new Error(`--timeout must be a number of seconds ≥ 0 (0 = none), got ${argv[i]}`);
        opts.timeout = t;
        break;
      }
      case "--progress-every": {
        const t = Number(value());
        if (!(t > 0)) throw new Error(`--progress-every must be a number of seconds > 0, got ${argv[i]}`);
        opts.progressEvery = t;
        break;
      }
      case "--list": opts.list = true; break;
      case "--stamp": opts.stamp = true; break;
      case "-h": case "--help": opts.help = true; break;
      default: throw new Error(`unknown option ${argv[i]} (see the header of scripts/reproduce.mjs)`);
    }
  }
  return opts;
}

/** Notebooks in run order: files named NN-name.ipynb. */
export function listNotebooks(dir) {
  if (!existsSync(dir)) throw new Error(`notebook folder ${dir} does not exist`);
  return readdirSync(dir)
    .filter((f) => /^\d\d-.+\.ipynb$/.test(f))
    .sort()
    .map((f) => ({ id: f.replace(/\.ipynb$/, ""), path: join(dir, f) }));
}

export function selectNotebooks(all, only) {
  if (!only) return all;
  const chosen = all.filter((nb) => only.some((o) => nb.id === o || nb.id.startsWith(o.length <= 2 ? `${o.padStart(2, "0")}-` : o)));
  const unknown = only.filter((o) => !all.some((nb) => nb.id === o || nb.id.startsWith(o.length <= 2 ? `${o.padStart(2, "0")}-` : o)));
  if (unknown.length) {
    throw new Error(`--only: no notebook matches ${unknown.join(", ")}; available: ${all.map((n) => n.id).join(", ")}`);
  }
  return chosen;
}

export function sha256File(path) {
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}

function libraryVersion() {
  return JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version;
}

/** Strips outputs and execution counts; refreshes metadata.marble's version and data checksums. */
export function stampNotebook(path) {
  const nb = JSON.parse(readFileSync(path, "utf8"));
  for (const cell of nb.cells) {
    if (cell.cell_type === "code") {
      cell.outputs = [];
      cell.execution_count = null;
    }
    if (cell.metadata) {
      delete cell.metadata.execution;
      delete cell.metadata.collapsed;
      delete cell.metadata.scrolled;
    }
  }
  const marble = (nb.metadata.marble ??= {});
  marble.libraryVersion = libraryVersion();
  marble.seeds ??= {};
  for (const d of marble.data ?? []) {
    const file = join(root, d.path);
    if (existsSync(file)) d.sha256 = sha256File(file);
  }
  nb.metadata.kernelspec = { name: KERNEL_NAME, display_name: "TypeScript", language: "typescript" };
  writeAtomic(path, JSON.stringify(nb, null, 1) + "\n");
}

/** Compares the data files a notebook declares with their recorded checksums. */
function checkData(nbPath) {
  const nb = JSON.parse(readFileSync(nbPath, "utf8"));
  return (nb.metadata?.marble?.data ?? []).map((d) => {
    const file = join(root, d.path);
    if (!existsSync(file)) return { path: d.path, status: "missing" };
    const actual = sha256File(file);
    return { path: d.path, status: actual === d.sha256 ? "ok" : "checksum mismatch", expected: d.sha256, actual };
  });
}

// Executes a notebook cell by cell with nbclient, stops at the first failing cell, and always
// writes what was executed (tslab reports errors as stderr streams, so the driver collects them).
/** The notebook driver (Python, nbclient), one process per notebook. */
const DRIVER = join(dirname(fileURLToPath(import.meta.url)), "notebook-driver.py");

function runNotebook(nb, outDir, env, timeout, onCellStart) {
  return new Promise((resolvePromise) => {
    const outPath = join(outDir, `${nb.id}.ipynb`);
    const child = spawn(PYTHON, [DRIVER, nb.path, outPath, String(timeout), KERNEL_NAME], {
      cwd: dirname(nb.path),
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let buf = "";
    let done = null;
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      buf += chunk;
      let nl;
      while ((nl = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, nl).trim();
        buf = buf.slice(nl + 1);
        if (!line) continue;
        try {
          const ev = JSON.parse(line);
          if (ev.event === "start") onCellStart(ev);
          else if (ev.event === "done") done = ev;
        } catch {
          // not one of the driver's lines
        }
      }
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    current = child;
    child.on("close", (code) => {
      current = null;
      if (!done) {
        const tail = stderr.trim().split("\n").slice(-5).join("\n");
        done = { failure: { cell: null, kind: "DriverError", message: `notebook driver exited ${code}: ${tail}` } };
      }
      resolvePromise({ outPath, failure: done.failure });
    });
  });
}

/** The notebook driver now running (stopped when the run is interrupted). */
let current = null;

/**
 * Follows the progress lines that long library work appends to MARBLE_PROGRESS_FILE
 * (src/core/progress.ts) and returns the newest as text, such as "MARBLE fit, epochs 12/30, ~20 s left".
 */
function progressFollower(file) {
  let offset = 0;
  let latest = null;
  return () => {
    try {
      const size = statSync(file).size;
      if (size > offset) {
        const fd = openSync(file, "r");
        const buf = Buffer.alloc(size - offset);
        readSync(fd, buf, 0, buf.length, offset);
        closeSync(fd);
        offset = size;
        const lines = buf.toString("utf8").trim().split("\n");
        for (const l of lines) {
          try {
            latest = JSON.parse(l);
          } catch {
            // a line still being written
          }
        }
      }
    } catch {
      // no progress yet
    }
    if (!latest) return "";
    const { label, done, total, seconds } = latest;
    const left = done > 0 && done < total ? `, ~${Math.ceil((seconds / done) * (total - done))} s left` : "";
    return `${label} ${done}/${total}${left}`;
  };
}

function readExperiments(outDir) {
  const dir = join(outDir, "experiments");
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(dir, f), "utf8")));
}

function timestamp() {
  return new Date().toISOString().replace(/\.\d+Z$/, "Z").replace(/:/g, "-");
}

function gitCommit() {
  const r = spawnSync("git", ["rev-parse", "--short", "HEAD"], { cwd: root, encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : null;
}

/**
 * Writes results.json and results.md. `state` is "running" while notebooks remain (the summary is
 * rewritten after each one), "interrupted" when the run was stopped, "complete" at the end; until
 * then the folder also holds an INCOMPLETE marker, so a partial run never looks finished.
 */
function writeSummary(outDir, run, notebooks, reporting, state = "complete") {
  const experiments = readExperiments(outDir);
  for (const nb of notebooks) {
    nb.experiments = experiments.filter((e) => e.notebook === nb.id).map((e) => e.experiment);
    if (nb.status === "ran") {
      const mine = experiments.filter((e) => e.notebook === nb.id);
      nb.status = mine.length === 0 ? "no results" : mine.every((e) => e.passed) ? "passed" : "check failed";
    }
  }
  const passed = notebooks.every((n) => n.status === "passed") && experiments.every((e) => e.passed);
  const complete = state === "complete";
  const summary = { run: { ...run, state, finishedAt: complete ? new Date().toISOString() : null }, passed: complete && passed, notebooks, experiments };
  writeAtomic(join(outDir, "results.json"), JSON.stringify(summary, null, 2) + "\n");
  const lines = [
    `# MarbleLab reproduction — ${run.mode} mode`,
    "",
    ...(complete ? [] : [`**Incomplete run (${state}):** ${notebooks.length} of ${run.notebooks.length} notebooks ran; ` +
      `not run: ${run.notebooks.filter((id) => !notebooks.some((n) => n.id === id)).join(", ") || "none"}. Nothing below is a full reproduction.`, ""]),
    // the comparison with the baselines and the verdict on each claim lead; the checks follow
    ...(experiments.length ? [reporting.comparisonMarkdown(experiments)] : []),
    `Started ${run.startedAt}, library ${run.libraryVersion}${run.gitCommit ? `, commit ${run.gitCommit}` : ""}, Node ${run.node}. ` +
      (complete ? `Checks against the paper's numbers: **${passed ? "every check passes" : "some checks fail or notebooks errored"}**.` : ""),
    "",
    "| notebook | status | time (s) | note |",
    "|---|---|---|---|",
    ...notebooks.map((n) => `| ${n.id} | ${n.status} | ${n.seconds ?? "—"} | ${(n.error ?? "").replace(/\|/g, "\\|").replace(/\n/g, " ").slice(0, 300)} |`),
    "",
    experiments.length ? reporting.resultsMarkdown(experiments) : "No experiment recorded results.\n",
  ];
  writeAtomic(join(outDir, "results.md"), lines.join("\n"));
  return summary;
}

export async function main(argv = process.argv.slice(2)) {
  let opts;
  try {
    opts = parseArgs(argv);
  } catch (err) {
    console.error(`reproduce: ${err.message}`);
    return 2;
  }
  if (opts.help) {
    const lines = readFileSync(fileURLToPath(import.meta.url), "utf8").split("\n");
    console.log(lines.slice(0, lines.findIndex((l) => !l.startsWith("//"))).join("\n"));
    return 0;
  }
  const all = listNotebooks(opts.notebooksDir);
  let selected;
  try {
    selected = selectNotebooks(all, opts.only);
  } catch (err) {
    console.error(`reproduce: ${err.message}`);
    return 2;
  }
  if (opts.list) {
    for (const nb of all) console.log(nb.id);
    return 0;
  }
  if (opts.stamp) {
    for (const nb of selected) {
      stampNotebook(nb.path);
      console.log(`stamped ${relative(root, nb.path)}`);
    }
    return 0;
  }

  spawnSync(process.execPath, [join(root, "scripts", "link-self.mjs")], { cwd: root, stdio: "inherit" });
  if (opts.build) {
    console.log("reproduce: building the library (npm run build)…");
    const b = spawnSync(process.execPath, [join(root, "scripts", "build-library.mjs")], { cwd: root, stdio: "inherit" });
    if (b.status !== 0) {
      console.error("reproduce: the library build failed; fix the type errors above first");
      return 1;
    }
  }
  // a fresh machine: Debian's Jupyter is installed (as root) before the kernel is registered
  const stillMissing = ensureComponents(["jupyter", "figures"], (m) => console.log(`reproduce: ${m}`));
  if (stillMissing.length) {
    console.error(`reproduce: cannot run notebooks without Debian's Jupyter and rsvg-convert (${stillMissing.map(([, why]) => why).join("; ")}); install it as shown above, then run again`);
    return 1;
  }
  try {
    setupKernel();
  } catch (err) {
    console.error(`reproduce: ${err.message}`);
    return 1;
  }
  const reporting = createRequire(import.meta.url)(join(root, "dist", "reporting", "index.js"));
  // MARBLE_EXECUTOR=slurm: the cluster that answers here, or a single-node one started for this run
  let slurm;
  try {
    slurm = await slurmForRun((m) => console.log(`reproduce: ${m}`));
  } catch (err) {
    console.error(`reproduce: ${err.message}`);
    return 1;
  }

  const outDir = opts.out ?? join(root, "results", timestamp());
  mkdirSync(outDir, { recursive: true });
  const incompleteMarker = join(outDir, "INCOMPLETE");
  writeAtomic(incompleteMarker, "This run has not finished (or was interrupted): results.md lists the notebooks that ran.\n");
  const progressDir = mkdtempSync(join(tmpdir(), "marble-progress-"));
  const timeout = opts.timeout ?? (opts.mode === "full" ? 0 : 1800);
  const run = {
    startedAt: new Date().toISOString(),
    mode: opts.mode,
    libraryVersion: libraryVersion(),
    gitCommit: gitCommit(),
    node: process.version,
    argv,
    outDir,
    notebooks: selected.map((nb) => nb.id),
  };
  // Ctrl-C or a kill: stop the notebook, say in results.md that the run is incomplete, keep the marker
  let stopping = false;
  const interrupt = (signal) => {
    stopping = true;
    const driver = current;
    // the driver shuts its kernel down before it exits; wait for that (at most 15 s)
    const driverGone = driver && driver.exitCode === null && driver.signalCode === null
      ? new Promise((done) => { driver.once("close", done); setTimeout(done, 15_000).unref(); })
      : Promise.resolve();
    driver?.kill("SIGTERM");
    writeSummary(outDir, run, notebooks, reporting, "interrupted");
    rmSync(progressDir, { recursive: true, force: true });
    process.stdout.write(`\nreproduce: interrupted (${signal}); ${relative(process.cwd(), outDir) || "."} is marked INCOMPLETE\n`);
    const code = signal === "SIGINT" ? 130 : 143;
    const exit = () => process.exit(code);
    driverGone.then(() => slurm.stop()).then(exit, exit);
  };
  process.once("SIGINT", interrupt);
  process.once("SIGTERM", interrupt);
  console.log(`reproduce: ${selected.length} notebook(s), ${opts.mode} mode → ${relative(process.cwd(), outDir) || "."}`);
  const notebooks = [];
  const t0 = Date.now();
  for (const [k, nb] of selected.entries()) {
    const data = checkData(nb.path);
    const bad = data.filter((d) => d.status === "checksum mismatch");
    for (const d of bad) console.warn(`  warning: ${d.path}: checksum differs from the notebook's metadata`);
    const env = {
      ...jupyterEnv(root),
      MARBLE_MODE: opts.mode,
      MARBLE_RESULTS_DIR: outDir,
      MARBLE_NOTEBOOK: nb.id,
      MARBLE_REPO_ROOT: root,
      ...slurm.env,
    };
    const start = Date.now();
    const tty = process.stdout.isTTY;
    const head = `[${k + 1}/${selected.length}] ${nb.id}`;
    // what runs (the cell and its first line), how far (the library's progress lines), how long
    const progressFile = join(progressDir, `${nb.id}.jsonl`);
    env.MARBLE_PROGRESS_FILE = progressFile;
    const progress = progressFollower(progressFile);
    let cell = "";
    let cellStart = start;
    let lastPlain = 0;
    const show = (force = false) => {
      const p = progress();
      const line = `${head}  ${cell}${p ? `  · ${p}` : ""}  ${((Date.now() - start) / 1000).toFixed(0)} s`;
      if (tty) process.stdout.write(`\r${line.slice(0, (process.stdout.columns ?? 120) - 1)}\x1b[K`);
      // logs without a terminal get a line per cell and one every --progress-every s inside a long cell
      else if (force || Date.now() - lastPlain >= opts.progressEvery * 1000) {
        lastPlain = Date.now();
        console.log(line);
      }
    };
    if (!tty) console.log(`${head}  started`);
    const ticker = setInterval(() => {
      if (tty || Date.now() - cellStart >= opts.progressEvery * 1000) show();
    }, 1000);
    const { failure } = await runNotebook(nb, outDir, env, timeout, (ev) => {
      cell = `cell ${ev.index}/${ev.of}${ev.head ? ` (${ev.head})` : ""}`;
      cellStart = Date.now();
      lastPlain = Date.now();
      show(!tty);
    });
    clearInterval(ticker);
    // stopped: the interrupt handler has written the summary and exits once the kernel is down
    if (stopping) await new Promise(() => {});
    const seconds = Number(((Date.now() - start) / 1000).toFixed(1));
    const entry = { id: nb.id, status: failure ? "error" : "ran", seconds, data };
    if (failure) {
      entry.error = `cell ${failure.cell ?? "?"}${failure.of ? `/${failure.of}` : ""}: ${failure.message}`;
    }
    notebooks.push(entry);
    // the summary is rewritten after every notebook so an interrupted run still leaves one
    writeSummary(outDir, run, notebooks, reporting, "running");
    const status = notebooks[notebooks.length - 1].status;
    process.stdout.write(`${tty ? "\r" : ""}${head}  ${status}  ${seconds} s${tty ? "\x1b[K" : ""}\n`);
    if (failure) console.log(`    ${entry.error.split("\n").slice(0, 6).join("\n    ")}`);
  }
  await slurm.stop();
  const summary = writeSummary(outDir, run, notebooks, reporting);
  rmSync(incompleteMarker, { force: true });
  rmSync(progressDir, { recursive: true, force: true });
  const failedChecks = summary.experiments.flatMap((e) => e.checks.filter((c) => c.passed === false).map((c) => `${e.experiment}: ${c.name}`));
  console.log(`\nreproduce: ${((Date.now() - t0) / 1000).toFixed(0)} s; results in ${join(relative(process.cwd(), outDir) || ".", "results.md")}`);
  for (const f of failedChecks) console.log(`  failed check — ${f}`);
  const errored = notebooks.filter((n) => n.status === "error").map((n) => n.id);
  if (errored.length) {
    console.log(`reproduce: FAILED — notebook(s) stopped with an error: ${errored.join(", ")}`);
    return 1;
  }
  // the comparison first (MARBLE against the best baseline, claim by claim), then the checks
  console.log(`reproduce: the paper's claims reproduced here: ${reporting.verdictTally(summary.experiments)} (results.md: MARBLE against the best baseline, per experiment)`);
  console.log(summary.passed ? "reproduce: every check against the paper's numbers passes" : "reproduce: every notebook ran, but checks against the paper failed (see results.md)");
  // 2 (not 1) so that callers can tell a scientific shortfall from a broken notebook
  return summary.passed ? 0 : 2;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  main().then(
    (code) => process.exit(code),
    (err) => {
      console.error(`reproduce: ${err.stack ?? err}`);
      process.exit(1);
    },
  );
}

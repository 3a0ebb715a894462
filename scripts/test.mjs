// The project's test command: type-check and lint, build, then run every test file with
// Node's built-in test runner. `--unit-only` skips the notebook, browser and Slurm suites.
//
// The notebook, browser and Slurm suites need Debian's Jupyter, Chromium, and slurm-wlm with munge:
// they are installed first when missing (as root; otherwise the apt-get line is printed and the run
// fails). The Slurm tests start their own single-node cluster (scripts/slurm-cluster.mjs). To run
// without a component on purpose, opt out of its group explicitly:
//   npm test -- --skip-browser     (or MARBLE_SKIP_BROWSER_TESTS=1)   no browser tests
//   npm test -- --skip-slurm       (or MARBLE_SKIP_SLURM_TESTS=1)     no Slurm tests
//   npm test -- --unit-only                                            no notebook, browser or Slurm tests
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureComponents } from "./system.mjs";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const unitOnly = process.argv.includes("--unit-only");
const skipBrowser = unitOnly || process.argv.includes("--skip-browser") || process.env.MARBLE_SKIP_BROWSER_TESTS === "1";
const skipSlurm = unitOnly || process.argv.includes("--skip-slurm") || process.env.MARBLE_SKIP_SLURM_TESTS === "1";
const only = process.argv.slice(2).filter((a) => !a.startsWith("--"));

function run(cmd, args, env = process.env) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: "inherit", env });
  if (r.status !== 0) {
    console.error(`\n${cmd} ${args.join(" ")} failed (exit ${r.status})`);
    process.exit(r.status ?? 1);
  }
}

function findTests(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...findTests(p));
    else if (name.endsWith(".test.ts")) out.push(p);
  }
  return out;
}

// slow suites live in test/integration (notebooks: Jupyter) and test/e2e (browser: Jupyter, Chromium)
const NEEDS_JUPYTER = /[\\/](integration|e2e)[\\/]/;
const NEEDS_BROWSER = /[\\/]e2e[\\/]/;
// Slurm suites: test/slurm/ or test/sweep/slurm*.test.ts (a real cluster on 127.0.0.1)
const NEEDS_SLURM = /[\\/]test[\\/](slurm[\\/]|sweep[\\/]slurm[^\\/]*\.test\.ts$)/;
const NEEDS_PDF = /[\\/]reporting[\\/]figure-export/;
let files = findTests(join(root, "test")).sort();
if (unitOnly) files = files.filter((f) => !NEEDS_JUPYTER.test(f));
if (skipBrowser) files = files.filter((f) => !NEEDS_BROWSER.test(f));
if (skipSlurm) files = files.filter((f) => !NEEDS_SLURM.test(f));
if (only.length) files = files.filter((f) => only.some((o) => f.includes(o)));

// the components the chosen suites need, installed before they run; a missing one fails the run
const groups = [];
// saved figures are exported to PDF (notebook, reporting and browser tests); the export test opens them with poppler
if (files.some((f) => NEEDS_JUPYTER.test(f) || NEEDS_PDF.test(f))) groups.push("figures", "pdfcheck");
if (files.some((f) => NEEDS_JUPYTER.test(f))) groups.push("jupyter");
if (files.some((f) => NEEDS_BROWSER.test(f))) groups.push("browser");
if (files.some((f) => NEEDS_SLURM.test(f))) groups.push("slurm");
const missing = ensureComponents(groups, (m) => console.log(`test: ${m}`));
if (missing.length) {
  for (const [g, why] of missing) {
    const optOut = { browser: "npm test -- --skip-browser", slurm: "npm test -- --skip-slurm", jupyter: "npm test -- --unit-only" }[g];
    console.error(`test: FAILED before running: ${why}. Install it as shown above` + (optOut ? `, or skip its tests explicitly with \`${optOut}\`.` : " (bash scripts/setup-system.sh figures pdfcheck, as root)."));
  }
  process.exit(1);
}
if (skipBrowser && !unitOnly) console.warn("test: browser tests skipped on request (--skip-browser / MARBLE_SKIP_BROWSER_TESTS=1)");
if (skipSlurm && !unitOnly) console.warn("test: Slurm tests skipped on request (--skip-slurm / MARBLE_SKIP_SLURM_TESTS=1)");

// call our TypeScript by path: tslab ships its own older compiler that claims node_modules/.bin/tsc
const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
// the library is imported by its package name (notebooks, extension): package.json declares the
// link (file:.), this restores it if something removed it
run(process.execPath, [join(root, "scripts", "link-self.mjs")]);
run(process.execPath, [tsc, "-p", "tsconfig.json", "--noEmit"]);
run("npx", ["eslint", "src", "test", "scripts", "bench"]);
// the compiled library, its entry loading each area on first use (scripts/build-library.mjs)
run(process.execPath, [join(root, "scripts", "build-library.mjs")]);

// Two test files run at once on two cores, so the kernels' helper thread (which polls while a fit
// runs) would oversubscribe them and starve the browser tests: tests run the kernels on one
// thread unless MARBLE_THREADS says otherwise. test/model/kernel-threads.test.ts turns the helper
// on itself, and the quick reproduction (npm run reproduce) runs the notebooks with it.
const env = { ...process.env, MARBLE_THREADS: process.env.MARBLE_THREADS ?? "1" };
run(process.execPath, ["--import", "tsx", "--test", "--test-concurrency=2", ...files], env);

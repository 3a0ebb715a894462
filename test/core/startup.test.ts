// What importing the compiled library (dist/, as users and the CLI run it) loads: no area until one
// of its exports is used, and even with every area loaded none of the packages and built-in
// modules that are kept for first use (core/lazy-module.ts). Counted from the module lists of a
// child process, not timed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, sep } from "node:path";
import * as source from "../../src/index.js";
import { lazyModule } from "../../src/core/lazy-module.js";

const root = join(__dirname, "..", "..");
const entry = join(root, "dist", "index.js");

/** Packages that only some calls need: loading the library (any area of it) must not load them. */
const LAZY_PACKAGES = ["umap-js", "ml-matrix", "ml-levenberg-marquardt", "apache-arrow", "arquero", "h5wasm", "hyparquet", "hyparquet-writer", "vega", "vega-lite", "@resvg/resvg-js"];
/** Built-in modules likewise (the HTTP stack, compression, child processes, threads, hashing). */
const LAZY_BUILTINS = ["http", "https", "tls", "net", "zlib", "child_process", "worker_threads", "crypto"];

interface Loaded { files: string[]; packages: string[]; builtins: string[]; value?: unknown }

// printed by the child: the library files and packages in require's cache, and the built-in
// modules loaded since it started
const REPORT = `
const report = (value) => {
  const files = Object.keys(require.cache);
  const packages = [...new Set(files.map((f) => /node_modules[\\\\/]((?:@[^\\\\/]+[\\\\/])?[^\\\\/]+)/.exec(f)?.[1]).filter(Boolean))];
  const builtins = process.moduleLoadList.filter((m) => !before.has(m) && m.startsWith("NativeModule ")).map((m) => m.slice(13));
  console.log(JSON.stringify({ files: files.filter((f) => !f.includes("node_modules")), packages, builtins, value }));
};`;

function child(args: string[]): Loaded {
  assert.ok(existsSync(entry), "dist/ is missing: run `npm run build` first (npm test does)");
  const r = spawnSync(process.execPath, args, { cwd: root, encoding: "utf8", env: { ...process.env, MARBLE_THREADS: "1" } });
  assert.equal(r.status, 0, r.stderr);
  const loaded = JSON.parse(r.stdout.trim().split("\n").pop()!) as Loaded;
  loaded.files = loaded.files.map((f) => relative(root, f).split(sep).join("/"));
  return loaded;
}

function cjs(body: string): Loaded {
  return child(["-e", `const before = new Set(process.moduleLoadList);${REPORT}\nconst lib = require(${JSON.stringify(entry)});\n${body}`]);
}

function assertNoLazyDependency(l: Loaded, what: string, allowed: string[] = []): void {
  const packages = l.packages.filter((p) => LAZY_PACKAGES.includes(p));
  assert.deepEqual(packages, [], `${what} loaded ${packages.join(", ")}: load it where it is used (core/lazy-module.ts)`);
  const builtins = l.builtins.filter((b) => LAZY_BUILTINS.includes(b) && !allowed.includes(b));
  assert.deepEqual(builtins, [], `${what} loaded node:${builtins.join(", node:")}: load it where it is used (core/lazy-module.ts)`);
}

test("requiring the library loads its entry only; an export loads its own area", () => {
  const bare = cjs("report();");
  assert.deepEqual(bare.files, ["dist/index.js"]);
  assert.deepEqual(bare.packages, []);
  const one = cjs("lib.Matrix.zeros(2, 2); report();");
  assert.ok(one.files.includes("dist/core/index.js"), one.files.join(" "));
  const outside = one.files.filter((f) => !f.startsWith("dist/core/") && f !== "dist/index.js");
  assert.deepEqual(outside, [], "using Matrix loaded more than the core area");
});

test("every area loaded (as an ES-module import does) still leaves the lazy packages and built-ins unloaded", () => {
  const all = cjs("for (const name of Object.keys(lib)) void lib[name]; report();");
  assert.ok(all.files.length > 100, `only ${all.files.length} library files after touching every export`);
  assertNoLazyDependency(all, "loading every area of the library");
  const esm = child(["--input-type=module", "-e", `import { createRequire } from "node:module";
const require = createRequire(${JSON.stringify(entry)});
const before = new Set(process.moduleLoadList);${REPORT}
const lib = (await import(${JSON.stringify("file://" + entry)})).default;
report(typeof lib.Marble);`]);
  assert.equal(esm.value, "function");
  assertNoLazyDependency(esm, "import from an ES module");
});

test("a lazily loaded package loads on first use, from the compiled library", () => {
  // a 60 × 60 symmetric eigenproblem goes to ml-matrix (above 48 × 48)
  const used = cjs(`const n = 60, a = new lib.Matrix(n, n);
for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a.set(i, j, 1 / (1 + i + j));
const { values } = lib.eigenDescending(a);
report(values[0] >= values[n - 1]);`);
  assert.equal(used.value, true);
  assert.ok(used.packages.includes("ml-matrix"), used.packages.join(" "));
});

test("the compiled entry exports exactly the names of src/index.ts, for require and for ES-module imports", () => {
  const names = cjs("report(Object.keys(lib).sort());").value as string[];
  assert.deepEqual(names, Object.keys(source).filter((n) => n !== "default" && n !== "__esModule").sort());
  const esm = child(["--input-type=module", "-e", `import * as ns from ${JSON.stringify("file://" + entry)};
import { Marble, readHdf5Dataset, saveFigure, runSweep, VERSION } from ${JSON.stringify("file://" + entry)};
console.log(JSON.stringify({ files: [], packages: [], builtins: [], value: [Object.keys(ns).filter((n) => n !== "default" && n !== "__esModule").sort(), [Marble, readHdf5Dataset, saveFigure, runSweep].map((f) => typeof f), VERSION] }));`]);
  const [esmNames, kinds, version] = esm.value as [string[], string[], string];
  assert.deepEqual(esmNames, names);
  assert.deepEqual(kinds, ["function", "function", "function", "function"]);
  assert.equal(version, source.VERSION);
});

test("marble --help loads no command", () => {
  const dir = mkdtempSync(join(tmpdir(), "marble-startup-"));
  try {
    const preload = join(dir, "report.cjs");
    writeFileSync(preload, `const before = new Set(process.moduleLoadList);${REPORT}\nprocess.on("exit", () => report());\n`);
    const help = child(["--require", preload, join(root, "bin", "marble.js"), "--help"]);
    // the dispatcher and its argument helpers (which use the core's validation errors)
    const commandFiles = help.files.filter((f) => f.startsWith("dist/") && !["dist/cli/index.js", "dist/cli/args.js"].includes(f) && !f.startsWith("dist/core/"));
    assert.deepEqual(commandFiles, []);
    // printing to standard output, a pipe here, is Node's own net socket
    assertNoLazyDependency(help, "marble --help", ["net"]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("an area that fails to load says which, for which export, with the cause", () => {
  // the io area made unloadable in the child, as a broken install would
  const failed = cjs(`const Module = require("node:module");
const load = Module._load;
Module._load = function (request, parent, isMain) {
  if (request === "./io/index.js") throw new Error("simulated: cannot read io");
  return load.call(this, request, parent, isMain);
};
try { lib.readNpy; report("loaded"); } catch (err) { report([err.message, err.cause && err.cause.message]); }`);
  const [message, cause] = failed.value as [string, string];
  assert.match(message, /^@marble-lab\/core: loading io\/index\.js \(for readNpy\) failed: simulated: cannot read io$/);
  assert.equal(cause, "simulated: cannot read io");
});

test("a package that cannot be loaded fails with its name, what needed it and the fix", () => {
  const load = lazyModule<unknown>("marble-lab-no-such-package", "a start-up test");
  assert.throws(load, (err: Error) => {
    assert.match(err.message, /could not load "marble-lab-no-such-package", which it needs for a start-up test/);
    assert.match(err.message, /npm ci/);
    assert.ok(err.cause instanceof Error);
    return true;
  });
});

// Builds the library (`npm run build`): compiles src/ to dist/ (CommonJS), then rewrites the
// compiled entry dist/index.js so that each area of the library (core, geometry, model, io,
// display, …) is required on the first use of one of its exports instead of all of them on import.
// Importing the library is every program's start-up (a notebook kernel, a script, the CLI); most
// use a few areas. The exports stay exactly those of src/index.ts: the same names, and each name
// the very object the compiled `export *` gave (checked below on every build); dist/index.d.ts is
// the compiler's own. The names are also written out as assignments, because Node finds the
// exports of a CommonJS module imported from an ES module by reading its text.
//
// usage: node scripts/build-library.mjs   (exit status: the compiler's, or 1 if the check fails)
import { spawnSync } from "node:child_process";
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
// by path: tslab ships its own older compiler that claims node_modules/.bin/tsc
const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
const built = spawnSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], { cwd: root, stdio: "inherit" });
if (built.status !== 0) process.exit(built.status ?? 1);

const entry = join(root, "dist", "index.js");
const compiled = readFileSync(entry, "utf8");
const require = createRequire(entry);

/**
 * Where each export of the compiled entry comes from, in the compiled module's own precedence:
 * named exports (`export { x } from`) first, then each `export *` in order, the first that has a
 * name winning (TypeScript's __exportStar skips names already exported).
 */
function exportSources(text) {
  const vars = new Map([...text.matchAll(/^var (\w+) = require\("([^"]+)"\);$/gm)].map((m) => [m[1], m[2]]));
  const named = [...text.matchAll(/^Object\.defineProperty\(exports, "(\w+)", \{ enumerable: true, get: function \(\) \{ return (\w+)\.(\w+); \} \}\);$/gm)]
    .map((m) => ({ name: m[1], path: vars.get(m[2]), from: m[3] }));
  const stars = [...text.matchAll(/^__exportStar\(require\("([^"]+)"\), exports\);$/gm)].map((m) => m[1]);
  if (named.some((n) => !n.path) || (!named.length && !stars.length)) throw new Error("dist/index.js is not in the form the compiler emitted before; rebuild from src/index.ts");
  const sources = new Map(named.map((n) => [n.name, { path: n.path, from: n.from }]));
  for (const path of stars) {
    for (const name of Object.keys(require(path))) if (name !== "default" && !sources.has(name)) sources.set(name, { path, from: name });
  }
  return sources;
}

function lazyEntry(sources) {
  const byPath = new Map();
  for (const [name, { path, from }] of sources) {
    if (!byPath.has(path)) byPath.set(path, []);
    byPath.get(path).push(name === from ? name : [name, from]);
  }
  const names = [...sources.keys()];
  const assignments = [];
  for (let i = 0; i < names.length; i += 8) assignments.push(names.slice(i, i + 8).map((n) => `exports.${n} = `).join("") + "void 0;");
  return `"use strict";
// Written by scripts/build-library.mjs from the compiled src/index.ts (whose exports these are;
// dist/index.d.ts is the compiler's own). Each area of the library is required on the first use of
// one of its exports, so that importing the library loads none of them.
Object.defineProperty(exports, "__esModule", { value: true });
// the names, for importers from ES modules (Node finds them by reading this text)
${assignments.join("\n")}
const EXPORTS = {
${[...byPath].map(([path, list]) => `  ${JSON.stringify(path)}: ${JSON.stringify(list)},`).join("\n")}
};
const loaded = new Map();
function area(path, name) {
  let m = loaded.get(path);
  if (m === undefined) {
    try {
      m = require(path);
    } catch (err) {
      throw new Error(\`@marble-lab/core: loading \${path.slice(2)} (for \${name}) failed: \${err && err.message}\`, { cause: err });
    }
    loaded.set(path, m);
  }
  return m;
}
for (const [path, names] of Object.entries(EXPORTS)) {
  for (const entry of names) {
    const [name, from] = typeof entry === "string" ? [entry, entry] : entry;
    Object.defineProperty(exports, name, { enumerable: true, get: () => area(path, name)[from] });
  }
}
`;
}

// a rebuild over an already rewritten entry (tsc skips unchanged outputs only with incremental builds)
if (compiled.includes("Written by scripts/build-library.mjs")) {
  console.error("build-library: dist/index.js was not recompiled; run the compiler again");
  process.exit(1);
}
const sources = exportSources(compiled);
const eager = require(entry);
const text = lazyEntry(sources);
writeFileSync(entry + ".tmp", text);
renameSync(entry + ".tmp", entry);

// the check: the rewritten entry has exactly the compiled one's names, each the same object
delete require.cache[entry];
const lazy = require(entry);
const want = Object.keys(eager).sort(), got = Object.keys(lazy).sort();
const missing = want.filter((n) => !got.includes(n)), extra = got.filter((n) => !want.includes(n));
const differing = want.filter((n) => lazy[n] !== eager[n]);
if (missing.length || extra.length || differing.length) {
  writeFileSync(entry, compiled);
  console.error(`build-library: the lazy entry does not match the compiled one (missing ${missing.join(", ") || "none"}; extra ${extra.join(", ") || "none"}; different ${differing.join(", ") || "none"}); kept the compiled entry`);
  process.exit(1);
}

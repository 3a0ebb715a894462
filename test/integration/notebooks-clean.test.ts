// Committed notebooks carry no outputs (results live in results/<run>/) and record the metadata a
// run needs to be traceable: library version, seeds, and checksums of the data files they read.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const root = join(__dirname, "..", "..");
const version = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string }).version;

interface Cell {
  cell_type: string;
  source: string[] | string;
  outputs?: unknown[];
  execution_count?: number | null;
}
interface Notebook {
  nbformat: number;
  cells: Cell[];
  metadata: {
    kernelspec?: { name?: string };
    marble?: { libraryVersion?: string; seeds?: Record<string, number>; data?: { path: string; sha256: string }[] };
  };
}

function notebookFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(".ipynb"))
    .map((f) => join(dir, f));
}

const paperNotebooks = notebookFiles(join(root, "notebooks"));
const fixtures = notebookFiles(join(__dirname, "fixtures", "notebooks"));

const src = (c: Cell) => (Array.isArray(c.source) ? c.source.join("") : c.source);

export function problems(path: string, { paper }: { paper: boolean }): string[] {
  const out: string[] = [];
  let nb: Notebook;
  try {
    nb = JSON.parse(readFileSync(path, "utf8")) as Notebook;
  } catch (err) {
    return [`not valid JSON: ${(err as Error).message}`];
  }
  if (nb.nbformat !== 4) out.push(`nbformat is ${nb.nbformat}, expected 4`);
  if (nb.metadata?.kernelspec?.name !== "tslab") out.push("kernelspec.name must be tslab");
  nb.cells.forEach((c, i) => {
    if (c.cell_type !== "code") return;
    if ((c.outputs ?? []).length > 0) out.push(`cell ${i + 1} has outputs (run \`npm run reproduce -- --stamp\`)`);
    if (c.execution_count !== null && c.execution_count !== undefined) out.push(`cell ${i + 1} has an execution count`);
  });
  const m = nb.metadata?.marble;
  if (!m) return [...out, "metadata.marble is missing"];
  if (m.libraryVersion !== version) out.push(`metadata.marble.libraryVersion is ${m.libraryVersion}, package is ${version}`);
  if (typeof m.seeds !== "object" || m.seeds === null) out.push("metadata.marble.seeds is missing");
  else for (const [k, v] of Object.entries(m.seeds)) if (!Number.isInteger(v)) out.push(`seed ${k} is not an integer`);
  if (!Array.isArray(m.data)) out.push("metadata.marble.data (list of {path, sha256}) is missing");
  for (const d of m.data ?? []) {
    if (!/^[0-9a-f]{64}$/.test(d.sha256 ?? "")) out.push(`data ${d.path}: sha256 is not a hex digest`);
    const file = join(root, d.path);
    if (existsSync(file)) {
      const actual = createHash("sha256").update(readFileSync(file)).digest("hex");
      if (actual !== d.sha256) out.push(`data ${d.path}: checksum ${actual} differs from the recorded ${d.sha256}`);
    }
  }
  if (paper) {
    const code = nb.cells.filter((c) => c.cell_type === "code").map(src);
    if (!nb.cells.some((c) => c.cell_type === "markdown")) out.push("no narrative (markdown) cell");
    if (!code.some((s) => s.includes("runMode("))) out.push("no parameters cell reading runMode() (MARBLE_MODE)");
    if (!code.length || !code[code.length - 1].includes("recordResults(")) out.push("the final cell must call recordResults(...)");
    if (Object.keys(m.seeds ?? {}).length === 0) out.push("metadata.marble.seeds lists no seed");
  }
  return out;
}

test("the paper notebooks exist", () => {
  assert.ok(paperNotebooks.length > 0, "notebooks/ holds no .ipynb file");
});

for (const path of [...paperNotebooks, ...fixtures]) {
  const paper = paperNotebooks.includes(path);
  test(`notebook is clean and stamped: ${path.slice(root.length + 1)}`, () => {
    assert.deepEqual(problems(path, { paper }), []);
  });
}

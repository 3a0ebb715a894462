// Every paper notebook's final cell gives recordResults the comparison its results lead with, and
// leaves the verdict to the library (it is derived from the numbers, never written by hand).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const dir = join(__dirname, "..", "..", "notebooks");

function finalCell(file: string): string {
  const nb = JSON.parse(readFileSync(join(dir, file), "utf8")) as { cells: { cell_type: string; source: string[] | string }[] };
  const code = nb.cells.filter((c) => c.cell_type === "code");
  const last = code[code.length - 1];
  return Array.isArray(last.source) ? last.source.join("") : last.source;
}

// 00 is the template for a user's own recording: there is no paper claim to compare with
const paper = readdirSync(dir).filter((f) => /^0[1-9].*\.ipynb$/.test(f)).sort();

test("the paper notebooks are found", () => {
  assert.ok(paper.length >= 6, `expected notebooks 01–06 in ${dir}, found ${paper.join(", ")}`);
});

for (const file of paper) {
  test(`${file}: the final cell records a comparison and no hand-written verdict`, () => {
    const cell = finalCell(file);
    const at = cell.indexOf("comparison: {");
    assert.ok(at >= 0, "recordResults(…) is given no `comparison`");
    const comparison = cell.slice(at);
    for (const field of ["metric:", "better:", "marble:", "baselines:", "claim:"]) {
      assert.ok(comparison.includes(field), `the comparison has no \`${field.slice(0, -1)}\``);
    }
    assert.doesNotMatch(cell, /verdict\s*:/, "the verdict is computed by recordResults, not given");
    // 04 runs on a simulated stand-in for the recordings, so its claim cannot be tested here
    if (file.startsWith("04")) assert.ok(comparison.includes("notTestable:"), "04 must say why its claim is not testable offline");
  });
}

import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, existsSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Matrix } from "../../src/core/index.js";
import { writeNpy, readNpy, npyToMatrix } from "../../src/io/npy.js";
import { run as fit } from "../../src/cli/fit.js";
import { run as transform } from "../../src/cli/transform.js";
import { toyFields } from "./toy-data.js";

test("marble fit and marble transform over .npy and .csv files", async () => {
  const dir = mkdtempSync(join(tmpdir(), "marble-cli-"));
  const errors: string[] = [];
  const orig = console.error;
  console.error = (...a: unknown[]) => void errors.push(a.join(" "));
  try {
    const fields = toyFields(80, 2).slice(0, 2);
    fields.forEach((f, i) => {
      writeNpy(Matrix.from(f.pos), join(dir, `pos${i}.npy`));
      writeNpy(Matrix.from(f.x), join(dir, `vel${i}.npy`));
    });
    // the second condition's vectors as CSV
    writeFileSync(join(dir, "vel1.csv"), "u,v\n" + fields[1].x.map((r) => r.join(",")).join("\n") + "\n");
    const code = await fit([
      "--anchor", join(dir, "pos0.npy"), "--vector", join(dir, "vel0.npy"),
      "--anchor", join(dir, "pos1.npy"), "--vector", join(dir, "vel1.csv"),
      "--k", "8", "--epochs", "2", "--out-channels", "4", "--out", join(dir, "model"), "--embedding", join(dir, "z.npy"), "--quiet",
    ]);
    assert.equal(code, 0, errors.join("\n"));
    assert.ok(existsSync(join(dir, "model", "model.json")));
    const z = npyToMatrix(readNpy(join(dir, "z.npy")));
    assert.equal(z.rows, 160);
    assert.equal(z.cols, 4);
    assert.equal(await transform(["--model", join(dir, "model"), "--anchor", join(dir, "pos0.npy"), "--vector", join(dir, "vel0.npy"), "--output", join(dir, "z0.csv")]), 0, errors.join("\n"));
    assert.ok(existsSync(join(dir, "z0.csv")));
    // wrong dimensions: says what differs
    writeNpy(new Matrix(80, 3, new Float64Array(240).map((_, i) => Math.sin(i))), join(dir, "pos3.npy"));
    errors.length = 0;
    assert.equal(await fit(["--anchor", join(dir, "pos0.npy"), "--out", join(dir, "m2")]), 2);
    assert.match(errors.join("\n"), /give one --vector per --anchor/);
  } finally {
    console.error = orig;
    rmSync(dir, { recursive: true, force: true });
  }
});

import { test } from "node:test";
import assert from "node:assert/strict";
import { SweepSpecError, formatPlan, planSweep, validateSpec, sweptParameters } from "../../src/sweep/index.js";
import { tinySpec } from "./helpers.js";

function problems(raw: unknown): string[] {
  try {
    validateSpec(raw);
  } catch (e) {
    assert.ok(e instanceof SweepSpecError, `expected SweepSpecError, got ${String(e)}`);
    return e.problems;
  }
  assert.fail("the spec was accepted");
}

test("a valid spec passes and keeps its values", () => {
  const spec = validateSpec(tinySpec({ vary: [{ "marble.k": [5, 10] }], resources: { cpusPerTask: 2, mem: "4G", time: "01:00:00", partition: "cpu", sbatch: ["--qos=short"] } }));
  assert.deepEqual(spec.seeds, [0, 1, 2]);
});

test("every problem is reported at once, each naming its field and what to do", () => {
  const p = problems({ name: "bad name!", datasets: ["rat:achiles"], marble: { epoch: 3, order: 3 }, seeds: [0, 0, -1], resources: { mem: "lots" }, colour: 1 });
  const text = p.join("\n");
  assert.match(text, /^name: .*letters, digits/m);
  assert.match(text, /datasets\[0\]: unknown dataset "rat:achiles"; did you mean "rat:achilles"\?/);
  assert.match(text, /marble\.epoch: unknown parameter; did you mean "epochs"\?/);
  assert.match(text, /marble\.order: must be below 3, got 3/);
  assert.match(text, /seeds\[2\]: must be a whole number/);
  assert.match(text, /seeds: lists a seed twice/);
  assert.match(text, /resources\.mem: use Slurm's notation/);
  assert.match(text, /colour: unknown field/);
  assert.equal(p.length, 8);
});

test("vary entries are checked value by value, and parameters must apply to a listed dataset", () => {
  const p = problems(tinySpec({ vary: [{ "marble.k": [5, "ten"] }, { "preprocessing.pcaDims": [10, 20] }, { "marble.kk": [1] }, { list: [{ "marble.epochs": 0 }] }, { "marble.order": [] }] }));
  const text = p.join("\n");
  assert.match(text, /vary\[0\]\.marble\.k\[1\]: must be a finite number, got "ten"/);
  assert.match(text, /vary\[1\]\.preprocessing\.pcaDims: "preprocessing\.pcaDims" applies to rat data only.*add such a dataset/);
  assert.match(text, /vary\[2\]\.marble\.kk: unknown parameter "marble\.kk"; did you mean "marble\.k"\?/);
  assert.match(text, /vary\[3\]\.list\[0\]\.marble\.epochs: must be at least 1, got 0/);
  assert.match(text, /vary\[4\]\.marble\.order: give a non-empty list/);
});

test("not an object, no datasets, no seeds", () => {
  assert.match(problems([1, 2])[0], /must be a JSON object/);
  const p = problems({ name: "x" }).join("\n");
  assert.match(p, /datasets: list at least one dataset, from rat:achilles/);
  assert.match(p, /seeds: list at least one seed/);
});

test("plan: datasets × points × seeds, one-at-a-time sweeps share their base point", () => {
  const spec = validateSpec({ ...tinySpec(), datasets: ["van-der-pol", "rat:achilles"], seeds: [0, 1],
    vary: [{ "marble.k": [10, 15, 20] }, { "marble.order": [1, 2] }, { "preprocessing.pcaDims": [10, 20] }] });
  const tasks = planSweep(spec);
  // van der Pol: base k=10 (spec), order 2 → points k10(base) k15 k20 order1 (order2 = base, pcaDims n/a) = 4
  // rat: base k=10 (spec value applies to both), order 1 → k10(base) k15 k20, order2, pcaDims10 (20 = base) = 5
  assert.equal(tasks.length, (4 + 5) * 2);
  assert.deepEqual(tasks.map((t) => t.index), tasks.map((_, i) => i));
  assert.deepEqual(tasks.slice(0, 4).map((t) => [t.dataset, t.seed, t.params["marble.k"]]), [["van-der-pol", 0, 10], ["van-der-pol", 1, 10], ["van-der-pol", 0, 15], ["van-der-pol", 1, 15]]);
  assert.ok(!("preprocessing.pcaDims" in tasks[0].params), "rat-only parameters are not part of van der Pol tasks");
  assert.deepEqual(tasks.find((t) => t.dataset === "rat:achilles" && t.params["preprocessing.pcaDims"] === 10)?.varied, { "preprocessing.pcaDims": 10 });
  assert.deepEqual(sweptParameters(spec), ["marble.k", "marble.order", "preprocessing.pcaDims"]);
  // the plan is a pure function of the spec: same indices every time
  assert.deepEqual(planSweep(spec), tasks);
  const table = formatPlan(spec, tasks);
  assert.match(table, /18 tasks/);
  assert.match(table, /^3 +van-der-pol +1 +k=15$/m);
  assert.match(table, /base for rat:achilles: .*marble\.k=10/);
});

test("a grid entry crosses its parameters; a list entry takes its points as given", () => {
  const spec = validateSpec(tinySpec({ seeds: [0], vary: [{ "marble.k": [5, 6], "marble.outChannels": [2, 3] }, { list: [{ "marble.k": 7, "marble.epochs": 1 }] }] }));
  const tasks = planSweep(spec);
  assert.deepEqual(tasks.map((t) => [t.params["marble.k"], t.params["marble.outChannels"], t.params["marble.epochs"]]), [[5, 2, 4], [5, 3, 4], [6, 2, 4], [6, 3, 4], [7, 5, 1]]);
});

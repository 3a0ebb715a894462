// The Slurm batch script and its settings, without a cluster (test/sweep/slurm.test.ts submits
// real arrays).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { arrayRanges, batchScript, shellQuote, slurmResources } from "../../src/sweep/slurm-script.js";
import { describeEnd } from "../../src/sweep/slurm-queue.js";

describe("Slurm array list", () => {
  it("compresses indices into ranges", () => {
    assert.equal(arrayRanges([0, 1, 2, 3]), "0-3");
    assert.equal(arrayRanges([7, 0, 1, 3, 5, 2, 8]), "0-3,5,7-8");
    assert.equal(arrayRanges([4]), "4");
    assert.equal(arrayRanges([2, 2, 3]), "2-3");
  });
});

describe("Slurm resources", () => {
  it("takes the spec's resources, overridden by command-line settings", () => {
    const r = slurmResources({ cpusPerTask: 2, mem: "4G", time: "01:00:00", partition: "cpu", sbatch: ["--qos=short"] },
      { partition: "gpu", "cpus-per-task": "4", sbatch: JSON.stringify(["--account=lab"]) }, 3);
    assert.deepEqual(r, { cpusPerTask: 4, mem: "4G", time: "01:00:00", partition: "gpu", sbatch: ["--qos=short", "--account=lab"], throttle: 3 });
    assert.equal(slurmResources(undefined, undefined).cpusPerTask, 1);
  });

  it("names the field and Slurm's notation for bad values, all at once", () => {
    assert.throws(() => slurmResources({ mem: "4 GB", time: "1h", cpusPerTask: 0, sbatch: ["--array=0-9", "qos"] }, undefined), (e: Error) => {
      assert.match(e.message, /resources\.mem "4 GB" is not Slurm's memory notation; write e\.g\. "500M" or "4G"/);
      assert.match(e.message, /resources\.time "1h" is not Slurm's time notation/);
      assert.match(e.message, /resources\.cpusPerTask must be a whole number of cores ≥ 1/);
      assert.match(e.message, /resources\.sbatch\[0\] sets --array, which the sweep sets itself/);
      assert.match(e.message, /resources\.sbatch\[1\] must be one sbatch option/);
      return true;
    });
    assert.throws(() => slurmResources({}, { partition: "a b" }), /--partition "a b" is not a partition name/);
    assert.throws(() => slurmResources({}, { time: "2 days" }), /--time "2 days"/);
  });
});

describe("batch script", () => {
  const base = {
    sweepName: "sens", sweepDir: "/data/runs/sens.sweep", specPath: "/data/runs/sens.sweep/sweep-spec.json",
    indices: [0, 1, 2, 5], total: 8, scriptPath: "/data/runs/sens.sweep/slurm/array-x.sh", command: ["/usr/bin/node", "/opt/marble/bin/marble.js"],
  };

  it("asks for the resources in #SBATCH lines and runs marble sweep run-task per array task", () => {
    const text = batchScript({ ...base, resources: { cpusPerTask: 2, mem: "4G", time: "01:00:00", partition: "cpu", sbatch: ["--qos=short"], throttle: 2 } });
    const sbatch = text.split("\n").filter((l) => l.startsWith("#SBATCH"));
    assert.deepEqual(sbatch, [
      "#SBATCH --job-name=marble-sens",
      "#SBATCH --array=0-2,5%2",
      "#SBATCH --cpus-per-task=2",
      "#SBATCH --mem=4G",
      "#SBATCH --time=01:00:00",
      "#SBATCH --partition=cpu",
      "#SBATCH --qos=short",
      "#SBATCH --output=/data/runs/sens.sweep/tasks/%4a/slurm-%A_%a.out",
      "#SBATCH --error=/data/runs/sens.sweep/tasks/%4a/slurm-%A_%a.err",
    ]);
    assert.ok(text.startsWith("#!/bin/bash\n"));
    assert.match(text, /^# {3}sbatch \/data\/runs\/sens\.sweep\/slurm\/array-x\.sh$/m);
    assert.match(text, /^export MARBLE_THREADS="\$\{SLURM_CPUS_PER_TASK:-2\}"$/m);
    assert.match(text, /^exec \/usr\/bin\/node \/opt\/marble\/bin\/marble\.js sweep run-task \/data\/runs\/sens\.sweep\/sweep-spec\.json "\$SLURM_ARRAY_TASK_ID"$/m);
  });

  it("leaves out what is not set, passes --retry-failed, and escapes Slurm's % in paths", () => {
    const text = batchScript({ ...base, sweepDir: "/data/100%/s", retryFailed: true, resources: { cpusPerTask: 1, sbatch: [] } });
    assert.doesNotMatch(text, /--mem|--time|--partition/);
    assert.match(text, /^#SBATCH --array=0-2,5$/m);
    assert.match(text, /^#SBATCH --output=\/data\/100%%\/s\/tasks\/%4a\/slurm-%A_%a\.out$/m);
    assert.match(text, /"\$SLURM_ARRAY_TASK_ID" --retry-failed$/m);
  });

  it("refuses a sweep folder with whitespace, which #SBATCH paths cannot hold", () => {
    assert.throws(() => batchScript({ ...base, sweepDir: "/data/my runs/s", resources: { cpusPerTask: 1, sbatch: [] } }), /contains whitespace.*--out/);
  });

  it("quotes shell words only when needed", () => {
    assert.equal(shellQuote("/usr/bin/node"), "/usr/bin/node");
    assert.equal(shellQuote("/a b/it's"), `'/a b/it'\\''s'`);
  });
});

describe("how Slurm ended a task", () => {
  it("says what to change for limits", () => {
    assert.match(describeEnd({ index: 0, state: "TIMEOUT" }), /raise resources\.time \(--time\)/);
    assert.match(describeEnd({ index: 0, state: "OUT_OF_MEMORY" }), /raise resources\.mem \(--mem\)/);
    assert.match(describeEnd({ index: 0, state: "CANCELLED" }), /cancelled/);
    assert.match(describeEnd({ index: 0, state: "FAILED", detail: "127:0" }), /FAILED \(exit 127:0\)/);
  });
});

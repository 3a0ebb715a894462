// `MARBLE_EXECUTOR=slurm npm run reproduce`: with no cluster answering, scripts/reproduce-slurm.mjs
// starts the project's single-node Slurm for the run (real munged, slurmctld, slurmd) and stops it
// after; with a cluster answering, it uses that one and starts nothing; without the variable it
// does nothing. Driven through a small ES-module probe, as reproduce.mjs imports it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";

const root = join(__dirname, "..", "..");
const moduleUrl = pathToFileURL(join(root, "scripts", "reproduce-slurm.mjs")).href;

const PROBE = `
import { spawnSync } from "node:child_process";
import { slurmForRun } from ${JSON.stringify(moduleUrl)};
const logs = [];
const log = (m) => logs.push(m);
const first = await slurmForRun(log);
const conf = first.env.SLURM_CONF ?? null;
let node = null, second = null;
if (conf) {
  node = spawnSync("sinfo", ["-h", "-o", "%T"], { env: { ...process.env, SLURM_CONF: conf }, encoding: "utf8" }).stdout.trim();
  // the same call again, now that a cluster answers: it is used, nothing more is started
  process.env.SLURM_CONF = conf;
  const again = await slurmForRun(log);
  second = again.env;
  await again.stop();
}
await first.stop();
console.log(JSON.stringify({ logs, conf, node, second }));
`;

function probe(env: Record<string, string | undefined>) {
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", PROBE], { encoding: "utf8", timeout: 180_000, env: { ...process.env, ...env } });
  assert.equal(r.status, 0, `probe failed:\n${r.stdout}\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").pop()!) as { logs: string[]; conf: string | null; node: string | null; second: Record<string, string> | null };
}

/** Whether pid is still the named daemon (a zombie awaiting its reaper has no command line; pids get reused). */
const stillRuns = (pid: number, name: string) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0")[0].endsWith(name);
  } catch {
    return false;
  }
};

test("MARBLE_EXECUTOR=slurm with no cluster answering: a single-node cluster is started for the run and stopped after", () => {
  const work = mkdtempSync(join(tmpdir(), "marble-reproduce-slurm-test-"));
  try {
    // a configuration that names no cluster: sinfo fails at once, as on a workstation
    const empty = join(work, "slurm.conf");
    writeFileSync(empty, "");
    const out = probe({ MARBLE_EXECUTOR: "slurm", SLURM_CONF: empty });
    assert.match(out.logs[0], /no Slurm cluster answers here \(.*Unable to process configuration file\); starting the single-node one/);
    assert.ok(out.conf && out.conf !== empty, "the notebooks get the started cluster's SLURM_CONF");
    assert.equal(out.node, "idle");
    assert.ok(out.logs.some((m) => m.includes(`the sweeps are submitted to the cluster of SLURM_CONF=${out.conf}`)), out.logs.join("\n"));
    assert.deepEqual(out.second, {}, "a cluster that answers is used as it is");
    const up = out.logs.find((m) => m.startsWith("single-node Slurm up"))!;
    const daemons = [...up.matchAll(/(munged|slurmctld|slurmd) (\d+)/g)].map((m) => ({ name: m[1], pid: Number(m[2]) }));
    assert.equal(daemons.length, 3, up);
    const down = out.logs.find((m) => m.startsWith("stopped the single-node Slurm"));
    assert.ok(down, out.logs.join("\n"));
    for (const { name, pid } of daemons) {
      assert.ok(down.includes(`${name} ${pid}`), `${name} ${pid} is reported stopped: ${down}`);
      assert.ok(!stillRuns(pid, name), `${name} ${pid} no longer runs`);
    }
    assert.equal(existsSync(dirname(out.conf)), false, "its temporary folder is removed");
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

test("without MARBLE_EXECUTOR=slurm nothing is started", () => {
  const out = probe({ MARBLE_EXECUTOR: undefined });
  assert.deepEqual(out, { logs: [], conf: null, node: null, second: null });
});

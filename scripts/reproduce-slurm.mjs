// The Slurm cluster a reproduction's sweeps run on when MARBLE_EXECUTOR=slurm (notebook 07).
//
// On a cluster's login node the sweeps go to that cluster: the one Slurm's client commands find
// through SLURM_CONF or /etc/slurm, as for any `sbatch`. Where no cluster answers (a workstation),
// `npm run reproduce` starts the project's single-node cluster on 127.0.0.1 for the run
// (scripts/slurm-cluster.mjs; Debian's slurm-wlm and munge are installed first when missing, as
// root) and stops its daemons by process id when the run ends or is interrupted. Either way the
// choice is printed. Without MARBLE_EXECUTOR=slurm nothing here runs.
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { start, stop } from "./slurm-cluster.mjs";
import { ensureComponents } from "./system.mjs";

/** `sinfo`'s one-line view of the cluster the client commands find, or the reason none answers. */
export function askCluster() {
  const r = spawnSync("sinfo", ["-h", "-o", "%P %D %T"], { encoding: "utf8", timeout: 30_000 });
  if (r.error) return { answer: null, why: r.error.code === "ENOENT" ? "sinfo is not installed" : r.error.message };
  if (r.status !== 0) return { answer: null, why: (r.stderr || `sinfo exit ${r.status}`).trim().split("\n").pop() };
  const parts = r.stdout.trim().split("\n").filter(Boolean);
  return parts.length ? { answer: parts.join("; "), why: null } : { answer: null, why: "sinfo lists no partition" };
}

const nothing = { env: {}, stop: async () => {} };

/**
 * Resolves to { env, stop }: env goes into the notebooks' environment (SLURM_CONF of a cluster
 * started here), stop() ends what was started. Throws with what to do when no cluster can be had.
 */
export async function slurmForRun(log = console.log) {
  if ((process.env.MARBLE_EXECUTOR ?? "local").trim() !== "slurm") return nothing;
  const found = askCluster();
  if (found.answer) {
    const where = process.env.SLURM_CONF ? `SLURM_CONF=${process.env.SLURM_CONF}` : "the system's Slurm configuration";
    log(`MARBLE_EXECUTOR=slurm: the sweeps are submitted to the cluster of ${where} (sinfo: ${found.answer})`);
    return nothing;
  }
  log(`MARBLE_EXECUTOR=slurm: no Slurm cluster answers here (${found.why}); starting the single-node one on 127.0.0.1 for this run`);
  const missing = ensureComponents(["slurm"], log);
  if (missing.length) {
    throw new Error(`MARBLE_EXECUTOR=slurm needs a Slurm cluster: ${missing.map(([, why]) => why).join("; ")}. ` +
      "Install slurm-wlm and munge as shown above (or run this on a cluster's login node, with SLURM_CONF set if the cluster needs it)");
  }
  const dir = mkdtempSync(join(tmpdir(), "marble-reproduce-slurm-"));
  const cluster = await start({ dir });
  log(`single-node Slurm up in ${cluster.seconds.toFixed(1)} s (munged ${cluster.pids.munged}, slurmctld ${cluster.pids.slurmctld}, slurmd ${cluster.pids.slurmd}); SLURM_CONF=${cluster.conf}`);
  let stopped = false;
  return {
    env: { SLURM_CONF: cluster.conf },
    stop: async () => {
      if (stopped) return;
      stopped = true;
      const which = await stop({ dir, quiet: true });
      log(`stopped the single-node Slurm (${which.join(", ")})`);
    },
  };
}

// The system components MarbleLab needs beyond npm, checked (and installed through
// scripts/setup-system.sh when missing) before anything uses them:
//   jupyter  Debian's Jupyter (nbclient, jupyter_client, Jupyter Server) under /usr/bin/python3
//   browser  Debian's Chromium, for the browser tests
//   slurm    Debian's slurm-wlm and munge, for the Slurm sweep tests (scripts/slurm-cluster.mjs)
//   figures  Debian's rsvg-convert (librsvg2-bin) for PDF export, and the DejaVu fonts figures use
//   pdfcheck poppler's pdftoppm and pdffonts, with which the tests open the saved PDFs
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { PYTHON } from "./setup-kernel.mjs";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const SLURM_COMMANDS = ["/usr/sbin/slurmctld", "/usr/sbin/slurmd", "/usr/bin/sbatch", "/usr/sbin/munged", "/usr/bin/munge"];
export const CHROMIUM = process.env.MARBLE_CHROMIUM ?? "/usr/bin/chromium";

/** What each group needs, as a check that returns null when present or the reason it is not. */
const CHECKS = {
  jupyter: () => {
    const py = spawnSync(PYTHON, ["-c", "import nbclient, nbformat, jupyter_client, jupyter_server"], { encoding: "utf8" });
    if (py.error) return `${PYTHON} not found`;
    return py.status === 0 ? null : `${PYTHON} cannot import Jupyter (${py.stderr.trim().split("\n").pop()})`;
  },
  browser: () => (existsSync(CHROMIUM) ? null : `Chromium not found at ${CHROMIUM}`),
  slurm: () => {
    const missing = SLURM_COMMANDS.filter((c) => !existsSync(c));
    return missing.length ? `Slurm or munge not installed (${missing.join(", ")} not found)` : null;
  },
  figures: () => {
    if (spawnSync(process.env.MARBLE_RSVG_CONVERT ?? "rsvg-convert", ["--version"]).error) return "rsvg-convert (librsvg2-bin) not found";
    return existsSync("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf") ? null : "the DejaVu Sans font (fonts-dejavu-core) not found";
  },
  pdfcheck: () => (spawnSync("pdffonts", ["-v"]).error || spawnSync("pdftoppm", ["-v"]).error ? "pdftoppm/pdffonts (poppler-utils) not found" : null),
};

/** Reasons, per group, that a component is missing (empty when all are present). */
export function missingComponents(groups) {
  return groups.map((g) => [g, CHECKS[g]()]).filter(([, why]) => why);
}

/**
 * Makes sure the groups' components are present, running setup-system.sh for the missing ones
 * (it installs as root, otherwise prints the apt-get line). Returns the reasons that remain.
 */
export function ensureComponents(groups, log = console.log) {
  const missing = missingComponents(groups);
  if (missing.length === 0) return [];
  for (const [g, why] of missing) log(`${g}: ${why}`);
  spawnSync("bash", [join(root, "scripts", "setup-system.sh"), ...missing.map(([g]) => g)], { stdio: "inherit" });
  return missingComponents(groups);
}

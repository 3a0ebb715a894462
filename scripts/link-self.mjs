// Makes the library importable by its package name from anywhere in the repo
// (notebooks run under tslab, whose TypeScript rootDir is the notebook folder,
// so they cannot import "../src"; they import "@marble-lab/core" instead).
import { mkdirSync, symlinkSync, lstatSync, readlinkSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const link = join(root, "node_modules", "@marble-lab", "core");
const target = join("..", "..");
mkdirSync(dirname(link), { recursive: true });
try {
  const st = lstatSync(link);
  if (st.isSymbolicLink() && readlinkSync(link) === target) process.exit(0);
  rmSync(link, { recursive: true, force: true });
} catch {
  // no link yet
}
symlinkSync(target, link, "dir");

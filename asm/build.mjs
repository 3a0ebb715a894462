// Compiles asm/kernels.ts (AssemblyScript, SIMD) to asm/kernels.wasm and embeds the bytes in
// src/kernels/kernels-wasm.ts, so the library loads them synchronously without touching the
// file system. `node asm/build.mjs --out <dir>` writes both files to <dir> instead (used by the
// test that checks the committed bytes are up to date).
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync, renameSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outIdx = process.argv.indexOf("--out");
const outDir = outIdx >= 0 ? process.argv[outIdx + 1] : null;
const wasmPath = outDir ? join(outDir, "kernels.wasm") : join(root, "asm", "kernels.wasm");
const modulePath = outDir ? join(outDir, "kernels-wasm.ts") : join(root, "src", "kernels", "kernels-wasm.ts");

export const ASC_FLAGS = ["--enable", "simd", "--enable", "threads", "--sharedMemory", "--maximumMemory", "65536", "-O3", "--runtime", "stub", "--noAssert", "--importMemory", "--initialMemory", "1"];

const tmp = mkdtempSync(join(tmpdir(), "asc-"));
try {
  const compiled = join(tmp, "kernels.wasm");
  execFileSync(process.execPath, [join(root, "node_modules", "assemblyscript", "bin", "asc.js"), join(root, "asm", "kernels.ts"), ...ASC_FLAGS, "--outFile", compiled], { stdio: "inherit" });
  const bytes = readFileSync(compiled);
  const source =
    "// Compiled from asm/kernels.ts by asm/build.mjs (npm run build:kernels); do not edit.\n" +
    `export const KERNELS_WASM_BASE64 =\n  "${bytes.toString("base64")}";\n`;
  // atomic writes: temp file in the same folder, then rename
  writeFileSync(wasmPath + ".tmp", bytes);
  renameSync(wasmPath + ".tmp", wasmPath);
  writeFileSync(modulePath + ".tmp", source);
  renameSync(modulePath + ".tmp", modulePath);
  console.log(`wrote ${wasmPath} (${bytes.length} bytes) and ${modulePath}`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

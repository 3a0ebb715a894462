// Compiles asm/kernels.ts (AssemblyScript, SIMD) twice, to asm/kernels.wasm (plain SIMD) and
// asm/kernels-fma.wasm (relaxed SIMD: the products' multiply-adds fused where the CPU can), and
// embeds both in src/kernels/kernels-wasm.ts, so the library loads them synchronously without
// touching the file system (src/kernels/variant.ts picks one). `node asm/build.mjs --out <dir>`
// writes the three files to <dir> instead (used by the test that checks the committed bytes are
// up to date).
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync, renameSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outIdx = process.argv.indexOf("--out");
const outDir = outIdx >= 0 ? process.argv[outIdx + 1] : null;
const wasmDir = outDir ?? join(root, "asm");
const modulePath = outDir ? join(outDir, "kernels-wasm.ts") : join(root, "src", "kernels", "kernels-wasm.ts");

export const ASC_FLAGS = ["--enable", "simd", "--enable", "threads", "--sharedMemory", "--maximumMemory", "65536", "-O3", "--runtime", "stub", "--noAssert", "--importMemory", "--initialMemory", "1"];
/** The variants: file name, extra compiler flags, name of the base64 constant. */
const VARIANTS = [
  { file: "kernels.wasm", flags: [], constant: "KERNELS_WASM_BASE64" },
  { file: "kernels-fma.wasm", flags: ["--enable", "relaxed-simd"], constant: "KERNELS_FMA_WASM_BASE64" },
];

/** Writes `data` to `path` through a temporary file in the same folder and a rename. */
function writeAtomic(path, data) {
  writeFileSync(path + ".tmp", data);
  renameSync(path + ".tmp", path);
}

const tmp = mkdtempSync(join(tmpdir(), "asc-"));
try {
  let source = "// Compiled from asm/kernels.ts by asm/build.mjs (npm run build:kernels); do not edit.\n";
  const compiledAll = [];
  for (const v of VARIANTS) {
    const compiled = join(tmp, v.file);
    execFileSync(process.execPath, [join(root, "node_modules", "assemblyscript", "bin", "asc.js"), join(root, "asm", "kernels.ts"), ...ASC_FLAGS, ...v.flags, "--outFile", compiled], { stdio: "inherit" });
    const bytes = readFileSync(compiled);
    source += `export const ${v.constant} =\n  "${bytes.toString("base64")}";\n`;
    compiledAll.push({ path: join(wasmDir, v.file), bytes });
  }
  for (const c of compiledAll) writeAtomic(c.path, c.bytes);
  writeAtomic(modulePath, source);
  console.log(`wrote ${compiledAll.map((c) => `${c.path} (${c.bytes.length} bytes)`).join(", ")} and ${modulePath}`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

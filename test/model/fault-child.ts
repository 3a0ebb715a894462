/**
 * The process the fault-injection tests kill. Modes:
 *   save DIR K        writes checkpoint K (parameters set from K) into DIR once
 *   loop DIR K0       writes checkpoints K0+1, K0+2, … into DIR until killed, reporting each
 *   fit ARGS…         runs `marble fit ARGS…` and exits with its code
 * Each completed save is reported on stderr as "saved K" (written synchronously, so every line
 * written before a kill reaches the parent).
 */
import { writeSync } from "node:fs";
import { Marble } from "../../src/model/marble.js";
import { run as fit } from "../../src/cli/fit.js";

export const SIGNATURE = { signalDim: 2, dim: 2, dimMan: 2, localGauges: false };
export const PARAMS = { order: 1, hiddenChannels: [8], outChannels: 3, seed: 1 };

/** The model of checkpoint k: every value a function of k and its position, so k is recognisable. */
export function modelNumber(k: number): Marble {
  const model = new Marble(SIGNATURE, PARAMS);
  let i = 0;
  for (const t of [...model.parameters, ...model.mlp.buffers]) {
    for (let j = 0; j < t.data.length; j++) t.data[j] = k + ++i / 1024;
  }
  model.epoch = k;
  return model;
}

async function main(): Promise<number> {
  const [mode, ...rest] = process.argv.slice(2);
  if (mode === "save") {
    const [dir, k] = rest;
    modelNumber(Number(k)).save(dir, undefined, { force: true });
    writeSync(2, `saved ${k}\n`);
    return 0;
  }
  if (mode === "loop") {
    const [dir, k0] = rest;
    writeSync(2, "ready\n");
    for (let k = Number(k0) + 1; ; k++) {
      modelNumber(k).save(dir, undefined, { force: true });
      writeSync(2, `saved ${k}\n`);
    }
  }
  if (mode === "fit") return fit(rest);
  throw new Error(`fault-child: unknown mode ${mode}`);
}

if (process.argv[1] && /fault-child/.test(process.argv[1])) {
  main().then(
    (code) => process.exit(code),
    (e: Error) => {
      writeSync(2, `error ${e.name}: ${e.message}\n`);
      process.exit(3);
    },
  );
}

// Prints the kernel variant this process chose, its reason, and a product's bits, as JSON (run by kernel-variant.test.ts).
import { simdKernels } from "../../src/kernels/simd.js";
import { fmaUnavailableReason, kernelVariant } from "../../src/kernels/variant.js";
import { Random } from "../../src/core/index.js";
import { randomArray } from "./fd.js";

// "refuse": a runtime that refuses the relaxed-SIMD module (stood in for by a validator saying no)
if (process.argv[2] === "refuse") kernelVariant({ validate: () => false });
const simd = simdKernels()!;
const rng = new Random(31);
const x = randomArray(64 * 40, rng), w = randomArray(24 * 40, rng);
const y = simd.forward(x, 64, 40, 24, w, null);
process.stdout.write(JSON.stringify({ variant: simd.variant, reason: fmaUnavailableReason(), y: Array.from(y) }));

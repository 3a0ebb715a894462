/**
 * Which of the two compiled kernel modules (asm/build.mjs) this process uses:
 *
 * - "fma": relaxed SIMD; the float32 products (`gemm`) compute their multiply-adds with
 *   f32x4.relaxed_madd, one rounding per multiply-add where the CPU has fused multiply-add;
 * - "plain": fixed-width SIMD only, a multiply and an add with two roundings.
 *
 * Every other kernel is the same in both. The choice is made once per process, at first use, and
 * every kernel instance (and the helper thread, which instantiates the calling thread's compiled
 * module) uses it, so results stay bitwise the same with one or two kernel threads.
 *
 * Node 20 (V8 11.3) compiles relaxed SIMD only behind `--experimental-wasm-relaxed-simd`; the
 * flag is switched on here, before the first compile, when the runtime does not already accept
 * the module (later runtimes do without it). If the module is still refused, the plain one is
 * used and `fmaUnavailableReason()` says why. `MARBLE_FMA=0` in the environment keeps the plain
 * module, whose bits do not depend on whether the CPU has fused multiply-add.
 */
import { setFlagsFromString } from "node:v8";
import { KERNELS_FMA_WASM_BASE64, KERNELS_WASM_BASE64 } from "./kernels-wasm.js";

export type KernelVariant = "fma" | "plain";

interface Validator {
  validate(bytes: Uint8Array): boolean;
}

let chosen: KernelVariant | undefined;
let reason = "";

function decode(base64: string): Uint8Array {
  return Uint8Array.from(Buffer.from(base64, "base64"));
}

const decoded: Partial<Record<KernelVariant, Uint8Array>> = {};

/** The compiled bytes of `variant` (decoded once: validation and compilation read the same bytes). */
export function kernelBytes(variant: KernelVariant): Uint8Array {
  return (decoded[variant] ??= decode(variant === "fma" ? KERNELS_FMA_WASM_BASE64 : KERNELS_WASM_BASE64));
}

/** Whether MARBLE_FMA asks for the plain kernels ("0", "false", "off", "no"). */
function fmaDisabledByEnvironment(): boolean {
  const env = (process.env.MARBLE_FMA ?? "").trim().toLowerCase();
  return env === "0" || env === "false" || env === "off" || env === "no";
}

/**
 * Whether the runtime compiles the relaxed-SIMD module, switching V8's flag on if that is what
 * it takes. Throws (with the reason) when it does not.
 */
function acceptRelaxedSimd(api: Validator, bytes: Uint8Array): void {
  if (api.validate(bytes)) return;
  try {
    // process-wide, so worker threads started later accept the module too
    setFlagsFromString("--experimental-wasm-relaxed-simd");
  } catch (e) {
    throw new Error(`could not switch on V8's relaxed SIMD (${(e as Error).message})`, { cause: e });
  }
  if (!api.validate(bytes)) throw new Error("this runtime does not support WebAssembly relaxed SIMD, even with --experimental-wasm-relaxed-simd");
}

/**
 * The variant of this process, chosen on the first call (`api` validates modules): "fma" unless
 * MARBLE_FMA=0 or the runtime refuses relaxed SIMD; in that case a warning says why, once.
 */
export function kernelVariant(api: Validator): KernelVariant {
  if (chosen !== undefined) return chosen;
  if (fmaDisabledByEnvironment()) {
    reason = "MARBLE_FMA=0";
    return (chosen = "plain");
  }
  try {
    acceptRelaxedSimd(api, kernelBytes("fma"));
    chosen = "fma";
  } catch (e) {
    chosen = fmaFailed(e);
  }
  return chosen;
}

/**
 * Falls back to the plain kernels for good, saying why once (called here, and by the caller when
 * the relaxed-SIMD module validated but failed to compile or instantiate). Returns "plain".
 */
export function fmaFailed(e: unknown): KernelVariant {
  reason = (e as Error).message;
  chosen = "plain";
  process.emitWarning(`MARBLE: fused multiply-add kernels unavailable (${reason}); using the plain SIMD kernels`, { code: "MARBLE_NO_FMA" });
  return chosen;
}

/** Why the plain kernels are in use ("" when the relaxed-SIMD ones are, or before the choice). */
export function fmaUnavailableReason(): string {
  return reason;
}

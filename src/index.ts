/**
 * @marble-lab/core — MARBLE in TypeScript.
 * Pipeline: core numerics → geometry → model → postprocessing → decoding,
 * with io, simulators, preprocessing, diagnostics, display and reporting at the edges.
 */
export * from "./core/index.js";
export * from "./geometry/index.js";
export * from "./model/index.js";
export * from "./postprocessing/index.js";
export * from "./decoding/index.js";
export * from "./baselines/index.js";
export * from "./preprocessing/index.js";
export * from "./diagnostics/index.js";
export * from "./simulators/index.js";
export * from "./io/index.js";
export * from "./display/index.js";
export * from "./reporting/index.js";
export * from "./pipeline/index.js";
export * from "./sweep/index.js";
export { VERSION } from "./version.js";
// kernel threads: 2 by default where two cores exist (results do not depend on it)
export { kernelThreads, setKernelThreads } from "./kernels/helper-thread.js";
// kernel variant: fused multiply-adds in the float32 products unless MARBLE_FMA=0 (results differ in the last bits)
export { kernelVariantInUse } from "./kernels/simd.js";
export { fmaUnavailableReason, type KernelVariant } from "./kernels/variant.js";

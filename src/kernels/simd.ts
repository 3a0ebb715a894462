/**
 * WebAssembly-SIMD kernels (compiled from asm/kernels.ts) for the hot loops of training:
 *
 * - float32 products of the fully connected layer (Y = X Wᵀ + b, dW = dYᵀ X, dX = dY W), with
 *   the same signatures as the float64 reference loops in src/model/linear.ts (`forward`,
 *   `backward`), and on resident buffers (`resident`, `gemmAt`) for src/model/mlp-f32.ts;
 * - the elementwise kernels of that resident MLP (`elementwise`: conversions, batch
 *   normalisation, ReLU, dropout, the optimiser step), bitwise equal to the JavaScript loops;
 * - the float64 directional-derivative step of the gradient features (bitwise equal to the
 *   scalar loops in src/model/gradient.ts: same sums in the same order, two lanes at a time);
 * - the gather of heat-kernel expansion rows (`expansionStore`, `gatherExpansion`).
 *
 * Why float32: the MLP is the hot path of training (≈ 10 M multiply-adds per batch at the macaque
 * settings) and f32x4 does four lanes per instruction where f64x2 does two. Parameters, gradients
 * and everything outside these products stay float64; operands are rounded to float32 on the
 * way in and results widened on the way out. Sums run in a fixed order, so training stays
 * bitwise reproducible on a given machine (and kernel variant).
 *
 * The module (compiled from asm/kernels.ts, embedded as base64, in two variants: with fused
 * multiply-adds in the products or without, see src/kernels/variant.ts) is instantiated
 * synchronously on first use with a shared memory that grows as needed; large calls are shared by
 * chunks of rows with a helper thread working on the same memory (src/kernels/helper-thread.ts),
 * same bits either way.
 * Where WebAssembly SIMD is unavailable `simdKernels()` returns null and says why once; callers
 * fall back to the float64 loops.
 */
import { fmaFailed, kernelBytes, kernelVariant, type KernelVariant } from "./variant.js";
import { helperFailed, kernelHelper, type HelperKernel, type KernelHelper } from "./helper-thread.js";

// The compiler's lib has no DOM, so the WebAssembly JS API is declared here as far as it is used.
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
  validate(bytes: Uint8Array): boolean;
}
const wasmApi = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

type Gemm = (
  M: number, N: number, K: number,
  a: number, sam: number, sak: number,
  b: number, ldb: number,
  c: number, ldc: number,
  bias: number,
) => void;

/** Arguments of the product kernel (see `gemmAt`). */
export type GemmArgs = Parameters<Gemm>;

type DerivativeShared = (
  rows: number, cols: number, m: number, nnz: number,
  rowPtr: number, colIdx: number, vals: number,
  field: number, out: number, acc: number,
) => void;

type GatherExpansion = (
  rows: number, nodes: number, J: number, C: number,
  terms: number, cv: number, cd: number,
  value: number, tangent: number,
) => void;

/** Elementwise kernels of asm/kernels.ts (byte offsets into the module's memory). */
export interface ElementwiseKernels {
  narrowRows(src: number, lds: number, dst: number, ldd: number, rows: number, cols: number): void;
  widenRows(src: number, lds: number, dst: number, ldd: number, rows: number, cols: number): void;
  accumulateRows(src: number, lds: number, acc: number, ldd: number, rows: number, cols: number): void;
  loadWeights(W: number, nOut: number, nIn: number, w: number, ldw: number, wt: number, ldt: number): void;
  columnSums(z: number, ld: number, rows: number, c: number, sum: number): void;
  columnDeviations(z: number, ld: number, rows: number, c: number, mean: number, dev: number): void;
  normalizeActivate(z: number, ld: number, rows: number, c: number, mean: number, invStd: number, gamma: number, beta: number, xhat: number, pass: number, drop: number, out: number): void;
  gradientSums(gh: number, ld: number, rows: number, c: number, pass: number, xhat: number, g: number, sumG: number, sumGX: number): void;
  normalizeBackward(g: number, xhat: number, rows: number, c: number, k: number, sumG: number, sumGX: number, gz: number, ld: number, gb: number): void;
  normalizeEvaluate(z: number, ld: number, rows: number, c: number, mean: number, invStd: number, gamma: number, beta: number, out: number): void;
  momentumStep(x: number, g: number, buf: number, n: number, mu: number, lr: number, first: number): number;
}

const PAGE = 65536;
/** The module's memory is shared (so a helper thread can work on it) and may grow to 4 GiB. */
const MAX_PAGES = 65536;

/**
 * Work (multiply-adds, or row·term products for the gathers and derivative steps) of the
 * smallest chunk handed over: about 25 µs of one core. Calls smaller than two such chunks stay
 * on the calling thread. Why this large: posting a call, claiming chunks and moving rows between
 * the cores' caches cost a few microseconds, and on a busy machine a helper preempted inside a
 * chunk holds the call up until it runs again. On the van der Pol job (products of 150k–250k
 * multiply-adds) sharing such calls cost 9% more CPU than one thread on a loaded machine and
 * saved little wall time. So the small problems (the toy fields, van der Pol) train wholly on
 * the calling thread, and the helper starts only for problems whose calls are large (bench (b):
 * 3 M multiply-adds per product).
 */
const CHUNK_MIN_WORK = 250_000;
/** Chunks of a large call: more than two, so that a late helper still takes part of the work. */
const CHUNKS = 4;

/**
 * Row boundaries of the chunks of a call of `rows` rows and `work` in all: the first row of each
 * chunk and `rows` at the end; chunk boundaries fall on multiples of 4 (the product kernel's row
 * block). A single chunk (no split) when the call is small.
 */
export function chunkRows(rows: number, work: number): number[] {
  const chunks = Math.min(CHUNKS, Math.floor(work / CHUNK_MIN_WORK), rows >> 2);
  if (chunks < 2) return [0, rows];
  const step = (Math.ceil(rows / chunks) + 3) & ~3;
  const bounds = [0];
  for (let r = step; r < rows; r += step) bounds.push(r);
  bounds.push(rows);
  return bounds;
}

function work(args: GemmArgs): number {
  return args[0] * args[1] * args[2];
}

/** The arguments of a product restricted to its rows [from, from + count). */
function productRows(args: GemmArgs, from: number, count: number): GemmArgs {
  const [, N, K, a, sam, sak, b, ldb, c, ldc, bias] = args;
  return [count, N, K, a + 4 * from * sam, sam, sak, b, ldb, c + 4 * from * ldc, ldc, bias];
}

function pad4(n: number): number {
  return (n + 3) & ~3;
}

/** Bump allocator over the module's memory, reset for every call (byte offsets, 16-aligned). */
class Arena {
  private top: number;
  constructor(base = 0) {
    this.top = base;
  }
  alloc(floats: number): number {
    const at = this.top;
    this.top += ((floats * 4 + 15) & ~15) || 16;
    return at;
  }
  get bytes(): number {
    return this.top;
  }
}

/** Sparsity pattern and values of a kernel set kept resident in the module's memory between calls. */
interface PinnedKernels {
  key: ArrayLike<number>[];
  rowPtr: number;
  colIdx: number;
  vals: number;
  end: number;
}

export class SimdKernels {
  private readonly module: object;
  private readonly memory: WasmMemory;
  /** This instance's number in the helper thread (registered on the first split call). */
  private helperInstance = -1;
  private readonly gemm: Gemm;
  private readonly derivative: DerivativeShared;
  private readonly gatherTerms: GatherExpansion;
  private readonly ops: ElementwiseKernels;
  private f32: Float32Array;
  private pinned: PinnedKernels | null = null;
  /** Bytes at the start of memory held by an expansion store (see `expansionStore`). */
  private storeBytes = 0;

  /**
   * @param variant which compiled module `bytes` is ("fma": the products' multiply-adds fused
   *   where the CPU can; "plain": two roundings); see src/kernels/variant.ts.
   */
  constructor(api: WasmApi, bytes: Uint8Array, readonly variant: KernelVariant) {
    this.memory = new api.Memory({ initial: 1, maximum: MAX_PAGES, shared: true });
    const module = (this.module = new api.Module(bytes));
    const instance = new api.Instance(module, { env: { memory: this.memory } });
    this.gemm = instance.exports.gemm as Gemm;
    this.derivative = instance.exports.derivativeShared as DerivativeShared;
    this.gatherTerms = instance.exports.gatherExpansion as GatherExpansion;
    this.ops = instance.exports as unknown as ElementwiseKernels;
    this.f32 = new Float32Array(this.memory.buffer);
  }

  private reserve(bytes: number): Float32Array {
    const have = this.memory.buffer.byteLength;
    if (bytes > have) this.memory.grow(Math.ceil((bytes - have) / PAGE));
    if (this.f32.buffer !== this.memory.buffer) this.f32 = new Float32Array(this.memory.buffer);
    return this.f32;
  }

  /** The helper thread with this instance registered, or null when kernels run on one thread. */
  private helper(work: number): KernelHelper | null {
    const h = kernelHelper(work);
    if (!h) return null;
    try {
      if (this.helperInstance < 0) this.helperInstance = h.register(this.module, this.memory);
      // while the helper is still starting, this thread runs the call alone
      return h.ready() ? h : null;
    } catch (e) {
      helperFailed(e);
      return null;
    }
  }

  /**
   * Runs `kernel` (`f` here, by name in the helper) over `rows` independent rows, `part(from,
   * count)` giving its arguments for rows [from, from + count); calls of more than two chunks'
   * `work` are shared with the helper thread chunk by chunk.
   */
  private byRows<A extends number[]>(
    kernel: HelperKernel, f: (...args: A) => void, rows: number, work: number, part: (from: number, count: number) => A,
  ): void {
    const bounds = chunkRows(rows, work);
    const h = bounds.length > 2 ? this.helper(work) : null;
    if (!h) {
      f(...part(0, rows));
      return;
    }
    const chunks: A[] = [];
    for (let c = 0; c + 1 < bounds.length; c++) chunks.push(part(bounds[c], bounds[c + 1] - bounds[c]));
    h.run(this.helperInstance, kernel, f as (...args: number[]) => void, chunks);
  }

  /** The product kernel, its rows shared with the helper thread when the product is large enough. */
  private product(...args: GemmArgs): void {
    this.byRows<GemmArgs>("gemm", this.gemm, args[0], work(args), (from, count) => productRows(args, from, count));
  }

  /** A product's chunks of rows (the arguments of each), one when it is small. */
  private productChunks(args: GemmArgs): GemmArgs[] {
    const bounds = chunkRows(args[0], work(args)), chunks: GemmArgs[] = [];
    for (let i = 0; i + 1 < bounds.length; i++) chunks.push(productRows(args, bounds[i], bounds[i + 1] - bounds[i]));
    return chunks;
  }

  /** Writes a rows × cols float64 block into float32 rows of stride `ld` at byte offset `at`. */
  private put(f32: Float32Array, at: number, src: Float64Array, rows: number, cols: number, ld: number): void {
    const base = at >> 2;
    if (ld === cols) {
      f32.set(src.subarray(0, rows * cols), base);
      return;
    }
    for (let r = 0; r < rows; r++) f32.set(src.subarray(r * cols, (r + 1) * cols), base + r * ld);
  }

  /** Y = X Wᵀ + b for row-major X (rows × nIn) and W (nOut × nIn). */
  forward(x: Float64Array, rows: number, nIn: number, nOut: number, w: Float64Array, b: Float64Array | null, out?: Float64Array): Float64Array {
    const inP = pad4(nIn), outP = pad4(nOut);
    const arena = new Arena(this.pinned?.end ?? this.storeBytes);
    const px = arena.alloc(rows * inP), pwt = arena.alloc(nIn * outP), pb = b ? arena.alloc(outP) : 0, py = arena.alloc(rows * outP);
    const f32 = this.reserve(arena.bytes);
    this.put(f32, px, x, rows, nIn, inP);
    // Wᵀ (nIn × nOut), so that the kernel runs its SIMD lanes along the outputs
    const wt = pwt >> 2;
    for (let o = 0; o < nOut; o++) {
      const wo = o * nIn;
      for (let i = 0; i < nIn; i++) f32[wt + i * outP + o] = w[wo + i];
    }
    if (b) f32.set(b.subarray(0, nOut), pb >> 2);
    this.product(rows, outP, nIn, px, inP, 1, pwt, outP, py, outP, b ? pb : 0);
    const y = out ?? new Float64Array(rows * nOut);
    const yb = py >> 2;
    for (let r = 0; r < rows; r++) y.set(f32.subarray(yb + r * outP, yb + r * outP + nOut), r * nOut);
    return y;
  }

  /** Accumulates dW (and db) into `gw` (`gb`); returns dX when `needInput`. */
  backward(
    x: Float64Array, gy: Float64Array, rows: number, nIn: number, nOut: number,
    w: Float64Array, gw: Float64Array, gb: Float64Array | null, needInput: boolean,
  ): Float64Array | null {
    if (gb) {
      for (let r = 0; r < rows; r++) for (let o = 0; o < nOut; o++) gb[o] += gy[r * nOut + o];
    }
    const inP = pad4(nIn), outP = pad4(nOut);
    const arena = new Arena(this.pinned?.end ?? this.storeBytes);
    const pgy = arena.alloc(rows * outP), px = arena.alloc(rows * inP), pgw = arena.alloc(nOut * inP);
    const pw = needInput ? arena.alloc(nOut * inP) : 0, pgx = needInput ? arena.alloc(rows * inP) : 0;
    const f32 = this.reserve(arena.bytes);
    this.put(f32, pgy, gy, rows, nOut, outP);
    this.put(f32, px, x, rows, nIn, inP);
    // dW (nOut × nIn) = dYᵀ X: A = dYᵀ read through strides (m = output, k = batch row)
    this.product(nOut, inP, rows, pgy, 1, outP, px, inP, pgw, inP, 0);
    const g = pgw >> 2;
    for (let o = 0; o < nOut; o++) {
      const src = g + o * inP, dst = o * nIn;
      for (let i = 0; i < nIn; i++) gw[dst + i] += f32[src + i];
    }
    if (!needInput) return null;
    this.put(f32, pw, w, nOut, nIn, inP);
    // dX (rows × nIn) = dY W
    this.product(rows, inP, nOut, pgy, outP, 1, pw, inP, pgx, inP, 0);
    const gx = new Float64Array(rows * nIn);
    const xb = pgx >> 2;
    for (let r = 0; r < rows; r++) gx.set(f32.subarray(xb + r * inP, xb + r * inP + nIn), r * nIn);
    return gx;
  }

  /**
   * out[i, c·m + a] = Σ_p K_a[i, p] field[p, c] for m kernels sharing one sparsity pattern
   * (rows × cols field in, rows × cols·m out, float64). The pattern and values stay resident
   * while the same kernels are used. `out` (of the right length) receives the result instead of
   * a new array, sparing the allocation when steps repeat.
   */
  derivativeShared(field: Float64Array, cols: number, rowPtr: Int32Array, colIdx: Int32Array, vals: Float64Array[], out?: Float64Array): Float64Array {
    const rows = rowPtr.length - 1, m = vals.length, nnz = colIdx.length;
    const key: ArrayLike<number>[] = [rowPtr, colIdx, ...vals];
    let pin = this.pinned;
    if (!pin || pin.key.length !== key.length || pin.key.some((k, i) => k !== key[i])) {
      this.pinned = null;
      const arena = new Arena(this.storeBytes);
      const pr = arena.alloc(rows + 1), pc = arena.alloc(nnz), pv = arena.alloc(2 * m * nnz);
      this.reserve(arena.bytes);
      const buf = this.memory.buffer;
      new Int32Array(buf, pr, rows + 1).set(rowPtr);
      new Int32Array(buf, pc, nnz).set(colIdx);
      const v64 = new Float64Array(buf, pv, m * nnz);
      vals.forEach((v, a) => v64.set(v, a * nnz));
      pin = this.pinned = { key, rowPtr: pr, colIdx: pc, vals: pv, end: arena.bytes };
    }
    const arena = new Arena(pin.end);
    const pf = arena.alloc(2 * rows * cols), po = arena.alloc(2 * rows * cols * m), pa = arena.alloc(2 * cols * m);
    this.reserve(arena.bytes);
    const buf = this.memory.buffer;
    new Float64Array(buf, pf, rows * cols).set(field.subarray(0, rows * cols));
    // a part reads rowPtr from its first row on (entries keep their absolute indices)
    const rowBytes = 8 * cols * m, pinned = pin;
    this.byRows<Parameters<DerivativeShared>>("derivativeShared", this.derivative, rows, nnz * cols * m, (from, count) =>
      [count, cols, m, nnz, pinned.rowPtr + 4 * from, pinned.colIdx, pinned.vals, pf, po + from * rowBytes, pa]);
    const result = new Float64Array(buf, po, rows * cols * m);
    if (out && out.length === result.length) {
      out.set(result);
      return out;
    }
    return result.slice();
  }

  /**
   * Reserves `bytes` at the start of this instance's memory for buffers the caller lays out
   * itself and keeps between calls (a resident workspace; see src/model/mlp-f32.ts), and returns
   * views of the whole memory. The views stay valid until the next `resident` call on this
   * instance: use a dedicated instance (`createSimdKernels`) per workspace.
   */
  resident(bytes: number): { f32: Float32Array; f64: Float64Array } {
    this.pinned = null;
    this.storeBytes = (bytes + 15) & ~15;
    this.reserve(this.storeBytes);
    return { f32: new Float32Array(this.memory.buffer), f64: new Float64Array(this.memory.buffer) };
  }

  /** The elementwise kernels of the resident MLP on byte offsets (documented in asm/kernels.ts). */
  get elementwise(): ElementwiseKernels {
    return this.ops;
  }

  /**
   * The raw product on byte offsets into this instance's memory (16-byte aligned B, C and bias;
   * N, ldb, ldc multiples of 4): C (M × N) = A B (+ bias), A read through the strides sam, sak.
   */
  gemmAt(...args: GemmArgs): void {
    this.product(...args);
  }

  /**
   * Two independent products (arguments as `gemmAt`, neither writing what the other reads) in
   * one call shared with the helper thread, the chunks of both together: one handshake for the
   * backward pass's weight and input gradients.
   */
  gemmPairAt(first: GemmArgs, second: GemmArgs): void {
    const chunks = [...this.productChunks(first), ...this.productChunks(second)];
    const h = chunks.length > 2 || (chunks.length === 2 && Math.min(work(first), work(second)) >= CHUNK_MIN_WORK) ? this.helper(work(first) + work(second)) : null;
    if (!h) {
      this.gemm(...first);
      this.gemm(...second);
      return;
    }
    h.run(this.helperInstance, "gemm", this.gemm as (...args: number[]) => void, chunks);
  }

  /**
   * A float32 array of `floats` values resident at the start of this instance's memory, for
   * `gatherExpansion`. The view is valid until the next call on this instance (memory may grow):
   * fill it right away. Use a dedicated instance (`createSimdKernels`) per store.
   */
  expansionStore(floats: number): Float32Array {
    this.pinned = null;
    const arena = new Arena();
    arena.alloc(floats);
    this.storeBytes = arena.bytes;
    this.reserve(this.storeBytes);
    return new Float32Array(this.memory.buffer, 0, floats);
  }

  /**
   * value[r] = Σ_j cv[j] store[nodes[r], j], tangent[r] = Σ_j cd[j] store[nodes[r], j] (float64,
   * same sums in the same order as the scalar loops), from the store of `expansionStore`
   * laid out node-major as (node, term j < J, channel c < C). With `out` (arrays of rows·C
   * values) the rows are copied into those arrays instead of new ones: allocating a few hundred
   * kilobytes per batch cost more than the copy.
   */
  gatherExpansion(
    nodes: ArrayLike<number>, J: number, C: number, cv: Float64Array, cd: Float64Array, wantTangent: boolean,
    out?: { value: Float64Array; tangent: Float64Array | null },
  ): { value: Float64Array; tangent: Float64Array | null } {
    const rows = nodes.length;
    if (this.storeBytes === 0) throw new Error("SimdKernels.gatherExpansion: no expansion store");
    const arena = new Arena(this.storeBytes);
    const pn = arena.alloc(rows), pcv = arena.alloc(2 * J), pcd = arena.alloc(2 * J), pv = arena.alloc(2 * rows * C), pt = wantTangent ? arena.alloc(2 * rows * C) : 0;
    this.reserve(arena.bytes);
    const buf = this.memory.buffer;
    const idx = new Int32Array(buf, pn, rows);
    for (let r = 0; r < rows; r++) idx[r] = nodes[r];
    new Float64Array(buf, pcv, J).set(cv.subarray(0, J));
    new Float64Array(buf, pcd, J).set(cd.subarray(0, J));
    const rowBytes = 8 * C;
    this.byRows<Parameters<GatherExpansion>>("gatherExpansion", this.gatherTerms, rows, rows * J * C * (wantTangent ? 2 : 1), (from, count) =>
      [count, pn + 4 * from, J, C, 0, pcv, pcd, pv + from * rowBytes, wantTangent ? pt + from * rowBytes : 0]);
    if (out && out.value.length === rows * C && (!wantTangent || out.tangent?.length === rows * C)) {
      out.value.set(new Float64Array(buf, pv, rows * C));
      if (wantTangent) out.tangent!.set(new Float64Array(buf, pt, rows * C));
      return { value: out.value, tangent: wantTangent ? out.tangent : null };
    }
    return {
      value: new Float64Array(buf, pv, rows * C).slice(),
      tangent: wantTangent ? new Float64Array(buf, pt, rows * C).slice() : null,
    };
  }
}

let cached: SimdKernels | null | undefined;
let unavailableReason = "";

/**
 * The shared kernel instance, or null (with the reason in `simdUnavailableReason()`) without
 * WebAssembly SIMD. Its module is the process's variant (src/kernels/variant.ts): fused
 * multiply-adds in the products unless MARBLE_FMA=0 or the runtime refuses relaxed SIMD.
 */
export function simdKernels(): SimdKernels | null {
  if (cached !== undefined) return cached;
  try {
    if (!wasmApi) throw new Error("WebAssembly is not available in this runtime");
    if (!wasmApi.validate(kernelBytes("plain"))) throw new Error("this runtime does not support WebAssembly SIMD (fixed-width 128-bit) with shared memory (threads)");
    const variant = kernelVariant(wasmApi);
    try {
      cached = new SimdKernels(wasmApi, kernelBytes(variant), variant);
    } catch (e) {
      if (variant === "plain") throw e;
      // the relaxed-SIMD module validated but does not compile or instantiate: the plain one
      cached = new SimdKernels(wasmApi, kernelBytes("plain"), fmaFailed(e));
    }
  } catch (e) {
    cached = null;
    unavailableReason = (e as Error).message;
    process.emitWarning(`MARBLE: float32 SIMD kernels unavailable (${unavailableReason}); using the slower JavaScript loops instead`, { code: "MARBLE_NO_SIMD" });
  }
  return cached;
}

/**
 * A new kernel instance with its own memory (for a resident workspace or expansion store), or
 * null without SIMD. Of the process's variant unless `variant` names one (for comparisons; the
 * "fma" one needs a runtime that accepts relaxed SIMD, see `simdKernels().variant`).
 */
export function createSimdKernels(variant?: KernelVariant): SimdKernels | null {
  const shared = simdKernels();
  if (!shared || !wasmApi) return null;
  const use = variant ?? shared.variant;
  return new SimdKernels(wasmApi, kernelBytes(use), use);
}

/**
 * The kernel variant in use: "fma" (the float32 products fuse their multiply-adds where the CPU
 * can) or "plain" (`fmaUnavailableReason()` says why), or null without WebAssembly SIMD.
 */
export function kernelVariantInUse(): KernelVariant | null {
  return simdKernels()?.variant ?? null;
}

export function simdUnavailableReason(): string {
  return unavailableReason;
}

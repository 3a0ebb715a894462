// AssemblyScript source of the float32 SIMD kernels behind src/kernels/simd.ts.
// Rebuild with `npm run build:kernels` (asm/build.mjs); the compiled bytes are committed as
// asm/kernels.wasm and src/kernels/kernels-wasm.ts so that users need no compiler.
//
// One kernel serves the three products of a fully connected layer:
//   C (M × N, row stride ldc) = A B (+ bias), with B K × N (row stride ldb) and A given by strides:
//   element (m, k) of A sits at a + 4·(m·sam + k·sak), so A or Aᵀ is read without copying.
// N, ldb, ldc are multiples of 4 and b, c, bias are 16-byte aligned (callers pad columns).
// Sums run in a fixed order (k ascending), so results are bitwise reproducible.
//
// The same source compiles twice (asm/build.mjs): the plain module multiplies and adds with two
// roundings; the relaxed-SIMD module (--enable relaxed-simd, ASC_FEATURE_RELAXED_SIMD) computes
// the products' multiply-adds with f32x4.relaxed_madd, which the engine fuses into one rounding
// where the CPU has fused multiply-add (x86 FMA3, ARM NEON) and leaves as two elsewhere. Only
// `gemm` differs between the two; every other kernel keeps separate multiplies and adds, as its
// bitwise equality with the JavaScript loops requires.
//
// Further down: the float64 derivative step and expansion gather of the features, and the
// elementwise kernels of the resident MLP (src/model/mlp-f32.ts) and its optimiser.

// c + a·b on four lanes: fused in the relaxed-SIMD build, two roundings in the plain one.
// @ts-ignore: decorator
@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}

function start(bias: usize, j: i32): v128 {
  return bias ? v128.load(bias + (<usize>j << 2)) : f32x4.splat(0);
}

export function gemm(
  M: i32, N: i32, K: i32,
  a: usize, sam: i32, sak: i32,
  b: usize, ldb: i32,
  c: usize, ldc: i32,
  bias: usize,
): void {
  const am = <usize>sam << 2, ak = <usize>sak << 2, bk = <usize>ldb << 2, cr = <usize>ldc << 2;
  let m = 0;
  // blocks of four rows × eight columns: eight accumulators, two loads of B and four scalars of A per step
  for (; m + 4 <= M; m += 4) {
    const arow = a + <usize>m * am;
    const crow = c + <usize>m * cr;
    let j = 0;
    for (; j + 8 <= N; j += 8) {
      let c00 = start(bias, j), c01 = start(bias, j + 4);
      let c10 = c00, c11 = c01, c20 = c00, c21 = c01, c30 = c00, c31 = c01;
      let pa = arow;
      let pb = b + (<usize>j << 2);
      for (let k = 0; k < K; k++) {
        const b0 = v128.load(pb), b1 = v128.load(pb, 16);
        const x0 = f32x4.splat(load<f32>(pa));
        const x1 = f32x4.splat(load<f32>(pa + am));
        const x2 = f32x4.splat(load<f32>(pa + 2 * am));
        const x3 = f32x4.splat(load<f32>(pa + 3 * am));
        c00 = madd(x0, b0, c00);
        c01 = madd(x0, b1, c01);
        c10 = madd(x1, b0, c10);
        c11 = madd(x1, b1, c11);
        c20 = madd(x2, b0, c20);
        c21 = madd(x2, b1, c21);
        c30 = madd(x3, b0, c30);
        c31 = madd(x3, b1, c31);
        pa += ak;
        pb += bk;
      }
      const pc = crow + (<usize>j << 2);
      v128.store(pc, c00);
      v128.store(pc, c01, 16);
      v128.store(pc + cr, c10);
      v128.store(pc + cr, c11, 16);
      v128.store(pc + 2 * cr, c20);
      v128.store(pc + 2 * cr, c21, 16);
      v128.store(pc + 3 * cr, c30);
      v128.store(pc + 3 * cr, c31, 16);
    }
    for (; j < N; j += 4) {
      let c0 = start(bias, j);
      let c1 = c0, c2 = c0, c3 = c0;
      let pa = arow;
      let pb = b + (<usize>j << 2);
      for (let k = 0; k < K; k++) {
        const b0 = v128.load(pb);
        c0 = madd(f32x4.splat(load<f32>(pa)), b0, c0);
        c1 = madd(f32x4.splat(load<f32>(pa + am)), b0, c1);
        c2 = madd(f32x4.splat(load<f32>(pa + 2 * am)), b0, c2);
        c3 = madd(f32x4.splat(load<f32>(pa + 3 * am)), b0, c3);
        pa += ak;
        pb += bk;
      }
      const pc = crow + (<usize>j << 2);
      v128.store(pc, c0);
      v128.store(pc + cr, c1);
      v128.store(pc + 2 * cr, c2);
      v128.store(pc + 3 * cr, c3);
    }
  }
  // remaining rows one at a time
  for (; m < M; m++) {
    const arow = a + <usize>m * am;
    const crow = c + <usize>m * cr;
    for (let j = 0; j < N; j += 4) {
      let c0 = start(bias, j);
      let pa = arow;
      let pb = b + (<usize>j << 2);
      for (let k = 0; k < K; k++) {
        c0 = madd(f32x4.splat(load<f32>(pa)), v128.load(pb), c0);
        pa += ak;
        pb += bk;
      }
      v128.store(crow + (<usize>j << 2), c0);
    }
  }
}

// Directional-derivative step for m kernels sharing one sparsity pattern (float64, exact):
//   out[i, c·m + a] = Σ_p vals[a·nnz + p] · field[colIdx[p], c]   over the entries p of row i,
// summed in entry order from zero, so results equal the scalar loops bit for bit. rowPtr/colIdx
// are i32 arrays, everything else f64. For each direction and block of eight channels the sums
// stay in registers over the row's entries (the neighbour rows are re-read from cache) rather
// than a scratch row loaded and stored for every entry. `_acc` is unused (kept for the signature).
export function derivativeShared(
  rows: i32, cols: i32, m: i32, nnz: i32,
  rowPtr: usize, colIdx: usize, vals: usize,
  field: usize, out: usize, _acc: usize,
): void {
  const rowBytes = <usize>cols << 3;
  const outStride = <usize>m << 3;
  for (let i = 0; i < rows; i++) {
    const p0 = load<i32>(rowPtr + (<usize>i << 2)), p1 = load<i32>(rowPtr + (<usize>(i + 1) << 2));
    const oi = out + <usize>i * rowBytes * <usize>m;
    for (let a = 0; a < m; a++) {
      const va0 = vals + (<usize>a * <usize>nnz << 3);
      const oa = oi + (<usize>a << 3);
      let c = 0;
      for (; c + 8 <= cols; c += 8) {
        let s0 = f64x2.splat(0), s1 = f64x2.splat(0), s2 = f64x2.splat(0), s3 = f64x2.splat(0);
        const off = <usize>c << 3;
        for (let p = p0; p < p1; p++) {
          const xj = field + <usize>load<i32>(colIdx + (<usize>p << 2)) * rowBytes + off;
          const v = f64x2.splat(load<f64>(va0 + (<usize>p << 3)));
          s0 = f64x2.add(s0, f64x2.mul(v, v128.load(xj)));
          s1 = f64x2.add(s1, f64x2.mul(v, v128.load(xj, 16)));
          s2 = f64x2.add(s2, f64x2.mul(v, v128.load(xj, 32)));
          s3 = f64x2.add(s3, f64x2.mul(v, v128.load(xj, 48)));
        }
        const q = oa + <usize>c * outStride;
        store<f64>(q, f64x2.extract_lane(s0, 0));
        store<f64>(q + outStride, f64x2.extract_lane(s0, 1));
        store<f64>(q + 2 * outStride, f64x2.extract_lane(s1, 0));
        store<f64>(q + 3 * outStride, f64x2.extract_lane(s1, 1));
        store<f64>(q + 4 * outStride, f64x2.extract_lane(s2, 0));
        store<f64>(q + 5 * outStride, f64x2.extract_lane(s2, 1));
        store<f64>(q + 6 * outStride, f64x2.extract_lane(s3, 0));
        store<f64>(q + 7 * outStride, f64x2.extract_lane(s3, 1));
      }
      for (; c + 2 <= cols; c += 2) {
        let s0 = f64x2.splat(0);
        const off = <usize>c << 3;
        for (let p = p0; p < p1; p++) {
          const xj = field + <usize>load<i32>(colIdx + (<usize>p << 2)) * rowBytes + off;
          s0 = f64x2.add(s0, f64x2.mul(f64x2.splat(load<f64>(va0 + (<usize>p << 3))), v128.load(xj)));
        }
        const q = oa + <usize>c * outStride;
        store<f64>(q, f64x2.extract_lane(s0, 0));
        store<f64>(q + outStride, f64x2.extract_lane(s0, 1));
      }
      if (c < cols) {
        let s = 0.0;
        const off = <usize>c << 3;
        for (let p = p0; p < p1; p++) {
          s += load<f64>(va0 + (<usize>p << 3)) * load<f64>(field + <usize>load<i32>(colIdx + (<usize>p << 2)) * rowBytes + off);
        }
        store<f64>(oa + <usize>c * outStride, s);
      }
    }
  }
}

// Rows of a heat-kernel expansion stored node-major in float32 (node, term, channel):
//   value[r, c] = Σ_j cv[j] · terms[nodes[r], j, c],  tangent[r, c] = Σ_j cd[j] · terms[nodes[r], j, c]
// in float64, j ascending, skipping zero coefficients exactly as the scalar loops do (bitwise equal).
// `tangent` may be 0 (not wanted). Rows go in pairs: two nodes' blocks are streamed side by side,
// so twice as many memory reads are in flight (the blocks are random, the gather waits on memory).
export function gatherExpansion(
  rows: i32, nodes: usize, J: i32, C: i32,
  terms: usize, cv: usize, cd: usize,
  value: usize, tangent: usize,
): void {
  const rowBytes = <usize>C << 3;
  let r = 0;
  for (; r + 4 <= rows; r += 4) {
    gatherRows4(
      nodes + (<usize>r << 2), J, C, terms, cv, cd, value + <usize>r * rowBytes, tangent ? tangent + <usize>r * rowBytes : 0, rowBytes,
    );
  }
  for (; r + 2 <= rows; r += 2) {
    gatherRows2(
      <usize>load<i32>(nodes + (<usize>r << 2)), <usize>load<i32>(nodes + (<usize>(r + 1) << 2)),
      J, C, terms, cv, cd, value + <usize>r * rowBytes, tangent ? tangent + <usize>r * rowBytes : 0, rowBytes,
    );
  }
  if (r < rows) gatherRow(<usize>load<i32>(nodes + (<usize>r << 2)), J, C, terms, cv, cd, value + <usize>r * rowBytes, tangent ? tangent + <usize>r * rowBytes : 0);
}

function accumulate4(acc: usize, coef: v128, lo: v128, hi: v128): void {
  v128.store(acc, f64x2.add(v128.load(acc), f64x2.mul(coef, lo)));
  v128.store(acc, f64x2.add(v128.load(acc, 16), f64x2.mul(coef, hi)), 16);
}

// Two rows (nodes n0, n1 into consecutive output rows): per term, per four channels, both rows.
function gatherRows2(n0: usize, n1: usize, J: i32, C: i32, terms: usize, cv: usize, cd: usize, vo: usize, to: usize, rowBytes: usize): void {
  const quads = C & ~3;
  memory.fill(vo, 0, 2 * rowBytes);
  if (to) memory.fill(to, 0, 2 * rowBytes);
  for (let j = 0; j < J; j++) {
    const t0 = terms + ((n0 * <usize>J + <usize>j) * <usize>C << 2), t1 = terms + ((n1 * <usize>J + <usize>j) * <usize>C << 2);
    const a = load<f64>(cv + (<usize>j << 3)), b = load<f64>(cd + (<usize>j << 3));
    const useA = a != 0, useB = to != 0 && b != 0;
    const va = f64x2.splat(a), vb = f64x2.splat(b);
    let c = 0;
    for (; c < quads; c += 4) {
      const x0 = v128.load(t0 + (<usize>c << 2)), x1 = v128.load(t1 + (<usize>c << 2));
      const lo0 = f64x2.promote_low_f32x4(x0), hi0 = f64x2.promote_low_f32x4(v128.shuffle<f32>(x0, x0, 2, 3, 2, 3));
      const lo1 = f64x2.promote_low_f32x4(x1), hi1 = f64x2.promote_low_f32x4(v128.shuffle<f32>(x1, x1, 2, 3, 2, 3));
      const off = <usize>c << 3;
      if (useA) {
        accumulate4(vo + off, va, lo0, hi0);
        accumulate4(vo + rowBytes + off, va, lo1, hi1);
      }
      if (useB) {
        accumulate4(to + off, vb, lo0, hi0);
        accumulate4(to + rowBytes + off, vb, lo1, hi1);
      }
    }
    for (; c < C; c++) {
      const x0 = <f64>load<f32>(t0 + (<usize>c << 2)), x1 = <f64>load<f32>(t1 + (<usize>c << 2));
      const off = <usize>c << 3;
      if (useA) {
        store<f64>(vo + off, load<f64>(vo + off) + a * x0);
        store<f64>(vo + rowBytes + off, load<f64>(vo + rowBytes + off) + a * x1);
      }
      if (useB) {
        store<f64>(to + off, load<f64>(to + off) + b * x0);
        store<f64>(to + rowBytes + off, load<f64>(to + rowBytes + off) + b * x1);
      }
    }
  }
}

function quad(acc: usize, coef: v128, x: v128): void {
  accumulate4(acc, coef, f64x2.promote_low_f32x4(x), f64x2.promote_low_f32x4(v128.shuffle<f32>(x, x, 2, 3, 2, 3)));
}

function single(acc: usize, coef: f64, x: f64): void {
  store<f64>(acc, load<f64>(acc) + coef * x);
}

// Four rows (node indices at `nodes`), as gatherRows2.
function gatherRows4(nodes: usize, J: i32, C: i32, terms: usize, cv: usize, cd: usize, vo: usize, to: usize, rowBytes: usize): void {
  const quads = C & ~3;
  const blockBytes = <usize>J * (<usize>C << 2), termBytes = <usize>C << 2;
  const b0 = terms + <usize>load<i32>(nodes) * blockBytes, b1 = terms + <usize>load<i32>(nodes, 4) * blockBytes;
  const b2 = terms + <usize>load<i32>(nodes, 8) * blockBytes, b3 = terms + <usize>load<i32>(nodes, 12) * blockBytes;
  memory.fill(vo, 0, 4 * rowBytes);
  if (to) memory.fill(to, 0, 4 * rowBytes);
  for (let j = 0; j < J; j++) {
    const tj = <usize>j * termBytes;
    const a = load<f64>(cv + (<usize>j << 3)), b = load<f64>(cd + (<usize>j << 3));
    const useA = a != 0, useB = to != 0 && b != 0;
    const va = f64x2.splat(a), vb = f64x2.splat(b);
    let c = 0;
    for (; c < quads; c += 4) {
      const q = tj + (<usize>c << 2), off = <usize>c << 3;
      const x0 = v128.load(b0 + q), x1 = v128.load(b1 + q), x2 = v128.load(b2 + q), x3 = v128.load(b3 + q);
      if (useA) {
        quad(vo + off, va, x0);
        quad(vo + rowBytes + off, va, x1);
        quad(vo + 2 * rowBytes + off, va, x2);
        quad(vo + 3 * rowBytes + off, va, x3);
      }
      if (useB) {
        quad(to + off, vb, x0);
        quad(to + rowBytes + off, vb, x1);
        quad(to + 2 * rowBytes + off, vb, x2);
        quad(to + 3 * rowBytes + off, vb, x3);
      }
    }
    for (; c < C; c++) {
      const q = tj + (<usize>c << 2), off = <usize>c << 3;
      const x0 = <f64>load<f32>(b0 + q), x1 = <f64>load<f32>(b1 + q), x2 = <f64>load<f32>(b2 + q), x3 = <f64>load<f32>(b3 + q);
      if (useA) {
        single(vo + off, a, x0);
        single(vo + rowBytes + off, a, x1);
        single(vo + 2 * rowBytes + off, a, x2);
        single(vo + 3 * rowBytes + off, a, x3);
      }
      if (useB) {
        single(to + off, b, x0);
        single(to + rowBytes + off, b, x1);
        single(to + 2 * rowBytes + off, b, x2);
        single(to + 3 * rowBytes + off, b, x3);
      }
    }
  }
}

// One row (the odd last one).
function gatherRow(node: usize, J: i32, C: i32, terms: usize, cv: usize, cd: usize, vo: usize, to: usize): void {
  const quads = C & ~3;
  const rowBytes = <usize>C << 3;
  memory.fill(vo, 0, rowBytes);
  if (to) memory.fill(to, 0, rowBytes);
  for (let j = 0; j < J; j++) {
    const term = terms + ((node * <usize>J + <usize>j) * <usize>C << 2);
    const a = load<f64>(cv + (<usize>j << 3)), b = load<f64>(cd + (<usize>j << 3));
    const useA = a != 0, useB = to != 0 && b != 0;
    const va = f64x2.splat(a), vb = f64x2.splat(b);
    let c = 0;
    for (; c < quads; c += 4) {
      const x = v128.load(term + (<usize>c << 2));
      const lo = f64x2.promote_low_f32x4(x), hi = f64x2.promote_low_f32x4(v128.shuffle<f32>(x, x, 2, 3, 2, 3));
      const off = <usize>c << 3;
      if (useA) accumulate4(vo + off, va, lo, hi);
      if (useB) accumulate4(to + off, vb, lo, hi);
    }
    for (; c < C; c++) {
      const x = <f64>load<f32>(term + (<usize>c << 2));
      const off = <usize>c << 3;
      if (useA) store<f64>(vo + off, load<f64>(vo + off) + a * x);
      if (useB) store<f64>(to + off, load<f64>(to + off) + b * x);
    }
  }
}

// ---- Elementwise kernels of the resident float32 MLP (src/model/mlp-f32.ts) ----
// Arithmetic in float64 exactly as the JavaScript reference writes it (same operations in the
// same order, no fused multiply-adds), so results are bit for bit those of the loops in
// src/model/batchnorm.ts and src/model/activation.ts; float32 buffers hold rows of stride ld.

// dst (f32, stride ldd) = src (f64, stride lds), rows × cols, rounded to nearest.
export function narrowRows(src: usize, lds: i32, dst: usize, ldd: i32, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) {
    const s = src + (<usize>(r * lds) << 3), d = dst + (<usize>(r * ldd) << 2);
    for (let c = 0; c < cols; c++) store<f32>(d + (<usize>c << 2), <f32>load<f64>(s + (<usize>c << 3)));
  }
}

// dst (f64, stride ldd) = src (f32, stride lds), rows × cols (exact).
export function widenRows(src: usize, lds: i32, dst: usize, ldd: i32, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) {
    const s = src + (<usize>(r * lds) << 2), d = dst + (<usize>(r * ldd) << 3);
    for (let c = 0; c < cols; c++) store<f64>(d + (<usize>c << 3), <f64>load<f32>(s + (<usize>c << 2)));
  }
}

// acc (f64, stride ldd) += src (f32, stride lds), rows × cols: float32 gradients into float64 sums.
export function accumulateRows(src: usize, lds: i32, acc: usize, ldd: i32, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) {
    const s = src + (<usize>(r * lds) << 2), d = acc + (<usize>(r * ldd) << 3);
    for (let c = 0; c < cols; c++) {
      const q = d + (<usize>c << 3);
      store<f64>(q, load<f64>(q) + <f64>load<f32>(s + (<usize>c << 2)));
    }
  }
}

// The weights W (f64, nOut × nIn) in both layouts the products read: w (f32, nOut × ldw) and
// its transpose wt (f32, nIn × ldt).
export function loadWeights(W: usize, nOut: i32, nIn: i32, w: usize, ldw: i32, wt: usize, ldt: i32): void {
  for (let o = 0; o < nOut; o++) {
    const s = W + (<usize>(o * nIn) << 3), d = w + (<usize>(o * ldw) << 2);
    for (let i = 0; i < nIn; i++) {
      const v = <f32>load<f64>(s + (<usize>i << 3));
      store<f32>(d + (<usize>i << 2), v);
      store<f32>(wt + (<usize>(i * ldt + o) << 2), v);
    }
  }
}

// Two float32 values at p widened to float64 lanes.
function load2(p: usize): v128 {
  return f64x2.promote_low_f32x4(v128.load64_zero(p));
}

// Two float64 lanes rounded to float32 and stored at p.
function store2(p: usize, v: v128): void {
  v128.store64_lane(p, f32x4.demote_f64x2_zero(v), 0);
}

// The loops below run two columns per f64x2 (lane-wise the same operations as the scalar tail).

// Column sums of z (f32, rows × c, stride ld), rows ascending: sum[j] = Σ_r z[r, j].
export function columnSums(z: usize, ld: i32, rows: i32, c: i32, sum: usize): void {
  memory.fill(sum, 0, <usize>c << 3);
  const pairs = c & ~1;
  for (let r = 0; r < rows; r++) {
    const zr = z + (<usize>(r * ld) << 2);
    let j = 0;
    for (; j < pairs; j += 2) {
      const q = sum + (<usize>j << 3);
      v128.store(q, f64x2.add(v128.load(q), load2(zr + (<usize>j << 2))));
    }
    if (j < c) {
      const q = sum + (<usize>j << 3);
      store<f64>(q, load<f64>(q) + <f64>load<f32>(zr + (<usize>j << 2)));
    }
  }
}

// Squared deviations from the column means, rows ascending: dev[j] = Σ_r (z[r, j] − mean[j])².
export function columnDeviations(z: usize, ld: i32, rows: i32, c: i32, mean: usize, dev: usize): void {
  memory.fill(dev, 0, <usize>c << 3);
  const pairs = c & ~1;
  for (let r = 0; r < rows; r++) {
    const zr = z + (<usize>(r * ld) << 2);
    let j = 0;
    for (; j < pairs; j += 2) {
      const d = f64x2.sub(load2(zr + (<usize>j << 2)), v128.load(mean + (<usize>j << 3)));
      const q = dev + (<usize>j << 3);
      v128.store(q, f64x2.add(v128.load(q), f64x2.mul(d, d)));
    }
    if (j < c) {
      const d = <f64>load<f32>(zr + (<usize>j << 2)) - load<f64>(mean + (<usize>j << 3));
      const q = dev + (<usize>j << 3);
      store<f64>(q, load<f64>(q) + d * d);
    }
  }
}

// Training-mode batch normalisation → ReLU → dropout scale, row by row:
//   x̂ = (z − mean) · invStd (kept in xhat, f64 rows × c), a = γ x̂ + β,
//   out = a · m where a > 0 (m = pass[i] when `drop`, else 1), 0 elsewhere;
// pass[i] becomes the factor the output gradient passes back with (m, or 0 where a ≤ 0).
// Selects rather than branches: the sign of a is a coin flip the predictor cannot learn.
export function normalizeActivate(
  z: usize, ld: i32, rows: i32, c: i32,
  mean: usize, invStd: usize, gamma: usize, beta: usize,
  xhat: usize, pass: usize, drop: i32, out: usize,
): void {
  const pairs = c & ~1;
  const zero = f64x2.splat(0), one = f64x2.splat(1);
  for (let r = 0; r < rows; r++) {
    const zr = z + (<usize>(r * ld) << 2), hr = out + (<usize>(r * ld) << 2);
    const o = <usize>(r * c);
    let j = 0;
    for (; j < pairs; j += 2) {
      const jb = <usize>j << 3, ib = (o + <usize>j) << 3;
      const x = f64x2.mul(f64x2.sub(load2(zr + (<usize>j << 2)), v128.load(mean + jb)), v128.load(invStd + jb));
      v128.store(xhat + ib, x);
      const a = f64x2.add(f64x2.mul(v128.load(gamma + jb), x), v128.load(beta + jb));
      const m = drop ? v128.load(pass + ib) : one;
      const on = f64x2.gt(a, zero);
      store2(hr + (<usize>j << 2), v128.bitselect(f64x2.mul(a, m), zero, on));
      v128.store(pass + ib, v128.bitselect(m, zero, on));
    }
    if (j < c) {
      const jb = <usize>j << 3, ib = (o + <usize>j) << 3;
      const x = (<f64>load<f32>(zr + (<usize>j << 2)) - load<f64>(mean + jb)) * load<f64>(invStd + jb);
      store<f64>(xhat + ib, x);
      const a = load<f64>(gamma + jb) * x + load<f64>(beta + jb);
      const m = drop ? load<f64>(pass + ib) : 1.0;
      const on = a > 0;
      store<f32>(hr + (<usize>j << 2), select<f32>(<f32>(a * m), 0, on));
      store<f64>(pass + ib, select<f64>(m, 0, on));
    }
  }
}

// Backward through dropout and ReLU, then the batch-normalisation sums, rows ascending:
//   g = gh · pass (0 where pass is 0), sumG[j] = Σ_r g, sumGX[j] = Σ_r g x̂.
export function gradientSums(gh: usize, ld: i32, rows: i32, c: i32, pass: usize, xhat: usize, g: usize, sumG: usize, sumGX: usize): void {
  memory.fill(sumG, 0, <usize>c << 3);
  memory.fill(sumGX, 0, <usize>c << 3);
  const pairs = c & ~1;
  const zero = f64x2.splat(0);
  for (let r = 0; r < rows; r++) {
    const hr = gh + (<usize>(r * ld) << 2);
    const o = <usize>(r * c);
    let j = 0;
    for (; j < pairs; j += 2) {
      const jb = <usize>j << 3, ib = (o + <usize>j) << 3;
      const m = v128.load(pass + ib);
      const v = v128.bitselect(f64x2.mul(load2(hr + (<usize>j << 2)), m), zero, f64x2.ne(m, zero));
      v128.store(g + ib, v);
      v128.store(sumG + jb, f64x2.add(v128.load(sumG + jb), v));
      v128.store(sumGX + jb, f64x2.add(v128.load(sumGX + jb), f64x2.mul(v, v128.load(xhat + ib))));
    }
    if (j < c) {
      const jb = <usize>j << 3, ib = (o + <usize>j) << 3;
      const m = load<f64>(pass + ib);
      const v = select<f64>(<f64>load<f32>(hr + (<usize>j << 2)) * m, 0, m != 0);
      store<f64>(g + ib, v);
      store<f64>(sumG + jb, load<f64>(sumG + jb) + v);
      store<f64>(sumGX + jb, load<f64>(sumGX + jb) + v * load<f64>(xhat + ib));
    }
  }
}

// dL/dz of batch normalisation: gz = k (rows g − sumG − x̂ sumGX) with k[j] = γ invStd / rows,
// rounded into gz (f32, stride ld); the float64 values also accumulate into the linear bias's
// gradient gb (rows ascending) when gb is not 0.
export function normalizeBackward(g: usize, xhat: usize, rows: i32, c: i32, k: usize, sumG: usize, sumGX: usize, gz: usize, ld: i32, gb: usize): void {
  const n = <f64>rows;
  const nv = f64x2.splat(n);
  const pairs = c & ~1;
  for (let r = 0; r < rows; r++) {
    const zr = gz + (<usize>(r * ld) << 2);
    const o = <usize>(r * c);
    let j = 0;
    for (; j < pairs; j += 2) {
      const jb = <usize>j << 3, ib = (o + <usize>j) << 3;
      const inner = f64x2.sub(f64x2.sub(f64x2.mul(nv, v128.load(g + ib)), v128.load(sumG + jb)), f64x2.mul(v128.load(xhat + ib), v128.load(sumGX + jb)));
      const v = f64x2.mul(v128.load(k + jb), inner);
      if (gb) v128.store(gb + jb, f64x2.add(v128.load(gb + jb), v));
      store2(zr + (<usize>j << 2), v);
    }
    if (j < c) {
      const jb = <usize>j << 3, ib = (o + <usize>j) << 3;
      const v = load<f64>(k + jb) * (n * load<f64>(g + ib) - load<f64>(sumG + jb) - load<f64>(xhat + ib) * load<f64>(sumGX + jb));
      if (gb) store<f64>(gb + jb, load<f64>(gb + jb) + v);
      store<f32>(zr + (<usize>j << 2), <f32>v);
    }
  }
}

// Evaluation-mode batch normalisation → ReLU with the running statistics, in BatchNorm's order
// of operations: out = max(0, γ (z − runningMean) · invStd + β) (invStd from the running variance).
export function normalizeEvaluate(z: usize, ld: i32, rows: i32, c: i32, mean: usize, invStd: usize, gamma: usize, beta: usize, out: usize): void {
  const pairs = c & ~1;
  const zero = f64x2.splat(0);
  for (let r = 0; r < rows; r++) {
    const zr = z + (<usize>(r * ld) << 2), hr = out + (<usize>(r * ld) << 2);
    let j = 0;
    for (; j < pairs; j += 2) {
      const jb = <usize>j << 3;
      const a = f64x2.add(f64x2.mul(f64x2.mul(v128.load(gamma + jb), f64x2.sub(load2(zr + (<usize>j << 2)), v128.load(mean + jb))), v128.load(invStd + jb)), v128.load(beta + jb));
      store2(hr + (<usize>j << 2), v128.bitselect(a, zero, f64x2.gt(a, zero)));
    }
    if (j < c) {
      const jb = <usize>j << 3;
      const a = load<f64>(gamma + jb) * (<f64>load<f32>(zr + (<usize>j << 2)) - load<f64>(mean + jb)) * load<f64>(invStd + jb) + load<f64>(beta + jb);
      store<f32>(hr + (<usize>j << 2), select<f32>(<f32>a, 0, a > 0));
    }
  }
}

// SGD with momentum over one parameter tensor (float64, the optimiser of src/model/marble.ts):
//   b = g (first step) or μ b + g;  x −= lr b;  g = 0.
// Returns Σ (x − x) over the updated values: 0 when all are finite, NaN otherwise.
export function momentumStep(x: usize, g: usize, buf: usize, n: i32, mu: f64, lr: f64, first: i32): f64 {
  const vmu = f64x2.splat(mu), vlr = f64x2.splat(lr), zero = f64x2.splat(0);
  let check = f64x2.splat(0);
  const pairs = n & ~1;
  let i = 0;
  for (; i < pairs; i += 2) {
    const o = <usize>i << 3;
    const gi = v128.load(g + o);
    const b = first ? gi : f64x2.add(f64x2.mul(vmu, v128.load(buf + o)), gi);
    v128.store(buf + o, b);
    const v = f64x2.sub(v128.load(x + o), f64x2.mul(vlr, b));
    v128.store(x + o, v);
    v128.store(g + o, zero);
    check = f64x2.add(check, f64x2.sub(v, v));
  }
  let tail = 0.0;
  if (i < n) {
    const o = <usize>i << 3;
    const gi = load<f64>(g + o);
    const b = first ? gi : mu * load<f64>(buf + o) + gi;
    store<f64>(buf + o, b);
    const v = load<f64>(x + o) - lr * b;
    store<f64>(x + o, v);
    store<f64>(g + o, 0);
    tail = v - v;
  }
  return f64x2.extract_lane(check, 0) + f64x2.extract_lane(check, 1) + tail;
}

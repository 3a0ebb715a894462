// AssemblyScript source of the float32 SIMD kernels behind src/kernels/simd.ts.
// Rebuild with `npm run build:kernels` (asm/build.mjs); the compiled bytes are committed as
// asm/kernels.wasm and src/kernels/kernels-wasm.ts so that users need no compiler.
//
// One kernel serves the three products of a fully connected layer:
//   C (M × N, row stride ldc) = A B (+ bias), with B K × N (row stride ldb) and A given by strides:
//   element (m, k) of A sits at a + 4·(m·sam + k·sak), so A or Aᵀ is read without copying.
// N, ldb, ldc are multiples of 4 and b, c, bias are 16-byte aligned (callers pad columns).
// Sums run in a fixed order (k ascending), so results are bitwise reproducible.

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
        c00 = f32x4.add(c00, f32x4.mul(x0, b0));
        c01 = f32x4.add(c01, f32x4.mul(x0, b1));
        c10 = f32x4.add(c10, f32x4.mul(x1, b0));
        c11 = f32x4.add(c11, f32x4.mul(x1, b1));
        c20 = f32x4.add(c20, f32x4.mul(x2, b0));
        c21 = f32x4.add(c21, f32x4.mul(x2, b1));
        c30 = f32x4.add(c30, f32x4.mul(x3, b0));
        c31 = f32x4.add(c31, f32x4.mul(x3, b1));
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
        c0 = f32x4.add(c0, f32x4.mul(f32x4.splat(load<f32>(pa)), b0));
        c1 = f32x4.add(c1, f32x4.mul(f32x4.splat(load<f32>(pa + am)), b0));
        c2 = f32x4.add(c2, f32x4.mul(f32x4.splat(load<f32>(pa + 2 * am)), b0));
        c3 = f32x4.add(c3, f32x4.mul(f32x4.splat(load<f32>(pa + 3 * am)), b0));
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
        c0 = f32x4.add(c0, f32x4.mul(f32x4.splat(load<f32>(pa)), v128.load(pb)));
        pa += ak;
        pb += bk;
      }
      v128.store(crow + (<usize>j << 2), c0);
    }
  }
}

// Directional-derivative step for m kernels sharing one sparsity pattern (float64, exact):
//   out[i, c·m + a] = Σ_p vals[a·nnz + p] · field[colIdx[p], c]   over the entries p of row i,
// summed in entry order, so results equal the scalar loops bit for bit. `acc` is scratch for
// m·cols values; rowPtr/colIdx are i32 arrays, everything else f64.
export function derivativeShared(
  rows: i32, cols: i32, m: i32, nnz: i32,
  rowPtr: usize, colIdx: usize, vals: usize,
  field: usize, out: usize, acc: usize,
): void {
  const rowBytes = <usize>cols << 3;
  const pairs = cols & ~1;
  for (let i = 0; i < rows; i++) {
    memory.fill(acc, 0, <usize>(m * cols) << 3);
    const p0 = load<i32>(rowPtr + (<usize>i << 2)), p1 = load<i32>(rowPtr + (<usize>(i + 1) << 2));
    for (let p = p0; p < p1; p++) {
      const xj = field + <usize>load<i32>(colIdx + (<usize>p << 2)) * rowBytes;
      for (let a = 0; a < m; a++) {
        const va = load<f64>(vals + ((<usize>a * <usize>nnz + <usize>p) << 3));
        const vv = f64x2.splat(va);
        const ao = acc + <usize>a * rowBytes;
        let c = 0;
        for (; c < pairs; c += 2) {
          const q = ao + (<usize>c << 3);
          v128.store(q, f64x2.add(v128.load(q), f64x2.mul(vv, v128.load(xj + (<usize>c << 3)))));
        }
        if (c < cols) {
          const q = ao + (<usize>c << 3);
          store<f64>(q, load<f64>(q) + va * load<f64>(xj + (<usize>c << 3)));
        }
      }
    }
    const oi = out + <usize>i * rowBytes * <usize>m;
    for (let a = 0; a < m; a++) {
      const ao = acc + <usize>a * rowBytes;
      for (let c = 0; c < cols; c++) store<f64>(oi + ((<usize>(c * m + a)) << 3), load<f64>(ao + (<usize>c << 3)));
    }
  }
}

// Rows of a heat-kernel expansion stored node-major in float32 (node, term, channel):
//   value[r, c] = Σ_j cv[j] · terms[nodes[r], j, c],  tangent[r, c] = Σ_j cd[j] · terms[nodes[r], j, c]
// in float64, j ascending, skipping zero coefficients exactly as the scalar loops do (bitwise equal).
// `tangent` may be 0 (not wanted).
export function gatherExpansion(
  rows: i32, nodes: usize, J: i32, C: i32,
  terms: usize, cv: usize, cd: usize,
  value: usize, tangent: usize,
): void {
  const quads = C & ~3;
  const rowBytes = <usize>C << 3;
  for (let r = 0; r < rows; r++) {
    const node = <usize>load<i32>(nodes + (<usize>r << 2));
    const vo = value + <usize>r * rowBytes;
    const to = tangent + <usize>r * rowBytes;
    memory.fill(vo, 0, rowBytes);
    if (tangent) memory.fill(to, 0, rowBytes);
    for (let j = 0; j < J; j++) {
      const term = terms + ((node * <usize>J + <usize>j) * <usize>C << 2);
      const a = load<f64>(cv + (<usize>j << 3)), b = load<f64>(cd + (<usize>j << 3));
      const useA = a != 0, useB = tangent != 0 && b != 0;
      const va = f64x2.splat(a), vb = f64x2.splat(b);
      let c = 0;
      for (; c < quads; c += 4) {
        const x = v128.load(term + (<usize>c << 2));
        const lo = f64x2.promote_low_f32x4(x);
        const hi = f64x2.promote_low_f32x4(v128.shuffle<f32>(x, x, 2, 3, 2, 3));
        const off = <usize>c << 3;
        if (useA) {
          v128.store(vo + off, f64x2.add(v128.load(vo + off), f64x2.mul(va, lo)));
          v128.store(vo + off, f64x2.add(v128.load(vo + off, 16), f64x2.mul(va, hi)), 16);
        }
        if (useB) {
          v128.store(to + off, f64x2.add(v128.load(to + off), f64x2.mul(vb, lo)));
          v128.store(to + off, f64x2.add(v128.load(to + off, 16), f64x2.mul(vb, hi)), 16);
        }
      }
      for (; c < C; c++) {
        const x = <f64>load<f32>(term + (<usize>c << 2));
        const off = <usize>c << 3;
        if (useA) store<f64>(vo + off, load<f64>(vo + off) + a * x);
        if (useB) store<f64>(to + off, load<f64>(to + off) + b * x);
      }
    }
  }
}

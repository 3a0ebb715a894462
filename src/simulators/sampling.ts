import { Matrix } from "../core/matrix.js";
import { Random } from "../core/random.js";
import { ValidationError, checkInteger } from "../core/validate.js";

/** An axis-aligned box: [lo, hi] on every axis, or per axis [[lo0, hi0], [lo1, hi1], …]. */
export type Box = [number, number] | [number, number][];

function boxBounds(box: Box, dim: number, where: string): [number, number][] {
  const b: [number, number][] = typeof box[0] === "number" ? Array.from({ length: dim }, () => box as [number, number]) : (box as [number, number][]);
  if (b.length !== dim) throw new ValidationError(`${where} box: expected ${dim} axes, got ${b.length}`);
  b.forEach(([lo, hi], i) => {
    if (!Number.isFinite(lo) || !Number.isFinite(hi) || !(hi > lo)) throw new ValidationError(`${where} box axis ${i}: need finite lo < hi, got [${lo}, ${hi}]`);
  });
  return b;
}

/** n points drawn uniformly in a box (seeded). */
export function sampleUniformBox(n: number, box: Box, options: { dim?: number; seed?: number; rng?: Random } = {}): Matrix {
  checkInteger(n, "sampleUniformBox n", 1);
  const dim = options.dim ?? (typeof box[0] === "number" ? 2 : box.length);
  const b = boxBounds(box, dim, "sampleUniformBox");
  const rng = options.rng ?? new Random(options.seed ?? 0);
  const out = new Matrix(n, dim);
  for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) out.data[i * dim + j] = rng.uniform(b[j][0], b[j][1]);
  return out;
}

/** A regular 2-D grid of perSide × perSide points spanning the box, row-major in y then x (like numpy.meshgrid). */
export function sampleGrid2d(perSide: number, box: Box = [-1, 1]): Matrix {
  checkInteger(perSide, "sampleGrid2d perSide", 2);
  const [[x0, x1], [y0, y1]] = boxBounds(box, 2, "sampleGrid2d");
  const out = new Matrix(perSide * perSide, 2);
  for (let r = 0; r < perSide; r++) {
    for (let c = 0; c < perSide; c++) {
      const i = r * perSide + c;
      out.data[2 * i] = x0 + ((x1 - x0) * c) / (perSide - 1);
      out.data[2 * i + 1] = y0 + ((y1 - y0) * r) / (perSide - 1);
    }
  }
  return out;
}

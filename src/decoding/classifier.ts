/**
 * Linear classifier for reach direction: multinomial logistic regression (softmax) with an L2
 * penalty, fitted by L-BFGS on standardised features. The method classifies reach direction from
 * hand trajectories (trained on true trajectories, scored on decoded ones); the authors' scripts
 * use scikit-learn's SVC with its default (RBF) kernel. Here the classifier is linear by design:
 * one weight vector and bias per class, a smooth loss with a unique optimum, so results are
 * reproducible and the decision rule is inspectable.
 * Objective (as scikit-learn's LogisticRegression with C): ½‖W‖² + C Σ_i −log softmax(x_i W + b)_{y_i}.
 */
import { Matrix, type MatrixLike } from "../core/matrix.js";
import { toMatrix, withDefaults, checkNumber, checkInteger, ValidationError, assertFinite } from "../core/validate.js";

export interface LinearClassifierOptions {
  /** Inverse regularisation strength. */
  C?: number;
  maxIter?: number;
  /** Stop when the gradient's max-norm falls below this. */
  tol?: number;
}

export class LinearClassifier {
  readonly C: number;
  readonly maxIter: number;
  readonly tol: number;
  classes: number[] = [];
  /** (d + 1) × K parameters on standardised features; last row is the bias. */
  params: Float64Array | null = null;
  private mean: Float64Array | null = null;
  private scale: Float64Array | null = null;
  iterations = 0;

  constructor(options: LinearClassifierOptions = {}) {
    const o = withDefaults<Required<LinearClassifierOptions>>({ C: 1, maxIter: 500, tol: 1e-6 }, options, "LinearClassifier");
    checkNumber(o.C, "LinearClassifier C", Number.MIN_VALUE);
    checkInteger(o.maxIter, "LinearClassifier maxIter", 1);
    checkNumber(o.tol, "LinearClassifier tol", 0);
    this.C = o.C;
    this.maxIter = o.maxIter;
    this.tol = o.tol;
  }

  fit(x: MatrixLike, labels: ArrayLike<number>): this {
    const X = toMatrix(x, "LinearClassifier x");
    if (!labels || labels.length !== X.rows) {
      throw new ValidationError(`LinearClassifier: x has ${X.rows} rows but labels has ${labels ? labels.length : "no"} entries; pass one label per row`);
    }
    assertFinite(labels, "LinearClassifier labels");
    this.classes = Array.from(new Set(Array.from(labels))).sort((a, b) => a - b);
    if (this.classes.length < 2) throw new ValidationError("LinearClassifier: labels contain a single class; need at least 2");
    const index = new Map(this.classes.map((c, i) => [c, i]));
    const y = Int32Array.from(labels, (l) => index.get(l)!);
    const { Z, mean, scale } = standardizeFit(X);
    this.mean = mean;
    this.scale = scale;
    const K = this.classes.length, d = X.cols;
    const w = new Float64Array((d + 1) * K);
    const f = (p: Float64Array, g: Float64Array) => softmaxLoss(Z, y, K, p, g, this.C);
    const res = lbfgs(f, w, this.maxIter, this.tol);
    this.params = res.x;
    this.iterations = res.iterations;
    return this;
  }

  /** Class scores (n × K) on the fitted classes. */
  decisionFunction(x: MatrixLike): Matrix {
    if (!this.params) throw new ValidationError("LinearClassifier: call fit before predict");
    const X = toMatrix(x, "LinearClassifier x", { cols: this.mean!.length });
    const n = X.rows, d = X.cols, K = this.classes.length;
    const out = new Matrix(n, K);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < K; k++) out.data[i * K + k] = this.params[d * K + k];
      for (let j = 0; j < d; j++) {
        const z = (X.data[i * d + j] - this.mean![j]) * this.scale![j];
        for (let k = 0; k < K; k++) out.data[i * K + k] += z * this.params[j * K + k];
      }
    }
    return out;
  }

  predict(x: MatrixLike): number[] {
    const S = this.decisionFunction(x);
    const K = S.cols;
    const out: number[] = [];
    for (let i = 0; i < S.rows; i++) {
      let b = 0;
      for (let k = 1; k < K; k++) if (S.data[i * K + k] > S.data[i * K + b]) b = k;
      out.push(this.classes[b]);
    }
    return out;
  }

  /** Fraction of rows whose predicted class equals the label. */
  score(x: MatrixLike, labels: ArrayLike<number>): number {
    const p = this.predict(x);
    if (labels.length !== p.length) throw new ValidationError(`LinearClassifier score: ${p.length} rows but ${labels.length} labels`);
    let ok = 0;
    for (let i = 0; i < p.length; i++) if (p[i] === labels[i]) ok++;
    return ok / p.length;
  }
}

function standardizeFit(X: Matrix) {
  const n = X.rows, d = X.cols;
  const mean = new Float64Array(d), scale = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    let s = 0, s2 = 0;
    for (let i = 0; i < n; i++) {
      s += X.data[i * d + j];
      s2 += X.data[i * d + j] ** 2;
    }
    mean[j] = s / n;
    const sd = Math.sqrt(Math.max(s2 / n - mean[j] ** 2, 0));
    scale[j] = sd > 0 ? 1 / sd : 0;
  }
  const Z = new Matrix(n, d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) Z.data[i * d + j] = (X.data[i * d + j] - mean[j]) * scale[j];
  return { Z, mean, scale };
}

/**
 * Penalised softmax loss and its gradient (written into g). Parameters p are (d + 1) × K,
 * row-major, the last row the unpenalised bias.
 */
export function softmaxLoss(Z: Matrix, y: Int32Array, K: number, p: Float64Array, g: Float64Array, C: number): number {
  const n = Z.rows, d = Z.cols;
  g.fill(0);
  let loss = 0;
  const s = new Float64Array(K);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < K; k++) s[k] = p[d * K + k];
    for (let j = 0; j < d; j++) {
      const z = Z.data[i * d + j];
      if (z === 0) continue;
      for (let k = 0; k < K; k++) s[k] += z * p[j * K + k];
    }
    let mx = -Infinity;
    for (let k = 0; k < K; k++) mx = Math.max(mx, s[k]);
    let sum = 0;
    for (let k = 0; k < K; k++) {
      s[k] = Math.exp(s[k] - mx);
      sum += s[k];
    }
    loss += C * (Math.log(sum) + mx - (Math.log(s[y[i]]) + mx));
    for (let k = 0; k < K; k++) {
      const r = C * (s[k] / sum - (k === y[i] ? 1 : 0));
      g[d * K + k] += r;
      for (let j = 0; j < d; j++) g[j * K + k] += r * Z.data[i * d + j];
    }
  }
  for (let e = 0; e < d * K; e++) {
    loss += 0.5 * p[e] * p[e];
    g[e] += p[e];
  }
  return loss;
}

/** L-BFGS (memory 10) with a backtracking Armijo line search. */
export function lbfgs(f: (x: Float64Array, g: Float64Array) => number, x0: Float64Array, maxIter: number, tol: number) {
  const n = x0.length, m = 10;
  const x = x0.slice();
  let g = new Float64Array(n);
  let fx = f(x, g);
  const S: Float64Array[] = [], Yv: Float64Array[] = [], rho: number[] = [];
  const dir = new Float64Array(n);
  const alpha = new Float64Array(m);
  let it = 0;
  for (; it < maxIter; it++) {
    let gmax = 0;
    for (let i = 0; i < n; i++) gmax = Math.max(gmax, Math.abs(g[i]));
    if (gmax <= tol) break;
    // Two-loop recursion.
    for (let i = 0; i < n; i++) dir[i] = -g[i];
    for (let h = S.length - 1; h >= 0; h--) {
      let a = 0;
      for (let i = 0; i < n; i++) a += S[h][i] * dir[i];
      a *= rho[h];
      alpha[h] = a;
      for (let i = 0; i < n; i++) dir[i] -= a * Yv[h][i];
    }
    if (S.length > 0) {
      const h = S.length - 1;
      let yy = 0;
      for (let i = 0; i < n; i++) yy += Yv[h][i] * Yv[h][i];
      const gamma = 1 / (rho[h] * yy);
      for (let i = 0; i < n; i++) dir[i] *= gamma;
    }
    for (let h = 0; h < S.length; h++) {
      let b = 0;
      for (let i = 0; i < n; i++) b += Yv[h][i] * dir[i];
      b *= rho[h];
      for (let i = 0; i < n; i++) dir[i] += S[h][i] * (alpha[h] - b);
    }
    let slope = 0;
    for (let i = 0; i < n; i++) slope += g[i] * dir[i];
    if (slope >= 0) {
      // Not a descent direction: restart from steepest descent.
      S.length = Yv.length = rho.length = 0;
      for (let i = 0; i < n; i++) dir[i] = -g[i];
      slope = 0;
      for (let i = 0; i < n; i++) slope -= g[i] * g[i];
    }
    let step = S.length === 0 ? Math.min(1, 1 / Math.sqrt(-slope)) : 1;
    const xNew = new Float64Array(n);
    const gNew = new Float64Array(n);
    let fNew = Infinity;
    for (let ls = 0; ls < 50; ls++) {
      for (let i = 0; i < n; i++) xNew[i] = x[i] + step * dir[i];
      fNew = f(xNew, gNew);
      if (fNew <= fx + 1e-4 * step * slope) break;
      step *= 0.5;
    }
    if (!(fNew <= fx)) break;
    const s = new Float64Array(n), yv = new Float64Array(n);
    let sy = 0;
    for (let i = 0; i < n; i++) {
      s[i] = xNew[i] - x[i];
      yv[i] = gNew[i] - g[i];
      sy += s[i] * yv[i];
    }
    x.set(xNew);
    g = gNew;
    const df = fx - fNew;
    fx = fNew;
    if (sy > 1e-12) {
      S.push(s);
      Yv.push(yv);
      rho.push(1 / sy);
      if (S.length > m) {
        S.shift();
        Yv.shift();
        rho.shift();
      }
    }
    if (df <= 2.2e-16 * Math.max(1, Math.abs(fx))) {
      it++;
      break;
    }
  }
  return { x, f: fx, iterations: it };
}

import { Matrix } from "../core/matrix.js";
import { Random } from "../core/random.js";
import { checkReference, type Reference } from "../core/reference.js";
import { ValidationError, checkInteger, checkNumber, checkOneOf, withDefaults } from "../core/validate.js";
import { dormandPrince } from "./ode.js";
import { vanDerPolField } from "./fields.js";
import { liftToParaboloid, type LiftOptions } from "./paraboloid.js";
import { deriveSeed } from "./seeds.js";

export interface VanDerPolConditionsOptions {
  /** One condition per μ (the paper: linspace(−1, 1, 40)). */
  mus: number[];
  /** Initial conditions per μ, uniform in the box. */
  numInitial: number;
  /** Square box [lo, hi]² for initial conditions. */
  box: [number, number];
  /**
   * Points with any coordinate of position or velocity outside (lo, hi) are dropped; null (default)
   * uses `box`, "authors" reference mode uses (−5, 5) as the authors' reject_outliers does.
   */
  outlierBox: [number, number] | null;
  /** "authors": the authors' outlier cut (±5) unless outlierBox is given. */
  reference: Reference;
  /** Sampling times arange(0, tMax, dt) — tMax excluded, as numpy.arange in the authors' notebook (6 samples for 3, 0.5). */
  tMax: number;
  dt: number;
  /** Paraboloid curvature α (z = −(αx)² − (αy)²). */
  alpha: number;
  /** "paraboloid" (the paper) or "plane" (2-D anchors and vectors). */
  surface: "paraboloid" | "plane";
  /** "field": the vector field ẋ evaluated at each sample (the authors'); "diff": forward differences of the samples (pos = ts[0..T−2]). */
  velocity: "field" | "diff";
  /** How vectors are lifted onto the paraboloid (see liftToParaboloid). */
  liftMethod: LiftOptions["method"];
  keepLength: boolean;
  /** Integrator tolerances (Dormand–Prince 5(4)). */
  rtol: number;
  atol: number;
  seed: number;
}

export interface VanDerPolConditions {
  mus: number[];
  /** Per μ: positions (n × 3 on the paraboloid, or n × 2 on the plane). */
  anchor: Matrix[];
  /** Per μ: velocities at those positions. */
  vector: Matrix[];
  /** Per μ: for each point, the index of its initial condition and its time sample. */
  trajectory: Int32Array[];
  sample: Int32Array[];
  simulated: true;
  description: string;
}

/**
 * The inputs of the paper's van der Pol experiment: for each μ, `numInitial` trajectories from
 * uniform random initial conditions in the box, sampled at t = 0, dt, … < tMax; positions and
 * velocities (the field at each sample, as the authors take them) with points outside the box dropped
 * (the authors' reject_outliers cuts at ±5 instead: reference "authors"), then lifted onto the paraboloid. Each μ gets its own seeded
 * initial conditions (the authors draw a new set per μ too).
 */
export function vanDerPolConditions(options: Partial<VanDerPolConditionsOptions> & { mus: number[] }): VanDerPolConditions {
  const o = withDefaults<VanDerPolConditionsOptions>(
    { mus: [], numInitial: 100, box: [-3, 3], outlierBox: null, reference: "marblelab", tMax: 3, dt: 0.5, alpha: 0.05, surface: "paraboloid", velocity: "field", liftMethod: "endpoint", keepLength: true, rtol: 1e-8, atol: 1e-10, seed: 0 },
    options,
    "vanDerPolConditions",
  );
  if (!Array.isArray(o.mus) || o.mus.length === 0) throw new ValidationError("vanDerPolConditions mus: pass at least one μ, e.g. linspace(−1, 1, 40)");
  o.mus.forEach((m, i) => checkNumber(m, `vanDerPolConditions mus[${i}]`));
  checkInteger(o.numInitial, "vanDerPolConditions numInitial", 1);
  checkNumber(o.dt, "vanDerPolConditions dt", Number.MIN_VALUE);
  checkNumber(o.tMax, "vanDerPolConditions tMax", Number.MIN_VALUE);
  checkOneOf(o.surface, "vanDerPolConditions surface", ["paraboloid", "plane"]);
  checkOneOf(o.velocity, "vanDerPolConditions velocity", ["field", "diff"]);
  checkReference(o.reference, "vanDerPolConditions");
  const [lo, hi] = o.box;
  if (!(hi > lo)) throw new ValidationError(`vanDerPolConditions box: need lo < hi, got [${lo}, ${hi}]`);
  const [cutLo, cutHi] = o.outlierBox ?? (o.reference === "authors" ? [-5, 5] : o.box);
  if (!(cutHi > cutLo)) throw new ValidationError(`vanDerPolConditions outlierBox: need lo < hi, got [${cutLo}, ${cutHi}]`);
  const times: number[] = [];
  for (let k = 0; o.dt * k < o.tMax - 1e-12 * o.tMax; k++) times.push(o.dt * k);
  if (o.velocity === "diff" && times.length < 2) throw new ValidationError("vanDerPolConditions: velocity \"diff\" needs at least two samples; raise tMax or lower dt");

  const anchor: Matrix[] = [], vector: Matrix[] = [], trajectory: Int32Array[] = [], sample: Int32Array[] = [];
  const inside = (v: number) => v > cutLo && v < cutHi;
  for (let c = 0; c < o.mus.length; c++) {
    const f = vanDerPolField(o.mus[c]);
    const rng = new Random(deriveSeed(o.seed, c));
    const P: number[] = [], V: number[] = [], TR: number[] = [], SA: number[] = [];
    const fv = new Float64Array(2);
    for (let i = 0; i < o.numInitial; i++) {
      const y0 = [rng.uniform(lo, hi), rng.uniform(lo, hi)];
      const traj = integrateUntilBlowUp(f, y0, times, o.rtol, o.atol);
      const last = o.velocity === "diff" ? traj.length - 1 : traj.length;
      for (let k = 0; k < last; k++) {
        const x = traj[k][0], y = traj[k][1];
        let vx: number, vy: number;
        if (o.velocity === "field") {
          f(times[k], Float64Array.of(x, y), fv);
          vx = fv[0];
          vy = fv[1];
        } else {
          vx = traj[k + 1][0] - x;
          vy = traj[k + 1][1] - y;
        }
        if (!(inside(x) && inside(y) && inside(vx) && inside(vy))) continue;
        P.push(x, y);
        V.push(vx, vy);
        TR.push(i);
        SA.push(k);
      }
    }
    if (P.length === 0) throw new ValidationError(`vanDerPolConditions: no points left for μ = ${o.mus[c]} after dropping those outside (${cutLo}, ${cutHi}); enlarge outlierBox`);
    const p2 = new Matrix(P.length / 2, 2, Float64Array.from(P));
    const v2 = new Matrix(V.length / 2, 2, Float64Array.from(V));
    if (o.surface === "paraboloid") {
      const lifted = liftToParaboloid(p2, v2, { alpha: o.alpha, method: o.liftMethod, keepLength: o.keepLength });
      anchor.push(lifted.anchor);
      vector.push(lifted.vector);
    } else {
      anchor.push(p2);
      vector.push(v2);
    }
    trajectory.push(Int32Array.from(TR));
    sample.push(Int32Array.from(SA));
  }
  return {
    mus: o.mus.slice(),
    anchor,
    vector,
    trajectory,
    sample,
    simulated: true,
    description: `simulated van der Pol oscillator, ${o.mus.length} values of μ, ${o.numInitial} initial conditions in [${lo}, ${hi}]², samples at t = 0…${times[times.length - 1]} step ${o.dt}, ${o.surface === "paraboloid" ? `lifted onto z = −(${o.alpha}x)² − (${o.alpha}y)²` : "planar"}; seed ${o.seed}`,
  };
}

/**
 * Integrates one trajectory interval by interval; stops at a blow-up (|state| > 1e6 or a failed
 * step), returning the samples reached. For μ < 0 trajectories outside the unstable cycle diverge
 * in finite time; their later samples would be dropped as outliers anyway.
 */
function integrateUntilBlowUp(f: ReturnType<typeof vanDerPolField>, y0: number[], times: number[], rtol: number, atol: number): number[][] {
  const out: number[][] = [y0.slice()];
  let y = y0;
  for (let k = 1; k < times.length; k++) {
    try {
      const r = dormandPrince(f, y, [times[k - 1], times[k]], { rtol, atol, maxSteps: 100_000 });
      y = [r.y.get(1, 0), r.y.get(1, 1)];
    } catch {
      break;
    }
    if (!(Math.abs(y[0]) < 1e6 && Math.abs(y[1]) < 1e6)) break;
    out.push(y);
  }
  return out;
}

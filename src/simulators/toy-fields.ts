import { Matrix } from "../core/matrix.js";
import { Random } from "../core/random.js";
import { checkInteger, checkNumber, checkOneOf, withDefaults } from "../core/validate.js";
import { TOY_FIELD_NAMES, toyField } from "./fields.js";
import { liftToParaboloid, type LiftOptions } from "./paraboloid.js";
import { deriveSeed } from "./seeds.js";

export interface ToyFieldOptions {
  /** Points per field, uniform in [−1, 1]². */
  numPoints: number;
  seed: number;
  surface: "plane" | "paraboloid";
  /** Paraboloid curvature α. */
  alpha: number;
  /** The authors sample all four fields at the same points (same seed); false draws each field its own points. */
  samePoints: boolean;
  liftMethod: LiftOptions["method"];
  keepLength: boolean;
}

/**
 * The four toy vector fields of the paper (§6; the authors' examples/toy_examples): constant
 * (−1, −1), constant (1, 1), and two clockwise vortices centred at (−1, 0) and (1, 0), on
 * `numPoints` random points in [−1, 1]², optionally lifted onto the paraboloid z = −(αx)² − (αy)²
 * keeping each vector's length (as the authors' curved-surface example does).
 */
export function toyFieldConditions(options?: Partial<ToyFieldOptions>): { names: string[]; anchor: Matrix[]; vector: Matrix[]; simulated: true; description: string } {
  const o = withDefaults<ToyFieldOptions>({ numPoints: 512, seed: 0, surface: "plane", alpha: 0.05, samePoints: true, liftMethod: "endpoint", keepLength: true }, options, "toyFieldConditions");
  checkInteger(o.numPoints, "toyFieldConditions numPoints", 1);
  checkNumber(o.alpha, "toyFieldConditions alpha");
  checkOneOf(o.surface, "toyFieldConditions surface", ["plane", "paraboloid"]);
  const anchor: Matrix[] = [], vector: Matrix[] = [];
  const uv = new Float64Array(2);
  for (let c = 0; c < 4; c++) {
    const rng = new Random(o.samePoints ? deriveSeed(o.seed) : deriveSeed(o.seed, c));
    const P = new Matrix(o.numPoints, 2), V = new Matrix(o.numPoints, 2);
    for (let i = 0; i < o.numPoints; i++) {
      const x = rng.uniform(-1, 1), y = rng.uniform(-1, 1);
      toyField(c, x, y, uv);
      P.data[2 * i] = x;
      P.data[2 * i + 1] = y;
      V.data[2 * i] = uv[0];
      V.data[2 * i + 1] = uv[1];
    }
    if (o.surface === "paraboloid") {
      const l = liftToParaboloid(P, V, { alpha: o.alpha, method: o.liftMethod, keepLength: o.keepLength });
      anchor.push(l.anchor);
      vector.push(l.vector);
    } else {
      anchor.push(P);
      vector.push(V);
    }
  }
  return {
    names: [...TOY_FIELD_NAMES],
    anchor,
    vector,
    simulated: true,
    description: `simulated: four toy vector fields on ${o.numPoints} random points in [−1, 1]²${o.surface === "paraboloid" ? `, lifted onto z = −(${o.alpha}x)² − (${o.alpha}y)²` : ""}; seed ${o.seed}`,
  };
}

/**
 * The van der Pol family across its Hopf bifurcation (notebook 02's pipeline): simulate the
 * conditions on a paraboloid, embed them jointly with MARBLE, OT distances between the conditions'
 * latent distributions, MDS, and the ordering statistics of ./ordering.ts.
 */
import { Matrix } from "../../core/index.js";
import { constructDataset } from "../../geometry/index.js";
import { distributionDistances, embed2D } from "../../postprocessing/index.js";
import { vanDerPolConditions } from "../../simulators/index.js";
import { fitMarble } from "./fit.js";
import { arcOrderRho, blockRatio, pairwiseRho } from "./ordering.js";
import { bool, num, type ExperimentContext, type ExperimentResult } from "./types.js";

function orderStats(samples: Matrix, conditions: Int32Array, mus: number[], seed: number): { orderRho: number; pairRho: number; blockRatio: number } {
  const { dist } = distributionDistances(samples, conditions, { seed });
  const mds = embed2D(dist, { method: "mds", seed });
  return { orderRho: Math.abs(arcOrderRho(mds, mus)), pairRho: pairwiseRho(dist, mus), blockRatio: blockRatio(dist, mus) };
}

export async function vanDerPolOrdering(ctx: ExperimentContext): Promise<ExperimentResult> {
  const p = ctx.params;
  const n = num(p, "preprocessing.numMu"), lo = num(p, "preprocessing.muMin"), hi = num(p, "preprocessing.muMax");
  const mus = Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));
  const sim = vanDerPolConditions({ mus, numInitial: num(p, "preprocessing.numInitial"), alpha: num(p, "preprocessing.alpha"), seed: ctx.seed });
  const data = constructDataset({ anchor: sim.anchor, vector: sim.vector, spacing: num(p, "preprocessing.spacing"),
    k: num(p, "marble.k"), delta: num(p, "marble.delta"), seed: ctx.seed });
  ctx.log(`${n} values of μ in [${lo}, ${hi}], ${data.numNodes} nodes after spacing`);
  const { model, trainLoss } = await fitMarble(ctx, data);
  const stats = orderStats(model.transform(data), data.y, mus, ctx.seed);
  ctx.log(`|Spearman ρ(μ, MDS order)| ${stats.orderRho.toFixed(4)}, ρ(|Δμ|, distance) ${stats.pairRho.toFixed(4)}, block ratio ${stats.blockRatio.toFixed(3)}`);
  const metrics: Record<string, number> = { ...stats, trainLoss, nodes: data.numNodes };
  if (bool(p, "evaluation.rawBaseline")) {
    const raw = new Matrix(data.numNodes, data.pos.cols + data.x.cols);
    for (let i = 0; i < data.numNodes; i++) {
      for (let j = 0; j < data.pos.cols; j++) raw.set(i, j, data.pos.get(i, j));
      for (let j = 0; j < data.x.cols; j++) raw.set(i, data.pos.cols + j, data.x.get(i, j));
    }
    const r = orderStats(raw, data.y, mus, ctx.seed);
    Object.assign(metrics, { rawOrderRho: r.orderRho, rawPairRho: r.pairRho, rawBlockRatio: r.blockRatio });
  }
  return { metrics };
}

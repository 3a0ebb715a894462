/** The experiment a task runs, by the kind of its dataset. */
import { datasetKind } from "../parameters.js";
import { ratDecoding } from "./rat-decoding.js";
import { vanDerPolOrdering } from "./van-der-pol.js";
import type { ExperimentContext, ExperimentResult } from "./types.js";

export function runExperiment(ctx: ExperimentContext): Promise<ExperimentResult> {
  return datasetKind(ctx.dataset) === "rat" ? ratDecoding(ctx) : vanDerPolOrdering(ctx);
}

export { METRIC_TITLES, METRIC_UNITS, type ExperimentContext, type ExperimentResult } from "./types.js";
export { arcOrderRho, pairwiseRho, blockRatio } from "./ordering.js";

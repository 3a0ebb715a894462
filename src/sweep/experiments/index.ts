/** The experiment a task runs, by the kind of its dataset. */
import { datasetKind } from "../parameters.js";
import type { ExperimentContext, ExperimentResult } from "./types.js";

// each experiment is loaded by the task that runs it: together they pull in most of the library
// (decoding, io, postprocessing), which `marble sweep plan` / `status` and importing the library
// do not need
export async function runExperiment(ctx: ExperimentContext): Promise<ExperimentResult> {
  if (datasetKind(ctx.dataset) === "rat") return (await import("./rat-decoding.js")).ratDecoding(ctx);
  return (await import("./van-der-pol.js")).vanDerPolOrdering(ctx);
}

export { METRIC_TITLES, METRIC_UNITS, type ExperimentContext, type ExperimentResult } from "./types.js";
export { arcOrderRho, pairwiseRho, blockRatio } from "./ordering.js";

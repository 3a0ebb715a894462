/** MARBLE's training from a sweep task's parameters, with the task's checkpoint folder and log. */
import type { MarbleDataset } from "../../geometry/index.js";
import { Marble } from "../../model/index.js";
import { bool, num, type ExperimentContext } from "./types.js";

export async function fitMarble(ctx: ExperimentContext, train: MarbleDataset): Promise<{ model: Marble; trainLoss: number }> {
  const p = ctx.params;
  const model = new Marble(train, {
    epochs: num(p, "marble.epochs"),
    order: num(p, "marble.order"),
    hiddenChannels: [num(p, "marble.hidden")],
    outChannels: num(p, "marble.outChannels"),
    embNorm: bool(p, "marble.embNorm"),
    includePositions: bool(p, "marble.includePositions"),
    diffusion: bool(p, "marble.diffusion"),
    innerProductFeatures: bool(p, "marble.innerProductFeatures"),
    seed: ctx.seed,
  });
  const fit = await model.fit(train, {
    outdir: ctx.checkpointDir,
    progress: false,
    signal: ctx.signal,
    onEpoch: (r) => ctx.log(`epoch ${r.epoch}: train loss ${r.trainLoss.toPrecision(6)}, validation loss ${r.valLoss.toPrecision(6)} (${r.seconds.toFixed(2)} s)`),
  });
  return { model, trainLoss: fit.trainLoss[fit.trainLoss.length - 1] };
}

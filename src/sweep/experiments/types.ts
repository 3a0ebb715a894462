/** What a sweep experiment receives and returns. */
import type { ParamValue } from "../parameters.js";

export interface ExperimentContext {
  dataset: string;
  seed: number;
  params: Record<string, ParamValue>;
  /** Folder for this attempt's MARBLE checkpoint (new or empty). */
  checkpointDir: string;
  /** Appends a line to the task's log. */
  log: (line: string) => void;
  /** Stops training cleanly (Ctrl-C, scancel). */
  signal?: AbortSignal;
}

/**
 * A task's outcome. `metrics` are what the collected table holds, so they must depend on the
 * inputs and seed only (no timings): the same task gives the same numbers on any executor.
 */
export interface ExperimentResult {
  metrics: Record<string, number>;
}

/** Units of the metrics, for table headers and figure axes. */
export const METRIC_UNITS: Record<string, string> = {
  medianError: "m",
  meanError: "m",
  trainLoss: "",
  orderRho: "",
  pairRho: "",
  blockRatio: "",
  rawOrderRho: "",
  rawPairRho: "",
  rawBlockRatio: "",
  nodes: "nodes",
  trainNodes: "nodes",
  testNodes: "nodes",
};

/** Axis titles of the metrics. */
export const METRIC_TITLES: Record<string, string> = {
  medianError: "median |position error| (m)",
  meanError: "mean |position error| (m)",
  trainLoss: "final training loss",
  orderRho: "|Spearman ρ(μ, MDS order)|",
  pairRho: "Spearman ρ(|Δμ|, OT distance)",
  blockRatio: "OT distance across μ = 0 / same side",
  rawOrderRho: "raw baseline |Spearman ρ(μ, MDS order)|",
  rawPairRho: "raw baseline Spearman ρ(|Δμ|, OT distance)",
  rawBlockRatio: "raw baseline distance ratio across μ = 0",
  nodes: "graph nodes",
  trainNodes: "training nodes",
  testNodes: "test nodes",
};

export function num(params: Record<string, ParamValue>, key: string): number {
  const v = params[key];
  if (typeof v !== "number") throw new Error(`parameter ${key} is missing or not a number (${JSON.stringify(v)})`);
  return v;
}

export function bool(params: Record<string, ParamValue>, key: string): boolean {
  return params[key] === true;
}

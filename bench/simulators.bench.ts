import { LowRankRnn, rnnGainConditions, dmsAccuracy, vanDerPolConditions, simulateMacaqueReaching, preprocessReaching } from "../src/index.js";
import { readRnnJson } from "../test/simulators/rnn-file.js";
import type { BenchCase } from "./types.js";

const linspace = (a: number, b: number, n: number) => Array.from({ length: n }, (_, i) => a + ((b - a) * i) / (n - 1));

export const cases: BenchCase[] = [
  {
    name: "RNN experiment inputs, paper scale (net 1, 20 gains × 200 trials, PCA to 3)",
    run: () => {
      const net = LowRankRnn.fromWeights(readRnnJson("dms_rank2_500"));
      const r = rnnGainConditions(net, { seed: 0 });
      const points = r.anchor.reduce((s, a) => s + a.rows, 0);
      return { conditions: r.anchor.length, points, pcaVariance: Array.from(r.explainedVarianceRatio).map((v) => v.toFixed(3)).join("/") };
    },
  },
  {
    name: "DMS accuracy curve (net 1, 20 gains × 200 trials)",
    run: () => {
      const net = LowRankRnn.fromWeights(readRnnJson("dms_rank2_500"));
      const acc = linspace(1, 0, 20).map((gain, i) => dmsAccuracy(net, { gain, numTrials: 200, seed: i }).accuracy);
      return { accuracies: acc.map((a) => a.toFixed(2)).join(" ") };
    },
  },
  {
    name: "van der Pol inputs (40 μ × 100 initial conditions, paraboloid)",
    run: () => {
      const v = vanDerPolConditions({ mus: linspace(-1, 1, 40), seed: 0 });
      return { points: v.anchor.reduce((s, a) => s + a.rows, 0) };
    },
  },
  {
    name: "simulated macaque (44 sessions × 7 × 10 trials) + preprocessing",
    run: () => {
      const d = simulateMacaqueReaching({ seed: 0 });
      const s = preprocessReaching(d);
      return { trials: d.trials.length, points: s.reduce((a, x) => a + x.conditions.anchor.reduce((b, m) => b + m.rows, 0), 0) };
    },
  },
];

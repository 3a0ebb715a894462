import { Matrix, Random, flowFieldBundle, latentSpaceBundle, LATENT_MIME, FLOWFIELD_MIME } from "../src/index.js";
import type { BenchCase } from "./types.js";

function payloadMB(bundle: Record<string, unknown>, mime: string): number {
  return JSON.stringify(bundle[mime]).length / 1e6;
}

export const cases: BenchCase[] = [
  {
    name: "latentSpaceBundle, 100k points, 20-D → PCA 2-D, labels",
    target: "≤ 1 s",
    run: () => {
      const rng = new Random(0);
      const n = 100_000;
      const emb = new Matrix(n, 20, Float64Array.from({ length: n * 20 }, () => rng.normal()));
      const labels = Float64Array.from({ length: n }, (_, i) => i % 100);
      const t0 = performance.now();
      const b = latentSpaceBundle(emb, { labels });
      return { ms: performance.now() - t0, payloadMB: payloadMB(b, LATENT_MIME), svgKB: b["image/svg+xml"].length / 1e3 };
    },
  },
  {
    name: "flowFieldBundle, 4 conditions × 25k arrows in 2-D",
    target: "≤ 1 s",
    run: () => {
      const rng = new Random(1);
      const pos: Matrix[] = [], vec: Matrix[] = [];
      for (let c = 0; c < 4; c++) {
        pos.push(new Matrix(25_000, 2, Float64Array.from({ length: 50_000 }, () => rng.uniform(-1, 1))));
        vec.push(new Matrix(25_000, 2, Float64Array.from({ length: 50_000 }, () => rng.normal())));
      }
      const t0 = performance.now();
      const b = flowFieldBundle(pos, vec);
      return { ms: performance.now() - t0, payloadMB: payloadMB(b, FLOWFIELD_MIME), svgKB: b["image/svg+xml"].length / 1e3 };
    },
  },
];

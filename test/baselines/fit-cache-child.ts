// Fits the small contrastive model of fit-cache.test.ts into the folder argv[2] and prints whether
// it came from the cache (run by that test under another kernel variant).
import { ContrastiveEmbedder } from "../../src/baselines/index.js";
import { syntheticTrack } from "./synthetic.js";

const { rates, latent } = syntheticTrack({ length: 400, channels: 12, seed: 2 });
const m = new ContrastiveEmbedder({ iterations: 12, batchSize: 32, hiddenUnits: 8, outputDimension: 4, seed: 5, conditional: "behaviour", memory: process.argv[2] }).fit(rates, latent);
process.stdout.write(JSON.stringify({ fittedFromCache: m.fittedFromCache }));

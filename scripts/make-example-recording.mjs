#!/usr/bin/env node
// Writes data/examples/synthetic-900.arrow: a simulated 900-neuron recording (Poisson spike counts
// driven by a 2-D noisy limit cycle, simulatePopulationRecording, seeded) as an Arrow IPC table —
// one uint8 column per neuron (n000 … n899) plus time (s), trial, block (pairs of trials), and the
// simulated latent phase and radius, for checking what an embedding recovers.
//
//   node --import tsx scripts/make-example-recording.mjs
//
// Re-running it reproduces the file byte for byte.
import { mkdirSync, renameSync, writeFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { tableFromArrays, tableToIPC } from "apache-arrow";
import { simulatePopulationRecording } from "../src/simulators/synthetic-recording.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "data", "examples", "synthetic-900.arrow");
export const EXAMPLE = { numNeurons: 900, numBins: 1800, numTrials: 6, binSeconds: 0.02, frequency: 1, meanRate: 8, seed: 900 };

const sim = simulatePopulationRecording(EXAMPLE);
const T = sim.counts.rows, N = sim.counts.cols;
const columns = {};
for (let j = 0; j < N; j++) {
  const col = new Uint8Array(T);
  for (let t = 0; t < T; t++) {
    const v = sim.counts.data[t * N + j];
    if (v > 255) throw new Error(`count ${v} does not fit uint8 (neuron ${j}, bin ${t})`);
    col[t] = v;
  }
  columns[`n${String(j).padStart(3, "0")}`] = col;
}
columns.time = Float64Array.from({ length: T }, (_, t) => Number((t * sim.binSeconds).toFixed(6)));
columns.trial = Int16Array.from(sim.trial);
columns.block = Int16Array.from(sim.trial, (tr) => Math.floor(tr / 2));
columns.phase = Float32Array.from(sim.phase);
columns.radius = Float32Array.from({ length: T }, (_, t) => Math.hypot(sim.latent.data[2 * t], sim.latent.data[2 * t + 1]));

const bytes = tableToIPC(tableFromArrays(columns), "file");
mkdirSync(dirname(out), { recursive: true });
const tmp = join(dirname(out), `.synthetic-900.arrow.${process.pid}.tmp`);
try {
  writeFileSync(tmp, bytes);
  renameSync(tmp, out);
} catch (e) {
  rmSync(tmp, { force: true });
  throw e;
}
let spikes = 0;
for (let i = 0; i < sim.counts.data.length; i++) spikes += sim.counts.data[i];
console.log(`${out}: ${T} bins × ${N} neurons, ${spikes} spikes, ${bytes.length} bytes`);

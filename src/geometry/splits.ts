import { Random } from "../core/random.js";

/** Seeded random split of n nodes into train/val/test masks (fractions 0.8/0.1/0.1 by default). */
export function splitMasks(n: number, seed = 0, fractions: [number, number, number] = [0.8, 0.1, 0.1]): { trainMask: Uint8Array; valMask: Uint8Array; testMask: Uint8Array } {
  const perm = new Random(seed).permutation(n);
  const total = fractions[0] + fractions[1] + fractions[2];
  const nTrain = Math.floor((n * fractions[0]) / total);
  const nVal = Math.floor((n * fractions[1]) / total);
  const trainMask = new Uint8Array(n), valMask = new Uint8Array(n), testMask = new Uint8Array(n);
  for (let r = 0; r < n; r++) {
    const i = perm[r];
    if (r < nTrain) trainMask[i] = 1;
    else if (r < nTrain + nVal) valMask[i] = 1;
    else testMask[i] = 1;
  }
  return { trainMask, valMask, testMask };
}

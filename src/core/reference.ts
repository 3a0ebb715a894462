/**
 * Which method a computation follows. "marblelab" (the default) is the corrected method;
 * "authors" reproduces the choices of the authors' Python implementation wherever MarbleLab departs
 * from it on purpose, so their numbers can be obtained here and each departure measured:
 *
 * - dataset construction: anchors and signals rounded to float32 (the reference stores them as
 *   float32 tensors); the connectivity rule is "every node has a neighbour" (the reference's
 *   degree > 1 with its self loop counted) instead of rejecting disconnected graphs;
 * - training: a node's positive is drawn from its neighbours and itself (the reference's graphs
 *   keep self loops);
 * Not reproduced: the reference's frame neighbourhoods (by hop count, ties in its heap's order) and
 * its spectral diffusion (eigh of the non-symmetric random-walk Laplacian); see environment.md.
 * - MDS: scikit-learn's SMACOF from 20 random starts, without the classical-MDS start;
 * - van der Pol inputs: points dropped outside the ±5 box (the reference's reject_outliers) rather
 *   than outside the initial-condition box.
 *
 * Every option named `reference` is checked here, so the accepted values and the message are the same
 * everywhere.
 */
import { checkOneOf } from "./validate.js";

export type Reference = "marblelab" | "authors";
export const REFERENCES: readonly Reference[] = ["marblelab", "authors"];

/** Throws unless `value` is a known reference; `where` names the caller in the message. */
export function checkReference(value: Reference, where: string): void {
  checkOneOf(value, `${where}: reference ("marblelab" for the corrected method, "authors" for the authors' choices)`, REFERENCES);
}

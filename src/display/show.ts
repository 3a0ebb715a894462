// Display wrappers: inside a tslab kernel they emit the bundle as one display_data
// message and return undefined (so nothing else is printed); elsewhere they return the
// bundle for the caller to save, embed or inspect.
import type { MatrixLike } from "../core/matrix.js";
import {
  distanceMatrixBundle,
  flowFieldBundle,
  latentSpaceBundle,
  type DistanceMatrixOptions,
  type FlowFieldOptions,
  type LatentSpaceOptions,
  type MarbleBundle,
} from "./figures.js";
import { emitBundle } from "./tslab.js";

/** Displays a MIME bundle in tslab (returns undefined) or returns it unchanged elsewhere. */
export function showBundle(bundle: MarbleBundle): MarbleBundle | undefined {
  return emitBundle(bundle) ? undefined : bundle;
}

/** Shows a vector field (see {@link flowFieldBundle}). */
export function flowField(positions: MatrixLike | MatrixLike[], vectors: MatrixLike | MatrixLike[], options?: Partial<FlowFieldOptions>): MarbleBundle | undefined {
  return showBundle(flowFieldBundle(positions, vectors, options));
}

/** Shows a latent-space scatter (see {@link latentSpaceBundle}). */
export function latentSpace(embedding: MatrixLike, options?: Partial<LatentSpaceOptions>): MarbleBundle | undefined {
  return showBundle(latentSpaceBundle(embedding, options));
}

/** Shows a distance-matrix heatmap with its MDS embedding (see {@link distanceMatrixBundle}). */
export function distanceMatrix(distances: MatrixLike, options?: Partial<DistanceMatrixOptions>): MarbleBundle | undefined {
  return showBundle(distanceMatrixBundle(distances, options));
}

// The colours of categories (conditions, clusters, methods) in every MarbleLab figure: the
// publication figures, the notebooks' static SVG fallbacks and the JupyterLab extension.
// This file imports nothing: scripts/build-extension.mjs copies it verbatim to
// extension/src/palette.ts, so the browser bundle uses the same colours without reaching into
// the library (a test checks that the two files are identical).

/** Okabe & Ito's eight colours, distinguishable with every common colour-vision deficiency. */
export const OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"] as const;

/** Colour of category `k` (cycling after eight). */
export function categoryColor(k: number): string {
  return OKABE_ITO[((k % OKABE_ITO.length) + OKABE_ITO.length) % OKABE_ITO.length];
}

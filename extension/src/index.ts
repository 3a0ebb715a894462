// MarbleLab's JupyterLab mime renderers: vector fields, latent embeddings and distance
// matrices, with linked selection between figures of the same dataset.
import type { IRenderMime } from "@jupyterlab/rendermime-interfaces";
import { DISTANCES_MIME, FLOWFIELD_MIME, LATENT_MIME } from "./payload";
import { MarbleFigureWidget } from "./widget";
import "../style/index.css";

function extension(kind: string, mimeType: string): IRenderMime.IExtension {
  return {
    id: `@marble-lab/jupyterlab-marble:${kind}`,
    // rank below the built-in SVG/text renderers so the interactive view wins over the fallbacks
    rank: 0,
    dataType: "json",
    rendererFactory: {
      safe: true,
      mimeTypes: [mimeType],
      defaultRank: 0,
      createRenderer: (options) => new MarbleFigureWidget(options),
    },
  };
}

const extensions: IRenderMime.IExtension[] = [
  extension("flowfield", FLOWFIELD_MIME),
  extension("latent", LATENT_MIME),
  extension("distances", DISTANCES_MIME),
];

export default extensions;
export { MarbleFigureWidget, buildFigure, loadPlotly } from "./widget";
export { selectionBus } from "./selection";
// a PDF (or other) converter of the saved SVG can be plugged in here; "Save figure" then writes it too
export { registerFigureFormat, COLUMN_MM, FONT_PT, PNG_DPI } from "./save";
export * from "./payload";

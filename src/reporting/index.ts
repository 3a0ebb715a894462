// Reporting: what notebooks call to record reproduced numbers, check them against the paper,
// and save publication figures.
export { findRepoRoot, resultsDir, figuresDir, runMode, type RunMode } from "./paths.js";
export {
  recordResults,
  evaluateCheck,
  experimentFileName,
  resultsMarkdown,
  resultsHtml,
  type ResultCheckInput,
  type ResultCheck,
  type ExperimentResults,
  type RecordOptions,
} from "./results.js";
export {
  evaluateComparison,
  comparisonMarkdown,
  verdictTally,
  comparisonHtml,
  marginText,
  isMarbleVariant,
  checksTally,
  type ComparisonInput,
  type Comparison,
  type Proviso,
  type Verdict,
} from "./comparison.js";
export {
  renderFigure,
  saveFigure,
  scalePanels,
  FigureStyleError,
  showFigure,
  showHtml,
  type VegaLiteSpec,
  type RenderedFigure,
  type SavedFigure,
  type RenderOptions,
  type FigureDisplay,
} from "./figures.js";
export { scatterSpec, vectorFieldSpec, heatmapSpec, type ScatterOptions, type VectorFieldOptions, type HeatmapOptions } from "./specs.js";
export { lineSpec, barSpec, type LineSeries, type LineOptions, type BarRow, type BarOptions, type ReferenceLine } from "./chart-specs.js";
export { figureGrid, concatSpecs, type GridOptions } from "./figure-layout.js";
export { lintSpec } from "./figure-lint.js";
export { svgToPdf, svgToPng, svgInMillimetres, svgSizeMm } from "./figure-export.js";
export {
  COLUMN_WIDTH_MM,
  FONT,
  OKABE_ITO,
  SCHEMES,
  MAX_PANELS_PER_ROW,
  mmToPt,
  ptToMm,
  panelLetter,
  fittedLabelLimit,
  textWidthPt,
  styleConfig,
  type ColumnWidth,
} from "./figure-style.js";
export { spearmanCorrelation } from "./statistics.js";
export { mdsOrdering, bestDirectionOrdering, type MdsOrdering } from "./ordering.js";

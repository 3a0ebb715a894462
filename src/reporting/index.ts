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
  checksTally,
  type ComparisonInput,
  type Comparison,
  type Proviso,
  type Verdict,
} from "./comparison.js";
export {
  renderFigure,
  saveFigure,
  showFigure,
  showHtml,
  type VegaLiteSpec,
  type RenderedFigure,
  type SavedFigure,
  type RenderOptions,
  type FigureDisplay,
} from "./figures.js";
export { scatterSpec, vectorFieldSpec, heatmapSpec, lineSpec, barSpec, concatSpecs } from "./specs.js";
export { spearmanCorrelation } from "./statistics.js";
export { mdsOrdering, bestDirectionOrdering, type MdsOrdering } from "./ordering.js";

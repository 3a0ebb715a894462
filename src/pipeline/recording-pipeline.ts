/**
 * From a recording (spike counts or rates per time bin) to MARBLE's inputs, as one estimator with
 * a stored state: Gaussian smoothing along time within each trial, optional Savitzky–Golay
 * smoothing, PCA fitted on the training recording (dimension given, or the one the diagnostics
 * found to give a connected graph), one global scale, then per trial positions ts[0..T−2] and
 * velocities diff(ts) grouped by condition (method doc §1). The same state embeds new recordings,
 * and `assertSamePreprocessing` says exactly what differs when two pipelines do not match.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { Matrix, vstack, type MatrixLike } from "../core/matrix.js";
import { ValidationError, toMatrix, withDefaults, checkInteger, checkNumber, checkOneOf, checkBoolean, describeValue } from "../core/validate.js";
import { PCA } from "../core/pca.js";
import { gaussianSmooth } from "../preprocessing/gaussian-smooth.js";
import { savgolFilter } from "../preprocessing/savgol.js";
import { trialsToConditions } from "../preprocessing/conditions.js";
import { diagnoseRecording, checkDiagnoseOptions, type DiagnoseOptions, type DiagnosticsReport } from "../diagnostics/diagnose.js";
import { writeFileAtomic } from "../io/atomic.js";
import { VERSION } from "../version.js";

/** A recording as the pipeline takes it; a `TabularRecording` from `loadRecording` fits as is. */
export interface PipelineRecording {
  /** T × N activity (counts or rates), one row per time bin. */
  activity: MatrixLike;
  /** Bin width in seconds. */
  binSeconds: number;
  /** Trial id of each bin; bins of one trial must be contiguous. Default: one trial. */
  trial?: ArrayLike<number> | null;
  /** Condition label of each bin (constant within a trial). Default: one condition "all". */
  condition?: ArrayLike<string | number> | null;
  /** Neuron (column) names, checked against the fitted ones when both are known. */
  neurons?: string[] | null;
}

export interface RecordingPipelineParams {
  /** Standard deviation of the Gaussian smoothing kernel; 0 switches smoothing off. */
  sigma: number;
  /** Unit of `sigma`. */
  sigmaUnit: "seconds" | "bins";
  /** Savitzky–Golay smoothing after the Gaussian (window in bins, odd), or null. */
  savgol: { window: number; order: number } | null;
  /** PCA dimension: a number, "auto" (the diagnostics' recommendation) or null (no PCA). */
  pcaDims: number | "auto" | null;
  /** Divide the projected data by one number (their RMS distance to the mean over the training data), so inputs are of order 1. */
  standardize: boolean;
  /** Options for the diagnostics run by pcaDims "auto" (e.g. k, delta, maxBruteForceWork). */
  diagnostics: Omit<DiagnoseOptions, "anchor" | "vector">;
  /** Order of the conditions in the output (default: order of first appearance in the training recording). */
  conditionOrder: (string | number)[] | null;
}

export const RECORDING_PIPELINE_DEFAULTS: Readonly<RecordingPipelineParams> = Object.freeze({
  sigma: 0.05,
  sigmaUnit: "seconds",
  savgol: null,
  pcaDims: "auto",
  standardize: true,
  diagnostics: {},
  conditionOrder: null,
});

/** Everything `fit` learns; with the parameters, this is what `save` writes. */
export interface RecordingPipelineState {
  /** Number of input neurons (columns). */
  inputDim: number;
  neurons: string[] | null;
  binSeconds: number;
  /** Smoothing σ in bins (sigma converted with the training bin width). */
  sigmaBins: number;
  /** PCA dimension applied (null: none). */
  pcaDims: number | null;
  pcaMean: Float64Array | null;
  /** pcaDims × inputDim, rows are unit principal axes. */
  pcaComponents: Matrix | null;
  explainedVarianceRatio: Float64Array | null;
  /** The projected data are divided by this. */
  scale: number;
  conditionNames: string[];
  /** k and delta recommended by the diagnostics (pcaDims "auto"), else null. */
  recommended: { k: number; delta: number } | null;
}

/** MARBLE's inputs for one recording, with where each point came from. */
export interface PreparedRecording {
  /** Positions per condition: every trial's ts[0..T−2], stacked (pass to constructDataset). */
  anchor: Matrix[];
  /** Velocities per condition: every trial's diff(ts), stacked. */
  vector: Matrix[];
  conditionNames: string[];
  /** For each point: the row (time bin) of the recording it sits at. */
  binIndex: Int32Array[];
  /** For each point: the trial id it belongs to. */
  trialId: Int32Array[];
  /** The preprocessed trajectory of each trial (T_i × dims), in order of the trials. */
  trajectories: Matrix[];
  trialIds: number[];
  /** Number of output dimensions (PCA dimension, or the input dimension without PCA). */
  dim: number;
}

interface Segment {
  id: number;
  start: number;
  end: number;
  condition: string;
}

/** Every parameter's type, range and combination; the one place the pipeline's options are checked. */
function checkParams(p: RecordingPipelineParams): void {
  checkNumber(p.sigma, "RecordingPipeline: sigma (0 switches smoothing off)", 0);
  checkOneOf(p.sigmaUnit, "RecordingPipeline: sigmaUnit", ["seconds", "bins"] as const);
  if (p.savgol !== null) {
    if (typeof p.savgol !== "object" || Array.isArray(p.savgol)) throw new ValidationError(`RecordingPipeline: savgol must be { window, order } or null, got ${describeValue(p.savgol)}`);
    const sg = withDefaults<{ window: number; order: number }>({ window: undefined as unknown as number, order: undefined as unknown as number }, p.savgol, "RecordingPipeline: savgol");
    checkInteger(sg.window, "RecordingPipeline: savgol.window", 3);
    if (sg.window % 2 === 0) throw new ValidationError(`RecordingPipeline: savgol.window must be odd, got ${sg.window}; use ${sg.window + 1} or ${sg.window - 1}`);
    checkInteger(sg.order, "RecordingPipeline: savgol.order (polynomial order, below the window)", 0, sg.window - 1);
  }
  if (p.pcaDims !== null && p.pcaDims !== "auto") checkInteger(p.pcaDims, 'RecordingPipeline: pcaDims (a number, "auto" or null)', 1);
  checkBoolean(p.standardize, "RecordingPipeline: standardize");
  if (!p.diagnostics || typeof p.diagnostics !== "object" || Array.isArray(p.diagnostics)) {
    throw new ValidationError(`RecordingPipeline: diagnostics must be an options object for diagnoseRecording, got ${describeValue(p.diagnostics)}`);
  }
  if ("anchor" in p.diagnostics || "vector" in p.diagnostics) throw new ValidationError("RecordingPipeline: diagnostics options must not contain anchor or vector; the pipeline supplies them");
  checkDiagnoseOptions(p.diagnostics, "RecordingPipeline: diagnostics");
  if (p.conditionOrder !== null) {
    if (!Array.isArray(p.conditionOrder)) throw new ValidationError(`RecordingPipeline: conditionOrder must be an array of condition labels or null, got ${describeValue(p.conditionOrder)}`);
    const seen = new Set<string>();
    p.conditionOrder.forEach((label, i) => {
      if (typeof label !== "string" && typeof label !== "number") throw new ValidationError(`RecordingPipeline: conditionOrder[${i}] must be a string or number label, got ${describeValue(label)}`);
      if (seen.has(String(label))) throw new ValidationError(`RecordingPipeline: conditionOrder lists "${label}" twice; list each condition once`);
      seen.add(String(label));
    });
  }
}

/** Splits the bins into trials (contiguous runs of one trial id) and checks the labels. */
function segmentsOf(T: number, trial: ArrayLike<number> | null | undefined, condition: ArrayLike<string | number> | null | undefined): Segment[] {
  if (trial && trial.length !== T) throw new ValidationError(`trial: has ${trial.length} values, the activity has ${T} rows; pass one trial id per time bin`);
  if (condition && condition.length !== T) throw new ValidationError(`condition: has ${condition.length} values, the activity has ${T} rows; pass one condition label per time bin`);
  const segments: Segment[] = [];
  const seen = new Set<number>();
  let start = 0;
  for (let t = 1; t <= T; t++) {
    if (t < T && (!trial || trial[t] === trial[start])) continue;
    const id = trial ? Number(trial[start]) : 0;
    if (!Number.isFinite(id)) throw new ValidationError(`trial: bin ${start} has trial id ${trial![start]}; trial ids must be finite numbers`);
    if (seen.has(id)) throw new ValidationError(`trial: trial ${id} appears in two separate stretches (again at bin ${start}); the bins of a trial must be contiguous`);
    seen.add(id);
    const label = condition ? String(condition[start]) : "all";
    if (condition) {
      for (let s = start + 1; s < t; s++) {
        if (String(condition[s]) !== label) throw new ValidationError(`condition: trial ${id} changes condition at bin ${s} ("${label}" → "${condition[s]}"); a trial must have one condition`);
      }
    }
    if (t - start < 3) throw new ValidationError(`trial ${id} (bins ${start}–${t - 1}) has ${t - start} bin(s); each trial needs at least 3 to give positions and velocities`);
    segments.push({ id, start, end: t, condition: label });
    start = t;
  }
  return segments;
}

function sameNumber(a: number, b: number, rel = 1e-9): boolean {
  return a === b || Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b));
}

export class RecordingPipeline {
  readonly params: RecordingPipelineParams;
  /** Set by fit (or load). */
  state: RecordingPipelineState | null = null;
  /** The diagnostics report behind pcaDims "auto" (null otherwise, and after load). */
  diagnostics: DiagnosticsReport | null = null;

  constructor(params: Partial<RecordingPipelineParams> = {}) {
    const p = withDefaults<RecordingPipelineParams>({ ...RECORDING_PIPELINE_DEFAULTS, diagnostics: {} }, params, "RecordingPipeline");
    checkParams(p);
    this.params = { ...p, diagnostics: { ...p.diagnostics }, savgol: p.savgol ? { ...p.savgol } : null, conditionOrder: p.conditionOrder ? [...p.conditionOrder] : null };
  }

  private sigmaBinsFor(binSeconds: number): number {
    return this.params.sigmaUnit === "bins" ? this.params.sigma : this.params.sigma / binSeconds;
  }

  /** Smoothed activity of each trial in the input dimensions (no PCA), and the trials. */
  smooth(recording: PipelineRecording, sigmaBins?: number): { trials: Matrix[]; segments: { id: number; start: number; end: number; condition: string }[] } {
    const rec = checkRecordingShape(recording);
    const X = rec.activity;
    const segments = segmentsOf(X.rows, recording.trial, recording.condition);
    const s = sigmaBins ?? this.sigmaBinsFor(rec.binSeconds);
    const trials = segments.map((seg) => {
      let m = X.sliceRows(seg.start, seg.end);
      if (s > 0) m = gaussianSmooth(m, { sigma: s });
      if (this.params.savgol) {
        if (m.rows < this.params.savgol.window) {
          throw new ValidationError(`RecordingPipeline: trial ${seg.id} has ${m.rows} bins, fewer than the Savitzky–Golay window (${this.params.savgol.window}); use a shorter window`);
        }
        m = savgolFilter(m, { window: this.params.savgol.window, order: this.params.savgol.order });
      }
      return m;
    });
    return { trials, segments };
  }

  /** Runs the diagnostics on the smoothed recording in its input dimensions, per condition. */
  diagnose(recording: PipelineRecording, options: Omit<DiagnoseOptions, "anchor" | "vector"> = {}): DiagnosticsReport {
    const { trials, segments } = this.smooth(recording);
    const grouped = trialsToConditions(trials, segments.map((s) => s.condition), { order: this.conditionOrderFor(segments) });
    return diagnoseRecording({ ...this.params.diagnostics, ...options, anchor: grouped.anchor, vector: grouped.vector });
  }

  private conditionOrderFor(segments: Segment[]): string[] {
    const names: string[] = (this.params.conditionOrder ?? this.state?.conditionNames ?? []).map(String);
    const present = new Set(segments.map((s) => s.condition));
    const order = names.filter((n) => present.has(n));
    for (const s of segments) if (!order.includes(s.condition)) order.push(s.condition);
    return order;
  }

  /**
   * Learns the smoothing width in bins, the PCA basis and the scale from a training recording —
   * from all of it, or only from the trials listed in `options.trials` (e.g. the training split;
   * the held-out trials are then embedded with `transform` without having shaped the PCA).
   */
  fit(recording: PipelineRecording, options: { trials?: ArrayLike<number> | null } = {}): this {
    withDefaults<{ trials: ArrayLike<number> | null }>({ trials: null }, options, "RecordingPipeline.fit");
    const rec = checkRecordingShape(recording);
    const d = rec.activity.cols;
    if (typeof this.params.pcaDims === "number" && this.params.pcaDims > d) {
      throw new ValidationError(`RecordingPipeline: pcaDims = ${this.params.pcaDims} exceeds the number of neurons (${d}); choose at most ${d}, "auto", or null for no PCA`);
    }
    const sigmaBins = this.sigmaBinsFor(rec.binSeconds);
    const smoothed = this.smooth(recording, sigmaBins);
    let { trials, segments } = smoothed;
    if (options.trials) {
      const wanted = new Set(Array.from(options.trials, Number));
      const missing = [...wanted].filter((id) => !segments.some((s) => s.id === id));
      if (missing.length) throw new ValidationError(`RecordingPipeline.fit: options.trials lists trial(s) ${missing.slice(0, 5).join(", ")} that the recording does not have (it has ${segments.map((s) => s.id).slice(0, 10).join(", ")}${segments.length > 10 ? ", …" : ""})`);
      const keep = segments.map((s) => wanted.has(s.id));
      trials = trials.filter((_, i) => keep[i]);
      segments = segments.filter((_, i) => keep[i]);
    }
    let pcaDims: number | null = null;
    let recommended: RecordingPipelineState["recommended"] = null;
    this.diagnostics = null;
    if (this.params.pcaDims === "auto") {
      const grouped = trialsToConditions(trials, segments.map((s) => s.condition), { order: this.conditionOrderFor(segments) });
      const report = diagnoseRecording({ ...this.params.diagnostics, anchor: grouped.anchor, vector: grouped.vector });
      this.diagnostics = report;
      pcaDims = report.recommended.pcaDims;
      recommended = { k: report.recommended.k, delta: report.recommended.delta };
    } else if (this.params.pcaDims !== null) {
      pcaDims = this.params.pcaDims;
    }
    const pooled = trials.length === 1 ? trials[0] : vstack(trials);
    let mean: Float64Array | null = null, components: Matrix | null = null, ratio: Float64Array | null = null;
    let projected = pooled;
    if (pcaDims !== null) {
      const pca = new PCA({ nComponents: pcaDims }).fit(pooled);
      mean = pca.mean!;
      components = pca.components!;
      ratio = pca.explainedVarianceRatio!;
      projected = pca.transform(pooled);
    }
    let scale = 1;
    if (this.params.standardize) {
      // RMS distance to the mean: one number for every dimension, so the geometry is unchanged
      const m = projected.cols;
      const mu = new Float64Array(m);
      for (let i = 0; i < projected.rows; i++) for (let j = 0; j < m; j++) mu[j] += projected.data[i * m + j];
      for (let j = 0; j < m; j++) mu[j] /= projected.rows;
      let ss = 0;
      for (let i = 0; i < projected.rows; i++) for (let j = 0; j < m; j++) ss += (projected.data[i * m + j] - mu[j]) ** 2;
      const rms = Math.sqrt(ss / projected.rows);
      if (!(rms > 0)) throw new ValidationError("RecordingPipeline: the activity is constant over the whole recording; there is nothing to embed");
      scale = rms;
    }
    const names = this.conditionOrderFor(segments);
    this.state = {
      inputDim: d,
      neurons: recording.neurons ? [...recording.neurons] : null,
      binSeconds: rec.binSeconds,
      sigmaBins,
      pcaDims,
      pcaMean: mean,
      pcaComponents: components,
      explainedVarianceRatio: ratio,
      scale,
      conditionNames: names,
      recommended,
    };
    return this;
  }

  /** Preprocesses a recording with the fitted state (the stored PCA basis and scale). */
  transform(recording: PipelineRecording): PreparedRecording {
    const st = this.fitted("transform");
    const rec = checkRecordingShape(recording);
    const problems: string[] = [];
    if (rec.activity.cols !== st.inputDim) problems.push(`it has ${rec.activity.cols} neurons, the pipeline was fitted on ${st.inputDim}`);
    if (!sameNumber(rec.binSeconds, st.binSeconds)) problems.push(`its bin width is ${rec.binSeconds} s, the pipeline was fitted on ${st.binSeconds} s bins (rebin it, or refit)`);
    if (problems.length === 0 && st.neurons && recording.neurons) {
      const j = st.neurons.findIndex((n, i) => recording.neurons![i] !== n);
      if (j >= 0) problems.push(`its neuron columns differ from the fitted ones: column ${j} is "${recording.neurons[j]}", expected "${st.neurons[j]}" (same neurons, same order)`);
    }
    if (problems.length) throw new ValidationError(`RecordingPipeline.transform: the recording was not prepared like the training data: ${problems.join("; ")}`);
    const { trials, segments } = this.smooth(recording, st.sigmaBins);
    const trajectories = trials.map((m) => this.project(m));
    const grouped = trialsToConditions(trajectories, segments.map((s) => s.condition), { order: this.conditionOrderFor(segments) });
    const binIndex = grouped.trialIndex.map((tr, c) => Int32Array.from(tr, (i, p) => segments[i].start + grouped.timeIndex[c][p]));
    const trialId = grouped.trialIndex.map((tr) => Int32Array.from(tr, (i) => segments[i].id));
    return {
      anchor: grouped.anchor,
      vector: grouped.vector,
      conditionNames: grouped.names,
      binIndex,
      trialId,
      trajectories,
      trialIds: segments.map((s) => s.id),
      dim: trajectories[0].cols,
    };
  }

  fitTransform(recording: PipelineRecording, options: { trials?: ArrayLike<number> | null } = {}): PreparedRecording {
    return this.fit(recording, options).transform(recording);
  }

  /** Projects smoothed activity (rows × inputDim) with the stored basis and scale. */
  project(x: MatrixLike): Matrix {
    const st = this.fitted("project");
    const X = toMatrix(x, "RecordingPipeline.project input", { cols: st.inputDim });
    let out: Matrix;
    if (st.pcaComponents && st.pcaMean) {
      const k = st.pcaComponents.rows, d = st.inputDim;
      out = new Matrix(X.rows, k);
      const row = new Float64Array(d);
      for (let i = 0; i < X.rows; i++) {
        for (let j = 0; j < d; j++) row[j] = X.data[i * d + j] - st.pcaMean[j];
        for (let c = 0; c < k; c++) {
          let s = 0;
          for (let j = 0; j < d; j++) s += row[j] * st.pcaComponents.data[c * d + j];
          out.data[i * k + c] = s / st.scale;
        }
      }
    } else {
      out = new Matrix(X.rows, X.cols, Float64Array.from(X.data, (v) => v / st.scale));
    }
    return out;
  }

  private fitted(where: string): RecordingPipelineState {
    if (!this.state) throw new ValidationError(`RecordingPipeline.${where}: call fit() first (or RecordingPipeline.load(dir))`);
    return this.state;
  }

  /** A one-line account of what the pipeline does. */
  describe(): string {
    const p = this.params, st = this.state;
    const parts = [p.sigma > 0 ? `Gaussian smoothing σ = ${p.sigma} ${p.sigmaUnit === "seconds" ? "s" : "bins"}${st ? ` (${st.sigmaBins.toPrecision(3)} bins)` : ""}` : "no smoothing"];
    if (p.savgol) parts.push(`Savitzky–Golay window ${p.savgol.window}, order ${p.savgol.order}`);
    if (st) {
      parts.push(st.pcaDims === null ? `no PCA (${st.inputDim} dimensions)` : `PCA ${st.inputDim} → ${st.pcaDims} dimensions (${(100 * sumOf(st.explainedVarianceRatio!)).toFixed(1)} % of the variance)`);
      if (p.standardize) parts.push(`scaled by 1/${st.scale.toPrecision(4)}`);
    } else parts.push(p.pcaDims === "auto" ? "PCA dimension from the diagnostics" : p.pcaDims === null ? "no PCA" : `PCA to ${p.pcaDims} dimensions`);
    parts.push("positions ts[0..T−2], velocities diff(ts) per trial");
    return parts.join("; ");
  }

  /** The parameters and fitted state as plain JSON. */
  toJSON(): PipelineJson {
    const st = this.fitted("toJSON");
    return {
      format: "marble-recording-pipeline",
      version: VERSION,
      params: this.params,
      state: {
        inputDim: st.inputDim,
        neurons: st.neurons,
        binSeconds: st.binSeconds,
        sigmaBins: st.sigmaBins,
        pcaDims: st.pcaDims,
        pcaMean: st.pcaMean ? Array.from(st.pcaMean) : null,
        pcaComponents: st.pcaComponents ? st.pcaComponents.toArray() : null,
        explainedVarianceRatio: st.explainedVarianceRatio ? Array.from(st.explainedVarianceRatio) : null,
        scale: st.scale,
        conditionNames: st.conditionNames,
        recommended: st.recommended,
      },
    };
  }

  static fromJSON(json: PipelineJson, where = "RecordingPipeline.fromJSON"): RecordingPipeline {
    if (!json || json.format !== "marble-recording-pipeline" || !json.state) throw new ValidationError(`${where}: not a saved recording pipeline (format "marble-recording-pipeline")`);
    const pipeline = new RecordingPipeline(json.params);
    const s = json.state;
    const components = s.pcaComponents ? Matrix.from(s.pcaComponents, `${where} pcaComponents`) : null;
    if (components && (components.cols !== s.inputDim || components.rows !== s.pcaDims)) {
      throw new ValidationError(`${where}: the PCA components are ${components.rows} × ${components.cols}, expected ${s.pcaDims} × ${s.inputDim}`);
    }
    pipeline.state = {
      inputDim: s.inputDim,
      neurons: s.neurons,
      binSeconds: s.binSeconds,
      sigmaBins: s.sigmaBins,
      pcaDims: s.pcaDims,
      pcaMean: s.pcaMean ? Float64Array.from(s.pcaMean) : null,
      pcaComponents: components,
      explainedVarianceRatio: s.explainedVarianceRatio ? Float64Array.from(s.explainedVarianceRatio) : null,
      scale: s.scale,
      conditionNames: s.conditionNames,
      recommended: s.recommended,
    };
    return pipeline;
  }

  /**
   * Writes `pipeline.json` into `dir` atomically. Convention: `dir` is the model's checkpoint
   * folder (`Marble.save` keeps it there, before or after the model).
   */
  save(dir: string): string {
    const path = join(dir, PIPELINE_FILE);
    writeFileAtomic(path, JSON.stringify(this.toJSON()) + "\n");
    return path;
  }

  /** Reads `pipeline.json` from a folder (or a path to the JSON file itself). */
  static load(dirOrFile: string): RecordingPipeline {
    const path = existsSync(dirOrFile) && statSync(dirOrFile).isDirectory() ? join(dirOrFile, PIPELINE_FILE) : dirOrFile;
    if (!existsSync(path)) throw new ValidationError(`RecordingPipeline.load: no ${PIPELINE_FILE} at ${path}; save one with pipeline.save(dir) after the model`);
    let json: PipelineJson;
    try {
      json = JSON.parse(readFileSync(path, "utf8"));
    } catch (e) {
      throw new ValidationError(`RecordingPipeline.load: ${path} is not valid JSON (${(e as Error).message})`);
    }
    return RecordingPipeline.fromJSON(json, `RecordingPipeline.load(${path})`);
  }
}

export const PIPELINE_FILE = "pipeline.json";

export interface PipelineJson {
  format: "marble-recording-pipeline";
  version: string;
  params: RecordingPipelineParams;
  state: {
    inputDim: number;
    neurons: string[] | null;
    binSeconds: number;
    sigmaBins: number;
    pcaDims: number | null;
    pcaMean: number[] | null;
    pcaComponents: number[][] | null;
    explainedVarianceRatio: number[] | null;
    scale: number;
    conditionNames: string[];
    recommended: { k: number; delta: number } | null;
  };
}

function sumOf(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s;
}

function checkRecordingShape(recording: PipelineRecording): { activity: Matrix; binSeconds: number } {
  if (!recording || typeof recording !== "object") throw new ValidationError("recording: pass { activity, binSeconds, trial?, condition? } (a loadRecording result works)");
  const activity = toMatrix(recording.activity, "recording.activity");
  if (activity.rows < 3) throw new ValidationError(`recording.activity: has ${activity.rows} rows (time bins); need at least 3`);
  checkNumber(recording.binSeconds, "recording.binSeconds (bin width in seconds)", Number.MIN_VALUE);
  if (recording.neurons && recording.neurons.length !== activity.cols) {
    throw new ValidationError(`recording.neurons: ${recording.neurons.length} names for ${activity.cols} activity columns`);
  }
  return { activity, binSeconds: recording.binSeconds };
}

/**
 * What differs between the preprocessing of two fitted pipelines (empty when they match):
 * input neurons, bin width, smoothing, Savitzky–Golay, PCA dimension, PCA basis, scale.
 */
export function preprocessingDifferences(a: RecordingPipeline, b: RecordingPipeline, options: { tolerance?: number } = {}): string[] {
  const tol = options.tolerance ?? 1e-9;
  const sa = a.state, sb = b.state;
  if (!sa || !sb) throw new ValidationError(`preprocessingDifferences: pipeline ${!sa ? "a" : "b"} is not fitted`);
  const out: string[] = [];
  if (sa.inputDim !== sb.inputDim) out.push(`input neurons: ${sa.inputDim} vs ${sb.inputDim}`);
  else if (sa.neurons && sb.neurons) {
    const j = sa.neurons.findIndex((n, i) => sb.neurons![i] !== n);
    if (j >= 0) out.push(`neuron columns: column ${j} is "${sa.neurons[j]}" vs "${sb.neurons[j]}"`);
  }
  if (!sameNumber(sa.binSeconds, sb.binSeconds)) out.push(`bin width: ${sa.binSeconds} s vs ${sb.binSeconds} s`);
  if (!sameNumber(sa.sigmaBins * sa.binSeconds, sb.sigmaBins * sb.binSeconds)) {
    out.push(`smoothing σ: ${(sa.sigmaBins * sa.binSeconds).toPrecision(4)} s (${sa.sigmaBins.toPrecision(4)} bins) vs ${(sb.sigmaBins * sb.binSeconds).toPrecision(4)} s (${sb.sigmaBins.toPrecision(4)} bins)`);
  }
  const sg = (p: RecordingPipelineParams) => (p.savgol ? `window ${p.savgol.window}, order ${p.savgol.order}` : "none");
  if (sg(a.params) !== sg(b.params)) out.push(`Savitzky–Golay: ${sg(a.params)} vs ${sg(b.params)}`);
  if (sa.pcaDims !== sb.pcaDims) out.push(`PCA dimensions: ${sa.pcaDims ?? "none"} vs ${sb.pcaDims ?? "none"}`);
  else if (sa.pcaComponents && sb.pcaComponents && sa.inputDim === sb.inputDim) {
    const dComp = maxAbsDiff(sa.pcaComponents.data, sb.pcaComponents.data);
    const dMean = maxAbsDiff(sa.pcaMean!, sb.pcaMean!);
    const meanScale = Math.max(maxAbs(sa.pcaMean!), maxAbs(sb.pcaMean!), Number.MIN_VALUE);
    if (dComp > tol || dMean > tol * meanScale) {
      out.push(`PCA basis: components differ by up to ${dComp.toPrecision(3)}, means by up to ${dMean.toPrecision(3)} (the PCA was fitted on different data)`);
    }
  }
  if (!sameNumber(sa.scale, sb.scale, Math.max(tol, 1e-12))) out.push(`scale: ${sa.scale.toPrecision(6)} vs ${sb.scale.toPrecision(6)}`);
  return out;
}

/** Throws a ValidationError naming every difference when two pipelines prepare data differently. */
export function assertSamePreprocessing(a: RecordingPipeline, b: RecordingPipeline, options: { tolerance?: number } = {}): void {
  const diffs = preprocessingDifferences(a, b, options);
  if (diffs.length) {
    throw new ValidationError(`the new data were prepared differently from the training data: ${diffs.join("; ")}. Embed new data with the training pipeline (RecordingPipeline.load(checkpointDir).transform(recording))`);
  }
}

/**
 * Spreads per-bin values onto the prepared points, conditions concatenated (the node order of
 * constructDataset without subsampling): a 1-D array (e.g. a behaviour label) gives one value per
 * point; a matrix with one row per time bin (e.g. 2-D hand velocity) gives one row per point.
 */
export function preparedPointValues(prepared: PreparedRecording, perBin: ArrayLike<number>): Float64Array;
export function preparedPointValues(prepared: PreparedRecording, perBin: Matrix): Matrix;
export function preparedPointValues(prepared: PreparedRecording, perBin: ArrayLike<number> | Matrix): Float64Array | Matrix {
  const n = prepared.binIndex.reduce((s, b) => s + b.length, 0);
  const isMatrix = perBin instanceof Matrix;
  const q = isMatrix ? perBin.cols : 1;
  const available = isMatrix ? perBin.rows : perBin.length;
  const src = isMatrix ? perBin.data : perBin;
  const out = new Float64Array(n * q);
  let off = 0;
  for (const bins of prepared.binIndex) {
    for (let i = 0; i < bins.length; i++) {
      const b = bins[i];
      if (b >= available) throw new ValidationError(`preparedPointValues: the values have ${available} ${isMatrix ? "rows" : "entries"} but a point sits at bin ${b}; pass one ${isMatrix ? "row" : "value"} per time bin of the recording`);
      for (let k = 0; k < q; k++) out[(off + i) * q + k] = src[b * q + k];
    }
    off += bins.length;
  }
  return isMatrix ? new Matrix(n, q, out) : out;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

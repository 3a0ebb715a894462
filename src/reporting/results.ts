import { join } from "node:path";
import { VERSION } from "../version.js";
import { writeFileAtomic } from "../io/atomic.js";
import { resultsDir, runMode, type RunMode } from "./paths.js";
import { checksTally, comparisonHtml, evaluateComparison, type Comparison, type ComparisonInput } from "./comparison.js";

/** One reproduced number, with what the paper reports and how it is judged. */
export interface ResultCheckInput {
  /** What was measured, e.g. "median position error". */
  name: string;
  value: number;
  /** The paper's value, when it reports one. */
  paper?: number;
  unit?: string;
  /** Passes when |value − paper| ≤ tolerance (needs `paper`). */
  tolerance?: number;
  /** Passes when value ≥ atLeast. */
  atLeast?: number;
  /** Passes when value ≤ atMost. */
  atMost?: number;
  /**
   * An explicit verdict for checks that are not a single threshold; `criterion` must then say
   * what was checked.
   */
  passed?: boolean;
  criterion?: string;
  note?: string;
}

/** A check after evaluation. `passed` is null for numbers reported without a criterion. */
export interface ResultCheck {
  name: string;
  value: number;
  paper: number | null;
  unit: string | null;
  criterion: string;
  passed: boolean | null;
  note: string | null;
}

export interface ExperimentResults {
  experiment: string;
  /** The notebook that recorded it (MARBLE_NOTEBOOK, set by `npm run reproduce`). */
  notebook: string | null;
  mode: RunMode;
  libraryVersion: string;
  createdAt: string;
  /** True when no check failed (numbers without a criterion do not count). */
  passed: boolean;
  checks: ResultCheck[];
  /** MARBLE against the best baseline and the paper's claim, with the verdict; null when not given. */
  comparison: Comparison | null;
  /** Free-form context: sizes used, seeds, whether data was simulated. */
  details: Record<string, unknown>;
}

export interface RecordOptions {
  /** Folder to write into; defaults to `resultsDir()`. */
  dir?: string;
  details?: Record<string, unknown>;
  /** What the experiment leads with: MARBLE against its baselines on one metric, and the paper's claim. */
  comparison?: ComparisonInput;
}

function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  // Counts (units, spikes, frames) are shown exactly: a rounded count reads as a different count.
  if (Number.isInteger(x) && Math.abs(x) < 1e12) return String(x);
  const a = Math.abs(x);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return x.toExponential(3);
  return Number(x.toPrecision(4)).toString();
}

/** Evaluates one check. Bad specifications throw; a non-finite value fails rather than throws. */
export function evaluateCheck(input: ResultCheckInput): ResultCheck {
  if (typeof input !== "object" || input === null) throw new Error("recordResults: each check must be an object");
  const where = `recordResults: check "${String(input.name)}"`;
  if (typeof input.name !== "string" || input.name.trim() === "") {
    throw new Error("recordResults: every check needs a non-empty `name`");
  }
  if (typeof input.value !== "number") throw new Error(`${where}: \`value\` must be a number, got ${typeof input.value}`);
  for (const key of ["paper", "tolerance", "atLeast", "atMost"] as const) {
    const v = input[key];
    if (v !== undefined && (typeof v !== "number" || !Number.isFinite(v))) {
      throw new Error(`${where}: \`${key}\` must be a finite number, got ${String(v)}`);
    }
  }
  if (input.tolerance !== undefined) {
    if (input.paper === undefined) throw new Error(`${where}: \`tolerance\` compares with \`paper\`; give the paper's value`);
    if (input.tolerance < 0) throw new Error(`${where}: \`tolerance\` must be ≥ 0, got ${input.tolerance}`);
  }
  if (input.passed !== undefined && (input.criterion === undefined || input.criterion.trim() === "")) {
    throw new Error(`${where}: an explicit \`passed\` needs a \`criterion\` saying what was checked`);
  }
  const parts: string[] = [];
  const verdicts: boolean[] = [];
  const finite = Number.isFinite(input.value);
  if (input.tolerance !== undefined && input.paper !== undefined) {
    parts.push(`|value − paper| ≤ ${fmt(input.tolerance)}`);
    verdicts.push(finite && Math.abs(input.value - input.paper) <= input.tolerance);
  }
  if (input.atLeast !== undefined) {
    parts.push(`≥ ${fmt(input.atLeast)}`);
    verdicts.push(finite && input.value >= input.atLeast);
  }
  if (input.atMost !== undefined) {
    parts.push(`≤ ${fmt(input.atMost)}`);
    verdicts.push(finite && input.value <= input.atMost);
  }
  if (input.passed !== undefined) {
    parts.push(input.criterion as string);
    verdicts.push(input.passed);
  } else if (input.criterion !== undefined) {
    parts.unshift(input.criterion);
  }
  const passed = verdicts.length === 0 ? null : verdicts.every(Boolean);
  let note = input.note ?? null;
  if (!finite) note = [note, "value is not finite"].filter(Boolean).join("; ");
  return {
    name: input.name,
    value: input.value,
    paper: input.paper ?? null,
    unit: input.unit ?? null,
    criterion: parts.length ? parts.join(" and ") : "reported only",
    passed,
    note,
  };
}

/** File-name-safe form of an experiment name. */
export function experimentFileName(experiment: string): string {
  return experiment.replace(/[^A-Za-z0-9._-]+/g, "_") + ".json";
}

/**
 * Records an experiment's numbers and their checks against the paper: evaluates every check,
 * writes `<dir>/experiments/<experiment>.json` atomically and returns the record. The run's
 * summary (results.json, results.md) is assembled from these files by `npm run reproduce`.
 */
export function recordResults(
  experiment: string,
  checks: ResultCheckInput[],
  options: RecordOptions = {},
): ExperimentResults {
  if (typeof experiment !== "string" || experiment.trim() === "") {
    throw new Error("recordResults: `experiment` must be a non-empty name such as \"05-rat-hippocampus\"");
  }
  if (!Array.isArray(checks) || checks.length === 0) {
    throw new Error(`recordResults("${experiment}"): give at least one check`);
  }
  const evaluated = checks.map(evaluateCheck);
  const comparison = options.comparison === undefined ? null : evaluateComparison(options.comparison, evaluated);
  const record: ExperimentResults = {
    experiment,
    notebook: process.env.MARBLE_NOTEBOOK ?? null,
    mode: runMode(),
    libraryVersion: VERSION,
    createdAt: new Date().toISOString(),
    passed: evaluated.every((c) => c.passed !== false),
    checks: evaluated,
    comparison,
    details: options.details ?? {},
  };
  const dir = options.dir ?? resultsDir();
  writeFileAtomic(join(dir, "experiments", experimentFileName(experiment)), JSON.stringify(record, null, 2) + "\n");
  return record;
}

function mdCell(s: string): string {
  return s.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

function verdict(p: boolean | null): string {
  return p === null ? "—" : p ? "pass" : "FAIL";
}

/** The checks of one or more experiments as a Markdown table. */
export function resultsMarkdown(records: ExperimentResults[]): string {
  const lines = [
    "| experiment | quantity | value | paper | criterion | result |",
    "|---|---|---|---|---|---|",
  ];
  for (const r of records) {
    for (const c of r.checks) {
      const unit = c.unit ? ` ${c.unit}` : "";
      lines.push(
        `| ${mdCell(r.experiment)} | ${mdCell(c.name)}${c.note ? ` (${mdCell(c.note)})` : ""} | ${fmt(c.value)}${unit} | ` +
          `${c.paper === null ? "—" : fmt(c.paper) + unit} | ${mdCell(c.criterion)} | ${verdict(c.passed)} |`,
      );
    }
  }
  return lines.join("\n") + "\n";
}

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * One experiment for inline display in a notebook: the comparison with the best baseline and the
 * verdict on the paper's claim first, then the checks as a table.
 */
export function resultsHtml(record: ExperimentResults): string {
  const rows = record.checks
    .map((c) => {
      const unit = c.unit ? ` ${esc(c.unit)}` : "";
      const color = c.passed === null ? "#666" : c.passed ? "#1a7f37" : "#cf222e";
      return (
        `<tr><td>${esc(c.name)}${c.note ? ` <small>(${esc(c.note)})</small>` : ""}</td>` +
        `<td>${fmt(c.value)}${unit}</td><td>${c.paper === null ? "—" : fmt(c.paper) + unit}</td>` +
        `<td>${esc(c.criterion)}</td><td style="color:${color};font-weight:bold">${verdict(c.passed)}</td></tr>`
      );
    })
    .join("");
  const failed = record.checks.some((c) => c.passed === false);
  return (
    comparisonHtml(record) +
    `<p>Checks (${record.mode} mode): ${failed ? `<span style="color:#cf222e">${checksTally(record.checks)}</span>` : checksTally(record.checks)}</p>` +
    `<table><thead><tr><th>quantity</th><th>value</th><th>paper</th><th>criterion</th><th>result</th></tr></thead>` +
    `<tbody>${rows}</tbody></table>`
  );
}

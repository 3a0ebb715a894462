// The comparison an experiment leads with: MARBLE against the best baseline on one metric, the
// paper's claim, and whether this run reproduces it. The verdict is derived from the numbers and the
// checks, never given by the caller.

/** Whether this run reproduces the paper's claim. */
export type Verdict = "yes" | "partly" | "no" | "not testable offline";

/** A condition the paper's claim presumes, checked on this run's numbers. */
export interface Proviso {
  /** What must hold, with this run's number, e.g. "the resampled networks solve the task (accuracy 0.50)". */
  what: string;
  holds: boolean;
}

/** What a notebook gives `recordResults` (option `comparison`). */
export interface ComparisonInput {
  /** The quantity compared, e.g. "achilles: median position error (36-NN decoder)". */
  metric: string;
  unit?: string;
  /** Which direction of the metric is better. */
  better: "lower" | "higher";
  /** MARBLE's value. */
  marble: number;
  /**
   * Every baseline's value on the same metric, by name; empty when the experiment runs none. A
   * baseline is an external method: a name that says MARBLE is refused (list it under `variants`).
   */
  baselines: Record<string, number>;
  /** MARBLE's other variants on the same metric (e.g. a label-free graph): reported, never the best baseline. */
  variants?: Record<string, number>;
  /** The paper's claim in a few words, with its numbers when it gives them. */
  claim: string;
  /** Conditions the claim presumes; one that fails makes an otherwise reproduced claim "partly". */
  provisos?: Proviso[];
  /**
   * Why this run cannot test the claim at all (e.g. it runs on simulated stand-in data because the
   * recordings are not available offline). Makes the verdict "not testable offline".
   */
  notTestable?: string;
  /** Context for the reader, e.g. where MARBLE does lead when the headline metric favours a baseline. */
  note?: string;
}

export interface Comparison {
  metric: string;
  unit: string | null;
  better: "lower" | "higher";
  marble: number;
  /** The baselines with finite values, best first. */
  baselines: { name: string; value: number }[];
  /** MARBLE's other variants, as given (not compared as baselines). */
  variants: { name: string; value: number }[];
  /** The best baseline, or null when none was run. */
  best: { name: string; value: number } | null;
  /** MARBLE − best baseline, in the metric's unit; null without a baseline. */
  margin: number | null;
  /** Whether MARBLE is at least as good as the best baseline; null without a baseline. */
  marbleLeads: boolean | null;
  claim: string;
  provisos: Proviso[];
  notTestable: string | null;
  note: string | null;
  verdict: Verdict;
  /** Why the verdict is what it is, in a few words. */
  reason: string;
}

/** The part of a check the verdict needs. */
interface CheckOutcome {
  name: string;
  passed: boolean | null;
}

/** A method name that says it is MARBLE (any variant): it cannot be a baseline. */
export function isMarbleVariant(name: string): boolean {
  return /\bMARBLE\b/i.test(name);
}

/** "; MARBLE variants: label-free 0.41" or "". */
function variantsText(c: Comparison): string {
  if (!c.variants?.length) return "";
  const unit = c.unit ? ` ${c.unit}` : "";
  return `; MARBLE variants: ${c.variants.map((v) => `${v.name} ${fmt(v.value)}${unit}`).join(", ")}`;
}

function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return x.toExponential(3);
  return Number(x.toPrecision(3)).toString();
}

/**
 * Evaluates a comparison against the experiment's evaluated checks:
 * - "not testable offline" when `notTestable` says why the run cannot test the claim;
 * - "no" when a check fails or MARBLE's value is not finite;
 * - "partly" when the checks pass but a baseline does better, or a proviso does not hold;
 * - "yes" otherwise.
 * Bad specifications throw, naming the field to change.
 */
export function evaluateComparison(input: ComparisonInput, checks: readonly CheckOutcome[]): Comparison {
  const where = "recordResults: option `comparison`";
  if (typeof input !== "object" || input === null) throw new Error(`${where} must be an object`);
  for (const key of ["metric", "claim"] as const) {
    if (typeof input[key] !== "string" || input[key].trim() === "") throw new Error(`${where}: \`${key}\` must be a non-empty string`);
  }
  if (input.better !== "lower" && input.better !== "higher") {
    throw new Error(`${where}: \`better\` must be "lower" or "higher", got ${String(input.better)}`);
  }
  if (typeof input.marble !== "number") throw new Error(`${where}: \`marble\` must be a number, got ${typeof input.marble}`);
  if (typeof input.baselines !== "object" || input.baselines === null || Array.isArray(input.baselines)) {
    throw new Error(`${where}: \`baselines\` must map each baseline's name to its value ({} when none was run)`);
  }
  for (const [name, value] of Object.entries(input.baselines)) {
    if (typeof value !== "number") throw new Error(`${where}: baseline "${name}" must be a number, got ${typeof value}`);
    if (isMarbleVariant(name)) {
      throw new Error(`${where}: baseline "${name}" is a MARBLE variant, not an external method; the best baseline must be another method — list it under \`variants\``);
    }
  }
  const variantsIn = input.variants ?? {};
  if (typeof variantsIn !== "object" || variantsIn === null || Array.isArray(variantsIn)) throw new Error(`${where}: \`variants\` must map each MARBLE variant's name to its value`);
  for (const [name, value] of Object.entries(variantsIn)) {
    if (typeof value !== "number") throw new Error(`${where}: variant "${name}" must be a number, got ${typeof value}`);
    if (name in input.baselines) throw new Error(`${where}: "${name}" is listed both as a baseline and as a MARBLE variant`);
  }
  const provisos = input.provisos ?? [];
  for (const p of provisos) {
    if (typeof p?.what !== "string" || p.what.trim() === "" || typeof p.holds !== "boolean") {
      throw new Error(`${where}: each proviso needs \`what\` (a non-empty string) and \`holds\` (a boolean)`);
    }
  }
  if (input.notTestable !== undefined && (typeof input.notTestable !== "string" || input.notTestable.trim() === "")) {
    throw new Error(`${where}: \`notTestable\` must say why the claim cannot be tested here`);
  }
  const gated = checks.filter((c) => c.passed !== null);
  if (gated.length === 0 && input.notTestable === undefined) {
    throw new Error(`${where}: no check has a criterion, so nothing tests the claim; give at least one check ` +
      "with `tolerance`, `atLeast`, `atMost` or `passed`, or set `notTestable`");
  }

  const sign = input.better === "lower" ? 1 : -1;
  const baselines = Object.entries(input.baselines)
    .filter(([, value]) => Number.isFinite(value))
    .map(([name, value]) => ({ name, value }))
    .sort((a, b) => sign * (a.value - b.value));
  const best = baselines[0] ?? null;
  const finite = Number.isFinite(input.marble);
  const margin = best && finite ? input.marble - best.value : null;
  const marbleLeads = margin === null ? (best ? false : null) : sign * margin <= 0;

  let verdict: Verdict;
  let reason: string;
  const failed = gated.filter((c) => c.passed === false).map((c) => c.name);
  const unmet = provisos.filter((p) => !p.holds).map((p) => p.what);
  if (input.notTestable !== undefined) {
    verdict = "not testable offline";
    reason = input.notTestable;
  } else if (!finite) {
    verdict = "no";
    reason = "MARBLE's value is not finite";
  } else if (failed.length > 0) {
    verdict = "no";
    reason = `failed: ${failed.join("; ")}`;
  } else if (best && !marbleLeads) {
    verdict = "partly";
    reason = `checks pass, but ${best.name} does better` + (unmet.length ? `; and not: ${unmet.join("; ")}` : "");
  } else if (unmet.length > 0) {
    verdict = "partly";
    reason = `checks pass, but not: ${unmet.join("; ")}`;
  } else {
    verdict = "yes";
    reason = best ? `checks pass and MARBLE leads every baseline` : "checks pass; no baseline was run";
  }
  return {
    metric: input.metric,
    unit: input.unit ?? null,
    better: input.better,
    marble: input.marble,
    baselines,
    variants: Object.entries(variantsIn).map(([name, value]) => ({ name, value })),
    best,
    margin,
    marbleLeads,
    claim: input.claim,
    provisos,
    notTestable: input.notTestable ?? null,
    note: input.note ?? null,
    verdict,
    reason,
  };
}

/** "MARBLE better by 0.003 m" / "raw rates better by 0.007 m" / "tie". */
export function marginText(c: Comparison): string {
  if (c.best === null) return "— (no baseline run)";
  if (c.margin === null) return "— (MARBLE's value is not finite)";
  const unit = c.unit ? ` ${c.unit}` : "";
  if (c.margin === 0) return `tie (${c.better} is better)`;
  const who = c.marbleLeads ? "MARBLE" : c.best.name;
  return `${who} better by ${fmt(Math.abs(c.margin))}${unit} (${c.better} is better)`;
}

/** Minimal shape of a record the summary needs (an `ExperimentResults`). */
export interface SummaryRecord {
  experiment: string;
  checks: readonly CheckOutcome[];
  comparison?: Comparison | null;
}

function mdCell(s: string): string {
  return s.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

/** "checks: 5 pass, 1 FAIL, 3 reported only". */
export function checksTally(checks: readonly CheckOutcome[]): string {
  const pass = checks.filter((c) => c.passed === true).length;
  const fail = checks.filter((c) => c.passed === false).length;
  const reported = checks.length - pass - fail;
  return `${pass} pass, ${fail ? `${fail} FAIL` : "0 fail"}, ${reported} reported only`;
}

const VERDICTS: Verdict[] = ["yes", "partly", "no", "not testable offline"];

/** How many claims got each verdict: "1 yes, 4 partly, 0 no, 1 not testable offline". */
export function verdictTally(records: readonly SummaryRecord[]): string {
  return VERDICTS.map((v) => `${records.filter((r) => r.comparison?.verdict === v).length} ${v}`).join(", ");
}

/**
 * The summary a results page opens with: how many claims are reproduced, then one row per
 * experiment — the metric, MARBLE, the best baseline, the margin, the paper's claim and the verdict.
 */
export function comparisonMarkdown(records: readonly SummaryRecord[]): string {
  const without = records.filter((r) => !r.comparison).length;
  const lines = [
    "## MARBLE against the best baseline, and the paper's claims",
    "",
    `Claims reproduced here: ${verdictTally(records)}` +
      (without ? `; ${without} experiment${without > 1 ? "s" : ""} without a paper claim to compare` : "") + ".",
    "",
    "| experiment | metric | MARBLE | best baseline | margin | paper's claim | reproduced here | checks |",
    "|---|---|---|---|---|---|---|---|",
  ];
  for (const r of records) {
    const c = r.comparison;
    const tally = checksTally(r.checks);
    if (!c) {
      lines.push(`| ${mdCell(r.experiment)} | — | — | — | — | no paper claim recorded | — | ${tally} |`);
      continue;
    }
    const unit = c.unit ? ` ${c.unit}` : "";
    const best = c.best ? `${c.best.name}: ${fmt(c.best.value)}${unit}` : "none run";
    const note = c.note ? ` (${c.note})` : "";
    const variants = c.variants?.length ? ` (${mdCell(variantsText(c).slice(2))})` : "";
    lines.push(
      `| ${mdCell(r.experiment)} | ${mdCell(c.metric)} | ${fmt(c.marble)}${unit}${variants} | ${mdCell(best)} | ${mdCell(marginText(c))} | ` +
        `${mdCell(c.claim)} | **${c.verdict}**: ${mdCell(c.reason + note)} | ${tally} |`,
    );
  }
  return lines.join("\n") + "\n";
}

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

const VERDICT_COLOURS: Record<Verdict, string> = {
  yes: "#1a7f37",
  partly: "#9a6700",
  no: "#cf222e",
  "not testable offline": "#666",
};

/** The same line for one experiment, as HTML for a notebook's last cell. */
export function comparisonHtml(record: SummaryRecord): string {
  const c = record.comparison;
  if (!c) return `<p><b>${esc(record.experiment)}</b>: no paper claim recorded to compare with.</p>`;
  const unit = c.unit ? ` ${esc(c.unit)}` : "";
  const best = c.best ? `${esc(c.best.name)} ${fmt(c.best.value)}${unit}` : "no baseline run";
  return (
    `<p><b>${esc(record.experiment)}</b> — ${esc(c.metric)}: MARBLE ${fmt(c.marble)}${unit} vs best baseline ${best}${esc(variantsText(c))}; ` +
    `${esc(marginText(c))}.<br>Paper: ${esc(c.claim)}.<br>Reproduced here: ` +
    `<b style="color:${VERDICT_COLOURS[c.verdict]}">${esc(c.verdict)}</b> — ${esc(c.reason)}${c.note ? ` (${esc(c.note)})` : ""}.</p>`
  );
}

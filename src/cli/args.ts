/**
 * Command-line parsing shared by the `marble` commands. Each option is declared once (flag, kind,
 * description, default); the same declaration drives parsing, `--help` and the suggestion for a
 * misspelled flag.
 */
import { ValidationError } from "../core/validate.js";

/** A mistake in the command line itself (unknown option, missing value, bad number): exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

export type OptionKind =
  /** Repeatable, one string each time (`--anchor A --anchor B`). */
  | "list"
  /** One string value. */
  | "string"
  /** Present or absent, takes no value (`--quiet`). */
  | "switch"
  | "number"
  /** Comma-separated numbers (`64,32`). */
  | "numbers"
  /** `--name`, `--name true|false` or `--no-name`. */
  | "boolean"
  /** One of `choices`. */
  | "choice";

export interface OptionSpec {
  /** The flag without its leading dashes, kebab-case. */
  flag: string;
  kind: OptionKind;
  /** One line: what the option does (no trailing full stop). */
  description: string;
  /** Shown as "(default …)" in --help; omit when the option has none. */
  default?: string;
  /** Placeholder for the value in --help (FILE, DIR, N). */
  metavar?: string;
  choices?: readonly string[];
  /** The model or dataset parameter the option sets (camelCase); absent for a command's own options. */
  target?: { group: "model" | "dataset"; key: string };
}

export interface ParsedArgs {
  /** Values of repeatable flags, in command-line order. */
  lists: Record<string, string[]>;
  /** Single-valued string flags. */
  strings: Record<string, string>;
  /** Switches that were given. */
  switches: Set<string>;
  /** Model parameters (camelCase keys), typed. */
  model: Record<string, unknown>;
  /** Dataset parameters (camelCase keys), typed. */
  dataset: Record<string, unknown>;
  help: boolean;
}

export function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/**
 * Optimal-string-alignment distance: insertions, deletions, substitutions and swaps of two
 * neighbouring characters each cost 1 (so "epcohs" is one step from "epochs").
 */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1, cols = b.length + 1;
  const d = new Array<number>(rows * cols);
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[(i - 1) * cols + j] + 1, d[i * cols + j - 1] + 1, d[(i - 1) * cols + j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[(i - 2) * cols + j - 2] + 1);
      d[i * cols + j] = v;
    }
  }
  return d[rows * cols - 1];
}

/**
 * The valid names closest to `given`: an exact match after lower-casing and kebab-casing
 * (`batchSize` → `batch-size`), else a unique name that `given` abbreviates (`hidden` →
 * `hidden-channels`), else those within a small edit distance (more allowed for longer names).
 */
export function closestNames(given: string, valid: readonly string[]): string[] {
  const g = kebab(given).toLowerCase().replace(/_/g, "-");
  if (valid.includes(g)) return [g];
  const prefixed = valid.filter((v) => v.startsWith(g));
  if (g.length >= 3 && prefixed.length === 1) return prefixed;
  const limit = g.length <= 3 ? 1 : g.length <= 6 ? 2 : 3;
  let best = Infinity;
  let names: string[] = [];
  for (const v of valid) {
    const dist = editDistance(g, v);
    if (dist < best) {
      best = dist;
      names = [v];
    } else if (dist === best) names.push(v);
  }
  return best <= limit ? names.slice(0, 3) : [];
}

function didYouMean(names: string[]): string {
  if (names.length === 0) return "";
  const flags = names.map((n) => `--${n}`);
  return `; did you mean ${flags.length === 1 ? flags[0] : `${flags.slice(0, -1).join(", ")} or ${flags[flags.length - 1]}`}?`;
}

function parseTyped(spec: OptionSpec, raw: string): unknown {
  const flag = `--${spec.flag}`;
  switch (spec.kind) {
    case "boolean":
      if (raw === "true" || raw === "1") return true;
      if (raw === "false" || raw === "0") return false;
      throw new UsageError(`${flag}: expected true or false, got "${raw}"`);
    case "numbers": {
      const parts = raw.split(",").map((s) => s.trim());
      const values = parts.map(Number);
      if (parts.some((s) => s === "") || values.some((v) => !Number.isFinite(v))) {
        throw new UsageError(`${flag}: expected comma-separated numbers such as 64,32, got "${raw}"`);
      }
      return values;
    }
    case "number": {
      const v = Number(raw);
      if (raw.trim() === "" || !Number.isFinite(v)) throw new UsageError(`${flag}: expected a number, got "${raw}"`);
      return v;
    }
    case "choice": {
      const choices = spec.choices ?? [];
      if (choices.includes(raw)) return raw;
      const near = closestNames(raw, choices);
      throw new UsageError(`${flag}: expected one of ${choices.join(", ")}, got "${raw}"${near.length ? `; did you mean ${near[0]}?` : ""}`);
    }
    default:
      return raw;
  }
}

function describeValue(spec: OptionSpec): string {
  if (spec.metavar) return spec.metavar;
  switch (spec.kind) {
    case "number":
      return "N";
    case "numbers":
      return "N,N,...";
    case "choice":
      return (spec.choices ?? []).join("|");
    default:
      return "VALUE";
  }
}

/**
 * Parses `args` against `specs`. `refused` maps flags that exist elsewhere but not in this command
 * to the reason (for example model options in `marble transform`, fixed by the checkpoint).
 * Throws UsageError naming the problem; never prints.
 */
export function parseArgs(args: readonly string[], specs: readonly OptionSpec[], refused: ReadonlyMap<string, string> = new Map()): ParsedArgs {
  const out: ParsedArgs = { lists: {}, strings: {}, switches: new Set(), model: {}, dataset: {}, help: false };
  // --help anywhere wins over mistakes elsewhere on the line
  if (args.includes("--help") || args.includes("-h")) return { ...out, help: true };
  const byFlag = new Map(specs.map((s) => [s.flag, s]));
  const seen = new Set<string>();
  const validFlags = [...byFlag.keys(), ...specs.filter((s) => s.kind === "boolean").map((s) => `no-${s.flag}`)];
  let lastList: OptionSpec | null = null;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (!a.startsWith("--")) {
      if (a.startsWith("-") && a.length > 1 && !/^-[\d.]/.test(a)) {
        const near = closestNames(a.replace(/^-+/, ""), validFlags);
        throw new UsageError(`unknown option ${a}: options start with two dashes${near.length ? `; did you mean --${near[0]}?` : ""}`);
      }
      if (lastList && args[i - 1] !== undefined && !args[i - 1].startsWith("-")) {
        throw new UsageError(`unexpected argument "${a}": give each file its own flag, as in --${lastList.flag} ${args[i - 1]} --${lastList.flag} ${a}`);
      }
      throw new UsageError(`unexpected argument "${a}": options start with --`);
    }
    let name = a.slice(2);
    let inline: string | undefined;
    const eq = name.indexOf("=");
    if (eq >= 0) {
      inline = name.slice(eq + 1);
      name = name.slice(0, eq);
    }
    let spec = byFlag.get(name);
    let negated = false;
    if (!spec && name.startsWith("no-") && byFlag.get(name.slice(3))?.kind === "boolean") {
      spec = byFlag.get(name.slice(3));
      negated = true;
    }
    if (!spec) {
      const reason = refused.get(name) ?? refused.get(name.replace(/^no-/, ""));
      if (reason) throw new UsageError(`--${name}: ${reason}`);
      throw new UsageError(`unknown option --${name}${didYouMean(closestNames(name, validFlags))}`);
    }
    const flag = `--${spec.flag}`;
    const takeValue = (): string => {
      if (inline !== undefined) return inline;
      const next = args[i + 1];
      if (next === undefined || (next.startsWith("--") && next.length > 2)) {
        const def = spec.default !== undefined ? `; default ${spec.default}` : "";
        throw new UsageError(`${flag} needs a value (${describeValue(spec)}${def})`);
      }
      i++;
      return next;
    };
    if (spec.kind !== "list") {
      if (seen.has(spec.flag)) throw new UsageError(`${flag} is given twice; give it once`);
      seen.add(spec.flag);
    }
    lastList = null;
    let value: unknown;
    switch (spec.kind) {
      case "list":
        (out.lists[spec.flag] ??= []).push(takeValue());
        lastList = spec;
        continue;
      case "string":
        out.strings[spec.flag] = takeValue();
        continue;
      case "switch":
        if (inline !== undefined) throw new UsageError(`${flag} takes no value (got "${inline}")`);
        out.switches.add(spec.flag);
        continue;
      case "boolean": {
        if (negated) {
          if (inline !== undefined) throw new UsageError(`--no-${spec.flag} takes no value (got "${inline}")`);
          value = false;
          break;
        }
        const next = args[i + 1];
        if (inline === undefined && (next === "true" || next === "false")) {
          inline = next;
          i++;
        }
        value = inline === undefined ? true : parseTyped(spec, inline);
        break;
      }
      default:
        value = parseTyped(spec, takeValue());
    }
    if (spec.target) {
      out[spec.target.group][spec.target.key] = value;
      // one seed drives both the dataset's train/validation/test split and the network
      if (spec.target.key === "seed") out.dataset.seed = value;
    }
  }
  return out;
}

function leftColumn(s: OptionSpec): string {
  if (s.flag === "help") return "-h, --help";
  const flag = s.kind === "boolean" ? `--[no-]${s.flag}` : `--${s.flag}`;
  return s.kind === "switch" || s.kind === "boolean" ? flag : `${flag} ${describeValue(s)}`;
}

/** Where descriptions start, so that several groups of options can share one alignment. */
export function descriptionColumn(specs: readonly OptionSpec[]): number {
  return Math.min(34, Math.max(...specs.map((s) => leftColumn(s).length)) + 4);
}

/**
 * Lines of `--help` for `specs`: flag and value, then the description and default, aligned at
 * `column` and wrapped at `width` characters.
 */
export function formatOptions(specs: readonly OptionSpec[], column = descriptionColumn(specs), width = 100): string {
  const lines: string[] = [];
  for (const s of specs) {
    const text = s.default !== undefined ? `${s.description} (default ${s.default})` : s.description;
    let line = `  ${leftColumn(s)}`;
    if (line.length + 2 > column) {
      lines.push(line);
      line = "";
    }
    line = line.padEnd(column);
    let empty = true;
    for (const word of text.split(" ")) {
      if (!empty && line.length + 1 + word.length > width) {
        lines.push(line);
        line = "".padEnd(column + 2);
        empty = true;
      }
      line += empty ? word : ` ${word}`;
      empty = false;
    }
    lines.push(line);
  }
  return lines.join("\n");
}

/** `-h, --help` in a command's option list (parseArgs handles it before any spec). */
export const HELP_OPTION: OptionSpec = { flag: "help", kind: "switch", description: "show this help and exit" };

function isAbort(e: unknown): e is Error {
  return e instanceof Error && e.name === "AbortError";
}

/** A failed file-system call ("EACCES: permission denied, open '/x'"): the message names the path. */
function isSystemError(e: unknown): e is NodeJS.ErrnoException {
  return e instanceof Error && typeof (e as NodeJS.ErrnoException).code === "string" && typeof (e as NodeJS.ErrnoException).syscall === "string";
}

/**
 * Runs a command's body and turns its errors into one short message on stderr and an exit code:
 * 2 for a usage error (with a pointer to the command's --help), 1 for a problem with the inputs,
 * a failed file-system call or a cancelled run. Other errors are bugs and propagate with their stack.
 */
export async function runCommand(command: string, body: () => Promise<number> | number): Promise<number> {
  try {
    return await body();
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`${command}: ${e.message}\nsee '${command} --help'`);
      return 2;
    }
    if (e instanceof ValidationError || isAbort(e) || isSystemError(e)) {
      console.error(`${command}: ${e.message}`);
      return 1;
    }
    throw e;
  }
}

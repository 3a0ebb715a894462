/**
 * Numeric CSV/TSV tables. Every row must have the same number of cells; a missing or non-numeric
 * cell is an error naming its line, column and value unless a `missing` policy says otherwise; the
 * first line is taken as a header only when it clearly is one. No row or column is ever dropped
 * without saying so.
 */
import { Matrix } from "../core/index.js";
import { readInputFile } from "./input-file.js";
import { type CellGrid, type MissingPolicy, type PolicyReport, MISSING_POLICIES, isMissingToken, parseNumber, resolveMissing } from "./missing.js";

export type HeaderOption = boolean | "auto";

export interface CsvReadOptions {
  /**
   * true: the first line names the columns; false: it is data (columns are named col0, col1, …);
   * "auto" (default): a header when most of its cells are not numbers, data when all are, and an
   * error asking for true or false when only a few are not.
   */
  header?: HeaderOption;
  /** Cell separator; by default detected from the first line (tab, comma, semicolon, else whitespace). */
  delimiter?: string | null;
  /** Missing or non-numeric cells: "error" (default), "zero" (replace with 0) or "drop-rows". */
  missing?: MissingPolicy;
}

export interface CsvMatrix {
  /** The header's column names, or null when the file has no header. */
  columns: string[] | null;
  /** Column names: the header's, or col0, col1, … for a headerless file. */
  names: string[];
  matrix: Matrix;
  /** What the `missing` policy changed (all zero when nothing was missing). */
  policyReport: PolicyReport;
}

/** A CSV text split into cells: numbers row-major with NaN where a cell is missing or not a number. */
export interface ParsedCsv {
  names: string[];
  /** Whether `names` came from a header line. */
  hasHeader: boolean;
  /** Header cells that were empty (their columns are named col<index>). */
  unnamed: string[];
  rows: number;
  cols: number;
  /** File line (1-based) of each data row. */
  lineNumbers: Int32Array;
  values: Float64Array;
  /** The text of each NaN cell, keyed by row * cols + col. */
  raw: Map<number, string>;
}

function unquoteSingle(cell: string): string {
  return cell.length >= 2 && cell[0] === "'" && cell.at(-1) === "'" ? cell.slice(1, -1) : cell;
}

/** Splits one line at `delimiter`, honouring double quotes ("a, b" is one cell; "" is a quote). */
function splitLine(line: string, delimiter: string | RegExp, where: string, lineNo: number): string[] {
  if (typeof delimiter !== "string") return line.trim().split(delimiter).map(unquoteSingle);
  if (!line.includes('"')) return line.split(delimiter).map((c) => unquoteSingle(c.trim()));
  const out: string[] = [];
  let i = 0;
  for (;;) {
    let j = i;
    while (line[j] === " ") j++;
    if (line[j] !== '"') {
      const d = line.indexOf(delimiter, i);
      if (d < 0) {
        out.push(line.slice(i).trim());
        return out;
      }
      out.push(line.slice(i, d).trim());
      i = d + delimiter.length;
      continue;
    }
    let cell = "";
    j++;
    for (;;) {
      const q = line.indexOf('"', j);
      if (q < 0) throw new Error(`${where}: line ${lineNo} has an unterminated quote (cells spanning several lines are not supported)`);
      cell += line.slice(j, q);
      if (line[q + 1] === '"') {
        cell += '"';
        j = q + 2;
        continue;
      }
      j = q + 1;
      break;
    }
    while (line[j] === " ") j++;
    out.push(cell);
    if (j >= line.length) return out;
    if (!line.startsWith(delimiter, j)) throw new Error(`${where}: line ${lineNo}: text after a closing quote in cell ${out.length}`);
    i = j + delimiter.length;
  }
}

function detectDelimiter(line: string): string | RegExp {
  if (line.includes("\t")) return "\t";
  if (line.includes(",")) return ",";
  if (line.includes(";")) return ";";
  return /\s+/;
}

/** Decides whether the first line is a header (see CsvReadOptions.header). */
function decideHeader(first: string[], option: HeaderOption, where: string, lineNo: number): boolean {
  if (option !== "auto") return option;
  let numeric = 0;
  let text = 0;
  let suspicious = -1;
  first.forEach((cell, j) => {
    if (parseNumber(cell) !== null) numeric++;
    else if (!isMissingToken(cell)) {
      text++;
      if (suspicious < 0) suspicious = j;
    }
  });
  if (text === 0) {
    if (looksLikeColumnNumbers(first)) {
      throw new Error(
        `${where}: cannot tell whether line ${lineNo} is a header: it holds the column numbers ${first.filter((c) => c.trim() !== "").slice(0, 3).join(", ")}, … ` +
          "(as pandas writes integer column names). Pass header: true if this line names the columns, or header: false if it is data",
      );
    }
    return false;
  }
  if (text > numeric) return true;
  throw new Error(
    `${where}: cannot tell whether line ${lineNo} is a header: ${numeric} of its ${first.length} cells are numbers but ` +
      `${text} ${text === 1 ? "is" : "are"} not (column ${suspicious + 1}: ${JSON.stringify(first[suspicious])}). ` +
      "Pass header: true if this line names the columns, or header: false if it is data",
  );
}

/** 0, 1, 2, … or 1, 2, 3, … across at least three cells, optionally after an empty index cell. */
function looksLikeColumnNumbers(cells: string[]): boolean {
  const numbers = (cells[0].trim() === "" ? cells.slice(1) : cells).map((c) => c.trim());
  if (numbers.length < 3 || !numbers.every((c) => /^\d+$/.test(c))) return false;
  const start = Number(numbers[0]);
  return (start === 0 || start === 1) && numbers.every((c, j) => Number(c) === start + j);
}

function headerNames(first: string[], where: string, lineNo: number): { names: string[]; unnamed: string[] } {
  const unnamed: string[] = [];
  const names = first.map((cell, j) => {
    if (cell.length > 0) return cell;
    unnamed.push(`col${j}`);
    return `col${j}`;
  });
  const seen = new Map<string, number>();
  names.forEach((name, j) => {
    const before = seen.get(name);
    if (before !== undefined) {
      throw new Error(`${where}: columns ${before + 1} and ${j + 1} are both named "${name}" in the header (line ${lineNo}); give them distinct names`);
    }
    seen.set(name, j);
  });
  return { names, unnamed };
}

/**
 * Splits CSV text into numbers (see ParsedCsv). Blank lines and lines starting with "#" are
 * skipped; `columnNames` names the columns of a headerless table.
 */
export function parseCsv(
  text: string,
  where: string,
  options: { header?: HeaderOption; delimiter?: string | null; columnNames?: string[] | null } = {},
): ParsedCsv {
  const header = options.header ?? "auto";
  if (header !== true && header !== false && header !== "auto") throw new Error(`${where}: header must be true, false or "auto", got ${JSON.stringify(header)}`);
  const lines: { lineNo: number; text: string }[] = [];
  text.replace(/^\uFEFF/, "").split("\n").forEach((t, i) => {
    const line = t.endsWith("\r") ? t.slice(0, -1) : t;
    const trimmed = line.trim();
    if (trimmed.length > 0 && !trimmed.startsWith("#")) lines.push({ lineNo: i + 1, text: line });
  });
  if (lines.length === 0) throw new Error(`${where}: no data rows`);
  if (options.delimiter === "") throw new Error(`${where}: delimiter must not be empty`);
  const delimiter = options.delimiter ?? detectDelimiter(lines[0].text);
  const first = splitLine(lines[0].text, delimiter, where, lines[0].lineNo);
  const hasHeader = decideHeader(first, header, where, lines[0].lineNo);
  const cols = first.length;
  let names: string[];
  let unnamed: string[] = [];
  if (hasHeader) ({ names, unnamed } = headerNames(first, where, lines[0].lineNo));
  else if (options.columnNames) {
    if (options.columnNames.length !== cols) throw new Error(`${where}: ${cols} columns but ${options.columnNames.length} columnNames were given`);
    names = headerNames(options.columnNames, `${where} (columnNames)`, lines[0].lineNo).names;
  } else names = Array.from({ length: cols }, (_, j) => `col${j}`);
  const dataLines = hasHeader ? lines.slice(1) : lines;
  if (dataLines.length === 0) throw new Error(`${where}: header line but no data rows`);

  const rows = dataLines.length;
  const values = new Float64Array(rows * cols);
  const lineNumbers = new Int32Array(rows);
  const raw = new Map<number, string>();
  dataLines.forEach(({ lineNo, text: lineText }, r) => {
    const cells = r === 0 && !hasHeader ? first : splitLine(lineText, delimiter, where, lineNo);
    if (cells.length !== cols) {
      throw new Error(
        `${where}: line ${lineNo} has ${cells.length} cells but ${hasHeader ? "the header" : "the first row"} has ${cols} (ragged rows)`,
      );
    }
    lineNumbers[r] = lineNo;
    for (let c = 0; c < cols; c++) {
      const v = parseNumber(cells[c]);
      if (v === null) {
        values[r * cols + c] = NaN;
        raw.set(r * cols + c, cells[c]);
      } else values[r * cols + c] = v;
    }
  });
  return { names, hasHeader, unnamed, rows, cols, lineNumbers, values, raw };
}

/** The cells of a parsed CSV as a grid for the missing-cell policy. */
export function csvGrid(parsed: ParsedCsv, header: HeaderOption): CellGrid {
  const { cols, lineNumbers, raw } = parsed;
  return {
    rows: parsed.rows,
    cols,
    values: parsed.values,
    columnNames: parsed.names,
    rowNumber: (r) => lineNumbers[r],
    rowWord: "line",
    raw: (r, c) => raw.get(r * cols + c) ?? "NaN",
    hint: (r) => (r === 0 && !parsed.hasHeader && header === false ? "; if this row names the columns, pass header: true" : ""),
  };
}

/**
 * Reads a numeric table. `pathOrText` is treated as CSV text when it contains a newline, otherwise
 * as a file path. Blank lines and lines starting with "#" are skipped.
 */
export function readCsvMatrix(pathOrText: string, options: CsvReadOptions = {}): CsvMatrix {
  const isText = pathOrText.includes("\n");
  const where = isText ? "CSV text" : pathOrText;
  for (const key of Object.keys(options)) {
    if (!["header", "delimiter", "missing"].includes(key)) throw new Error(`readCsvMatrix: unknown option "${key}". Valid options: header, delimiter, missing`);
  }
  const missing = options.missing ?? "error";
  if (!MISSING_POLICIES.includes(missing)) throw new Error(`readCsvMatrix: missing must be one of ${MISSING_POLICIES.map((p) => `"${p}"`).join(", ")}, got ${JSON.stringify(missing)}`);
  const text = isText ? pathOrText : readInputFile(pathOrText, "readCsvMatrix").toString("utf8");
  const header = options.header ?? "auto";
  const parsed = parseCsv(text, where, { header, delimiter: options.delimiter });
  const resolved = resolveMissing(csvGrid(parsed, header), missing, where);
  return {
    columns: parsed.hasHeader ? parsed.names : null,
    names: parsed.names,
    matrix: new Matrix(resolved.rows, parsed.cols, resolved.values),
    policyReport: resolved.report,
  };
}

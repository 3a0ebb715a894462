/**
 * Numeric CSV/TSV tables → Matrix. Small and strict: every data cell must be a number, every row
 * the same length; errors name the line and the column.
 */
import { existsSync, readFileSync } from "node:fs";
import { Matrix } from "../core/index.js";

export interface CsvReadOptions {
  /** true: the first row names the columns; false: no header; "auto" (default): header when the first row has a non-numeric cell. */
  header?: boolean | "auto";
  /** Cell separator; by default detected from the first line (tab, comma, semicolon, else whitespace). */
  delimiter?: string;
}

export interface CsvMatrix {
  columns: string[] | null;
  matrix: Matrix;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const SPECIAL: Record<string, number> = {
  nan: NaN, "+nan": NaN, "-nan": NaN, inf: Infinity, "+inf": Infinity, "-inf": -Infinity,
  infinity: Infinity, "+infinity": Infinity, "-infinity": -Infinity,
};

function parseCell(cell: string): number | null {
  if (NUMBER.test(cell)) return Number(cell);
  const special = SPECIAL[cell.toLowerCase()];
  return special === undefined ? null : special;
}

function unquote(cell: string): string {
  const t = cell.trim();
  if (t.length >= 2 && ((t[0] === '"' && t.at(-1) === '"') || (t[0] === "'" && t.at(-1) === "'"))) {
    return t.slice(1, -1).replace(/""/g, '"');
  }
  return t;
}

function detectDelimiter(line: string): string | RegExp {
  if (line.includes("\t")) return "\t";
  if (line.includes(",")) return ",";
  if (line.includes(";")) return ";";
  return /\s+/;
}

/**
 * Reads a numeric table. `pathOrText` is treated as CSV text when it contains a newline, otherwise
 * as a file path. Blank lines and lines starting with "#" are skipped.
 */
export function readCsvMatrix(pathOrText: string, options: CsvReadOptions = {}): CsvMatrix {
  const isText = pathOrText.includes("\n");
  const where = isText ? "CSV text" : pathOrText;
  if (!isText && !existsSync(pathOrText)) {
    throw new Error(`readCsvMatrix: file not found: ${pathOrText} (pass CSV text containing a newline, or an existing path)`);
  }
  const text = isText ? pathOrText : readFileSync(pathOrText, "utf8");
  const lines: { lineNo: number; text: string }[] = [];
  text.replace(/^\uFEFF/, "").split(/\r?\n/).forEach((t, i) => {
    const trimmed = t.trim();
    if (trimmed.length > 0 && !trimmed.startsWith("#")) lines.push({ lineNo: i + 1, text: trimmed });
  });
  if (lines.length === 0) throw new Error(`${where}: no data rows`);
  const delimiter = options.delimiter ?? detectDelimiter(lines[0].text);
  const split = (s: string) => s.split(delimiter).map(unquote);

  const first = split(lines[0].text);
  const firstNumeric = first.every((c) => parseCell(c) !== null);
  const header = options.header ?? "auto";
  const hasHeader = header === "auto" ? !firstNumeric : header;
  const columns = hasHeader ? first : null;
  const dataLines = hasHeader ? lines.slice(1) : lines;
  const cols = first.length;
  if (dataLines.length === 0) throw new Error(`${where}: header row but no data rows`);

  const data = new Float64Array(dataLines.length * cols);
  dataLines.forEach(({ lineNo, text: lineText }, r) => {
    const cells = split(lineText);
    if (cells.length !== cols) {
      throw new Error(
        `${where}: line ${lineNo} has ${cells.length} cells but ${hasHeader ? "the header" : "the first row"} has ${cols} (ragged rows)`,
      );
    }
    for (let c = 0; c < cols; c++) {
      const v = parseCell(cells[c]);
      if (v === null) {
        const colName = columns ? ` ("${columns[c]}")` : "";
        throw new Error(
          `${where}: non-numeric cell ${JSON.stringify(cells[c])} at line ${lineNo}, column ${c + 1}${colName}` +
            (r === 0 && !hasHeader && header === false ? "; if this row names the columns, pass { header: true }" : ""),
        );
      }
      data[r * cols + c] = v;
    }
  });
  return { columns, matrix: new Matrix(dataLines.length, cols, data) };
}

// Reading the authors' reference values (scripts/fixtures/authors.py → test/fixtures/authors/*.json)
// and the comparisons the fidelity tests make with them.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Matrix, type SparseMatrix } from "../../src/index.js";

const FIX = join(__dirname, "..", "fixtures", "authors");

export const loadAuthors = (name: string): any => JSON.parse(readFileSync(join(FIX, name), "utf8"));

export interface Coo {
  rows: number[];
  cols: number[];
  values: number[];
}

/** Dense n × n from the reference's COO entries (duplicates summed, as in coalescing). */
export function denseFromCoo(c: Coo, n: number): Float64Array {
  const out = new Float64Array(n * n);
  c.rows.forEach((r, p) => (out[r * n + c.cols[p]] += c.values[p]));
  return out;
}

/** Dense copy of a sparse matrix. */
export function denseFromSparse(K: SparseMatrix): Float64Array {
  const n = K.cols, out = new Float64Array(K.rows * n);
  for (let i = 0; i < K.rows; i++) for (let p = K.rowPtr[i]; p < K.rowPtr[i + 1]; p++) out[i * n + K.colIdx[p]] += K.values[p];
  return out;
}

/** Largest absolute entrywise difference. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError(`maxAbsDiff: lengths ${a.length} and ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/**
 * Prints one compared quantity in the form scripts/fidelity-report.mjs collects into its table:
 * "  QUANTITY: largest difference D (tolerance T)". Returns `diff` for the assertion.
 */
export function reportDiff(quantity: string, diff: number, tol: number): number {
  console.log(`  ${quantity}: largest difference ${diff.toExponential(2)} (tolerance ${tol.toExponential(0)})`);
  return diff;
}

/**
 * Prints the size of a deliberate departure from the reference ("  departure: …"), which the
 * report lists under its table.
 */
export function reportDeparture(text: string): void {
  console.log(`  departure: ${text}`);
}

/** Prints a measured agreement that has no single tolerance (a correlation, a share), as "  measured: …". */
export function reportMeasure(text: string): void {
  console.log(`  measured: ${text}`);
}

/** Rows of a nested array as one flat Float64Array. */
export const flat = (rows: number[][]): Float64Array => Float64Array.from(rows.flat());

export const matrix = (rows: number[][]): Matrix => Matrix.from(rows);

/** The reference's undirected edges without its self loops, as sorted "i-j" keys. */
export function edgeKeys(e: { src: number[]; dst: number[] }): string[] {
  const keys = new Set<string>();
  e.src.forEach((i, p) => {
    const j = e.dst[p];
    if (i !== j) keys.add(`${i}-${j}`);
  });
  return [...keys].sort();
}

export function adjacencyKeys(A: SparseMatrix): string[] {
  const keys: string[] = [];
  for (let i = 0; i < A.rows; i++) for (let p = A.rowPtr[i]; p < A.rowPtr[i + 1]; p++) if (A.colIdx[p] !== i) keys.push(`${i}-${A.colIdx[p]}`);
  return keys.sort();
}

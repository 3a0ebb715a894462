/** A benchmark case: `run` does the work and may return extra columns (sizes, residuals, targets). */
export interface BenchCase {
  name: string;
  /** Optional target shown beside the measurement, e.g. "≤ 10 s". */
  target?: string;
  run: () => Promise<Record<string, string | number> | void> | Record<string, string | number> | void;
}

/** What every benchmark reports: one JSON line, a ratio against a baseline measured in the same run. */
export interface BenchResult {
  bench: string;
  value: number;
  baseline: number;
  ratio: number;
  target: string;
  unit: string;
  /** Did the ratio meet its target? */
  met: boolean;
  details?: Record<string, unknown>;
}

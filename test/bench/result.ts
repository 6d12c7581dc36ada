// What a benchmark reports: one figure, the target for it, and the reference it is compared with.
export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  /** The figure the issue asks for, as text (e.g. "< 30 ms"). */
  target?: string;
  /** Whether the target holds; undefined when there is no target. */
  ok?: boolean;
  /** A reference measured in the same run. */
  reference?: { name: string; value: number; unit: string };
  note?: string;
}

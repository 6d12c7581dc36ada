// Metrics that are awkward in SQL: ROC AUC (rank statistic) and per-class precision/recall from a
// confusion matrix. Pure functions, so tests can check them against hand-computed values.

/**
 * Binary ROC AUC as the Mann–Whitney statistic: the probability that a random positive scores above a
 * random negative, ties counting one half. Undefined (NaN) without both positives and negatives.
 */
export function binaryAuc(scores: ArrayLike<number>, positives: ArrayLike<boolean>): number {
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => (scores[a] as number) - (scores[b] as number));
  let pos = 0;
  let rankSumPos = 0;
  let i = 0;
  while (i < n) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1] as number] === scores[order[i] as number]) j++;
    const averageRank = (i + j) / 2 + 1; // ranks are 1-based; ties share their mean rank
    for (let k = i; k <= j; k++) {
      if (positives[order[k] as number]) {
        pos++;
        rankSumPos += averageRank;
      }
    }
    i = j + 1;
  }
  const neg = n - pos;
  if (pos === 0 || neg === 0) return Number.NaN;
  return (rankSumPos - (pos * (pos + 1)) / 2) / (pos * neg);
}

/**
 * AUC of a classifier from its probability rows: binary -> AUC of class 1's probability; multiclass ->
 * macro average of one-vs-rest AUCs over classes that have both positives and negatives in the data.
 */
export function classifierAuc(probabilities: number[][], labels: number[], classCount: number): number {
  if (classCount === 2) return binaryAuc(probabilities.map((p) => p[1] as number), labels.map((y) => y === 1));
  const aucs: number[] = [];
  for (let c = 0; c < classCount; c++) {
    const auc = binaryAuc(probabilities.map((p) => p[c] as number), labels.map((y) => y === c));
    if (!Number.isNaN(auc)) aucs.push(auc);
  }
  return aucs.length ? aucs.reduce((a, b) => a + b, 0) / aucs.length : Number.NaN;
}

export interface ClassScores {
  precision: number;
  recall: number;
  /** Harmonic mean of precision and recall (0 when both are 0). */
  f1: number;
  support: number;
}

export function f1Score(precision: number, recall: number): number {
  return precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
}

/**
 * Per-class precision and recall from `matrix[actual][predicted]`, and their macro averages over the
 * classes that occur as an actual or a predicted value (sklearn's convention; empty denominators give 0).
 */
export function precisionRecall(matrix: number[][], classes: string[]): { perClass: Record<string, ClassScores>; precision: number; recall: number } {
  const perClass: Record<string, ClassScores> = {};
  let precisionSum = 0;
  let recallSum = 0;
  let counted = 0;
  classes.forEach((name, c) => {
    const tp = matrix[c]?.[c] ?? 0;
    const actual = (matrix[c] ?? []).reduce((a, b) => a + b, 0);
    const predicted = matrix.reduce((a, row) => a + (row[c] ?? 0), 0);
    if (actual === 0 && predicted === 0) return;
    const precision = predicted > 0 ? tp / predicted : 0;
    const recall = actual > 0 ? tp / actual : 0;
    perClass[name] = { precision, recall, f1: f1Score(precision, recall), support: actual };
    precisionSum += precision;
    recallSum += recall;
    counted++;
  });
  return { perClass, precision: counted ? precisionSum / counted : Number.NaN, recall: counted ? recallSum / counted : Number.NaN };
}

// Metrics of predictions that are already in a table (TFMA's model-agnostic evaluation, prediction_key),
// with TFMA's definitions of weighted metrics: every example counts with its weight (1 without an
// example_weight_column) in the example count, accuracy, precision/recall, log loss, AUC and the
// regression errors. Pure functions over arrays, so tests can check them against hand computations.
import { precisionRecall, type ClassScores } from './classificationMetrics';

export interface WeightedClassification {
  /** Class index of the truth per example. */
  truth: number[];
  /** Probability rows [examples][classes] (binary: [1 − p, p]), or undefined for hard predictions. */
  probabilities?: number[][];
  /** Predicted class index per example. */
  predicted: number[];
  weights: number[];
  classCount: number;
}

export interface ClassificationResult {
  metrics: Record<string, number>;
  confusion_matrix: number[][];
  per_class: Record<string, ClassScores>;
}

function sum(xs: number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}

/**
 * Weighted ROC AUC as the weighted Mann–Whitney statistic: over all (positive, negative) pairs, the
 * weight share of pairs where the positive scores higher (ties count one half). TFMA's bucketed AUC
 * converges to this; NaN without both positive and negative weight.
 */
export function weightedBinaryAuc(scores: number[], positives: boolean[], weights: number[]): number {
  const order = scores.map((_, i) => i).sort((a, b) => (scores[a] as number) - (scores[b] as number));
  let negBelow = 0; // negative weight with a lower score than the current group
  let area = 0;
  let posTotal = 0;
  let negTotal = 0;
  let i = 0;
  while (i < order.length) {
    let j = i;
    let pos = 0;
    let neg = 0;
    while (j < order.length && scores[order[j] as number] === scores[order[i] as number]) {
      const k = order[j] as number;
      if (positives[k]) pos += weights[k] as number;
      else neg += weights[k] as number;
      j++;
    }
    area += pos * (negBelow + neg / 2);
    negBelow += neg;
    posTotal += pos;
    negTotal += neg;
    i = j;
  }
  return posTotal > 0 && negTotal > 0 ? area / (posTotal * negTotal) : Number.NaN;
}

export function weightedClassification(input: WeightedClassification, classes: string[]): ClassificationResult {
  const { truth, predicted, weights, probabilities, classCount } = input;
  const total = sum(weights);
  const matrix = Array.from({ length: classCount }, () => new Array<number>(classCount).fill(0));
  let correct = 0;
  for (let r = 0; r < truth.length; r++) {
    const w = weights[r] as number;
    (matrix[truth[r] as number] as number[])[predicted[r] as number]! += w;
    if (truth[r] === predicted[r]) correct += w;
  }
  const pr = precisionRecall(matrix, classes);
  const metrics: Record<string, number> = { accuracy: total > 0 ? correct / total : Number.NaN, precision: pr.precision, recall: pr.recall };
  if (probabilities) {
    let loss = 0;
    for (let r = 0; r < truth.length; r++) loss -= (weights[r] as number) * Math.log(Math.max((probabilities[r] as number[])[truth[r] as number] as number, 1e-15));
    metrics['log_loss'] = total > 0 ? loss / total : Number.NaN;
    if (classCount === 2) {
      metrics['auc'] = weightedBinaryAuc(probabilities.map((p) => p[1] as number), truth.map((y) => y === 1), weights);
    } else {
      // Macro average of one-vs-rest AUCs over classes with both positive and negative weight.
      const aucs: number[] = [];
      for (let c = 0; c < classCount; c++) {
        const auc = weightedBinaryAuc(probabilities.map((p) => p[c] as number), truth.map((y) => y === c), weights);
        if (!Number.isNaN(auc)) aucs.push(auc);
      }
      if (aucs.length) metrics['auc'] = sum(aucs) / aucs.length;
    }
  }
  return { metrics, confusion_matrix: matrix, per_class: pr.perClass };
}

/** Weighted rmse, mae and r2 (r2 against the weighted mean of the truth). */
export function weightedRegression(truth: number[], predicted: number[], weights: number[]): Record<string, number> {
  const total = sum(weights);
  if (!(total > 0)) return {};
  let se = 0;
  let ae = 0;
  let mean = 0;
  for (let r = 0; r < truth.length; r++) mean += (weights[r] as number) * (truth[r] as number);
  mean /= total;
  let ss = 0;
  for (let r = 0; r < truth.length; r++) {
    const w = weights[r] as number;
    const d = (predicted[r] as number) - (truth[r] as number);
    se += w * d * d;
    ae += w * Math.abs(d);
    ss += w * ((truth[r] as number) - mean) ** 2;
  }
  return { rmse: Math.sqrt(se / total), mae: ae / total, ...(ss > 0 ? { r2: 1 - se / ss } : {}) };
}

// A metric across a pipeline's runs, like TFMA's time series: for every run with an evaluation, its
// candidate metrics overall and per slice and whether the model was blessed. From ML Metadata (the runs,
// the ModelEvaluation and ModelBlessing outputs) and each evaluation's metrics.json.
import { blessingVerdict } from '../../common/blessing';
import { formatSlice } from '../../common/format';
import type { MetadataStore } from '../metadata/store';
import { readMetrics } from './runDiff';

export interface MetricPoint {
  runContextId: number;
  runName: string;
  createTime: number;
  executionId: number;
  evaluationId: number;
  /** The Evaluator was answered from the cache: the same evaluation as an earlier run's. */
  cached: boolean;
  blessed: boolean | null;
  /** Metrics by slice ('Overall', 'Island = Biscoe' …) and name. */
  values: Record<string, Record<string, number>>;
}

export interface MetricHistory {
  pipeline: string;
  /** Oldest first. */
  points: MetricPoint[];
  metrics: string[];
  slices: string[];
  /** Runs whose evaluation could not be read, with why. */
  notes: string[];
}

export function metricHistory(store: MetadataStore, pipeline: string, limit = 100): MetricHistory {
  const runs = store.listRuns({ pipeline, limit }).items.slice().reverse();
  const points: MetricPoint[] = [];
  const notes: string[] = [];
  for (const run of runs) {
    for (const e of store.runExecutions(run.id)) {
      if (e.state !== 'COMPLETE' && e.state !== 'CACHED') continue;
      const detail = store.execution(e.id);
      const evaluation = detail?.outputs.find((o) => o.type === 'OUTPUT' && o.artifact.type === 'ModelEvaluation');
      if (!detail || !evaluation) continue;
      const m = readMetrics(evaluation.artifact.uri);
      if (typeof m === 'string') {
        notes.push(`run ${run.name}: ${m}`);
        continue;
      }
      const blessing = detail.outputs.find((o) => o.type === 'OUTPUT' && o.artifact.type === 'ModelBlessing');
      const values: MetricPoint['values'] = { Overall: m.candidate.overall };
      for (const s of m.candidate.slices) if (Object.keys(s.slice).length) values[formatSlice(s.slice)] = s.metrics;
      points.push({
        runContextId: run.id,
        runName: run.name,
        createTime: run.createTime,
        executionId: e.id,
        evaluationId: evaluation.artifact.id,
        cached: e.state === 'CACHED',
        blessed: blessing ? blessingVerdict(blessing.artifact.customProperties) : null,
        values,
      });
    }
  }
  const metrics = [...new Set(points.flatMap((p) => Object.values(p.values).flatMap((v) => Object.keys(v))))].sort();
  const slices = [...new Set(points.flatMap((p) => Object.keys(p.values)))];
  return { pipeline, points, metrics, slices, notes };
}

// The host side of one data grid, without `vscode`: which Parquet files an artifact holds (its Split-*
// folders, predictions.parquet, any *.parquet in its folder), what "where the model is wrong" compares
// (from the Evaluator's metrics.json), and the translation of the view's messages into runtime requests
// (runtime/server/protocol.ts `mlpipe/gridPage`, `mlpipe/gridColumnStats`). The view never names a file:
// it names a source of this artifact, and the host maps it to a path. Tests drive this with the runtime's
// own query module; the panel drives it with the JSON-RPC client.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { EXAMPLES_FILE, METRICS_FILE, splitDir } from '../../common/artifacts';
import type { DatasetStatistics } from '../../common/featureStatistics';
import type { GridColumnStats, GridPage, GridPageRequest, GridQuery } from '../../runtime/server/protocol';
import type { DataGridSnapshot, DataGridStats, DataGridToHost, DataGridView, HostToDataGrid } from '../../webviews/protocol';
import { readJsonFile, splitsIn } from './artifactPayloads';

export const PREDICTIONS_FILE = 'predictions.parquet';
const FIRST_ROWS = 200;

export interface GridSource {
  /** What the user picks: a split name, or a file name. */
  name: string;
  file: string;
}

export interface GridTarget {
  label: string;
  artifactId: number;
  artifactType: string;
  sources: GridSource[];
  predictions: DataGridSnapshot['predictions'];
  /** ExampleStatistics of the same data, per source name, with where they come from. */
  statistics?: Record<string, { origin: string; dataset: DatasetStatistics }>;
}

/** The runtime's two grid requests (the JSON-RPC client, or the query module itself in tests). */
export interface GridRuntime {
  page(p: GridPageRequest): Promise<GridPage>;
  columnStats(q: GridQuery & { column: string }): Promise<GridColumnStats>;
}

/** The Parquet files of an artifact folder, as sources: splits first, then files of the folder itself. */
export function gridSources(uri: string): GridSource[] {
  const out: GridSource[] = [];
  for (const split of splitsIn(uri)) {
    const file = join(uri, splitDir(split), EXAMPLES_FILE);
    if (existsSync(file)) out.push({ name: split, file });
  }
  if (existsSync(uri) && statSync(uri).isDirectory()) {
    for (const name of readdirSync(uri).sort()) if (name.endsWith('.parquet')) out.push({ name, file: join(uri, name) });
  } else if (uri.endsWith('.parquet') && existsSync(uri)) {
    out.push({ name: uri.split(/[\\/]/).pop()!, file: uri });
  }
  return out;
}

/** What "where the model is wrong" compares in an Evaluator's predictions.parquet (metrics.json beside it). */
export function predictionsOf(uri: string): DataGridSnapshot['predictions'] {
  const metricsPath = join(uri, METRICS_FILE);
  if (!existsSync(join(uri, PREDICTIONS_FILE)) || !existsSync(metricsPath)) return null;
  const metrics = readJsonFile(metricsPath) as { label?: unknown; slicing_specs?: unknown; candidate?: { task?: unknown } };
  if (typeof metrics.label !== 'string') return null;
  const task = metrics.candidate?.task === 'regression' ? 'regression' : 'classification';
  const sliceColumns = Array.isArray(metrics.slicing_specs) ? [...new Set(metrics.slicing_specs.flat().filter((c): c is string => typeof c === 'string'))] : [];
  return { label: metrics.label, prediction: 'prediction', task, sliceColumns };
}

/** A column's figures from tensorflow_metadata statistics, in the grid's shape; undefined when the feature is not there. */
export function statsFromFeatureStatistics(dataset: DatasetStatistics, column: string, origin: string): DataGridStats | undefined {
  const f = dataset.features.find((x) => x.name === column);
  if (!f) return undefined;
  const common = f.num?.common ?? f.string?.common;
  const count = dataset.numExamples;
  const nulls = common?.numMissing ?? 0;
  if (f.num) {
    return { column, type: f.type, count, nulls, distinct: 0, min: f.num.min, max: f.num.max, mean: f.num.mean, stddev: f.num.stdDev, top: [], origin };
  }
  if (f.string) {
    return { column, type: f.type, count, nulls, distinct: f.string.unique, min: null, max: null, mean: null, stddev: null, top: f.string.topValues.slice(0, 5).map((t) => ({ value: t.value, count: t.frequency })), origin };
  }
  return undefined;
}

export class DataGridSession {
  private source: GridSource;

  constructor(
    readonly target: GridTarget,
    private readonly runtime: GridRuntime,
    private readonly post: (m: HostToDataGrid) => void,
    sourceName?: string,
  ) {
    const first = target.sources.find((s) => s.name === sourceName) ?? target.sources.find((s) => s.name === PREDICTIONS_FILE) ?? target.sources[0];
    if (!first) throw new Error(`${target.artifactType} artifact ${target.artifactId} has no Parquet file to show.`);
    this.source = first;
  }

  get sourceName(): string {
    return this.source.name;
  }

  /** The snapshot of the current source, with its first page (one round trip for the first screen). */
  async snapshot(): Promise<DataGridSnapshot> {
    const base = { label: this.target.label, artifactId: this.target.artifactId, artifactType: this.target.artifactType, source: this.source.name, sources: this.target.sources.map((s) => s.name) };
    const predictions = this.source.name === PREDICTIONS_FILE ? this.target.predictions : null;
    try {
      const page = await this.runtime.page({ file: this.source.file, offset: 0, limit: FIRST_ROWS });
      return { ...base, columns: page.columns, total: page.total, predictions, firstRows: page.rows };
    } catch (e) {
      return { ...base, columns: [], total: 0, predictions, firstRows: [], error: e instanceof Error ? e.message : String(e) };
    }
  }

  private query(view: DataGridView): GridQuery {
    const predictions = this.source.name === PREDICTIONS_FILE ? this.target.predictions : null;
    return {
      file: this.source.file,
      sort: view.sort,
      filters: view.filters,
      ...(view.wrong && predictions ? { wrong: { label: predictions.label, prediction: predictions.prediction, task: predictions.task } } : {}),
    };
  }

  async handle(m: DataGridToHost): Promise<void> {
    if (m.type === 'dataGrid/ready') {
      this.post({ type: 'dataGrid/snapshot', snapshot: await this.snapshot() });
    } else if (m.type === 'dataGrid/selectSource') {
      const next = this.target.sources.find((s) => s.name === m.source);
      if (!next) return;
      this.source = next;
      this.post({ type: 'dataGrid/snapshot', snapshot: await this.snapshot() });
    } else if (m.type === 'dataGrid/fetch') {
      try {
        const page = await this.runtime.page({ ...this.query(m.view), offset: m.offset, limit: m.limit });
        this.post({ type: 'dataGrid/page', requestId: m.requestId, offset: page.offset, rows: page.rows, total: page.total, columns: page.columns, queryMs: page.queryMs });
      } catch (e) {
        this.post({ type: 'dataGrid/error', requestId: m.requestId, message: e instanceof Error ? e.message : String(e) });
      }
    } else if (m.type === 'dataGrid/columnStats') {
      // The artifact's own statistics describe the whole split: they answer only while nothing is filtered.
      const recorded = this.target.statistics?.[this.source.name];
      const narrowed = m.filters.length > 0 || m.wrong === true;
      const fromStats = !narrowed && recorded ? statsFromFeatureStatistics(recorded.dataset, m.column, recorded.origin) : undefined;
      if (fromStats) {
        this.post({ type: 'dataGrid/stats', column: m.column, stats: fromStats });
        return;
      }
      try {
        const { wrong } = this.query({ sort: [], filters: m.filters, wrong: m.wrong === true });
        const stats = await this.runtime.columnStats({ file: this.source.file, filters: m.filters, column: m.column, ...(wrong ? { wrong } : {}) });
        this.post({ type: 'dataGrid/stats', column: m.column, stats: { ...stats, origin: narrowed ? 'DuckDB, over the rows shown' : 'DuckDB' } });
      } catch (e) {
        this.post({ type: 'dataGrid/error', message: e instanceof Error ? e.message : String(e) });
      }
    }
  }
}

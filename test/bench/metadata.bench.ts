// Metadata store figures (issue 2): a database of 1,000 runs × 10 executions × 2 artifacts recorded
// through the real write API, then the newest 50 runs, the lineage of one artifact, and the file size.
// References measured in the same run: for listing runs, the naive N+1 way a tree view might do it
// (list the runs, then ask for each run's executions); for recording, the same runs written to a file
// in SQLite's rollback-journal mode (what MLMD uses; see the journal decision in store.ts); for lineage
// and size, the target only.

import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { MetadataStore } from '../../runtime/metadata/store';
import type { BenchResult } from './result';

export const title = 'Metadata store (issue 2)';

const RUNS = Number(process.env.MLPIPE_BENCH_RUNS ?? 1000);
const STEPS = 10;
const OUTPUTS = 2;

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function time(fn: () => void, repeat: number): number {
  fn(); // warm the statement cache once, as a long-lived server would be
  const samples: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const t0 = performance.now();
    fn();
    samples.push(performance.now() - t0);
  }
  return median(samples);
}

const REFERENCE_RUNS = Math.min(RUNS, 50);

/** Records `runs` runs of the 10-step pipeline; returns ms per execution and an artifact of the middle run. */
function record(file: string, artifactRoot: string, runs: number, journalMode: 'wal' | 'delete'): { msPerExecution: number; middleArtifact: number } {
  const store = MetadataStore.open(file, { journalMode });
  let middleArtifact = 0;
  let previousModel: number | undefined;
  const t0 = performance.now();
  try {
    for (let r = 0; r < runs; r++) {
      const { runContextId } = store.beginRun('bench', `2026-11-27T09:00:00.${String(r).padStart(6, '0')}`);
      let previous: number[] = [];
      for (let s = 0; s < STEPS; s++) {
        const inputs: Record<string, number[]> = previous.length ? { examples: previous } : {};
        // Step 7 compares against the previous run's model, as an Evaluator's baseline does: lineage crosses runs.
        if (s === 7 && previousModel !== undefined) inputs.baseline_model = [previousModel];
        const e = store.registerExecution({
          pipeline: 'bench',
          runContextId,
          nodeId: `step_${s}`,
          executionType: `mlpipe.components.Step${s}`,
          baseType: 'mlmd.Process',
          customProperties: { command: `["python3","step${s}.py"]`, epochs: 40, learning_rate: 0.01, label: 'species' },
          inputs,
        });
        const outputs = Array.from({ length: OUTPUTS }, (_, i) => ({
          type: s === 6 && i === 0 ? 'Model' : 'Examples',
          uri: join(artifactRoot, 'bench', `step_${s}`, `out_${i}`, String(e)),
          properties: s === 6 && i === 0 ? {} : { span: r, version: 0, split_names: '["train","eval"]' },
          customProperties: { file_format: 'parquet' },
        }));
        previous = store.publishSucceeded(e, `cache-${r}-${s}`, { out: outputs }).out!;
        if (s === 6) previousModel = previous[0];
        if (r === Math.floor(runs / 2) && s === 4) middleArtifact = previous[0]!;
      }
    }
  } finally {
    store.close();
  }
  return { msPerExecution: (performance.now() - t0) / (runs * STEPS), middleArtifact };
}

export async function bench(): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'mlpipe-bench-mlmd-'));
  const file = join(dir, '.mlpipe', 'metadata.sqlite');
  const artifactRoot = join(dir, 'artifacts');
  mkdirSync(artifactRoot, { recursive: true });
  try {
    const rollback = record(join(dir, 'rollback', 'metadata.sqlite'), artifactRoot, REFERENCE_RUNS, 'delete');
    const { msPerExecution, middleArtifact } = record(file, artifactRoot, RUNS, 'wal');

    const reader = MetadataStore.open(file, { readonly: true });
    const listMs = time(() => {
      reader.listRuns({ limit: 50 });
    }, 30);
    const naiveListMs = time(() => {
      const runs = reader.listRuns({ limit: 50 });
      for (const run of runs.items) reader.runExecutions(run.id);
    }, 10);
    const lineageBothMs = time(() => {
      reader.lineage(middleArtifact);
    }, 30);
    const lineage = reader.lineage(middleArtifact);
    const size = statSync(file).size / 2 ** 20;
    reader.close();
    return [
      {
        name: `newest 50 runs (listRuns, ${RUNS} runs in the file)`,
        value: listMs,
        unit: 'ms',
        target: '< 20 ms',
        ok: listMs < 20,
        reference: { name: 'naive N+1: listRuns then runExecutions per run', value: naiveListMs, unit: 'ms' },
      },
      {
        name: 'lineage of one artifact (both directions, default depth 50)',
        value: lineageBothMs,
        unit: 'ms',
        target: '< 20 ms',
        ok: lineageBothMs < 20,
        note: `${lineage.nodes.length} nodes, ${lineage.edges.length} edges${lineage.truncated ? ', truncated' : ''}; reference: target only`,
      },
      {
        name: `file size (${RUNS} runs × ${STEPS} executions × ${OUTPUTS} artifacts)`,
        value: size,
        unit: 'MB',
        target: '< 50 MB',
        ok: size < 50,
        note: 'reference: target only',
      },
      {
        name: 'recording one execution through the write API (register + publish, WAL)',
        value: msPerExecution,
        unit: 'ms',
        reference: { name: `rollback journal, first ${REFERENCE_RUNS} runs`, value: rollback.msPerExecution, unit: 'ms' },
        note: `${RUNS * STEPS} executions; one transaction per call`,
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

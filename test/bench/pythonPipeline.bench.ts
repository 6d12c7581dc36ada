// Issue 11: the PyTorch penguin pipeline's first run, with Python's start-up, the module's imports and
// the data handoff reported apart. Needs /usr/bin/python3 with torch, onnx and pandas (or MLPIPE_PYTHON).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MetadataStore } from '../../runtime/metadata/store';
import { PYTHON_ENV } from '../../runtime/model/pythonRuntime';
import { recordApproval } from '../../runtime/orchestrator/approval';
import { runPipeline } from '../../runtime/orchestrator/run';
import { REPO, tempDir } from '../runtime/modelFixtures';
import type { BenchResult } from './result';

export const title = 'The PyTorch penguin pipeline (issue 11)';

async function pytorchPipelineFigures(): Promise<BenchResult[]> {
  const root = tempDir('bench-pytorch');
  try {
    fs.mkdirSync(path.join(root, '.mlpipe'));
    for (const sample of ['penguin', 'penguin-pytorch']) fs.cpSync(path.join(REPO, 'samples', sample), path.join(root, sample), { recursive: true, filter: (src) => !src.includes(`${path.sep}serving`) });
    const db = path.join(root, '.mlpipe', 'metadata.sqlite');
    const start = performance.now();
    const r = await runPipeline({
      file: path.join(root, 'penguin-pytorch', 'penguin_pytorch.pipeline.yaml'),
      onEvent: (e) => {
        if (e.kind === 'step-waiting') recordApproval(db, { executionId: e.executionId, decision: 'approved', by: 'bench' });
      },
    });
    const wall = performance.now() - start;
    if (r.state !== 'complete') throw new Error(`penguin-pytorch run ${r.state}: ${JSON.stringify(r.steps)}`);
    const store = MetadataStore.open(db, { readonly: true });
    let props: Record<string, unknown> = {};
    try {
      props = store.execution(r.steps['trainer']?.executionId as number)?.customProperties ?? {};
    } finally {
      store.close();
    }
    const trainerMs = r.steps['trainer']?.durationMs ?? 0;
    return [
      {
        name: 'penguin-pytorch pipeline, first run (wall, approval given at once; TF.js baseline trained alongside)',
        value: Math.round(wall),
        unit: 'ms',
        target: '< 15000 ms',
        ok: wall < 15000,
        note: `Trainer ${Math.round(trainerMs)} ms, of which Python start ${Math.round(Number(props['python_start_seconds']) * 1000)} ms, module import (torch) ${Math.round(Number(props['module_import_seconds']) * 1000)} ms, data handoff (CSV) ${Math.round(Number(props['data_handoff_seconds']) * 1000)} ms`,
      },
    ];
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

export async function bench(): Promise<BenchResult[]> {
  process.env[PYTHON_ENV] ??= '/usr/bin/python3';
  return pytorchPipelineFigures();
}

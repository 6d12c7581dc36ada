// Issue 2's orchestration figures: per-step overhead of the orchestrator beyond the command itself, a
// fully cached re-run (process start included) against the first run, and 4 concurrent CLI runs.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runPipeline } from '../../runtime/orchestrator/run';
import type { BenchResult } from './result';

export const title = 'Orchestration and CLI (issue 2)';

const repo = join(__dirname, '..', '..');
const cli = join(repo, 'dist', 'runtime', 'cli.js');
const STEP = "require('fs').writeFileSync(process.argv[1] + '/out.txt', 'x')";
const STEPS = 10;

function chainPipeline(name: string): string {
  const lines = [`pipeline: ${name}`, 'components:'];
  for (let i = 0; i < STEPS; i++) {
    lines.push(`  s${i}:`, '    type: Command');
    if (i > 0) lines.push(`    inputs: {prev: s${i - 1}.out}`);
    lines.push(`    params: {command: ${JSON.stringify([process.execPath, '-e', STEP, '{{outputs.out}}'])}}`, '    outputs: {out: Examples}');
  }
  return `${lines.join('\n')}\n`;
}

function workspace(): { root: string; file: string; dispose: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'mlpipe-bench-'));
  mkdirSync(join(root, '.mlpipe'));
  const file = join(root, 'chain.pipeline.yaml');
  writeFileSync(file, chainPipeline('chain'));
  return { root, file, dispose: () => rmSync(root, { recursive: true, force: true }) };
}

/** The same 10 commands spawned one after the other without an orchestrator: the reference. */
async function plainSpawns(dir: string): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < STEPS; i++) {
    const out = join(dir, `plain${i}`);
    mkdirSync(out, { recursive: true });
    await new Promise<void>((resolve, reject) => {
      const child = spawn(process.execPath, ['-e', STEP, out], { stdio: 'ignore' });
      child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`exit ${code}`))));
    });
  }
  return performance.now() - start;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function timeCli(args: string[], cwd: string): number {
  const start = performance.now();
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, stdio: 'pipe' });
  if (r.status !== 0) throw new Error(`mlpipe ${args.join(' ')} failed: ${r.stderr}`);
  return performance.now() - start;
}

export async function bench(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];

  // 1. Overhead per step, in process (no process start), median of 5 first runs against plain spawns.
  const overheads: number[] = [];
  const references: number[] = [];
  for (let rep = 0; rep < 5; rep++) {
    const ws = workspace();
    try {
      const ref = await plainSpawns(ws.root);
      const start = performance.now();
      const r = await runPipeline({ file: ws.file, parallelism: 1 });
      const wall = performance.now() - start;
      if (r.state !== 'complete') throw new Error(`run ${r.state}`);
      references.push(ref);
      overheads.push((wall - ref) / STEPS);
    } finally {
      ws.dispose();
    }
  }
  const overhead = median(overheads);
  results.push({
    name: 'orchestration overhead per step (10 sequential Command steps)',
    value: overhead,
    unit: 'ms',
    target: '< 30 ms',
    ok: overhead < 30,
    reference: { name: 'the 10 commands spawned directly', value: median(references) / STEPS, unit: 'ms/step' },
  });

  // 2. First run vs fully cached re-run through the CLI, process start included.
  const firsts: number[] = [];
  const cacheds: number[] = [];
  for (let rep = 0; rep < 3; rep++) {
    const ws = workspace();
    try {
      firsts.push(timeCli(['run', ws.file], ws.root));
      cacheds.push(median([0, 1, 2].map(() => timeCli(['run', ws.file], ws.root))));
    } finally {
      ws.dispose();
    }
  }
  const first = median(firsts);
  const cached = median(cacheds);
  results.push({ name: 'first run, `mlpipe run` process included', value: first, unit: 'ms' });
  results.push({
    name: 'fully cached re-run, process start included',
    value: cached,
    unit: 'ms',
    target: '< 1 s and < 10% of the first run',
    ok: cached < 1000 && cached < first * 0.1,
    note: `${((cached / first) * 100).toFixed(1)}% of the first run`,
  });
  const startOnly = median([0, 1, 2, 3, 4].map(() => timeCli(['help'], repo)));
  results.push({ name: '`mlpipe help` (process start, for scale)', value: startOnly, unit: 'ms' });

  // 3. 4 concurrent `mlpipe run` processes on one database.
  const ws = workspace();
  try {
    const files = [0, 1, 2, 3].map((i) => {
      const f = join(ws.root, `c${i}.pipeline.yaml`);
      writeFileSync(f, chainPipeline(`concurrent${i}`));
      return f;
    });
    const start = performance.now();
    const codes = await Promise.all(
      files.map(
        (f) =>
          new Promise<number | null>((resolve) => {
            const child = spawn(process.execPath, [cli, 'run', f], { cwd: ws.root, stdio: 'ignore' });
            child.on('close', resolve);
          }),
      ),
    );
    const ok = codes.filter((c) => c === 0).length;
    results.push({ name: '4 concurrent `mlpipe run` on one database: succeeded', value: ok, unit: 'of 4', target: '4 of 4', ok: ok === 4, note: `${Math.round(performance.now() - start)} ms wall` });
  } finally {
    ws.dispose();
  }
  return results;
}

// Completion in a 50-component YAML pipeline (issue 10 group 2): the keystroke-to-list time of the
// runtime's `mlpipe/complete`, spoken to as the extension does (the built CLI as `mlpipe serve --stdio`
// over JSON-RPC), at the places a user completes: a component type, a param key, a reference, a
// feature name (with a real metadata store holding the statistics). The reference, in the same run and
// the same process, is the `mlpipe/validate` round trip the editor already makes on every keystroke.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import type { RequestParams, RequestResult, RuntimeMethod } from '../../runtime/server/protocol';
import type { BenchResult } from './result';

export const title = 'Completion (issue 10)';

const repo = join(__dirname, '..', '..');
const cli = join(repo, 'dist', 'runtime', 'cli.js');

function p95(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(s.length * 0.95) - 1)]!;
}

/** Five copies of the penguin pipeline, ids suffixed: 50 standard components wired as in the sample. */
export function fiftyComponents(): string {
  const penguin = readFileSync(join(repo, 'samples', 'penguin', 'penguin.pipeline.yaml'), 'utf8');
  const body = penguin.slice(penguin.indexOf('components:\n') + 'components:\n'.length);
  const ids = [...body.matchAll(/^ {2}([a-z_]+):$/gm)].map((m) => m[1]!);
  const copies: string[] = [];
  for (let k = 1; k <= 5; k++) {
    let copy = body;
    for (const id of ids) copy = copy.replace(new RegExp(`^  ${id}:$`, 'gm'), `  ${id}_${k}:`).replace(new RegExp(`\\b${id}\\.`, 'g'), `${id}_${k}.`);
    copies.push(copy.replace(/input: data\/penguins\.csv/g, `input: ${join(repo, 'samples', 'penguin', 'data', 'penguins.csv')}`));
  }
  return `pipeline: bench\ncomponents:\n${copies.join('')}`;
}

export async function bench(): Promise<BenchResult[]> {
  if (!existsSync(cli)) throw new Error(`build first: ${cli} is missing (npm run build)`);
  const workspace = mkdtempSync(join(tmpdir(), 'mlpipe-bench-completion-'));
  const text = fiftyComponents();
  const file = join(workspace, 'bench.pipeline.yaml');
  writeFileSync(file, text);
  // A real store with statistics: run the first ExampleGen and StatisticsGen.
  const run = spawn(process.execPath, [cli, 'run', file, '--to', 'statistics_gen_5'], { cwd: workspace, stdio: 'ignore', shell: false });
  await new Promise((resolve) => run.on('exit', resolve));
  const db = { path: join(workspace, '.mlpipe', 'metadata.sqlite'), readonly: false };

  const child = spawn(process.execPath, [cli, 'serve', '--stdio'], { cwd: workspace, stdio: ['pipe', 'pipe', 'ignore'], shell: false });
  const connection = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  connection.listen();
  const request = <M extends RuntimeMethod>(method: M, params: RequestParams<M>): Promise<RequestResult<M>> => connection.sendRequest(method, params) as Promise<RequestResult<M>>;
  try {
    await request('mlpipe/hello', {});
    const lines = text.split('\n');
    // In the last copy (components 41-50), whose statistics the store holds.
    const lineOf = (re: RegExp): number => lines.map((l, i) => (re.test(l) ? i : -1)).filter((i) => i >= 0).at(-1)!;
    const spots: Array<{ name: string; line: number; column: number; text: string }> = [];
    // A type being typed in the last copy, a new param key, a reference, a label (feature names).
    const typeLine = lineOf(/^ {4}type: Trainer$/);
    spots.push({ name: 'type', line: typeLine, column: 12, text: lines.map((l, i) => (i === typeLine ? '    type: Tr' : l)).join('\n') });
    const paramLine = lineOf(/^ {4}params: \{label: Species, epochs/);
    spots.push({ name: 'param key', line: paramLine + 1, column: 6, text: [...lines.slice(0, paramLine), '    params:', '      ', ...lines.slice(paramLine + 1)].join('\n') });
    const refLine = lineOf(/^ {4}inputs: \{examples: example_gen_\d\.examples\}$/);
    spots.push({ name: 'reference', line: refLine, column: 22, text: lines.map((l, i) => (i === refLine ? '    inputs: {examples: ' : l)).join('\n') });
    const labelLine = lineOf(/^ {6}label: Species$/);
    spots.push({ name: 'feature', line: labelLine, column: 13, text: lines.map((l, i) => (i === labelLine ? '      label: S' : l)).join('\n') });
    for (const s of spots) {
      const r = await request('mlpipe/complete', { file, text: s.text, line: s.line, column: s.column, db });
      if (r.items.length === 0) throw new Error(`no items at ${s.name} (line ${s.line + 1})`);
    }
    const complete: number[] = [];
    const validate: number[] = [];
    for (let round = 0; round < 50; round++) {
      for (const s of spots) {
        // Each keystroke changes the text, as typing does.
        const typed = `${s.text}\n# ${round}`;
        let t0 = performance.now();
        await request('mlpipe/complete', { file, text: typed, line: s.line, column: s.column, db });
        complete.push(performance.now() - t0);
        t0 = performance.now();
        await request('mlpipe/validate', { file, text: typed, trusted: true });
        validate.push(performance.now() - t0);
      }
    }
    const value = p95(complete);
    return [
      {
        name: 'completion list, 50-component file (p95 of 200 keystrokes: type, param, reference, feature name)',
        value,
        unit: 'ms',
        target: '< 50 ms p95',
        ok: value < 50,
        reference: { name: 'mlpipe/validate round trip on the same text, p95', value: p95(validate), unit: 'ms' },
        note: `runtime round trip over JSON-RPC incl. the metadata store read for feature names; median ${[...complete].sort((a, b) => a - b)[complete.length >> 1]!.toFixed(1)} ms`,
      },
    ];
  } finally {
    connection.dispose();
    child.kill();
    rmSync(workspace, { recursive: true, force: true });
  }
}

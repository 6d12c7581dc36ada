// `*.pipeline.ts`: bundle the user's file with esbuild (the `mlpipe` import aliased to dsl.ts), run it in
// a child process (user code never runs inside the runtime, the extension or a test runner), and read
// back the pipeline it exports. Positions are mapped back to the TypeScript source by locating each
// component's id string. Called only from loadPipelineFile with trusted === true; nothing here runs at
// import time.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { ComponentIR, LoadResult, PipelineDiagnostic, SourceRange } from './ir';
import { parsePipelineText } from './parse';
import { FILE_START, LineIndex } from './sourcePositions';

const TIMEOUT_MS = 20_000;
const MAX_OUTPUT = 16 * 1024 * 1024;
const MARK = '\u0000MLPIPE_PIPELINE\u0000';

/** dsl.ts in the source layout (tsx, tests), dsl.js next to the bundled runtime (dist/runtime/). */
export function findDslModule(): string | undefined {
  const candidates = [
    join(__dirname, 'dsl.ts'),
    join(__dirname, 'dsl.js'),
    join(__dirname, '..', 'runtime', 'dsl.js'),
    join(__dirname, '..', '..', 'runtime', 'definition', 'dsl.ts'),
    join(__dirname, '..', 'definition', 'dsl.ts'),
  ];
  return candidates.find((p) => existsSync(p));
}

// The child's entry point: load the bundle, find the exported pipeline, print it after a marker so
// that the user's own console output cannot be mistaken for it.
const RUNNER = `
const MARK = ${JSON.stringify(MARK)};
function send(obj) {
  process.stdout.write('\\n' + MARK + JSON.stringify(obj) + '\\n', () => process.exit(0));
}
(async () => {
  try {
    const m = require(process.argv[2]);
    let def = m && m.default !== undefined ? m.default : m && m.pipeline;
    if (typeof def === 'function' && def.kind === undefined) def = def();
    def = await def;
    if (!def || def.kind !== 'mlpipe.pipeline') {
      send({ ok: false, message: 'The file does not export a pipeline: write \`export default pipeline(...)\`' });
      return;
    }
    const file = def.toJSON();
    send({ ok: true, name: def.name, description: file.description, components: def.components.map((c) => [c.id, c.definition]) });
  } catch (e) {
    send({ ok: false, message: String((e && e.message) || e), stack: String((e && e.stack) || '') });
  }
})();
`;

type ChildResult =
  | { ok: true; name: unknown; description?: unknown; components: Array<[string, unknown]> }
  | { ok: false; message: string; stack?: string };

function diag(file: string, code: string, message: string, hint: string, range: SourceRange = FILE_START): PipelineDiagnostic {
  return { file, range, severity: 'error', code, message, hint };
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function runChild(bundle: string, runner: string, cwd: string, timeoutMs: number): Promise<{ stdout: string; stderr: string; code: number | null; timedOut: boolean }> {
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, ['--enable-source-maps', runner, bundle], { cwd, shell: false, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (d: Buffer) => {
      if (stdout.length < MAX_OUTPUT) stdout += d.toString('utf8');
    });
    child.stderr.on('data', (d: Buffer) => {
      if (stderr.length < MAX_OUTPUT) stderr += d.toString('utf8');
    });
    child.on('error', (err) => {
      clearTimeout(timer);
      resolvePromise({ stdout, stderr: `${stderr}${err.message}`, code: null, timedOut });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ stdout, stderr, code, timedOut });
    });
  });
}

/** Ranges in the TypeScript source for what the JSON round trip gave JSON positions. */
class TsLocator {
  private readonly lines: LineIndex;
  constructor(private readonly text: string) {
    this.lines = new LineIndex(text);
  }

  /** The string literal `value`, preferably as the first argument of a call (`Trainer('trainer', …)`). */
  literal(value: string): { range: SourceRange; offset: number } | undefined {
    const q = `(['"\`])${escapeRegExp(value)}\\1`;
    for (const re of [new RegExp(`\\(\\s*${q}`), new RegExp(q)]) {
      const m = re.exec(this.text);
      if (m) {
        const start = m.index + m[0].length - value.length - 2;
        return { range: this.lines.range(start, start + value.length + 2), offset: start };
      }
    }
    return undefined;
  }

  /** `key:` (or `'key':`) at or after `from`. */
  key(key: string, from: number): SourceRange | undefined {
    const re = new RegExp(`(?:^|[\\s{,])(['"]?)(${escapeRegExp(key)})\\1\\s*:`, 'g');
    re.lastIndex = from;
    const m = re.exec(this.text);
    if (!m || m.index - from > 4000) return undefined;
    const start = m.index + m[0].indexOf(key);
    return this.lines.range(start, start + key.length);
  }
}

function remapComponent(c: ComponentIR, loc: TsLocator, fallback: SourceRange): void {
  const found = loc.literal(c.id);
  const idRange = found?.range ?? fallback;
  const from = found?.offset ?? 0;
  const near = (k: string): SourceRange => (found ? loc.key(k, from) : undefined) ?? idRange;
  c.idRange = idRange;
  c.range = idRange;
  c.typeRange = idRange;
  for (const k of Object.keys(c.paramRanges)) c.paramRanges[k] = near(k);
  c.paramValueRanges = { ...c.paramRanges };
  for (const k of Object.keys(c.inputRanges)) {
    c.inputRanges[k] = near(k);
    for (const ref of c.inputs[k] ?? []) ref.range = c.inputRanges[k];
  }
  if (c.outputRanges) for (const k of Object.keys(c.outputRanges)) c.outputRanges[k] = near(k);
  if (c.paramsRange) c.paramsRange = near('params');
  if (c.inputsRange) c.inputsRange = near('inputs');
  if (c.enabledRange) c.enabledRange = near('enabled');
}

function stackPosition(stack: string, file: string): SourceRange | undefined {
  const m = new RegExp(`${escapeRegExp(file)}:(\\d+):(\\d+)`).exec(stack);
  if (!m) return undefined;
  const pos = { line: Number(m[1]), column: Number(m[2]) };
  return { start: pos, end: pos };
}

/** Bundle, evaluate and read back a TypeScript pipeline. Structural problems come back as diagnostics. */
export async function evaluateTsPipeline(file: string, text: string, timeoutMs = TIMEOUT_MS): Promise<LoadResult> {
  const dsl = findDslModule();
  if (!dsl) return { diagnostics: [diag(file, 'ts-runtime-missing', 'The mlpipe DSL module (dsl.js) is missing from this installation', 'Rebuild the runtime (node scripts/build.mjs).')] };
  let esbuild: typeof import('esbuild');
  try {
    // require, not import(): the runtime is CommonJS, and a bundled import() would bypass NODE_PATH
    // and the CJS resolution the rest of the runtime uses to find its dependencies.
    esbuild = require('esbuild') as typeof import('esbuild');
  } catch {
    return { diagnostics: [diag(file, 'ts-runtime-missing', 'esbuild is not installed, so TypeScript pipelines cannot be compiled', 'Install the runtime dependencies (npm ci), or write the pipeline as YAML.')] };
  }
  const work = mkdtempSync(join(tmpdir(), 'mlpipe-ts-'));
  try {
    const bundle = join(work, 'pipeline.cjs');
    try {
      await esbuild.build({
        entryPoints: [file],
        bundle: true,
        platform: 'node',
        target: 'node20',
        format: 'cjs',
        outfile: bundle,
        sourcemap: 'inline',
        alias: { mlpipe: dsl },
        logLevel: 'silent',
        absWorkingDir: dirname(file),
      });
    } catch (err) {
      const failure = err as { errors?: Array<{ text: string; location?: { file: string; line: number; column: number; length: number } | null }> };
      const errors = failure.errors ?? [];
      if (!errors.length) return { diagnostics: [diag(file, 'ts-compile', `The pipeline could not be compiled: ${String(err)}`, 'Fix the TypeScript error.')] };
      return {
        diagnostics: errors.map((e) => {
          const loc = e.location;
          const range: SourceRange = loc
            ? { start: { line: loc.line, column: loc.column + 1 }, end: { line: loc.line, column: loc.column + 1 + loc.length } }
            : FILE_START;
          // Errors inside imported files are pinned to the top of the pipeline file, with their path in the message.
          const inThisFile = loc ? join(dirname(file), loc.file) === file || loc.file === file : false;
          return diag(file, 'ts-compile', inThisFile || !loc ? e.text : `${loc.file}:${loc.line}:${loc.column + 1}: ${e.text}`, 'Fix the TypeScript error; `mlpipe` is the pipeline DSL.', inThisFile ? range : FILE_START);
        }),
      };
    }
    const runner = join(work, 'run.cjs');
    writeFileSync(runner, RUNNER);
    const out = await runChild(bundle, runner, dirname(file), timeoutMs);
    if (out.timedOut) {
      return { diagnostics: [diag(file, 'ts-timeout', `Evaluating the pipeline took longer than ${timeoutMs / 1000} s`, 'A pipeline file should only build the pipeline: move slow work into a Command or Function step.')] };
    }
    const at = out.stdout.lastIndexOf(MARK);
    if (at < 0) {
      const tail = out.stderr.trim().split('\n').slice(-5).join('\n');
      return { diagnostics: [diag(file, 'ts-evaluation-failed', `Evaluating the pipeline exited (code ${out.code}) without a result${tail ? `: ${tail}` : ''}`, 'Do not call process.exit in a pipeline file; check the error above.')] };
    }
    let result: ChildResult;
    try {
      result = JSON.parse(out.stdout.slice(at + MARK.length).split('\n')[0]) as ChildResult;
    } catch {
      return { diagnostics: [diag(file, 'ts-evaluation-failed', 'The pipeline could not be read back from its evaluation', 'Params must be plain JSON values.')] };
    }
    if (!result.ok) {
      return { diagnostics: [diag(file, 'ts-evaluation-failed', result.message, 'Fix the error in the pipeline file.', (result.stack && stackPosition(result.stack, file)) || FILE_START)] };
    }
    // The JSON text keeps repeated ids as repeated keys, so the parser reports them as in YAML.
    const json = `{"pipeline":${JSON.stringify(result.name)},${result.description !== undefined ? `"description":${JSON.stringify(result.description)},` : ''}"components":{${result.components
      .map(([id, def]) => `${JSON.stringify(id)}:${JSON.stringify(def)}`)
      .join(',')}}}`;
    const parsed = parsePipelineText(`${file}.json`, json);
    const loc = new TsLocator(text);
    const nameRange = typeof result.name === 'string' ? loc.literal(result.name)?.range : undefined;
    const fallback = nameRange ?? FILE_START;
    const ranges = new Map<string, SourceRange>();
    if (parsed.pipeline) {
      parsed.pipeline.file = file;
      parsed.pipeline.format = 'ts';
      parsed.pipeline.nameRange = fallback;
      for (const c of parsed.pipeline.components) {
        remapComponent(c, loc, fallback);
        if (c.idRange) ranges.set(c.id, c.idRange);
      }
    }
    const diagnostics = parsed.diagnostics.map((d) => ({
      ...d,
      file,
      range: (d.component && (ranges.get(d.component) ?? loc.literal(d.component)?.range)) || fallback,
      fixes: undefined, // Fixes computed on the JSON text do not apply to the TypeScript source.
    }));
    return { pipeline: parsed.pipeline, diagnostics };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

// `mlpipe`: everything the extension can do, headless. Exit codes: 0 success, 1 a failed or invalid
// pipeline, 2 a usage error. A user's mistake prints a message, never a stack trace.
import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { formatDiagnostic } from '../definition/ir';
import { loadPipelineFile } from '../definition/load';
import { registryCatalog } from '../components/registryCatalog';
import { MetadataStore } from '../metadata/store';
import type { RunSummary } from '../metadata/types';
import { STEP_STATE_TEXT, stepStateOf } from '../../common/stepStates';
import { describeUserError, UsageError, UserError } from '../errors';
import { recordApproval } from '../orchestrator/approval';
import { PipelineInvalidError, runPipeline } from '../orchestrator/run';
import { databaseFor, defaultDbPath, findRoot, rootForPipelineFile } from '../workspace';
import { parseArgs } from './args';
import { formatDuration } from '../../common/format';
import { jsonDisplay, plainDisplay, ttyDisplay } from './display';
import { startServerFromCli } from './serve';
import { writeSchema } from './schema';
import { cmdExport } from './export';
import { cmdExecutor } from './executor';
import { cmdDiff } from './diff';
import { PYTHON_ENV } from '../model/pythonRuntime';

const USAGE = `mlpipe — TFX-style ML pipelines with an ML Metadata store

Usage:
  mlpipe run <file> [--step <id> | --from <id> | --to <id>] [--no-cache] [--parallelism <n>]
                    [--no-wait] [--run-id <id>] [--db <path>] [--root <dir>] [--json] [--verbose]
                    [--python <interpreter>]
  mlpipe validate <file> [--json]
  mlpipe runs [--pipeline <name>] [--limit <n>] [--offset <n>] [--db <path>] [--root <dir>] [--json]
  mlpipe show <execution id> | <run id> | --artifact <artifact id> [--db <path>] [--root <dir>] [--json]
  mlpipe lineage <artifact id> [--db <path>] [--root <dir>] [--json]
  mlpipe diff <run id> [<run id>] [--all] [--db <path>] [--root <dir>] [--json]
                    (one run: compared with the run of its pipeline before it)
  mlpipe approve <execution id> --approve|--reject --by <name> [--comment <text>] [--db <path>]
  mlpipe export <file> --to argo --image <image> [--claim <pvc>] [--mount <dir>] [--command <cmd>]
                    [--service-account <name>] [--schema <Argo's schema.json>] [--root <dir>] [--out <file>]
  mlpipe export <file> --to kfp --image <image> [--workdir <dir>] [--command <cmd>] [--pipeline-root <uri>]
                    [--root <dir>] [--out <file>] [--recurring-run <file>]
  mlpipe executor --executor-input <ExecutorInput JSON> --component <type> [--task-name <name>]
                    [--pipeline <name>] [--pipeline-dir <dir>]     (what a KFP task's container runs)
  mlpipe serve --stdio
  mlpipe schema [--out <file>]

The workspace root is the nearest folder above the current one that holds .mlpipe/; runs, show, lineage
and approve, finding none, read the newest .mlpipe/ below the current folder (where run put it), else the
current folder's; for run, the nearest above the pipeline file, else the current folder when the file is inside it,
else the file's folder (--root overrides). Its database is .mlpipe/metadata.sqlite (--db overrides, e.g.
a TFX metadata.sqlite).
Exit codes: 0 success, 1 failed or invalid pipeline, 2 usage error.
`;

type Out = NodeJS.WriteStream;

/**
 * The database a reading command uses: --db, else --root's, else the one `run` used from here (the
 * workspace root above, else the newest .mlpipe/ below: see databaseFor). A database found below is
 * named on stderr, so the user knows which one answered and output on stdout stays clean for pipes.
 */
function dbFor(values: Record<string, string>, err: Out): string {
  if (values['db']) return resolve(values['db']);
  if (values['root']) return defaultDbPath(findRoot(values['root']));
  const db = databaseFor(process.cwd());
  if (db.found === 'below') {
    const rel = (p: string) => relative(process.cwd(), p) || p;
    err.write(`mlpipe: using ${rel(db.path)}${db.others.length ? ` (the newest of ${db.others.length + 1} below this folder; also ${db.others.map(rel).join(', ')})` : ''}; --db chooses another\n`);
  }
  return db.path;
}

function openForReading(path: string): MetadataStore {
  if (!existsSync(path)) throw new UsageError(`no metadata database at ${path}: run a pipeline first, or point --db at one`);
  return MetadataStore.open(path, { readonly: true });
}

function intFlag(values: Record<string, string>, name: string, fallback: number): number {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${name} must be a whole number, got ${raw}`);
  return n;
}

function idArg(positionals: string[], what: string): number {
  const raw = positionals[0];
  if (raw === undefined) throw new UsageError(`missing ${what}`);
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`${what} must be a positive whole number, got ${raw}`);
  return n;
}

async function cmdRun(argv: string[], out: Out, err: Out): Promise<number> {
  const a = parseArgs(argv, { values: ['step', 'from', 'to', 'db', 'root', 'parallelism', 'run-id', 'python'], switches: ['no-cache', 'json', 'verbose', 'no-wait'] });
  // The interpreter of Python Trainer modules and python-format models (else $MLPIPE_PYTHON, else python3).
  if (a.values['python']) process.env[PYTHON_ENV] = a.values['python'];
  const file = a.positionals[0];
  if (!file) throw new UsageError('mlpipe run needs a pipeline file');
  if (a.positionals.length > 1) throw new UsageError(`unexpected argument ${a.positionals[1]}`);
  if (a.values['step'] && (a.values['from'] || a.values['to'])) throw new UsageError('--step cannot be combined with --from or --to');
  if (!existsSync(file)) throw new UsageError(`no such file: ${file}`);
  const json = a.switches.has('json');
  const root = resolve(a.values['root'] ?? rootForPipelineFile(file, process.cwd()));
  const dbPath = resolve(a.values['db'] ?? defaultDbPath(root));
  // `mlpipe approve` run from here finds this database by itself only if it is the one it would pick.
  const dbFlag = dbPath === databaseFor(process.cwd()).path ? '' : ` --db ${/^[\w./-]+$/.test(dbPath) ? dbPath : JSON.stringify(dbPath)}`;
  const approveCommand = (id: number) => `mlpipe approve ${id} --approve|--reject --by <name> [--comment <text>]${dbFlag}`;
  const display = json ? jsonDisplay(out) : out.isTTY ? ttyDisplay(out, approveCommand) : plainDisplay(out, a.switches.has('verbose'), approveCommand);
  const controller = new AbortController();
  let signals = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    signals++;
    if (signals > 1) process.exit(130);
    if (!json) err.write(`\n${sig}: canceling running steps…\n`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const result = await runPipeline({
      file,
      root,
      dbPath,
      scope: { step: a.values['step'], from: a.values['from'], to: a.values['to'] },
      noCache: a.switches.has('no-cache'),
      parallelism: a.values['parallelism'] ? intFlag(a.values, 'parallelism', 2) || 1 : undefined,
      signal: controller.signal,
      onEvent: (e) => display.onEvent(e),
      onApprovalWait: a.switches.has('no-wait') ? 'return' : 'wait',
      trusted: true,
      ...(a.values['run-id'] !== undefined ? { runId: a.values['run-id'] } : {}),
    });
    display.close();
    if (!json) out.write(`results: ${resolve(root, '.mlpipe', 'artifacts')}  metadata: ${dbPath}\n`);
    return result.state === 'complete' || result.state === 'waiting' ? 0 : 1;
  } catch (e) {
    display.close();
    if (e instanceof PipelineInvalidError) {
      if (json) for (const d of e.diagnostics) out.write(`${JSON.stringify({ kind: 'diagnostic', ...d })}\n`);
      else for (const d of e.diagnostics) err.write(`${formatDiagnostic(d)}\n`);
      return 1;
    }
    throw e;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

async function cmdValidate(argv: string[], out: Out, err: Out): Promise<number> {
  const a = parseArgs(argv, { values: [], switches: ['json', 'trusted'] });
  const file = a.positionals[0];
  if (!file) throw new UsageError('mlpipe validate needs a pipeline file');
  if (!existsSync(file)) throw new UsageError(`no such file: ${file}`);
  const result = await loadPipelineFile(resolve(file), { trusted: true, catalog: registryCatalog });
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  if (a.switches.has('json')) {
    out.write(`${JSON.stringify({ ok: errors.length === 0, pipeline: result.pipeline?.name, diagnostics: result.diagnostics }, null, 2)}\n`);
  } else {
    for (const d of result.diagnostics) err.write(`${formatDiagnostic(d)}\n`);
    if (errors.length === 0) out.write(`${file}: pipeline ${result.pipeline?.name} is valid (${result.pipeline?.components.length ?? 0} components)\n`);
    else err.write(`${errors.length} error(s)\n`);
  }
  return errors.length ? 1 : 0;
}

function cmdRuns(argv: string[], out: Out, err: Out): number {
  const a = parseArgs(argv, { values: ['pipeline', 'db', 'root', 'limit', 'offset'], switches: ['json'] });
  const store = openForReading(dbFor(a.values, err));
  try {
    const page = store.listRuns({ pipeline: a.values['pipeline'], limit: intFlag(a.values, 'limit', 50), offset: intFlag(a.values, 'offset', 0) });
    if (a.switches.has('json')) {
      out.write(`${JSON.stringify(page, null, 2)}\n`);
      return 0;
    }
    if (page.items.length === 0) {
      const c = store.counts();
      out.write(
        c.executions || c.artifacts
          ? `no pipeline runs (this database has ${c.executions} execution(s), ${c.artifacts} artifact(s) and ${c.contexts} context(s) recorded outside any pipeline run: see them with mlpipe show <execution id> and mlpipe lineage <artifact id>)\n`
          : 'no runs\n',
      );
      return 0;
    }
    // The run id is the one `mlpipe run` printed and `mlpipe show <run id>` takes.
    const rows = page.items.map((r) => [r.name, r.pipeline, r.state.toLowerCase(), new Date(r.createTime).toISOString(), String(r.executionCount), formatDuration(Math.max(0, r.updateTime - r.createTime))]);
    out.write(table(['RUN ID', 'PIPELINE', 'STATE', 'STARTED', 'EXECUTIONS', 'DURATION'], rows, [4]));
    if (page.next !== undefined) out.write(`… ${page.total} runs in all; next page: --offset ${page.next}\n`);
    return 0;
  } finally {
    store.close();
  }
}

/** Left-aligned columns (right-aligned where `right` says), two spaces apart, a header first. */
function table(header: string[], rows: string[][], right: number[] = []): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, c) => (right.includes(c) ? cell.padStart(widths[c]!) : c === cells.length - 1 ? cell : cell.padEnd(widths[c]!)))
      .join('  ')
      .trimEnd();
  return `${[header, ...rows].map(line).join('\n')}\n`;
}

/** A run's executions, for `mlpipe show <run id>`. */
function showRun(store: MetadataStore, runId: string, json: boolean, out: Out): number {
  const matches: RunSummary[] = [];
  // Runs are few next to executions; page through them rather than add a lookup to the store.
  for (let offset: number | undefined = 0; offset !== undefined; ) {
    const page = store.listRuns({ limit: 500, offset });
    matches.push(...page.items.filter((r) => r.name === runId));
    offset = page.next;
  }
  if (matches.length === 0) throw new UsageError(`no run ${runId} in ${store.path}`, { hint: 'list the runs with `mlpipe runs`' });
  const runs = matches.map((run) => ({ run, executions: store.runExecutions(run.id) }));
  if (json) {
    out.write(`${JSON.stringify(runs.length === 1 ? runs[0] : runs, null, 2)}\n`);
    return 0;
  }
  for (const { run, executions } of runs) {
    out.write(`run ${run.name} of ${run.pipeline}: ${run.state.toLowerCase()}, ${executions.length} execution(s), started ${new Date(run.createTime).toISOString()}\n`);
    const rows = executions.map((e) => [`${e.id}`, e.nodeId, STEP_STATE_TEXT[stepStateOf(e)], formatDuration(e.durationMs), e.type]);
    out.write(table(['EXECUTION', 'STEP', 'STATE', 'DURATION', 'TYPE'], rows, [0]).replace(/^(?=.)/gm, '  '));
  }
  return 0;
}

function cmdShow(argv: string[], out: Out, err: Out): number {
  const a = parseArgs(argv, { values: ['db', 'root'], switches: ['json', 'artifact', 'run', 'execution'] });
  const kinds = ['artifact', 'run', 'execution'].filter((k) => a.switches.has(k));
  if (kinds.length > 1) throw new UsageError(`say one of --${kinds.join(', --')}`);
  const raw = a.positionals[0];
  if (raw === undefined) throw new UsageError('missing execution id, run id or artifact id (see `mlpipe help`)');
  if (a.positionals.length > 1) throw new UsageError(`unexpected argument ${a.positionals[1]}`);
  // An execution id is a number; a run id is what `mlpipe run` printed (`mlpipe runs` lists them).
  const isRun = a.switches.has('run') || (!a.switches.has('artifact') && !a.switches.has('execution') && !/^\d+$/.test(raw));
  const id = isRun ? 0 : idArg(a.positionals, a.switches.has('artifact') ? 'artifact id' : 'execution id');
  const store = openForReading(dbFor(a.values, err));
  try {
    if (isRun) return showRun(store, raw, a.switches.has('json'), out);
    if (a.switches.has('artifact')) {
      const art = store.artifact(id);
      if (!art) throw new UsageError(`no artifact ${id}`);
      out.write(a.switches.has('json') ? `${JSON.stringify(art, null, 2)}\n` : `artifact ${art.id} ${art.type} ${art.state ?? 'NULL'}\n  uri: ${art.uri}\n${props(art.properties, art.customProperties)}`);
      return 0;
    }
    const exec = store.execution(id);
    if (!exec) throw new UsageError(`no execution ${id}`);
    if (a.switches.has('json')) {
      out.write(`${JSON.stringify(exec, null, 2)}\n`);
      return 0;
    }
    out.write(`execution ${exec.id} ${exec.nodeId} (${exec.type}) ${exec.state} in ${formatDuration(exec.durationMs)}${exec.runName ? `, run ${exec.runName}` : ''}\n`);
    if (exec.error) out.write(`  error: ${exec.error}\n`);
    for (const [label, events] of [
      ['inputs', exec.inputs],
      ['outputs', exec.outputs],
    ] as const) {
      out.write(`  ${label}:\n`);
      for (const ev of events) out.write(`    ${ev.key}[${ev.index}] ${ev.type}: artifact ${ev.artifact.id} ${ev.artifact.type} ${ev.artifact.state ?? 'NULL'} ${ev.artifact.uri}\n`);
    }
    out.write(props(exec.properties, exec.customProperties));
    return 0;
  } finally {
    store.close();
  }
}

function props(p: Record<string, unknown>, c: Record<string, unknown>): string {
  const lines = [...Object.entries(p), ...Object.entries(c)].map(([k, v]) => `    ${k}: ${String(v).slice(0, 200)}`);
  return lines.length ? `  properties:\n${lines.join('\n')}\n` : '';
}

function cmdLineage(argv: string[], out: Out, err: Out): number {
  const a = parseArgs(argv, { values: ['db', 'root', 'depth'], switches: ['json'] });
  const id = idArg(a.positionals, 'artifact id');
  const store = openForReading(dbFor(a.values, err));
  try {
    if (!store.artifact(id)) throw new UsageError(`no artifact ${id}`);
    const graph = store.lineage(id, { direction: 'both', maxDepth: a.values['depth'] ? intFlag(a.values, 'depth', 50) : undefined });
    if (a.switches.has('json')) {
      out.write(`${JSON.stringify(graph, null, 2)}\n`);
      return 0;
    }
    const label = new Map(graph.nodes.map((n) => [`${n.kind === 'artifact' ? 'a' : 'e'}${n.id}`, n]));
    const name = (key: string) => {
      const n = label.get(key);
      if (!n) return key;
      return n.kind === 'artifact' ? `artifact ${n.id} ${n.type}` : `execution ${n.id} ${n.nodeId ?? n.type}${n.cached ? ' (cached)' : ''} ${n.state ?? ''}`.trim();
    };
    out.write(`lineage of artifact ${id}: ${graph.nodes.length} nodes, ${graph.edges.length} edges\n`);
    for (const e of graph.edges) out.write(`  ${name(e.from)} --${e.type} ${e.key}--> ${name(e.to)}\n`);
    return 0;
  } finally {
    store.close();
  }
}

function cmdApprove(argv: string[], out: Out, err: Out): number {
  const a = parseArgs(argv, { values: ['by', 'comment', 'db', 'root'], switches: ['approve', 'reject', 'json'] });
  const id = idArg(a.positionals, 'execution id');
  const approve = a.switches.has('approve');
  const reject = a.switches.has('reject');
  if (approve === reject) throw new UsageError('say --approve or --reject');
  const by = a.values['by'];
  if (!by) throw new UsageError('--by <name> is required: the decision is recorded with who made it');
  const dbPath = dbFor(a.values, err);
  if (!existsSync(dbPath)) throw new UsageError(`no metadata database at ${dbPath}`);
  const exec = recordApproval(dbPath, { executionId: id, decision: approve ? 'approved' : 'rejected', by, comment: a.values['comment'] });
  out.write(a.switches.has('json') ? `${JSON.stringify(exec)}\n` : `execution ${id} (${exec.nodeId}) ${approve ? 'approved' : 'rejected'} by ${by}\n`);
  return 0;
}

export async function main(argv: string[], out: Out = process.stdout, err: Out = process.stderr): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'run':
        return await cmdRun(rest, out, err);
      case 'validate':
        return await cmdValidate(rest, out, err);
      case 'runs':
        return cmdRuns(rest, out, err);
      case 'show':
        return cmdShow(rest, out, err);
      case 'lineage':
        return cmdLineage(rest, out, err);
      case 'approve':
        return cmdApprove(rest, out, err);
      case 'diff':
        return cmdDiff(rest, out, err, (values) => dbFor(values, err));
      case 'serve': {
        const a = parseArgs(rest, { values: [], switches: ['stdio'] });
        if (!a.switches.has('stdio')) throw new UsageError('mlpipe serve needs --stdio');
        startServerFromCli();
        return await new Promise<number>(() => undefined);
      }
      case 'export':
        return await cmdExport(rest, out, err);
      case 'executor':
        return await cmdExecutor(rest, out, err);
      case 'schema': {
        const a = parseArgs(rest, { values: ['out'], switches: [] });
        writeSchema(a.values['out'], out);
        return 0;
      }
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        out.write(USAGE);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command ${command}`);
    }
  } catch (e) {
    return printError(e, err);
  }
}

/**
 * The one place the CLI prints an error. A UserError (a bad flag, file, database, pipeline …) is the
 * user's to fix: its message and hint, no stack; exit 2 for a usage error, 1 otherwise. Anything else
 * is mlpipe's own fault: "internal error", with the stack under MLPIPE_DEBUG.
 */
function printError(e: unknown, err: Out): number {
  if (e instanceof UserError) {
    const { message, hint } = describeUserError(e);
    err.write(`mlpipe: ${message}\n`);
    if (hint) err.write(`  hint: ${hint}\n`);
    if (e instanceof UsageError && /unknown command|unknown option/.test(e.message)) err.write('run `mlpipe help` for usage\n');
    return e instanceof UsageError ? 2 : 1;
  }
  const message = e instanceof Error ? e.message : String(e);
  err.write(`mlpipe: internal error: ${message}\n`);
  if (process.env['MLPIPE_DEBUG'] && e instanceof Error) err.write(`${e.stack}\n`);
  else err.write('(set MLPIPE_DEBUG=1 for details)\n');
  return 1;
}

/**
 * A reader that stops early (`mlpipe runs | head -2`) closes the pipe: the output simply ends, with no
 * EPIPE stack. The command itself finishes (a run still records every step); only its printing stops.
 */
function endQuietlyOnClosedPipe(stream: NodeJS.WriteStream): { closed: boolean } {
  const state = { closed: false };
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED') {
      state.closed = true;
      return;
    }
    process.exitCode = 1;
  });
  return state;
}

if (require.main === module) {
  const stdout = endQuietlyOnClosedPipe(process.stdout);
  endQuietlyOnClosedPipe(process.stderr);
  main(process.argv.slice(2)).then(
    (code) => {
      // Exit explicitly: native engines (DuckDB, TF.js) may keep handles open after the work is done.
      if (stdout.closed || process.stdout.destroyed) process.exit(code);
      process.stdout.write('', () => process.exit(code));
    },
    (e: unknown) => {
      process.stderr.write(`mlpipe: internal error: ${String(e)}\n`);
      process.exitCode = 1;
    },
  );
}

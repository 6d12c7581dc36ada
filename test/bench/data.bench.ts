// Data benchmark (issue 3): ExampleGen + StatisticsGen on a seeded 5,000,000-row mixed CSV against pandas
// (read_csv + describe(include='all') + value_counts() on the string columns), measured in the same run,
// and on vega-datasets' 3,000,000-row flights Parquet. Our side runs in a child process so its peak RSS
// (DuckDB included) is its own.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileExampleGenSpec } from '../../runtime/components/exampleGen';
import type { ExecutorComponentSpec, ExecutorContext, InputArtifact, OutputArtifact } from '../../runtime/components/spec';
import { statisticsGenSpec } from '../../runtime/components/statisticsGen';
import type { BenchResult } from './result';
import { ensureMixedCsv } from './generateMixedCsv';

export const title = 'Data components on DuckDB (issue 3)';

const ROWS = 5_000_000;
const RUNS = 5;
const CSV = join(tmpdir(), 'mlpipe-bench-mixed-5m-seed42.csv');
const FLIGHTS = join(__dirname, '..', '..', 'node_modules', 'vega-datasets', 'data', 'flights-3m.parquet');

interface ChildResult {
  exampleGenMs: number;
  statisticsMs: number;
  /** CPU seconds (user + system, DuckDB's threads included): what load on a shared machine distorts least. */
  cpuSeconds: number;
  maxRssMb: number;
  rows: number;
}

async function runStep(spec: ExecutorComponentSpec, dir: string, params: Record<string, unknown>, inputs: Record<string, InputArtifact[]>): Promise<Record<string, InputArtifact>> {
  const outputs: Record<string, OutputArtifact> = {};
  for (const [key, o] of Object.entries(spec.outputs)) {
    const uri = join(dir, spec.type, key);
    mkdirSync(uri, { recursive: true });
    outputs[key] = { type: o.type, uri, properties: {}, customProperties: {} };
  }
  const tmp = join(dir, 'tmp', spec.type);
  mkdirSync(tmp, { recursive: true });
  const defaults = Object.fromEntries(Object.entries(spec.params).filter(([, p]) => p.default !== undefined).map(([k, p]) => [k, p.default]));
  const ctx: ExecutorContext = {
    pipelineName: 'bench',
    trusted: false,
    componentId: spec.type,
    executionId: 1,
    params: { ...defaults, ...params },
    inputs,
    outputs,
    pipelineDir: dir,
    root: dir,
    tmpDir: tmp,
    signal: new AbortController().signal,
    log: () => undefined,
    emit: () => undefined,
  };
  await spec.executor(ctx);
  return Object.fromEntries(Object.entries(outputs).map(([k, o]) => [k, { id: 1, type: o.type, uri: o.uri, properties: o.properties, customProperties: o.customProperties }]));
}

/** The child: ExampleGen (default 2:1 hash split) then StatisticsGen on `input`; prints a JSON line. */
async function child(input: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'mlpipe-bench-data-'));
  // Load DuckDB's native module before the clock starts, as pandas is imported before its clock starts:
  // both sides time the work, not the library load (about 70 ms here).
  require('@duckdb/node-api');
  try {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const ex = await runStep(fileExampleGenSpec, dir, { input }, {});
    const t1 = performance.now();
    await runStep(statisticsGenSpec, dir, {}, { examples: [ex['examples']!] });
    const t2 = performance.now();
    const counts = JSON.parse(String(ex['examples']!.customProperties['num_examples'])) as Record<string, number>;
    const result: ChildResult = {
      exampleGenMs: t1 - t0,
      statisticsMs: t2 - t1,
      cpuSeconds: ((c) => (c.user + c.system) / 1e6)(process.cpuUsage(cpu0)),
      maxRssMb: process.resourceUsage().maxRSS / 1024,
      rows: Object.values(counts).reduce((s, n) => s + n, 0),
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function runChild(input: string): ChildResult {
  const res = spawnSync(process.execPath, ['--import', 'tsx', __filename], {
    env: { ...process.env, MLPIPE_DATA_BENCH_CHILD: input },
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  if (res.status !== 0) throw new Error(`bench child failed (${res.status}): ${res.stderr}`);
  const line = res.stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(line) as ChildResult;
}

const PANDAS = `
import resource, sys, time
import pandas as pd
t0 = time.perf_counter()
c0 = time.process_time()
df = pd.read_csv(sys.argv[1])
d = df.describe(include='all')
for c in df.select_dtypes(include=['object', 'string']).columns:
    df[c].value_counts()
t1 = time.perf_counter()
u = resource.getrusage(resource.RUSAGE_SELF)
print(f"{t1 - t0} {u.ru_maxrss / 1024} {len(df)} {time.process_time() - c0}")
`;

interface PandasResult {
  seconds: number;
  maxRssMb: number;
  rows: number;
  /** CPU seconds of the timed part (read_csv to value_counts), like ours. */
  cpuSeconds: number;
}

function runPandas(file: string): PandasResult | undefined {
  if (!existsSync('/usr/bin/python3')) return undefined;
  const res = spawnSync('/usr/bin/python3', ['-c', PANDAS, file], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (res.status !== 0) {
    process.stderr.write(`pandas reference unavailable: ${res.stderr.split('\n').slice(-3).join(' ')}\n`);
    return undefined;
  }
  const [seconds, rss, rows, cpu] = res.stdout.trim().split(/\s+/).map(Number);
  return { seconds: seconds as number, maxRssMb: rss as number, rows: rows as number, cpuSeconds: cpu as number };
}

export async function bench(): Promise<BenchResult[]> {
  const bytes = await ensureMixedCsv(CSV, ROWS);
  const mb = bytes / 1e6;
  // Medians of RUNS, alternating sides in the same run: the machine is shared, so single runs swing by 3x
  // under load and only same-run comparisons mean anything. Peak memory is the worst run's.
  const ours: ChildResult[] = [];
  const pandasRuns: PandasResult[] = [];
  for (let i = 0; i < RUNS; i++) {
    const o = runChild(CSV);
    if (o.rows !== ROWS) throw new Error(`ExampleGen wrote ${o.rows} rows, expected ${ROWS}`);
    ours.push(o);
    const p = runPandas(CSV);
    if (p) pandasRuns.push(p);
  }
  const median = (xs: number[]): number => {
    const s = [...xs].sort((a, b) => a - b);
    const m = Math.floor(s.length / 2);
    return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
  };
  const seconds = median(ours.map((o) => (o.exampleGenMs + o.statisticsMs) / 1000));
  const exampleGenS = median(ours.map((o) => o.exampleGenMs / 1000));
  const statisticsS = median(ours.map((o) => o.statisticsMs / 1000));
  const cpu = median(ours.map((o) => o.cpuSeconds));
  const maxRssMb = Math.max(...ours.map((o) => o.maxRssMb));
  const pandas =
    pandasRuns.length > 0
      ? { seconds: median(pandasRuns.map((p) => p.seconds)), cpuSeconds: median(pandasRuns.map((p) => p.cpuSeconds)), maxRssMb: Math.max(...pandasRuns.map((p) => p.maxRssMb)) }
      : undefined;
  const runs = (xs: number[]): string => xs.map((x) => x.toFixed(1)).join(', ');
  const results: BenchResult[] = [
    {
      name: `ExampleGen + StatisticsGen, ${ROWS.toLocaleString('en-US')}-row ${Math.round(mb)} MB CSV (8 mixed columns)`,
      value: seconds,
      unit: 's',
      target: '≥ 2× faster than pandas',
      ...(pandas ? { ok: pandas.seconds / seconds >= 2, reference: { name: 'pandas read_csv + describe + value_counts', value: pandas.seconds, unit: 's' } } : {}),
      note: `median of ${RUNS} alternating runs each (ours: ${runs(ours.map((o) => (o.exampleGenMs + o.statisticsMs) / 1000))} s; pandas: ${runs(pandasRuns.map((p) => p.seconds))} s); ExampleGen ${exampleGenS.toFixed(2)} s (parse, 2:1 hash split, Parquet), StatisticsGen ${statisticsS.toFixed(2)} s; CPU ${cpu.toFixed(1)} s${pandas ? ` vs pandas ${pandas.cpuSeconds.toFixed(1)} s` : ''}`,
    },
    ...(pandas ? [{ name: 'speed-up over pandas', value: pandas.seconds / seconds, unit: '×', target: '≥ 2×', ok: pandas.seconds / seconds >= 2 }] : []),
    { name: 'throughput (rows)', value: ROWS / seconds, unit: 'rows/s' },
    { name: 'throughput (bytes)', value: mb / seconds, unit: 'MB/s' },
    {
      name: 'peak memory (RSS of the ExampleGen + StatisticsGen process)',
      value: maxRssMb,
      unit: 'MB',
      target: '< 2 GB',
      ok: maxRssMb < 2048,
      ...(pandas ? { reference: { name: 'pandas peak RSS', value: pandas.maxRssMb, unit: 'MB' } } : {}),
    },
  ];
  if (existsSync(FLIGHTS)) {
    const flights = runChild(FLIGHTS);
    const s = (flights.exampleGenMs + flights.statisticsMs) / 1000;
    results.push({
      name: `ExampleGen + StatisticsGen, vega-datasets flights-3m.parquet (${flights.rows.toLocaleString('en-US')} rows, ${Math.round(statSync(FLIGHTS).size / 1e6)} MB)`,
      value: s,
      unit: 's',
      note: `ExampleGen ${(flights.exampleGenMs / 1000).toFixed(2)} s, StatisticsGen ${(flights.statisticsMs / 1000).toFixed(2)} s, peak RSS ${Math.round(flights.maxRssMb)} MB`,
    });
  }
  return results;
}

if (process.env['MLPIPE_DATA_BENCH_CHILD'] && require.main === module) {
  child(process.env['MLPIPE_DATA_BENCH_CHILD']).catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}

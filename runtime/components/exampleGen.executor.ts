// The ExampleGen executor (CsvExampleGen, FileExampleGen): resolves the input files and span from its
// params, has the ingestion library split them into Parquet files (DuckDB loads only when this file is),
// and records span, version and the input fingerprint on the Examples artifact.
import { basename } from 'node:path';
import { writeSplitExamples, type InputFormat } from '../data/exampleIngest';
import { fingerprintResolved, resolveInput, type FileFormat } from '../data/inputFiles';
import type { ExecutorContext } from './spec';

/** `format` 'param' reads params.format (FileExampleGen). */
export async function runExampleGen(ctx: ExecutorContext, format: InputFormat | 'param'): Promise<void> {
  const params = ctx.params;
  const pf = params['format'];
  const forced: FileFormat | undefined = format !== 'param' ? format : pf === undefined || pf === 'auto' ? undefined : (pf as FileFormat);
  const resolved = resolveInput(params, ctx.pipelineDir, forced);
  const out = ctx.outputs['examples'];
  if (!out) throw new Error('ExampleGen has no `examples` output');
  ctx.log(`reading ${resolved.files.length} ${resolved.format} file(s)${resolved.hasSpan ? `, span ${resolved.span}` : ''}: ${resolved.files.slice(0, 5).map((f) => basename(f)).join(', ')}${resolved.files.length > 5 ? ' …' : ''}`);

  const result = await writeSplitExamples(resolved, params, out.uri, {
    tmpDir: ctx.tmpDir,
    signal: ctx.signal,
    progress: (message, fraction) => ctx.emit({ kind: 'progress', message, fraction }),
  });

  for (const s of result.splits) ctx.log(`split ${s.name}: ${s.rows} rows`);
  ctx.log(`columns: ${result.columns.map((c) => `${c.name} ${c.type}`).join(', ')}`);
  out.properties['split_names'] = JSON.stringify(result.splits.map((s) => s.name));
  out.properties['span'] = resolved.span;
  out.properties['version'] = resolved.version;
  out.customProperties['file_format'] = 'parquet';
  out.customProperties['payload_format'] = 'FORMAT_PARQUET';
  out.customProperties['input_fingerprint'] = fingerprintResolved(resolved);
  out.customProperties['span'] = resolved.span;
  out.customProperties['version'] = resolved.version;
  out.customProperties['num_examples'] = JSON.stringify(Object.fromEntries(result.splits.map((s) => [s.name, s.rows])));
}

// The loaders everyone calls: the extension (as-you-type), the CLI, the server and the orchestrator.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { LoadResult, PipelineDiagnostic } from './ir';
import { parsePipelineText, pipelineFormat } from './parse';
import { FILE_START, LineIndex } from './sourcePositions';
import { validatePipeline, type ValidateOptions } from './validate';

function sortDiagnostics(ds: PipelineDiagnostic[]): PipelineDiagnostic[] {
  return ds.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.column - b.range.start.column);
}

/** QuickFix replacements of quoted scalars keep their quotes (JSON files need them). */
function keepQuotes(ds: PipelineDiagnostic[], text: string): void {
  const lines = new LineIndex(text);
  for (const d of ds) {
    for (const fix of d.fixes ?? []) {
      const quote = text[lines.offset(fix.range.start)];
      if (quote === '"') fix.replacement = JSON.stringify(fix.replacement);
      else if (quote === "'") fix.replacement = `'${fix.replacement.replace(/'/g, "''")}'`;
    }
  }
}

/**
 * Parse and validate YAML/JSON pipeline text (as-you-type in the editor; never throws). Semantic
 * checks are skipped while the file has syntax errors: they would only add noise. The IR is still
 * returned when one could be built, so previews keep working.
 */
export function loadPipelineText(file: string, text: string, opts: ValidateOptions = {}): LoadResult {
  // TypeScript is not YAML: it needs evaluating (loadPipelineFile with trusted: true), not parsing.
  if (pipelineFormat(file) === 'ts') return { diagnostics: [] };
  try {
    const parsed = parsePipelineText(file, text);
    const diagnostics = [...parsed.diagnostics];
    if (parsed.pipeline && !parsed.hasSyntaxErrors) diagnostics.push(...validatePipeline(parsed.pipeline, opts));
    keepQuotes(diagnostics, text);
    return { pipeline: parsed.pipeline, diagnostics: sortDiagnostics(diagnostics) };
  } catch (err) {
    // A bug of ours must still come out as a positioned diagnostic, not a crash of the editor.
    return {
      diagnostics: [
        {
          file,
          range: FILE_START,
          severity: 'error',
          code: 'internal-error',
          message: `The pipeline could not be checked: ${err instanceof Error ? err.message : String(err)}`,
          hint: 'This is a bug in mlpipe; please report it with the file.',
        },
      ],
    };
  }
}

export interface LoadFileOptions extends ValidateOptions {
  /** TypeScript pipelines run user code: they are evaluated only when this is true. */
  trusted?: boolean;
  /** How long a TypeScript pipeline may take to evaluate (default 20 s). */
  tsTimeoutMs?: number;
}

/** Read, parse and validate a pipeline file of any format (`.pipeline.yaml|yml|json|ts`). */
export async function loadPipelineFile(file: string, opts: LoadFileOptions = {}): Promise<LoadResult> {
  const abs = resolve(file);
  let text: string;
  try {
    text = await readFile(abs, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return {
      diagnostics: [
        {
          file: abs,
          range: FILE_START,
          severity: 'error',
          code: 'file-not-readable',
          message: code === 'ENOENT' ? `Pipeline file ${abs} does not exist` : `Pipeline file ${abs} cannot be read (${code ?? String(err)})`,
          hint: 'Check the path; pipeline files are named *.pipeline.yaml, *.pipeline.yml, *.pipeline.json or *.pipeline.ts.',
        },
      ],
    };
  }
  if (pipelineFormat(abs) !== 'ts') return loadPipelineText(abs, text, opts);
  if (opts.trusted !== true) {
    return {
      diagnostics: [
        {
          file: abs,
          range: FILE_START,
          severity: 'error',
          code: 'ts-untrusted',
          message: 'TypeScript pipelines run code from the workspace, so they are evaluated only in a trusted workspace',
          hint: 'Trust the workspace (VS Code: Manage Workspace Trust) or pass --trust to the CLI, or write the pipeline as YAML.',
        },
      ],
    };
  }
  const { evaluateTsPipeline } = await import('./loadTs.js');
  const evaluated = await evaluateTsPipeline(abs, text, opts.tsTimeoutMs);
  if (!evaluated.pipeline) return evaluated;
  // Quick fixes are computed for YAML/JSON text; in TypeScript a range may cover an id, not the value.
  const checked = validatePipeline(evaluated.pipeline, opts).map((d) => ({ ...d, fixes: undefined }));
  const diagnostics = [...evaluated.diagnostics, ...checked];
  return { pipeline: evaluated.pipeline, diagnostics: sortDiagnostics(diagnostics) };
}

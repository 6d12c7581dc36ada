// Parse + validate YAML/JSON text against a given catalog. Pure (no registry, no native modules), so
// the extension host can bundle it and validate as the user types with catalogFromSchema(...).
import type { LoadResult, PipelineDiagnostic } from './ir';
import { parsePipelineText, pipelineFormat } from './parse';
import { FILE_START, LineIndex } from './sourcePositions';
import { validatePipeline, type ValidateOptions } from './validate';

export function sortDiagnostics(ds: PipelineDiagnostic[]): PipelineDiagnostic[] {
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
export function checkPipelineText(file: string, text: string, opts: ValidateOptions): LoadResult {
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

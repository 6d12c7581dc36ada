// Parse + validate YAML/JSON text against a given catalog. Pure (no registry, no native modules), so
// the extension host can bundle it and validate as the user types with catalogFromSchema(...).
import type { LoadResult, PipelineDiagnostic, PipelineIR } from './ir';
import { parsePipelineText, pipelineFormat } from './parse';
import { addQuickFixes } from './quickFixes';
import { parseAroundSyntaxError, restoreBroken } from './syntaxRecovery';
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
      // An insertion (an empty range) writes whole entries, not one quoted scalar.
      if (fix.range.start.line === fix.range.end.line && fix.range.start.column === fix.range.end.column) continue;
      const quote = text[lines.offset(fix.range.start)];
      if (quote === '"') fix.replacement = JSON.stringify(fix.replacement);
      else if (quote === "'") fix.replacement = `'${fix.replacement.replace(/'/g, "''")}'`;
    }
  }
}

// Problems that depend on the rest of the file: a syntax error may have hidden what they look for.
const WHOLE_FILE_CODES = new Set(['unknown-component-reference', 'cycle', 'missing-pipeline-name', 'missing-components', 'empty-pipeline']);

/**
 * While the file has syntax errors, the parser's recovery may have mangled everything after the first
 * one. Keep the syntax errors, and the other problems of components that end before it: they are
 * real, and reporting them now is "every problem at once" without noise from the broken part.
 */
function beforeSyntaxErrors(ds: PipelineDiagnostic[], p: PipelineIR): PipelineDiagnostic[] {
  const firstError = Math.min(...ds.filter((d) => d.code === 'yaml-syntax').map((d) => d.range.start.line));
  const ends = new Map(p.components.map((c) => [c.id, c.range?.end.line ?? Infinity]));
  return ds.filter((d) => {
    if (d.code === 'yaml-syntax' || d.code === 'yaml-warning') return true;
    if (WHOLE_FILE_CODES.has(d.code) || d.range.end.line >= firstError) return false;
    return d.component === undefined || (ends.get(d.component) ?? Infinity) < firstError;
  });
}

/**
 * A syntax error inside one component of a YAML file: check everything else without that component's
 * block (syntaxRecovery.ts), and keep the component in the IR, marked by the syntax error.
 */
function recoverSyntaxError(file: string, text: string, parsedDiagnostics: PipelineDiagnostic[], opts: ValidateOptions): { pipeline: PipelineIR; diagnostics: PipelineDiagnostic[] } | undefined {
  if (pipelineFormat(file) !== 'yaml') return undefined;
  const syntax = parsedDiagnostics.find((d) => d.code === 'yaml-syntax');
  const rec = syntax ? parseAroundSyntaxError(file, text, syntax.range.start.line) : undefined;
  const pipeline = rec?.parsed.pipeline;
  if (!syntax || !rec || !pipeline) return undefined;
  const brokenId = rec.broken.id;
  const others = [...rec.parsed.diagnostics, ...validatePipeline(pipeline, opts)].filter((d) => d.component !== brokenId && d.code !== 'yaml-warning');
  restoreBroken(pipeline, rec.broken);
  const marked = { ...syntax, component: brokenId, hint: `Fix the syntax here; the rest of the file was checked without \`${brokenId}\`.` };
  return { pipeline, diagnostics: [marked, ...parsedDiagnostics.filter((d) => d.code === 'yaml-warning'), ...others] };
}

/**
 * Parse and validate YAML/JSON pipeline text (as-you-type in the editor; never throws). The IR is
 * returned whenever one could be built, even with errors, so previews keep working while typing.
 */
export function checkPipelineText(file: string, text: string, opts: ValidateOptions): LoadResult {
  // TypeScript is not YAML: it needs evaluating (loadPipelineFile with trusted: true), not parsing.
  if (pipelineFormat(file) === 'ts') return { diagnostics: [] };
  try {
    const parsed = parsePipelineText(file, text);
    let diagnostics = [...parsed.diagnostics];
    let pipeline = parsed.pipeline;
    const recovered = parsed.hasSyntaxErrors ? recoverSyntaxError(file, text, parsed.diagnostics, opts) : undefined;
    if (recovered) ({ pipeline, diagnostics } = recovered);
    else {
      if (parsed.pipeline) diagnostics.push(...validatePipeline(parsed.pipeline, opts));
      if (parsed.hasSyntaxErrors && parsed.pipeline) diagnostics = beforeSyntaxErrors(diagnostics, parsed.pipeline);
    }
    // "No components:" already says it; "no components" on top would be the same news twice.
    if (diagnostics.some((d) => d.code === 'missing-components')) diagnostics = diagnostics.filter((d) => d.code !== 'empty-pipeline');
    if (pipeline) addQuickFixes(diagnostics, pipeline, text, opts.catalog);
    keepQuotes(diagnostics, text);
    return { pipeline, diagnostics: sortDiagnostics(diagnostics) };
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

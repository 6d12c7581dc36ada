// The loaders everyone calls: the extension (as-you-type), the CLI, the server and the orchestrator.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { LoadResult, PipelineDiagnostic } from './ir';
import { pipelineFormat } from './parse';
import { checkPipelineText, sortDiagnostics } from './pipelineText';
import { FILE_START } from './sourcePositions';
import { validatePipeline, type ValidateOptions } from './validate';

/**
 * Options of the loaders. The catalog comes from the caller: the runtime passes the component registry
 * (components/registryCatalog.ts), tests their own; the definition layer never reaches up to the registry.
 */
export type LoadTextOptions = Pick<ValidateOptions, 'catalog'> & Partial<Omit<ValidateOptions, 'catalog'>>;

/**
 * Parse and validate YAML/JSON pipeline text against opts.catalog; never throws.
 * Semantic checks are skipped while the file has syntax errors: they would only add noise. The IR is
 * still returned when one could be built, so previews keep working. TypeScript files give nothing here:
 * they need evaluating (loadPipelineFile with trusted: true).
 */
export function loadPipelineText(file: string, text: string, opts: LoadTextOptions): LoadResult {
  return checkPipelineText(file, text, opts);
}

export interface LoadFileOptions extends LoadTextOptions {
  /** TypeScript pipelines run user code: they are evaluated only when this is true. */
  trusted?: boolean;
  /** How long a TypeScript pipeline may take to evaluate (default 20 s). */
  tsTimeoutMs?: number;
}

/** Read, parse and validate a pipeline file of any format (`.pipeline.yaml|yml|json|ts`). */
export async function loadPipelineFile(file: string, opts: LoadFileOptions): Promise<LoadResult> {
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
          hint: 'Trust the workspace (VS Code: Manage Workspace Trust), or write the pipeline as YAML.',
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

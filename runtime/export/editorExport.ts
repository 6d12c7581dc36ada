// Exports as VS Code asks for them (runtime/server/server.ts): the YAML text, the warnings, and the
// check of what was written, so the editor shows "valid PipelineSpec 2.1.0" or the errors with paths.
import { relative, sep } from 'node:path';
import type { PipelineIR } from '../definition/ir';
import { getComponent } from '../components/registry';
import { argoWorkflow, argoWorkflowYaml, DEFAULT_CLAIM, pathsOutsideRoot } from './argoWorkflow';
import { summarizeCheck, type ExportCheck } from './exportCheck';
import { kfpPipelineYaml, kfpRecurringRun } from './kfpPipeline';
import { checkArgo } from './validateArgo';
import { checkKfpPipelineSpec } from './validateKfp';

export interface EditorExport {
  yaml: string;
  warnings: string[];
  check: ExportCheck;
  /** One line: `valid PipelineSpec 2.1.0 (checked: …)` or `2 errors in the Argo Workflow: path: …`. */
  summary: string;
}

export function exportForEditor(target: 'argo' | 'kfp', pipeline: PipelineIR, o: { root: string; image: string; claim?: string }): EditorExport {
  const pipelinePath = relative(o.root, pipeline.file).split(sep).join('/');
  const warnings = pathsOutsideRoot(pipeline, o.root, getComponent);
  let yaml: string;
  let check: ExportCheck;
  if (target === 'kfp') {
    const exported = kfpPipelineYaml(pipeline, { pipelinePath, image: o.image });
    yaml = exported.text;
    warnings.unshift(...exported.warnings, ...(kfpRecurringRun(pipeline, exported.spec)?.warnings ?? []));
    check = checkKfpPipelineSpec(exported.spec);
  } else {
    const options = { pipelinePath, image: o.image, claim: o.claim?.trim() || DEFAULT_CLAIM };
    const doc = argoWorkflow(pipeline, options);
    yaml = argoWorkflowYaml(pipeline, options, doc);
    check = checkArgo(doc);
  }
  return { yaml, warnings, check, summary: summarizeCheck(check) };
}

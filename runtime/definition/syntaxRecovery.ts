// One syntax error should not hide the rest of a YAML pipeline. The parser's own recovery may mangle
// everything after the error, so instead: find the component whose block holds the error (by
// indentation, which survives broken syntax), blank that block's lines except its `type:` line (line
// numbers stay the same, so every other range is still exact), and parse again. When that parses, the
// other components' problems are real and reported; the broken component keeps its id, type and the
// references the outline could read, so the graph still shows it, wired, and marked.
import type { ComponentIR, PipelineIR } from './ir';
import { parsePipelineText } from './parse';
import { pipelineOutline, type OutlineComponent } from './yamlOutline';

export interface Recovered {
  /** The parse of the text with the broken component blanked. */
  parsed: ReturnType<typeof parsePipelineText>;
  broken: OutlineComponent;
}

/** A re-parse without the component holding the syntax error at `errorLine` (1-based); undefined when that does not help. */
export function parseAroundSyntaxError(file: string, text: string, errorLine: number): Recovered | undefined {
  const outline = pipelineOutline(text);
  const line0 = errorLine - 1;
  const at = outline.components.findIndex((c) => c.startLine <= line0 && line0 <= c.endLine + 1);
  if (at < 0) return undefined;
  // An unclosed `{` or `[` is reported where the next block starts: try the component before it first.
  const tries = outline.components[at].startLine === line0 && at > 0 ? [at - 1, at] : [at];
  for (const i of tries) {
    const broken = outline.components[i];
    const parsed = parsePipelineText(file, blankComponent(text, broken, line0));
    if (parsed.hasSyntaxErrors || !parsed.pipeline) continue;
    // The recovery must not lose components (a flow collection swallowing the next block).
    const ids = new Set(parsed.pipeline.components.map((c) => c.id));
    if (outline.components.some((c) => !ids.has(c.id))) continue;
    return { parsed, broken };
  }
  return undefined;
}

function blankComponent(text: string, broken: OutlineComponent, line0: number): string {
  const lines = text.split('\n');
  let keptType = false;
  for (let i = broken.startLine + 1; i <= Math.min(broken.endLine, lines.length - 1); i++) {
    const isType = /^\s*type\s*:\s*[A-Za-z_][\w.]*\s*(#.*)?\r?$/.test(lines[i]) && i !== line0;
    if (isType && !keptType) {
      keptType = true;
      continue;
    }
    lines[i] = '';
  }
  // `trainer: {type: Trainer, inputs: {…` on one broken line: keep the id only.
  if (/:\s*\S/.test(lines[broken.startLine].replace(/#.*$/, ''))) lines[broken.startLine] = lines[broken.startLine].replace(/:.*$/, ':');
  return lines.join('\n');
}

/** The blanked component as far as the outline read it: its type and references, no ranges beyond its id. */
export function restoreBroken(p: PipelineIR, broken: OutlineComponent): void {
  const comp: ComponentIR | undefined = p.components.find((c) => c.id === broken.id);
  if (!comp) return;
  if (!comp.type && broken.type && /^[A-Za-z_][\w.]*$/.test(broken.type)) comp.type = broken.type;
  for (const [key, refs] of Object.entries(broken.inputs)) if (!(key in comp.inputs)) comp.inputs[key] = refs.map((r) => ({ ...r }));
  for (const [key, type] of Object.entries(broken.outputs)) if (!(key in comp.outputs)) comp.outputs[key] = type;
}

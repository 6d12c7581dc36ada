// Hovers on component types and params in YAML/JSON pipeline files, from the registry's docs (asked
// of the runtime, which owns the registry).
import * as vscode from 'vscode';
import { describeSchedule } from '../common/cron';
import { toRange, type PipelineIndex } from './pipelineIndex';
import type { RuntimeClient } from './runtimeClient';

export class PipelineHovers implements vscode.HoverProvider {
  constructor(
    private readonly index: PipelineIndex,
    private readonly client: RuntimeClient,
  ) {}

  async provideHover(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    const pipeline = this.index.pipeline(document.uri);
    if (!pipeline) return undefined;
    const schedule = pipeline.schedule;
    if (schedule?.range && toRange(schedule.range).contains(position)) {
      const md = new vscode.MarkdownString(describeSchedule(schedule).markdown);
      md.isTrusted = false;
      md.supportHtml = false;
      return new vscode.Hover(md, toRange(schedule.range));
    }
    for (const c of pipeline.components) {
      if (c.typeRange && toRange(c.typeRange).contains(position)) return this.hover(c.type, undefined, toRange(c.typeRange));
      for (const [param, r] of Object.entries(c.paramRanges)) {
        const range = toRange(r);
        // A param's range covers its value too: show docs only on the key's line.
        if (range.start.line === position.line && range.contains(position)) return this.hover(c.type, param, range);
      }
    }
    return undefined;
  }

  private async hover(type: string, param: string | undefined, range: vscode.Range): Promise<vscode.Hover | undefined> {
    try {
      const { markdown } = await this.client.request('mlpipe/hover', { type, param });
      if (!markdown) return undefined;
      const md = new vscode.MarkdownString(markdown);
      md.isTrusted = false;
      md.supportHtml = false;
      return new vscode.Hover(md, range);
    } catch {
      return undefined;
    }
  }
}

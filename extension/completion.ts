// Completion in `*.pipeline.yaml|yml`, asked of the runtime (which owns the registry and reads the
// metadata store for feature names), so it works with no other extension installed.
//
// Red Hat's YAML extension, when installed, also completes from our JSON Schema (package.json's
// yamlValidation): component types, fields, params and enum values. Then we leave those to it
// (`schemaCovered`) and add only what a schema cannot know: references that the input accepts,
// feature names from the data, and the snippets. So the list never shows `Trainer` twice.
import * as vscode from 'vscode';
import type { CompletionEntry, CompletionKind } from '../runtime/server/protocol';
import type { DbRef } from '../runtime/server/protocol';
import { toRange } from './pipelineIndex';
import type { RuntimeClient } from './runtimeClient';

export const RED_HAT_YAML = 'redhat.vscode-yaml';

const KINDS: Record<CompletionKind, vscode.CompletionItemKind> = {
  type: vscode.CompletionItemKind.Class,
  field: vscode.CompletionItemKind.Property,
  param: vscode.CompletionItemKind.Property,
  input: vscode.CompletionItemKind.Field,
  reference: vscode.CompletionItemKind.Reference,
  value: vscode.CompletionItemKind.EnumMember,
  feature: vscode.CompletionItemKind.Variable,
  snippet: vscode.CompletionItemKind.Snippet,
};

/** Characters after which a list makes sense without typing a letter first. */
export const COMPLETION_TRIGGERS = [' ', '.', '[', ','];

function toItem(e: CompletionEntry, range: vscode.Range): vscode.CompletionItem {
  const item = new vscode.CompletionItem(e.label, KINDS[e.kind]);
  item.detail = e.detail;
  if (e.documentation) {
    const md = new vscode.MarkdownString(e.documentation);
    md.isTrusted = false;
    md.supportHtml = false;
    item.documentation = md;
  }
  item.insertText = e.snippet ? new vscode.SnippetString(e.insertText) : e.insertText;
  item.range = range;
  item.sortText = e.sortText;
  // A reference is typed as `exam…` or `example_gen.sta…`: filter on the whole text being replaced.
  item.filterText = e.kind === 'snippet' ? `${e.label.replace(/^New /, '')} ${e.label}` : e.label;
  if (e.kind === 'snippet' || e.kind === 'field' || e.kind === 'param' || e.kind === 'input') {
    // After `key: ` the next list (its values) follows at once.
    if (e.insertText.endsWith(': ')) item.command = { title: 'Suggest', command: 'editor.action.triggerSuggest' };
  }
  return item;
}

export class PipelineCompletion implements vscode.CompletionItemProvider {
  constructor(
    private readonly client: RuntimeClient,
    private readonly dbFor: (uri: vscode.Uri) => DbRef | undefined,
  ) {}

  async provideCompletionItems(document: vscode.TextDocument, position: vscode.Position, token: vscode.CancellationToken): Promise<vscode.CompletionList | undefined> {
    try {
      const result = await this.client.request('mlpipe/complete', {
        file: document.uri.fsPath,
        text: document.getText(),
        line: position.line,
        column: position.character,
        db: this.dbFor(document.uri),
        schemaCovered: vscode.extensions.getExtension(RED_HAT_YAML) !== undefined,
      });
      if (token.isCancellationRequested || result.items.length === 0) return undefined;
      const range = toRange(result.range);
      return new vscode.CompletionList(
        result.items.map((e) => toItem(e, range)),
        // The list depends on more than the word (the cursor's key, the data): ask again as the user types.
        true,
      );
    } catch {
      return undefined; // no runtime: the editor's word-based suggestions remain
    }
  }
}

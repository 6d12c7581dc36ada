// The latest parsed form (IR + diagnostics) of every pipeline file, from the editor's unsaved text
// when it is open, else from disk. Trees, CodeLens, hovers and diagnostics all read it from here, so
// one file is validated once per change, by the runtime (the definition module needs the component
// registry, which pulls DuckDB and TF.js: it belongs in the runtime process, not the extension host).
import * as vscode from 'vscode';
import type { ComponentIR, LoadResult, PipelineIR } from '../runtime/server/protocol';
import type { DbRef } from '../runtime/server/protocol';
import type { RuntimeClient } from './runtimeClient';

export interface IndexEntry {
  result?: LoadResult;
  /** Why the file could not be validated at all (runtime missing …). */
  error?: string;
  /** Document version the result belongs to (undefined: from disk). */
  version?: number;
}

export class PipelineIndex implements vscode.Disposable {
  private readonly entries = new Map<string, IndexEntry>();
  private readonly pending = new Map<string, Promise<IndexEntry>>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly client: RuntimeClient,
    private readonly trusted: () => boolean,
    /** The metadata database of a file: its latest data are checked too (id-like, constant, leaking features). */
    private readonly dbFor?: (uri: vscode.Uri) => DbRef | undefined,
  ) {}

  get(uri: vscode.Uri): IndexEntry | undefined {
    return this.entries.get(uri.toString());
  }

  pipeline(uri: vscode.Uri): PipelineIR | undefined {
    return this.get(uri)?.result?.pipeline;
  }

  component(uri: vscode.Uri, id: string): ComponentIR | undefined {
    return this.pipeline(uri)?.components.find((c) => c.id === id);
  }

  /** The entry, validating the file first when it was never validated. */
  async ensure(uri: vscode.Uri): Promise<IndexEntry> {
    return this.get(uri) ?? this.pending.get(uri.toString()) ?? this.update(uri);
  }

  /** Validates `uri` (with the open document's text when there is one). */
  update(uri: vscode.Uri, document?: vscode.TextDocument): Promise<IndexEntry> {
    const doc = document ?? vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    const isTs = uri.path.endsWith('.ts');
    const text = doc && !isTs ? doc.getText() : undefined;
    const version = text !== undefined ? doc?.version : undefined;
    const job = this.client
      .request('mlpipe/validate', { file: uri.fsPath, text, trusted: this.trusted(), db: this.dbFor?.(uri) })
      .then(
        (result): IndexEntry => ({ result, version }),
        (e: unknown): IndexEntry => ({ error: e instanceof Error ? e.message : String(e), version }),
      )
      .then((entry) => {
        const current = this.entries.get(uri.toString());
        // A slower, older answer must not overwrite a newer one.
        if (!(current?.version !== undefined && entry.version !== undefined && current.version > entry.version)) {
          this.entries.set(uri.toString(), entry);
          this.changed.fire(uri);
        }
        this.pending.delete(uri.toString());
        return entry;
      });
    this.pending.set(uri.toString(), job);
    return job;
  }

  forget(uri: vscode.Uri): void {
    if (this.entries.delete(uri.toString())) this.changed.fire(uri);
  }

  dispose(): void {
    this.changed.dispose();
  }
}

/** 1-based IR positions to a VS Code range. */
export function toRange(r: { start: { line: number; column: number }; end: { line: number; column: number } }): vscode.Range {
  return new vscode.Range(
    Math.max(0, r.start.line - 1),
    Math.max(0, r.start.column - 1),
    Math.max(0, r.end.line - 1),
    Math.max(0, r.end.column - 1),
  );
}

// Step logs open as read-only documents named for what they are, `<pipeline>/<step> #<execution id>`,
// not `17.log`: the tab says which step's log it is. The text is the saved log
// (`<root>/.mlpipe/logs/<execution id>.log`, read through the runtime), refreshed while the step writes.
import * as vscode from 'vscode';
import type { RuntimeClient } from './runtimeClient';

export const LOG_SCHEME = 'mlpipe-log';

/** U+2215 DIVISION SLASH: a tab shows a path's last segment, and this one must read "pipeline/step". */
const SLASH = '\u2215';

interface LogQuery {
  root: string;
  executionId: number;
}

export function logUri(root: string, executionId: number, pipeline: string | undefined, step: string | undefined): vscode.Uri {
  const name = pipeline && step ? `${pipeline}${SLASH}${step} #${executionId}` : `execution #${executionId}`;
  return vscode.Uri.from({ scheme: LOG_SCHEME, path: `/${name}`, query: JSON.stringify({ root, executionId } satisfies LogQuery) });
}

export class LogDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly subscription: vscode.Disposable;
  private readonly pending = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(private readonly client: RuntimeClient) {
    // A log being written: refresh its open document at most twice a second.
    this.subscription = client.onRunEvent((e) => {
      if (e.kind !== 'log' && e.kind !== 'step-finished') return;
      if (e.executionId === undefined) return;
      for (const doc of vscode.workspace.textDocuments) {
        if (doc.uri.scheme !== LOG_SCHEME) continue;
        const q = parse(doc.uri);
        if (q?.executionId !== e.executionId) continue;
        const key = doc.uri.toString();
        if (this.pending.has(key)) continue;
        this.pending.set(
          key,
          setTimeout(() => {
            this.pending.delete(key);
            this.changed.fire(doc.uri);
          }, 500),
        );
      }
    });
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const q = parse(uri);
    if (!q) return 'This is not a step log address.';
    const log = await this.client.request('mlpipe/readLog', { root: q.root, executionId: q.executionId });
    if (!log.exists) return `No log was saved for execution ${q.executionId} (${log.path}).`;
    return log.truncated ? `[… the start of the log is cut; the whole log is ${log.path}]\n${log.text}` : log.text;
  }

  dispose(): void {
    for (const t of this.pending.values()) clearTimeout(t);
    this.subscription.dispose();
    this.changed.dispose();
  }
}

function parse(uri: vscode.Uri): LogQuery | undefined {
  try {
    const q = JSON.parse(uri.query) as Partial<LogQuery>;
    return typeof q.root === 'string' && typeof q.executionId === 'number' ? { root: q.root, executionId: q.executionId } : undefined;
  } catch {
    return undefined;
  }
}

// A webview (panel or panel-area view) speaking the typed protocol of webviews/protocol.ts: its page
// (strict CSP, nonce), resource roots, and type-checked message passing in both directions.
import * as vscode from 'vscode';
import type { HostToView, ViewKind, ViewToHost } from '../../webviews/protocol';
import { makeNonce, webviewHtml } from './html';
import { showError } from '../errors';

/** viewType of each panel (the serializers are registered under these). */
export const PANEL_VIEW_TYPES: Record<ViewKind, string> = {
  dag: 'mlpipe.dagPreview',
  statistics: 'mlpipe.statisticsPanel',
  lineage: 'mlpipe.lineagePanel',
  evaluation: 'mlpipe.evaluationPanel',
  approval: 'mlpipe.approvalPanel',
  runDiff: 'mlpipe.runDiffPanel',
  timeline: 'mlpipe.timelinePanel',
};

function bundlesRoot(extensionUri: vscode.Uri): vscode.Uri {
  return vscode.Uri.joinPath(extensionUri, 'dist', 'webviews');
}

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return { enableScripts: true, localResourceRoots: [bundlesRoot(extensionUri)] };
}

/** Open inspection panels (statistics, lineage …): new ones join their column instead of adding a column each. */
const inspectionPanels = new Set<vscode.WebviewPanel>();

function inspectionColumn(): vscode.ViewColumn | undefined {
  for (const p of inspectionPanels) if (p.viewColumn !== undefined) return p.viewColumn;
  return undefined;
}

export function createPanel(kind: ViewKind, title: string, extensionUri: vscode.Uri, column: vscode.ViewColumn = vscode.ViewColumn.Beside, preserveFocus = false): vscode.WebviewPanel {
  const viewColumn = kind === 'dag' ? column : inspectionColumn() ?? column;
  // No retainContextWhenHidden: a panel shown again reloads from getState and gets a fresh snapshot.
  const panel = vscode.window.createWebviewPanel(PANEL_VIEW_TYPES[kind], title, { viewColumn, preserveFocus }, { ...webviewOptions(extensionUri), enableFindWidget: kind !== 'dag' });
  if (kind !== 'dag') {
    inspectionPanels.add(panel);
    panel.onDidDispose(() => inspectionPanels.delete(panel));
  }
  return panel;
}

/** Only messages whose `type` belongs to this view are passed on: the webview is a separate, less trusted context. */
function isViewMessage<K extends ViewKind>(kind: K, data: unknown): data is ViewToHost[K] {
  if (typeof data !== 'object' || data === null) return false;
  const type = (data as { type?: unknown }).type;
  return typeof type === 'string' && type.startsWith(`${kind}/`);
}

export class TypedWebview<K extends ViewKind> implements vscode.Disposable {
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    readonly kind: K,
    readonly webview: vscode.Webview,
    extensionUri: vscode.Uri,
    title: string,
  ) {
    webview.options = webviewOptions(extensionUri);
    webview.html = webviewHtml({
      view: kind,
      title,
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(bundlesRoot(extensionUri), `${kind}.js`)).toString(),
      cspSource: webview.cspSource,
      nonce: makeNonce(),
    });
  }

  post(message: HostToView[K]): void {
    void this.webview.postMessage(message);
  }

  onMessage(handler: (message: ViewToHost[K]) => void | Promise<void>): void {
    this.subscriptions.push(
      this.webview.onDidReceiveMessage((data: unknown) => {
        if (!isViewMessage(this.kind, data)) return;
        Promise.resolve(handler(data)).catch((e: unknown) => void showError(e));
      }),
    );
  }

  dispose(): void {
    for (const d of this.subscriptions) d.dispose();
  }
}

export { errorMessage } from '../errors';

export function isString(v: unknown): v is string {
  return typeof v === 'string' && v.length > 0 && v.length < 10_000;
}

export function isId(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v > 0;
}

// The HTML page of every webview: a strict Content-Security-Policy with a per-load nonce, the view's
// bundle, nothing else. No `vscode` import, so tests render the very same page in Chromium.
import { randomBytes } from 'node:crypto';
import type { ViewKind } from '../../webviews/protocol';

export interface WebviewPageOptions {
  view: ViewKind;
  title: string;
  /** URI of dist/webviews/<view>.js as the webview can load it (webview.asWebviewUri). */
  scriptUri: string;
  /** webview.cspSource: the origin webview resources are served from. */
  cspSource: string;
  nonce: string;
}

export function makeNonce(): string {
  return randomBytes(18).toString('base64').replace(/[^A-Za-z0-9]/g, '');
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/**
 * The policy, explained: scripts only with the nonce; styles from our origin or constructed sheets
 * (adoptedStyleSheets are not subject to style-src); the ELK layout worker starts from a Blob URL
 * (worker-src blob:, DESIGN §10); no network, frames, objects or forms.
 */
export function contentSecurityPolicy(cspSource: string, nonce: string, view?: ViewKind): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} data:`,
    // The report view's sandboxed frame inherits this policy: a report's own inline <style> must pass it
    // (a nonce would disable 'unsafe-inline'). Scripts stay nonce-only, and the frame runs none at all.
    view === 'report' ? `style-src ${cspSource} 'unsafe-inline'` : `style-src ${cspSource} 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
    'worker-src blob:',
    "base-uri 'none'",
    "form-action 'none'",
    "frame-src 'none'",
  ].join('; ');
}

export function webviewHtml(options: WebviewPageOptions): string {
  const nonce = escapeHtml(options.nonce);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy(options.cspSource, options.nonce, options.view))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escapeHtml(options.title)}</title>
</head>
<body data-view="${escapeHtml(options.view)}">
<script nonce="${nonce}" src="${escapeHtml(options.scriptUri)}"></script>
</body>
</html>
`;
}

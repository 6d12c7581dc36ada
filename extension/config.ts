// The extension's settings (package.json `contributes.configuration`), read in one place.
import { isAbsolute, join } from 'node:path';
import * as vscode from 'vscode';
import type { DbRef } from '../runtime/server/protocol';
import { isStoreUrl, storeUrlIsReadOnly } from '../common/storeName';

const SECTION = 'mlpipe';

/** Settings that, when changed, need the runtime restarted or views refreshed. */
export const RUNTIME_SETTINGS = ['mlpipe.runtime.nodePath', 'mlpipe.python.path'];
export const VIEW_SETTINGS = ['mlpipe.metadataPath'];

function get<T>(key: string, scope?: vscode.ConfigurationScope): T | undefined {
  return vscode.workspace.getConfiguration(SECTION, scope).get<T>(key);
}

/**
 * The metadata store of a workspace folder: `mlpipe.metadataPath` (a path relative to the folder, or a
 * mysql:// URL, passed on as written: the runtime parses it) or `.mlpipe/metadata.sqlite`.
 */
export function metadataPath(folder: vscode.WorkspaceFolder): string {
  const configured = get<string>('metadataPath', folder)?.trim();
  if (configured && isStoreUrl(configured)) return configured;
  if (configured) return isAbsolute(configured) ? configured : join(folder.uri.fsPath, configured);
  return join(folder.uri.fsPath, '.mlpipe', 'metadata.sqlite');
}

export function folderDb(folder: vscode.WorkspaceFolder): DbRef {
  const path = metadataPath(folder);
  // `?readonly=true` (a Kubeflow cluster's store): browsed, never written (no runs, no approvals).
  return { path, readonly: storeUrlIsReadOnly(path) };
}

export function parallelism(scope?: vscode.ConfigurationScope): number {
  const n = get<number>('parallelism', scope) ?? 2;
  return Number.isInteger(n) && n >= 1 ? n : 2;
}

export function cacheEnabled(scope?: vscode.ConfigurationScope): boolean {
  return get<boolean>('cache.enabled', scope) ?? true;
}

/** `mlpipe.runtime.nodePath`; a machine-scoped setting, so a workspace cannot point it elsewhere. */
export function nodePath(): string | undefined {
  const value = get<string>('runtime.nodePath')?.trim();
  return value ? value : undefined;
}

/** `mlpipe.python.path`: machine-scoped like nodePath, so a workspace cannot pick the interpreter. */
export function pythonPath(): string | undefined {
  const value = get<string>('python.path')?.trim();
  return value ? value : undefined;
}

/** `mlpipe.export.image`: the image of exported Argo Workflows ('' when not set yet). */
export function exportImage(scope?: vscode.ConfigurationScope): string {
  return get<string>('export.image', scope)?.trim() ?? '';
}

export function exportVolumeClaim(scope?: vscode.ConfigurationScope): string {
  return get<string>('export.volumeClaim', scope)?.trim() || 'mlpipe-workspace';
}

export function openSettings(setting: string): Thenable<unknown> {
  return vscode.commands.executeCommand('workbench.action.openSettings', setting);
}

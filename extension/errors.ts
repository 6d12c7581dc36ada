// The one place the extension shows an error, for commands and panels alike (runtime/errors.ts has the
// hierarchy). A user's mistake shows its message and hint, with the button that fixes it where there is
// one ("Open Settings" for the runtime's Node, "Manage Workspace Trust" in Restricted Mode); anything
// else is an internal error, whose stack goes to the ML Pipelines output.
import * as vscode from 'vscode';
import { describeUserError, UserError } from '../runtime/errors';
import { RuntimeErrorCode, type UserErrorData } from '../runtime/server/protocol';
import * as config from './config';
import { RuntimeStartError } from './nodeChoice';

let log: vscode.LogOutputChannel | undefined;

/** Where internal errors' stacks go (the ML Pipelines output); set once at activation. */
export function setErrorLog(channel: vscode.LogOutputChannel): void {
  log = channel;
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** A runtime answer (vscode-jsonrpc's ResponseError), read by its fields so activation need not load vscode-jsonrpc. */
interface RuntimeAnswer {
  code: number;
  message: string;
  data?: UserErrorData;
}

function runtimeAnswer(e: unknown): RuntimeAnswer | undefined {
  if (!(e instanceof Error) || e instanceof UserError) return undefined;
  const code = (e as Error & { code?: unknown }).code;
  if (typeof code !== 'number') return undefined;
  const data = (e as Error & { data?: unknown }).data;
  return { code, message: e.message, ...(typeof data === 'object' && data !== null ? { data: data as UserErrorData } : {}) };
}

/** What the user reads, and whether it is their mistake (no "internal" label, no stack). */
export function describeError(e: unknown): { message: string; hint?: string; user: boolean } {
  if (e instanceof UserError) return { ...describeUserError(e), user: true };
  const answer = runtimeAnswer(e);
  if (answer) {
    const hint = answer.data?.hint;
    return { message: answer.message, ...(hint && !answer.message.includes(hint) ? { hint } : {}), user: answer.code !== RuntimeErrorCode.Internal };
  }
  return { message: errorMessage(e), user: false };
}

/**
 * Shows an error. `what` says which action failed ("run failed"); panels leave it out. Settings problems
 * get "Open Settings", Restricted Mode gets "Manage Workspace Trust", internal errors "Show Log".
 */
export async function showError(e: unknown, what?: string): Promise<void> {
  if (e instanceof RuntimeStartError) {
    const choice = await vscode.window.showErrorMessage(`ML Pipelines: ${e.message}`, ...(e.settingsFix ? ['Open Settings'] : []));
    if (choice === 'Open Settings') await config.openSettings('mlpipe.runtime.nodePath');
    return;
  }
  if (runtimeAnswer(e)?.code === RuntimeErrorCode.Untrusted) {
    const choice = await vscode.window.showWarningMessage(`ML Pipelines: ${errorMessage(e)}`, 'Manage Workspace Trust');
    if (choice) await vscode.commands.executeCommand('workbench.trust.manage');
    return;
  }
  const { message, hint, user } = describeError(e);
  const text = `ML Pipelines: ${what ? `${what}: ` : ''}${message}${hint ? ` (${hint})` : ''}`;
  if (user) {
    await vscode.window.showErrorMessage(text);
    return;
  }
  log?.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
  const choice = await vscode.window.showErrorMessage(text, ...(log ? ['Show Log'] : []));
  if (choice === 'Show Log') log?.show(true);
}

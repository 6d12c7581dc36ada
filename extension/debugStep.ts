// "Debug Step" (issue 12): one step run alone, without cache, with the debugger on the step's own process.
// The run is an ordinary `mlpipe run <file> --step <id> --no-cache`: the driver resolves its inputs from
// metadata exactly as any run does, the launcher and publisher record it like any other execution. Only
// the process differs:
//  - a Function module or a Trainer's TS/JS module runs inside the runtime's Node process, so that process
//    is started under VS Code's JavaScript debugger (the module is bundled with an inline source map, so
//    breakpoints set in its own file bind);
//  - a Trainer's Python module or a Python Command runs in a Python process: a debugpy session listens
//    first, and the runtime starts that interpreter under `debugpy --connect` (common/debugStep.ts).
// Nothing is offered or run in Restricted Mode.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { DEBUGPY_CONNECT_ENV, DEBUGPY_PATH_ENV } from '../common/debugStep';
import { PYTHON_ENV } from '../common/pythonInterpreter';
import type { DbRef } from '../runtime/server/protocol';
import * as config from './config';
import { showError } from './errors';
import { debugKindOf } from './model/debugTarget';
import { chooseNode } from './nodeChoice';
import type { PipelineIndex } from './pipelineIndex';
import { choosePython } from './pythonChoice';

export const PYTHON_DEBUGGER_EXTENSION = 'ms-python.debugpy';

export interface DebugStepDeps {
  context: vscode.ExtensionContext;
  index: PipelineIndex;
  log: vscode.LogOutputChannel;
  dbFor(uri: vscode.Uri): DbRef | undefined;
  rootFor(uri: vscode.Uri): string | undefined;
  /** After the debugged run ended: the trees and CodeLens read the database again. */
  refresh(): void;
}

/** (uri, component id) from CodeLens and the DAG, or a Pipelines-tree component node. */
function stepArg(a: unknown, b: unknown): { file: vscode.Uri; step: string } | undefined {
  if (a instanceof vscode.Uri && typeof b === 'string') return { file: a, step: b };
  if (typeof a === 'object' && a !== null && (a as { kind?: unknown }).kind === 'component') {
    const node = a as { file: { uri: vscode.Uri }; componentId: string };
    return { file: node.file.uri, step: node.componentId };
  }
  return undefined;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no free port'))));
    });
  });
}

export function registerDebugStep(d: DebugStepDeps): void {
  d.context.subscriptions.push(
    vscode.commands.registerCommand('mlpipe.debugStep', async (a: unknown, b: unknown) => {
      try {
        await debugStep(d, a, b);
      } catch (e) {
        await showError(e, 'debugStep failed');
      }
    }),
  );
}

async function debugStep(d: DebugStepDeps, a: unknown, b: unknown): Promise<void> {
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showWarningMessage('ML Pipelines: nothing runs in Restricted Mode. Trust this workspace to debug a step.');
    return;
  }
  let target = stepArg(a, b);
  if (!target) {
    const file = vscode.window.activeTextEditor?.document.uri;
    const pipeline = file ? (await d.index.ensure(file)).result?.pipeline : undefined;
    const debuggable = pipeline?.components.filter((c) => debugKindOf(c)) ?? [];
    if (!file || !pipeline || debuggable.length === 0) {
      void vscode.window.showInformationMessage('ML Pipelines: open a pipeline file with a Function step, a Trainer module or a Python Command to debug it.');
      return;
    }
    const pick = debuggable.length === 1 ? { label: debuggable[0]!.id } : await vscode.window.showQuickPick(debuggable.map((c) => ({ label: c.id, description: c.type })), { title: 'Debug which step?' });
    if (!pick) return;
    target = { file, step: pick.label };
  }
  const { file, step } = target;
  const doc = vscode.workspace.textDocuments.find((t) => t.uri.toString() === file.toString());
  if (doc?.isDirty) await doc.save();
  const entry = await d.index.update(file);
  const component = entry.result?.pipeline?.components.find((c) => c.id === step);
  if (!component) throw new Error(`${vscode.workspace.asRelativePath(file)} has no step ${step}, or has errors: fix them first (see Problems).`);
  const kind = debugKindOf(component);
  if (!kind) {
    void vscode.window.showInformationMessage(`ML Pipelines: ${step} runs no code of yours to step through. Debug Step works on Function steps, Trainer modules and Python Commands.`);
    return;
  }
  const root = d.rootFor(file);
  const db = d.dbFor(file);
  if (!root || !db) throw new Error(`${file.fsPath} is not inside a workspace folder.`);
  const folder = vscode.workspace.getWorkspaceFolder(file);
  const node = await chooseNode(config.nodePath());
  const python = await choosePython(config.pythonPath());
  const cli = join(d.context.extensionPath, 'dist', 'runtime', 'cli.js');
  const args = ['run', file.fsPath, '--step', step, '--no-cache', '--db', db.path, '--root', root];
  const env: Record<string, string> = { ...node.env, ...(python.python ? { [PYTHON_ENV]: python.python } : {}) };
  const name = `Debug step ${step}`;
  d.log.info(`debug step: ${node.command} ${cli} ${args.join(' ')} (${kind})`);

  if (kind === 'node') {
    const started = await vscode.debug.startDebugging(folder, {
      type: 'node',
      request: 'launch',
      name,
      runtimeExecutable: node.command,
      program: cli,
      args,
      cwd: root,
      env,
      console: 'internalConsole',
      outputCapture: 'std',
      // The runtime is ours, not the user's: step over it, stop only in the step's module.
      skipFiles: ['<node_internals>/**', `${d.context.extensionPath}/dist/**`, `${d.context.extensionPath}/node_modules/**`],
      // The bundled module lives in the execution's scratch folder under .mlpipe/ (a dot folder, which `**`
      // does not match): its inline map points at the source, so breakpoints bind when it loads.
      outFiles: [`${root}/.mlpipe/tmp/**/*.cjs`],
      resolveSourceMapLocations: [`${root}/.mlpipe/tmp/**`, `${root}/**`, '!**/node_modules/**'],
      pauseForSourceMap: true,
      autoAttachChildProcesses: false,
    });
    if (!started) throw new Error(`VS Code did not start the JavaScript debugger for ${step}.`);
    const done = vscode.debug.onDidTerminateDebugSession((s) => {
      if (s.name !== name) return;
      done.dispose();
      d.refresh();
    });
    return;
  }

  const debugpy = vscode.extensions.getExtension(PYTHON_DEBUGGER_EXTENSION);
  if (!debugpy) {
    const choice = await vscode.window.showErrorMessage(
      `ML Pipelines: debugging the Python step ${step} needs the Python Debugger extension (${PYTHON_DEBUGGER_EXTENSION}). Install it, then run Debug Step again.`,
      'Show the Extension',
    );
    if (choice) await vscode.commands.executeCommand('workbench.extensions.search', PYTHON_DEBUGGER_EXTENSION);
    return;
  }
  const port = await freePort();
  // The session listens; the step's interpreter connects to it (no race over who starts first).
  const started = await vscode.debug.startDebugging(folder, { type: 'debugpy', request: 'attach', name, listen: { host: '127.0.0.1', port }, justMyCode: true });
  if (!started) throw new Error(`VS Code did not start the Python debugger for ${step}.`);
  const bundled = join(debugpy.extensionPath, 'bundled', 'libs');
  const child = spawn(node.command, [cli, ...args], {
    cwd: root,
    env: { ...process.env, ...env, [DEBUGPY_CONNECT_ENV]: `127.0.0.1:${port}`, ...(existsSync(join(bundled, 'debugpy')) ? { [DEBUGPY_PATH_ENV]: bundled } : {}) },
    stdio: ['ignore', 'pipe', 'pipe'],
    shell: false,
  });
  child.stdout.setEncoding('utf8').on('data', (s: string) => d.log.info(`[debug ${step}] ${s.trimEnd()}`));
  child.stderr.setEncoding('utf8').on('data', (s: string) => d.log.info(`[debug ${step}] ${s.trimEnd()}`));
  child.on('close', (code) => {
    d.refresh();
    if (code !== 0) void vscode.window.showWarningMessage(`ML Pipelines: the debugged run of ${step} ended with code ${code}; see the step's log.`);
  });
}

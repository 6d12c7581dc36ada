// Which Python runs Trainer run_fn modules and python-format models: the `mlpipe.python.path` setting,
// else the interpreter selected in the VS Code Python extension (when it is installed), else the
// runtime's default (`python3`). Handed to the runtime process as MLPIPE_PYTHON when it starts.
import * as vscode from 'vscode';

/** The parts of the Python extension's API used here (ms-python.python, both API generations). */
interface PythonExtensionApi {
  environments?: { getActiveEnvironmentPath(resource?: vscode.Uri): { path: string } | undefined };
  settings?: { getExecutionDetails(resource?: vscode.Uri): { execCommand: string[] | undefined } };
}

export async function choosePython(setting: string | undefined): Promise<{ python?: string; source: string }> {
  if (setting && setting.trim()) return { python: setting.trim(), source: 'setting mlpipe.python.path' };
  const ext = vscode.extensions.getExtension<PythonExtensionApi>('ms-python.python');
  if (ext) {
    try {
      const api = ext.isActive ? ext.exports : await ext.activate();
      const active = api.environments?.getActiveEnvironmentPath()?.path ?? api.settings?.getExecutionDetails()?.execCommand?.[0];
      if (active) return { python: active, source: 'the Python extension’s selected interpreter' };
    } catch {
      /* the Python extension failed to start: fall back to python3 */
    }
  }
  return { source: 'python3 on PATH (set mlpipe.python.path to choose another)' };
}

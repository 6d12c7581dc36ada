// The environment variable that names the Python of Trainer run_fn modules and python-format models:
// the extension sets it on the runtime process (mlpipe.python.path, or the Python extension's
// interpreter), the CLI sets it from --python, and the runtime falls back to `python3` without it.
export const PYTHON_ENV = 'MLPIPE_PYTHON';

"""mlpipe's bridge to Python modules: the Trainer's run_fn (TFX's contract) and a python-format model's
predict_fn. The runtime runs `python3 mlpipe_fn.py train|predict <request.json>`; what the module prints
streams to the step log, and failures end with one `@@mlpipe {json}` line on stderr that the runtime
turns into a clear error. Needs only the standard library; the data helpers need pandas (and, for
Parquet, pyarrow or fastparquet)."""
import importlib.util
import json
import os
import pickle
import sys
import traceback

MARK = "@@mlpipe "
# import name -> pip package, where they differ
PIP_NAMES = {"sklearn": "scikit-learn", "yaml": "pyyaml", "cv2": "opencv-python", "PIL": "pillow", "skimage": "scikit-image"}


def report(kind, **fields):
    sys.stdout.flush()
    sys.stderr.write(MARK + json.dumps(dict(kind=kind, **fields)) + "\n")
    sys.stderr.flush()


class MlpipeDataError(Exception):
    """Data handoff problems (no Parquet engine, ...): reported with their fix, without a traceback."""

    def __init__(self, message, hint):
        super().__init__(message)
        self.hint = hint


def read_table(files, data_format, vector_columns=()):
    import pandas as pd

    if data_format == "csv":
        frames = [pd.read_csv(f) for f in files]
    else:
        try:
            frames = [pd.read_parquet(f) for f in files]
        except ImportError as e:
            raise MlpipeDataError(
                "pandas cannot read Parquet here (%s)" % str(e).splitlines()[0],
                "pip install pyarrow, or set params.data_format: csv on the Trainer",
            )
    df = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
    for c in vector_columns:
        if c in df.columns and df[c].dtype == object:
            df[c] = [json.loads(v) if isinstance(v, str) else v for v in df[c]]
    return df


class FnArgs:
    """TFX's FnArgs field names: train_files, eval_files, schema_path, transform_graph_path
    (alias transform_output), serving_model_dir, model_run_dir, hyperparameters, custom_config,
    base_model, label; plus mlpipe's helpers below."""

    def __init__(self, fields):
        self.__dict__.update(fields)
        self.transform_output = fields.get("transform_graph_path")

    def read_examples(self, files):
        """The examples in `files` (train_files or eval_files) as a pandas DataFrame."""
        return read_table(files, self.data_format, self.vector_columns)

    def train_dataframe(self):
        return self.read_examples(self.train_files)

    def eval_dataframe(self):
        return self.read_examples(self.eval_files) if self.eval_files else None

    def save_signature(self, inputs=None, output="logits", classes=None, output_name=None, task=None):
        """Write serving_model_dir/signature.json: which columns feed which model input, what the
        output means (logits, probabilities or values) and the class names (default: the TransformGraph's)."""
        classes = classes if classes is not None else self.classes
        signature = {
            "task": task or ("classification" if classes else "regression"),
            "label": self.label,
            "inputs": inputs if inputs is not None else [{"name": "features", "columns": self.feature_columns}],
            "output": dict({"meaning": output}, **({"name": output_name} if output_name else {})),
        }
        if classes:
            signature["classes"] = list(classes)
        os.makedirs(self.serving_model_dir, exist_ok=True)
        with open(os.path.join(self.serving_model_dir, "signature.json"), "w") as f:
            json.dump(signature, f, indent=2)


def load_module(path):
    spec = importlib.util.spec_from_file_location("mlpipe_user_module", path)
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, os.path.dirname(os.path.abspath(path)))
    spec.loader.exec_module(module)
    return module


def user_frame(tb, module_path):
    """The deepest traceback frame inside the user's module: where to point in Problems."""
    found = None
    for frame in traceback.extract_tb(tb):
        if os.path.abspath(frame.filename) == os.path.abspath(module_path):
            found = frame
    return found


def fail_with(e, module_path, kind):
    if isinstance(e, ModuleNotFoundError) and e.name:
        top = e.name.split(".")[0]
        report("missing_package", module=top, package=PIP_NAMES.get(top, top), python=sys.executable)
        return 6
    if isinstance(e, MlpipeDataError):
        report("data", message=str(e), hint=e.hint)
        return 7
    # The last frames only: the runtime's own frames above run_fn are noise to the user.
    frames = traceback.format_exception(type(e), e, e.__traceback__, limit=-6)
    sys.stderr.write("".join(frames))
    frame = user_frame(e.__traceback__, module_path)
    report(kind, message="%s: %s" % (type(e).__name__, e), line=frame.lineno if frame else None, function=frame.name if frame else None)
    return 5


def train(request):
    module_path = request["module"]
    try:
        module = load_module(module_path)
    except BaseException as e:  # noqa: B036 - SystemExit in a module is an error too
        return fail_with(e, module_path, "module_error")
    report("imported")
    run_fn = getattr(module, "run_fn", None)
    if not callable(run_fn):
        names = sorted(n for n, v in vars(module).items() if callable(v) and not n.startswith("_") and getattr(v, "__module__", None) == module.__name__)
        report("no_run_fn", functions=names)
        return 4
    fn_args = FnArgs(request["fn_args"])
    try:
        run_fn(fn_args)
    except BaseException as e:  # noqa: B036
        return fail_with(e, module_path, "run_fn_raised")
    return 0


def predict(request):
    module_path = request["module"]
    try:
        module = load_module(module_path)
    except BaseException as e:  # noqa: B036
        return fail_with(e, module_path, "module_error")
    predict_fn = getattr(module, "predict_fn", None)
    if not callable(predict_fn):
        report("no_predict_fn")
        return 4
    try:
        import numpy as np

        load_fn = getattr(module, "load_fn", None)
        model_dir = request["model_dir"]
        if callable(load_fn):
            model = load_fn(model_dir)
        else:
            with open(os.path.join(model_dir, "model.pkl"), "rb") as f:
                model = pickle.load(f)
        df = read_table([request["input"]], "csv", request.get("vector_columns", []))
        out = np.asarray(predict_fn(model, df), dtype=np.float32)
        if out.ndim == 1:
            out = out.reshape(-1, 1)
        if out.shape[0] != len(df):
            raise ValueError("predict_fn returned %d rows for %d examples" % (out.shape[0], len(df)))
        with open(request["output"], "wb") as f:
            f.write(np.ascontiguousarray(out).tobytes())
        with open(request["output"] + ".json", "w") as f:
            json.dump({"rows": int(out.shape[0]), "width": int(out.shape[1])}, f)
    except BaseException as e:  # noqa: B036
        return fail_with(e, module_path, "predict_fn_raised")
    return 0


def main():
    report("started")
    mode, request_file = sys.argv[1], sys.argv[2]
    with open(request_file) as f:
        request = json.load(f)
    sys.exit({"train": train, "predict": predict}[mode](request))


if __name__ == "__main__":
    main()

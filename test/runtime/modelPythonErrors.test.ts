// A Python Trainer module's failures, each with a message that names the module and what to do; ONNX
// models that mlpipe cannot read (ZipMap outputs, inputs that match no feature); and cancel, which must
// end the interpreter and its children. Runs Debian's /usr/bin/python3 (torch, onnx, sklearn, pandas).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ComponentError, type InputArtifact } from '../../runtime/components/spec';
import { PYTHON_ENV } from '../../runtime/model/pythonRuntime';
import { runTrainer } from '../../runtime/components/trainer.executor';
import { context, penguinExamples, penguinTransform, tempDir, type TestContext } from './modelFixtures';

const PYTHON = '/usr/bin/python3';
const hasPackages = (mods: string): boolean => {
  try {
    execFileSync(PYTHON, ['-c', `import ${mods}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};
const READY = hasPackages('torch, onnx, pandas');
const skip = READY ? false : `${PYTHON} lacks torch/onnx/pandas (Debian: apt-get install python3-torch python3-onnx python3-pandas)`;

let root: string;
let transformed: InputArtifact;
let graph: InputArtifact;
const previousPython = process.env[PYTHON_ENV];

function trainerContext(module: string, source: string, params: Record<string, unknown> = {}): TestContext {
  fs.writeFileSync(path.join(root, module), source);
  return context(root, {
    componentId: 'trainer',
    params: { label: 'Species', module, data_format: 'csv', ...params },
    inputs: { examples: [transformed], transform_graph: [graph] },
    outputs: { model: 'Model' },
  });
}

async function fails(ctx: TestContext, message: RegExp, hint?: RegExp): Promise<ComponentError> {
  let caught: unknown;
  await runTrainer(ctx).catch((e: unknown) => (caught = e));
  assert.ok(caught instanceof ComponentError, `expected a ComponentError, got ${String(caught)}\n${ctx.lines.join('\n')}`);
  assert.match(caught.message, message);
  if (hint) assert.match(caught.hint ?? '', hint);
  return caught;
}

describe('Python Trainer modules: errors and cancel', { skip }, () => {
  before(async () => {
    process.env[PYTHON_ENV] = PYTHON;
    root = tempDir('python-errors');
    const raw = await penguinExamples(root);
    ({ transformed, graph } = await penguinTransform(root, raw));
  });
  after(() => {
    if (previousPython === undefined) delete process.env[PYTHON_ENV];
    else process.env[PYTHON_ENV] = previousPython;
  });

  it('no interpreter: says which one and where to set another', async () => {
    process.env[PYTHON_ENV] = path.join(root, 'no-such-python3');
    try {
      await fails(trainerContext('ok.py', 'def run_fn(fn_args):\n    pass\n'), /Python interpreter ".*no-such-python3" not found/, /mlpipe\.python\.path.*--python/);
    } finally {
      process.env[PYTHON_ENV] = PYTHON;
    }
  });

  it('a missing package: names it and gives the pip command for this interpreter', async () => {
    await fails(trainerContext('needs.py', 'import mlpipe_no_such_pkg\n\ndef run_fn(fn_args):\n    pass\n'), /needs\.py needs the Python package "mlpipe_no_such_pkg"/, /\/usr\/bin\/python3 -m pip install mlpipe_no_such_pkg/);
  });

  it('no run_fn: lists the functions the module has', async () => {
    await fails(trainerContext('norun.py', 'def train(fn_args):\n    pass\n'), /norun\.py has no run_fn \(its functions: train\)/, /def run_fn\(fn_args\)/);
  });

  it('run_fn raising: the one-line cause with file:line, the traceback’s last frames in the log', async () => {
    const ctx = trainerContext('raises.py', 'def check(n):\n    raise ValueError("only %d penguins" % n)\n\n\ndef run_fn(fn_args):\n    check(len(fn_args.train_dataframe()))\n');
    await fails(ctx, /raises\.py:2: run_fn raised ValueError: only \d+ penguins/);
    const log = ctx.lines.join('\n');
    assert.match(log, /Traceback \(most recent call last\)/);
    assert.match(log, /raise ValueError/);
    assert.doesNotMatch(log, /@@mlpipe/, 'the bridge’s report line is not shown raw');
  });

  it('nothing written to serving_model_dir', async () => {
    await fails(trainerContext('empty.py', 'def run_fn(fn_args):\n    print("trained nothing")\n'), /run_fn finished without writing anything into serving_model_dir/, /model\.onnx.*model\.pkl/);
  });

  it('model.pkl without a predict_fn', async () => {
    await fails(trainerContext('pkl.py', 'import os, pickle\n\ndef run_fn(fn_args):\n    pickle.dump(1, open(os.path.join(fn_args.serving_model_dir, "model.pkl"), "wb"))\n'), /wrote model\.pkl but defines no predict_fn/);
  });

  it('Parquet handoff without pyarrow says to install it or use data_format: csv', async () => {
    const ctx = trainerContext('parquet.py', 'def run_fn(fn_args):\n    assert fn_args.train_files[0].endswith(".parquet")\n    fn_args.train_dataframe()\n', { data_format: 'parquet' });
    if (hasPackages('pyarrow') || hasPackages('fastparquet')) {
      await fails(ctx, /without writing anything/); // it read the Parquet, then wrote no model
    } else {
      await fails(ctx, /pandas cannot read Parquet here/, /pip install pyarrow, or set params\.data_format: csv/);
    }
  });

  it('an ONNX model with a ZipMap output names the fix (zipmap=False)', async () => {
    const zipmap = `import os
import onnx
from onnx import helper, TensorProto

def run_fn(fn_args):
    # What skl2onnx writes by default: a label tensor and a ZipMap (a sequence of maps) of probabilities.
    x = helper.make_tensor_value_info("features", TensorProto.FLOAT, [None, 6])
    label = helper.make_tensor_value_info("label", TensorProto.INT64, [None])
    map_type = onnx.TypeProto()
    map_type.map_type.key_type = TensorProto.INT64
    map_type.map_type.value_type.CopyFrom(helper.make_tensor_type_proto(TensorProto.FLOAT, []))
    probs = helper.make_value_info("probabilities", helper.make_sequence_type_proto(map_type))
    nodes = [
        helper.make_node("ArgMax", ["features"], ["label"], axis=1, keepdims=0),
        helper.make_node("ZipMap", ["features"], ["probabilities"], domain="ai.onnx.ml", classlabels_int64s=[0, 1, 2, 3, 4, 5]),
    ]
    graph = helper.make_graph(nodes, "zipmap", [x], [label, probs])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13), helper.make_opsetid("ai.onnx.ml", 1)])
    model.ir_version = 8
    onnx.save(model, os.path.join(fn_args.serving_model_dir, "model.onnx"))
    fn_args.save_signature(inputs=[{"name": "features", "columns": fn_args.feature_columns}], output="probabilities")
`;
    await fails(trainerContext('zipmap.py', zipmap), /non-tensor output\(s\) probabilities \(a ZipMap/, /"zipmap": False/);
  });

  it('ONNX inputs that match no feature column name the features and the fix', async () => {
    const mismatch = `import os
import torch

def run_fn(fn_args):
    model = torch.nn.Linear(6, 3)
    torch.onnx.export(model, (torch.zeros(1, 6),), os.path.join(fn_args.serving_model_dir, "model.onnx"), input_names=["x"], output_names=["logits"], dynamic_axes={"x": {0: "n"}})
`;
    await fails(trainerContext('mismatch.py', mismatch), /expects column\(s\) x, which are not features of its TransformGraph \(features: Beak Length \(mm\),/, /input_names=\[\.\.\.\]/);
  });

  it('cancel ends the interpreter and its children; output streams while it runs', async () => {
    const pidFile = path.join(root, 'child.pid');
    const ctx = trainerContext(
      'slow.py',
      `import subprocess, time\n\ndef run_fn(fn_args):\n    child = subprocess.Popen(["sleep", "60"])\n    open(${JSON.stringify(pidFile)}, "w").write(str(child.pid))\n    print("started the child", flush=True)\n    time.sleep(60)\n`,
    );
    const controller = new AbortController();
    ctx.signal = controller.signal;
    const running = runTrainer(ctx);
    const deadline = Date.now() + 30_000;
    while (!(fs.existsSync(pidFile) && ctx.lines.includes('started the child')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.ok(ctx.lines.includes('started the child'), 'the module’s print reached the log while it ran');
    const childPid = Number(fs.readFileSync(pidFile, 'utf8'));
    controller.abort();
    await assert.rejects(running, /canceled/);
    const gone = Date.now() + 5000;
    let alive = true;
    while (alive && Date.now() < gone) {
      try {
        process.kill(childPid, 0);
        await new Promise((r) => setTimeout(r, 100));
      } catch {
        alive = false;
      }
    }
    assert.equal(alive, false, `child ${childPid} of the module still runs after cancel`);
  });
});

"""A PyTorch run_fn for the penguin pipeline (TFX's Trainer contract): trains a small MLP on the
transformed examples and exports it to ONNX, which mlpipe's Evaluator and serving run without Python.

Needs: torch and onnx (pip install torch onnx, or Debian's python3-torch python3-onnx), and pandas
(python3-pandas). With params.data_format: parquet (the default) pandas also needs pyarrow."""
import os

import numpy as np
import torch


def _tensors(df, feature_columns, label_column):
    df = df[df[label_column] >= 0]  # -1: a species the TransformGraph did not see on train
    x = torch.tensor(df[feature_columns].to_numpy(dtype=np.float32))
    y = torch.tensor(df[label_column].to_numpy(dtype=np.int64))
    return x, y


def run_fn(fn_args):
    hp = fn_args.hyperparameters
    torch.manual_seed(int(hp.get("seed", 42)))
    features = fn_args.feature_columns  # z-scored measurements, Island and Sex vocabulary indices
    x, y = _tensors(fn_args.train_dataframe(), features, fn_args.label_column)
    ev = fn_args.eval_dataframe()
    x_eval, y_eval = _tensors(ev, features, fn_args.label_column) if ev is not None else (x, y)

    hidden = [int(u) for u in hp.get("hidden_units", [16, 8])]
    layers, width = [], len(features)
    for units in hidden:
        layers += [torch.nn.Linear(width, units), torch.nn.ReLU()]
        width = units
    model = torch.nn.Sequential(*layers, torch.nn.Linear(width, len(fn_args.classes)))
    optimizer = torch.optim.Adam(model.parameters(), lr=float(hp.get("learning_rate", 0.01)))
    loss_fn = torch.nn.CrossEntropyLoss()

    epochs = int(hp.get("epochs", 200))
    for epoch in range(1, epochs + 1):
        model.train()
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        if epoch % 50 == 0 or epoch == epochs:
            model.eval()
            with torch.no_grad():
                accuracy = (model(x_eval).argmax(dim=1) == y_eval).float().mean().item()
            print(f"epoch {epoch}/{epochs} loss={loss.item():.4f} eval_accuracy={accuracy:.4f}")

    model.eval()
    torch.onnx.export(
        model,
        (torch.zeros(1, len(features)),),
        os.path.join(fn_args.serving_model_dir, "model.onnx"),
        input_names=["features"],
        output_names=["logits"],
        dynamic_axes={"features": {0: "batch"}, "logits": {0: "batch"}},
    )
    # Which transformed columns feed the "features" input, and that the output is logits.
    fn_args.save_signature(inputs=[{"name": "features", "columns": features}], output="logits")

"""A scikit-learn run_fn: a RandomForest on the transformed penguin examples, saved in mlpipe's
`python` format (model.pkl + predict_fn below), since scikit-learn's ONNX converter is not in Debian.
mlpipe runs predict_fn in Python for the Evaluator and for serving.

Needs: scikit-learn and pandas (pip install scikit-learn pandas, or Debian's python3-sklearn python3-pandas)."""
import os
import pickle

from sklearn.ensemble import RandomForestClassifier


def run_fn(fn_args):
    hp = fn_args.hyperparameters
    train = fn_args.train_dataframe()
    train = train[train[fn_args.label_column] >= 0]
    model = RandomForestClassifier(n_estimators=int(hp.get("n_estimators", 100)), max_depth=hp.get("max_depth"), random_state=int(hp.get("seed", 42)))
    model.fit(train[fn_args.feature_columns], train[fn_args.label_column])
    print(f"trained a RandomForest of {model.n_estimators} trees on {len(train)} penguins")
    with open(os.path.join(fn_args.serving_model_dir, "model.pkl"), "wb") as f:
        pickle.dump({"forest": model, "features": list(fn_args.feature_columns), "classes": list(fn_args.classes)}, f)


def predict_fn(model, features):
    """Class probabilities [rows, classes] in the order of the TransformGraph's label classes."""
    forest = model["forest"]
    proba = forest.predict_proba(features[model["features"]])
    # The forest only knows the classes it saw; put its columns where the label's classes are.
    import numpy as np

    out = np.zeros((len(features), len(model["classes"])), dtype=np.float32)
    for j, c in enumerate(forest.classes_):
        out[:, int(c)] = proba[:, j]
    return out

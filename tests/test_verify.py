"""The runtime verifier with real TensorFlow: `kast lint --verify` end to end.

One kast run over a folder of scripts shares one TensorFlow start-up; the
tests read its JSON report.  Skipped where TensorFlow is not installed (CI
installs the `verify` extra, so they run there).
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from kast.rules import BY_CODE
from kast.verify.slicer import cut

needs_tensorflow = pytest.mark.skipif(importlib.util.find_spec("tensorflow") is None,
                                      reason="the verify extra (TensorFlow) is not installed")

SCRIPTS = {
    # K101, true: a linear output under binary_crossentropy; the input width comes from data.
    "true_k101.py": """\
        import numpy as np
        import pandas as pd
        from tensorflow import keras

        df = pd.read_csv("churn.csv")
        X = df.drop(columns=["churned"]).values
        model = keras.Sequential([
            keras.Input(shape=(X.shape[1],)),
            keras.layers.Dense(32, activation="relu"),
            keras.layers.Dense(1),
        ])
        model.compile(optimizer="adam", loss="binary_crossentropy")
        model.fit(X, df["churned"].values, epochs=5)
    """,
    # K102 and K103, true, from a builder function with arguments.
    "builder_args.py": """\
        import keras

        def build(n_features, n_out, act="softmax"):
            model = keras.Sequential([keras.Input((n_features,)), keras.layers.Dense(n_out, activation=act)])
            model.compile(optimizer="adam", loss="categorical_crossentropy")
            return model

        model = build(20, 1)
    """,
    # K101, false: the script swaps the output activation after building the model.
    "refuted_k101.py": """\
        import keras

        model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(8, activation="relu"), keras.layers.Dense(1)])
        model.layers[-1].activation = keras.activations.sigmoid
        model.compile(optimizer="adam", loss="binary_crossentropy")
    """,
    # K901: Conv2D on the 2-D output of a Dense layer.
    "shape_error.py": """\
        import keras
        from keras import layers

        model = keras.Sequential([
            keras.Input((16,)),
            layers.Dense(32, activation="relu"),
            layers.Conv2D(8, 3),
            layers.Dense(1, activation="sigmoid"),
        ])
        model.compile(optimizer="adam", loss="binary_crossentropy")
    """,
    # K902: the output layer comes from a config list, invisible to static analysis.
    "config_head.py": """\
        import keras

        LAYERS = [{"units": 64, "activation": "relu"}, {"units": 3, "activation": "sigmoid"}]
        model = keras.Sequential([keras.Input((10,))] + [keras.layers.Dense(**spec) for spec in LAYERS])
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    """,
    # A subclassed model whose call() ends in softmax over 4 units, under binary_crossentropy (K104).
    "subclassed.py": """\
        import keras

        class Classifier(keras.Model):
            def __init__(self):
                super().__init__()
                self.hidden = keras.layers.Dense(16, activation="relu")
                self.head = keras.layers.Dense(4, activation="softmax")

            def call(self, x):
                return self.head(self.hidden(x))

        model = Classifier()
        model.build((None, 12))
        model.compile(optimizer="adam", loss="binary_crossentropy")
    """,
    # A subclassed model that applies softmax in call(): only the built model shows it (K902 for K104).
    "subclassed_ops.py": """\
        import keras

        class Scorer(keras.Model):
            def __init__(self, classes):
                super().__init__()
                self.head = keras.layers.Dense(classes)

            def call(self, x):
                return keras.ops.softmax(self.head(x))

        model = Scorer(3)
        model.build((None, 5))
        model.compile(optimizer="adam", loss="binary_crossentropy")
    """,
    # The build calls sys.exit: could not verify, kast goes on.
    "exits.py": """\
        import sys
        import keras

        def build():
            model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1, activation="sigmoid")])
            if len(sys.argv) < 3:
                sys.exit("usage: train.py DATA OUT")
            return model

        model = build()
        model.compile(loss="binary_crossentropy")
    """,
    # Clean: nothing to report, and nothing downloaded (weights=None is forced).
    "clean_transfer.py": """\
        import keras

        base = keras.applications.MobileNetV2(input_shape=(32, 32, 3), include_top=False, weights="imagenet")
        base.trainable = False
        inputs = keras.Input((32, 32, 3))
        x = keras.layers.GlobalAveragePooling2D()(base(inputs))
        outputs = keras.layers.Dense(5, activation="softmax")(x)
        model = keras.Model(inputs, outputs)
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    """,
    # A container filled by a loop over data that the slice does not run: a guess, not K901.
    "loop_fill.py": """\
        import pandas as pd
        import keras

        df = pd.read_csv("reviews.csv")
        vocab = set()
        for text in df["text"]:
            vocab.update(text.split())
        inputs = keras.Input(shape=(1,), dtype="string")
        x = keras.layers.StringLookup(vocabulary=sorted(vocab))(inputs)
        x = keras.layers.Embedding(len(vocab) + 2, 8)(x)
        x = keras.layers.GlobalAveragePooling1D()(x)
        outputs = keras.layers.Dense(1, activation="sigmoid")(x)
        model = keras.Model(inputs, outputs)
        model.compile(optimizer="adam", loss="binary_crossentropy")
    """,
    # A container filled through `.apply(genres.update)`: a guess, not K901.
    "apply_fill.py": """\
        import pandas as pd
        import keras

        df = pd.read_csv("movies.csv")
        genres = set()
        df["genres"].str.split("|").apply(genres.update)
        genres = sorted(genres)
        inputs = keras.Input(shape=(1,), dtype="string")
        x = keras.layers.StringLookup(vocabulary=genres, output_mode="multi_hot")(inputs)
        outputs = keras.layers.Dense(1, activation="sigmoid")(x)
        model = keras.Model(inputs, outputs)
        model.compile(optimizer="adam", loss="binary_crossentropy")
    """,
    # `FeatureSpace.adapt` needs data, so it is not run: the un-adapted FeatureSpace is a guess.
    "adapt_dropped.py": """\
        import numpy as np
        import keras
        from keras.utils import FeatureSpace

        data = np.load("table.npz")
        feature_space = FeatureSpace(features={"age": FeatureSpace.float_normalized(), "city": FeatureSpace.string_categorical()}, output_mode="concat")
        feature_space.adapt(data["train"])
        encoded = feature_space.get_encoded_features()
        outputs = keras.layers.Dense(1, activation="sigmoid")(encoded)
        model = keras.Model(feature_space.get_inputs(), outputs)
        model.compile(optimizer="adam", loss="binary_crossentropy")
    """,
    # A tf.data helper is never run (it would read gs:// paths); its result is a placeholder.
    "dataset_helper.py": """\
        import tensorflow as tf
        import keras

        def make_dataset(pattern):
            files = tf.data.Dataset.list_files(pattern)
            ds = files.interleave(tf.data.TFRecordDataset)
            return ds.batch(32)

        train_ds = make_dataset("gs://bucket/train-*.tfrecord")
        width = train_ds.element_spec.shape[-1]
        model = keras.Sequential([keras.Input((width,)), keras.layers.Dense(1, activation="sigmoid")])
        model.compile(optimizer="adam", loss="binary_crossentropy")
    """,
    # K901, real: `Input(shape=1024)` (an int, not a tuple) fails in Keras 3.
    "int_shape.py": """\
        import keras

        inputs = keras.Input(shape=1024)
        outputs = keras.layers.Dense(1, activation="sigmoid")(inputs)
        model = keras.Model(inputs, outputs)
        model.compile(optimizer="adam", loss="binary_crossentropy")
    """,
    # K901, real: `Dense` given a tensor as its units.
    "tensor_units.py": """\
        import keras

        inputs = keras.Input(shape=(16,))
        hidden = keras.layers.Dense(32, activation="relu")(inputs)
        outputs = keras.layers.Dense(hidden, activation="sigmoid")(hidden)
        model = keras.Model(inputs, outputs)
        model.compile(optimizer="adam", loss="binary_crossentropy")
    """,
    # Softmax over one unit applied in call(): measured 0.99999994, still softmax-on-one (K902 for K102).
    "softmax_one.py": """\
        import keras

        class Head(keras.Model):
            def __init__(self):
                super().__init__()
                self.dense = keras.layers.Dense(1)

            def call(self, x):
                return keras.ops.softmax(self.dense(x))

        model = Head()
        model.build((None, 6))
        model.compile(optimizer="adam", loss="binary_crossentropy")
    """,
    # A trailing `model.add(Activation("softmax"))` is the model's: its K104 gets a verdict.
    "trailing_activation.py": """\
        import keras

        model = keras.Sequential()
        model.add(keras.Input((8,)))
        model.add(keras.layers.Dense(3))
        model.add(keras.layers.Activation("softmax"))
        model.compile(optimizer="adam", loss="binary_crossentropy")
    """,
    # A loss from a builder's default, two models from one builder: one finding, confirmed.
    "default_loss.py": """\
        import keras


        def build(n_in, loss="categorical_crossentropy"):
            model = keras.Sequential([keras.Input((n_in,)), keras.layers.Dense(4, activation="sigmoid")])
            model.compile(optimizer="adam", loss=loss)
            return model


        model = build(6)
        other = build(6)
    """,
    # Keras 2 code: `lr=` would stop the build; it is built with kast's safe fix, and the K101 confirmed.
    "old_keras.py": """\
        from keras.models import Sequential
        from keras.layers import Dense
        from keras.optimizers import Adam

        model = Sequential()
        model.add(Dense(16, input_dim=8, activation="relu"))
        model.add(Dense(1))
        model.compile(optimizer=Adam(lr=0.01), loss="binary_crossentropy")
    """,
}


def kast(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kast", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=900, env={**os.environ, "KAST_CACHE_DIR": str(cwd / ".cache")})


@pytest.fixture(scope="module")
def verified(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], str]:
    folder = tmp_path_factory.mktemp("verify")
    for name, source in SCRIPTS.items():
        (folder / name).write_text(textwrap.dedent(source))
    import nbformat

    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_markdown_cell("# A model that cannot be built"),
        nbformat.v4.new_code_cell("import keras\nfrom keras import layers"),
        nbformat.v4.new_code_cell("model = keras.Sequential([\n    keras.Input((16,)),\n    layers.Dense(32),\n"
                                  "    layers.Conv2D(8, 3),\n])\nmodel.compile(loss='mse')"),
    ]
    nbformat.write(notebook, str(folder / "broken.ipynb"))
    for rule in (BY_CODE["K901"], BY_CODE["K902"]):
        for kind, examples in (("fires", rule.fires), ("silent", rule.silent)):
            for index, source in enumerate(examples):
                (folder / f"{rule.code.lower()}_{kind}_{index}.py").write_text(source)
    proc = kast("lint", "--verify", "-v", "--output-format", "json", "--select", "ALL", ".", cwd=folder)
    assert proc.returncode == 1, proc.stderr
    return json.loads(proc.stdout), proc.stderr


def found(report: dict[str, Any], path: str) -> list[tuple[str, int, bool | None]]:
    """(code, line, verified) of the model findings (K1, K9) in one file."""
    return sorted((d["code"], d["line"], d["verified"]) for d in report["diagnostics"]
                  if d["path"] == path and d["code"][:2] in ("K1", "K9"))


@needs_tensorflow
def test_true_findings_are_confirmed(verified: tuple[dict[str, Any], str]) -> None:
    report, _ = verified
    assert found(report, "true_k101.py") == [("K101", 10, True)]
    assert found(report, "builder_args.py") == [("K102", 4, True), ("K103", 5, True)]


@needs_tensorflow
def test_placeholders_are_named(verified: tuple[dict[str, Any], str]) -> None:
    report, stderr = verified
    [model] = [m for m in report["verification"]["models"] if m["path"] == "true_k101.py"]
    assert model["built"] and model["placeholders"] == ["X"]
    assert "guessed values for X" in stderr


@needs_tensorflow
def test_a_wrong_static_finding_is_refuted(verified: tuple[dict[str, Any], str], tmp_path: Path) -> None:
    report, _ = verified
    assert found(report, "refuted_k101.py") == [("K101", 3, False)]


@needs_tensorflow
def test_shape_error_is_k901_at_the_failing_layer(verified: tuple[dict[str, Any], str]) -> None:
    report, _ = verified
    [k901] = [d for d in report["diagnostics"] if d["path"] == "shape_error.py"]
    assert (k901["code"], k901["line"]) == ("K901", 7)
    assert "conv2d" in k901["message"].lower() and "ndim" in k901["message"]


@needs_tensorflow
def test_output_from_a_config_is_k902(verified: tuple[dict[str, Any], str]) -> None:
    report, _ = verified
    assert found(report, "config_head.py") == [("K902", 4, None)]
    [k902] = [d for d in report["diagnostics"] if d["path"] == "config_head.py" and d["code"] == "K902"]
    assert "K105" in k902["message"] and "3-unit sigmoid" in k902["message"]


@needs_tensorflow
def test_subclassed_models_are_built_and_judged(verified: tuple[dict[str, Any], str]) -> None:
    report, _ = verified
    # Static analysis follows call() here; building the model (with the shape given to build()) confirms it.
    assert found(report, "subclassed.py") == [("K104", 14, True)]
    # Here only the forward pass shows the softmax: its rows sum to 1.
    [k902] = [d for d in report["diagnostics"] if d["path"] == "subclassed_ops.py"]
    assert k902["code"] == "K902" and "K104" in k902["message"] and "softmax" in k902["message"]


@needs_tensorflow
def test_sys_exit_is_could_not_verify(verified: tuple[dict[str, Any], str]) -> None:
    report, stderr = verified
    [model] = [m for m in report["verification"]["models"] if m["path"] == "exits.py"]
    assert not model["built"] and "sys.exit" in model["reason"]
    assert found(report, "exits.py") == []
    assert "could not verify `model` (exits.py:10)" in stderr


@needs_tensorflow
def test_clean_transfer_model_builds_without_download(verified: tuple[dict[str, Any], str]) -> None:
    report, _ = verified
    assert found(report, "clean_transfer.py") == []
    assert all(m["built"] for m in report["verification"]["models"] if m["path"] == "clean_transfer.py")


@needs_tensorflow
def test_runtime_rule_examples(verified: tuple[dict[str, Any], str]) -> None:
    report, _ = verified
    for code in ("K901", "K902"):
        for path in {d["path"] for d in report["diagnostics"]} | {f"{code.lower()}_silent_0.py"}:
            if path.startswith(code.lower()):
                codes = [d["code"] for d in report["diagnostics"] if d["path"] == path]
                assert (code in codes) == ("_fires_" in path), (path, codes)
    assert any(d["path"] == "k901_fires_0.py" for d in report["diagnostics"])


@needs_tensorflow
def test_every_k1_finding_gets_a_verdict_and_timing_is_reported(verified: tuple[dict[str, Any], str]) -> None:
    report, _ = verified
    k1 = [d for d in report["diagnostics"] if d["code"].startswith("K1")]
    assert k1 and all(d["verified"] is not None for d in k1)
    assert report["verification"]["startup_seconds"] > 0
    [model] = [m for m in report["verification"]["models"] if m["path"] == "true_k101.py"]
    [output] = model["outputs"]
    assert (output["activation"], output["units"], output["shape"]) == ("linear", 1, [1])
    assert "range" not in output  # the layer states its activation: no forward probe
    [probed] = [m for m in report["verification"]["models"] if m["path"] == "subclassed_ops.py"]
    [output] = probed["outputs"]
    assert output["units"] == 3 and abs(output["row_sums"][0] - 1) < 1e-5  # call() applies softmax: probed
    assert model["loss"] == {"kind": "string", "name": "binary_crossentropy"}
    assert all(m["seconds"] is not None for m in report["verification"]["models"] if m["built"])


@needs_tensorflow
def test_hanging_build_is_stopped(tmp_path: Path) -> None:
    (tmp_path / "hangs.py").write_text(textwrap.dedent("""\
        import keras

        def build():
            model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
            while True:  # waits for a lock file that never appears
                pass
            return model

        model = build()
        model.compile(loss="mse")
    """))
    (tmp_path / "crashes.py").write_text(textwrap.dedent("""\
        import os
        import sys
        import keras

        def build():
            model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
            if len(sys.argv) < 3:
                os._exit(3)  # a native crash takes the process down the same way
            return model

        model = build()
        model.compile(loss="mse")
    """))
    (tmp_path / "after.py").write_text(textwrap.dedent(SCRIPTS["builder_args.py"]))
    proc = kast("lint", "--verify", "--verify-timeout", "2", "--output-format", "json", ".", cwd=tmp_path)
    report = json.loads(proc.stdout)
    models = {m["path"]: m for m in report["verification"]["models"]}
    assert not models["hangs.py"]["built"] and "longer than 2" in models["hangs.py"]["reason"]
    assert not models["crashes.py"]["built"] and "exited" in models["crashes.py"]["reason"]
    # The next file is still verified.
    assert models["after.py"]["built"]
    assert found(report, "after.py") == [("K102", 4, True), ("K103", 5, True)]


@needs_tensorflow
def test_memory_hungry_build_is_stopped(tmp_path: Path) -> None:
    (tmp_path / "hungry.py").write_text(textwrap.dedent("""\
        import keras

        def build():
            cache = b"x" * (3 * 1024 ** 3)  # 3 GB, written
            return keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])

        model = build()
        model.compile(loss="mse")
    """))
    env = {**os.environ, "KAST_VERIFY_MEMORY_MB": "1500", "KAST_CACHE_DIR": str(tmp_path / ".cache")}
    proc = subprocess.run([sys.executable, "-m", "kast", "lint", "--verify", "--output-format", "json", "."],
                          cwd=tmp_path, capture_output=True, text=True, env=env, timeout=600)
    [model] = json.loads(proc.stdout)["verification"]["models"]
    assert not model["built"] and "more than 1500 MB" in model["reason"]


@needs_tensorflow
def test_a_refuted_finding_is_shown_marked_and_still_fails_unless_refutations_may(tmp_path: Path) -> None:
    (tmp_path / "refuted.py").write_text(textwrap.dedent(SCRIPTS["refuted_k101.py"]))
    for output_format in ("concise", "github", "sarif", "junit", "gitlab", "rdjson", "json"):
        proc = kast("lint", "--verify", "--output-format", output_format, "refuted.py", cwd=tmp_path)
        assert proc.returncode == 1, (output_format, proc.stderr)
        assert "[refuted by building the model]" in proc.stdout, output_format
    allowed = kast("lint", "--verify", "--verify-can-refute", "--output-format", "concise", "refuted.py",
                   cwd=tmp_path)
    assert allowed.returncode == 0 and "K101" in allowed.stdout
    (tmp_path / "kast.toml").write_text("verify-can-refute = true\n")
    configured = kast("lint", "--verify", "--output-format", "concise", "refuted.py", cwd=tmp_path)
    assert configured.returncode == 0 and "[refuted by building the model]" in configured.stdout


@needs_tensorflow
def test_a_guess_reaching_the_failing_call_is_could_not_verify(verified: tuple[dict[str, Any], str]) -> None:
    report, stderr = verified
    models = {m["path"]: m for m in report["verification"]["models"]}
    for path, name in (("loop_fill.py", "vocab"), ("apply_fill.py", "genres"), ("adapt_dropped.py", "feature_space")):
        assert found(report, path) == [], path
        assert not models[path]["built"] and "could only guess" in models[path]["reason"], path
        assert name in models[path]["reason"]
    # The data helper is not run: its dataset is a placeholder, and the model builds on it.
    assert models["dataset_helper.py"]["built"] and models["dataset_helper.py"]["placeholders"] == ["width"]


@needs_tensorflow
def test_real_build_errors_are_still_k901(verified: tuple[dict[str, Any], str]) -> None:
    report, _ = verified
    assert found(report, "int_shape.py") == [("K901", 3, None)]
    assert found(report, "tensor_units.py") == [("K901", 5, None)]
    [k901] = [d for d in report["diagnostics"] if d["path"] == "int_shape.py"]
    assert "Keras 3." in k901["message"] and "TensorFlow 2." in k901["message"]


@needs_tensorflow
def test_softmax_on_one_unit_is_read_with_a_tolerance(verified: tuple[dict[str, Any], str]) -> None:
    report, _ = verified
    [k902] = [d for d in report["diagnostics"] if d["path"] == "softmax_one.py"]
    assert k902["code"] == "K902" and "K102" in k902["message"]


@needs_tensorflow
def test_trailing_activation_default_losses_and_safe_fixes_get_verdicts(verified: tuple[dict[str, Any], str]) -> None:
    report, stderr = verified
    assert found(report, "trailing_activation.py") == [("K104", 7, True)]
    assert found(report, "default_loss.py") == [("K105", 5, True)]
    assert found(report, "old_keras.py") == [("K101", 7, True)]
    [model] = [m for m in report["verification"]["models"] if m["path"] == "old_keras.py"]
    assert model["built"] and model["fixes"] == ["K501"]
    assert "old_keras.py:5) built with kast's safe fixes for K501" in stderr


@needs_tensorflow
def test_notebooks_are_verified_with_findings_in_their_cells(verified: tuple[dict[str, Any], str]) -> None:
    report, _ = verified
    [k901] = [d for d in report["diagnostics"] if d["path"] == "broken.ipynb"]
    assert (k901["code"], k901["cell"], k901["line"]) == ("K901", 3, 4)
    [model] = [m for m in report["verification"]["models"] if m["path"] == "broken.ipynb"]
    assert (model["cell"], model["line"]) == (3, 1)


def test_measured_activations_allow_float32_rounding() -> None:
    from kast.verify.judge import measured_activation

    assert measured_activation({"range": [0.99999994, 1.0000001], "units": 1}) == "softmax"
    assert measured_activation({"range": [0.01, 0.98], "units": 1}) == "sigmoid"
    assert measured_activation({"range": [0.0, 0.7], "units": 3, "row_sums": [0.9999999, 1.0000001]}) == "softmax"


def test_slice_guards_optional_imports_and_skips_data_helpers() -> None:
    import ast

    text = textwrap.dedent("""\
        import keras
        import tqdm
        from tensorflow import data as tfdata

        def load(path):
            return tfdata.TextLineDataset(path).batch(8)

        def build():
            for _ in tqdm.tqdm(range(1)):
                pass
            return keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])

        ds = load("train.txt")
        model = build()
    """)
    tree = ast.parse(text)
    piece = cut(tree, "model", 14, [], "train.py")
    assert piece.problem is None and 13 not in piece.lines  # the data helper's call is not run
    code = compile(ast.parse(text), "x", "exec")
    assert code is not None
    import marshal

    names = set(marshal.loads(piece.code).co_names)
    assert "__kast_missing__" in names  # `import tqdm` falls back to a placeholder


def test_slice_marks_names_changed_by_dropped_statements_as_guesses() -> None:
    import ast

    text = textwrap.dedent("""\
        import pandas as pd
        import keras

        df = pd.read_csv("x.csv")
        classes = []
        for label in df["label"]:
            classes.append(label)
        norm = keras.layers.Normalization()
        norm.adapt(df.values)
        inputs = keras.Input((4,))
        outputs = keras.layers.Dense(len(classes), activation="softmax")(norm(inputs))
        model = keras.Model(inputs, outputs)
    """)
    piece = cut(ast.parse(text), "model", 12, [], "train.py")
    assert piece.guesses == ["classes", "norm"]
    assert 11 in piece.guessed_lines and 12 in piece.guessed_lines


# --------------------------------------------------------------- without TensorFlow / the slicer


def test_without_tensorflow_verify_says_how_to_install(tmp_path: Path) -> None:
    (tmp_path / "train.py").write_text("import keras\n")
    (tmp_path / "sitecustomize.py").write_text(textwrap.dedent("""\
        import importlib.util
        _find_spec = importlib.util.find_spec
        importlib.util.find_spec = lambda name, *a: None if name == "tensorflow" else _find_spec(name, *a)
    """))
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    proc = subprocess.run([sys.executable, "-m", "kast", "lint", "--verify", "train.py"], cwd=tmp_path,
                          capture_output=True, text=True, env=env)
    assert proc.returncode == 2
    assert "pip install 'kast-lint[verify]'" in proc.stderr and "Traceback" not in proc.stderr


def slice_lines(source: str, name: str = "model") -> tuple[list[int], list[str]]:
    import ast

    text = textwrap.dedent(source)
    tree = ast.parse(text)
    line = next(n.lineno for n in ast.walk(tree) if isinstance(n, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == name for t in n.targets))
    piece = cut(tree, name, line, [], "train.py")
    assert piece.problem is None
    return piece.lines, piece.placeholders


def test_slice_keeps_the_build_and_drops_data_training_and_io() -> None:
    lines, placeholders = slice_lines("""\
        import pandas as pd
        import matplotlib.pyplot as plt
        from tensorflow import keras

        UNITS = 32
        df = pd.read_csv("data.csv")
        X = df.values
        n_classes = len(set(df["label"]))
        model = keras.Sequential([keras.Input((X.shape[1],)), keras.layers.Dense(UNITS),
                                  keras.layers.Dense(n_classes, activation="softmax")])
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
        model.fit(X, df["label"], epochs=3)
        plt.plot([1, 2])
        model.save("model.keras")
    """)
    assert lines == [3, 5, 9, 11]
    assert placeholders == ["X", "n_classes"]


def test_slice_opens_main_function_and_main_guard_and_with_blocks() -> None:
    lines, placeholders = slice_lines("""\
        import tensorflow as tf

        def main(args):
            data = tf.data.Dataset.from_tensor_slices(args.x)
            strategy = tf.distribute.MirroredStrategy()
            with strategy.scope():
                model = tf.keras.Sequential([tf.keras.layers.Dense(args.units)])
                model.compile(loss="mse")
            model.fit(data)

        if __name__ == "__main__":
            main(parse())
    """)
    assert lines == [1, 7, 8]  # the `with` header is not run: its body is
    assert placeholders == ["args"]


def test_no_pretrained_weights_are_downloaded_however_weights_is_given() -> None:
    import ast

    from kast.verify.slicer import _NoDownloads

    text = textwrap.dedent("""\
        from tensorflow import keras
        a = keras.applications.ResNet50(include_top=False)
        b = keras.applications.MobileNetV2(True, "imagenet")
        c = keras.applications.EfficientNetB0(weights="imagenet", include_top=False)
        x = keras.applications.resnet50.preprocess_input(a)
    """)
    tree = _NoDownloads({"keras": "tensorflow.keras"}).visit(ast.parse(text))
    assert ast.unparse(tree).splitlines()[1:] == [
        "a = keras.applications.ResNet50(include_top=False, weights=None)",
        "b = keras.applications.MobileNetV2(True, None)",
        "c = keras.applications.EfficientNetB0(weights=None, include_top=False)",
        "x = keras.applications.resnet50.preprocess_input(a)",
    ]


@needs_tensorflow
def test_answers_are_cached_by_slice_content(tmp_path: Path) -> None:
    (tmp_path / "train.py").write_text(textwrap.dedent(SCRIPTS["builder_args.py"]))
    first = json.loads(kast("lint", "--verify", "--output-format", "json", "train.py", cwd=tmp_path).stdout)
    again = json.loads(kast("lint", "--verify", "--output-format", "json", "train.py", cwd=tmp_path).stdout)
    assert first["verification"]["cached"] == 0 and again["verification"]["cached"] == 1
    assert again["verification"]["startup_seconds"] is None  # TensorFlow was not started
    assert found(again, "train.py") == found(first, "train.py") == [("K102", 4, True), ("K103", 5, True)]
    # A changed slice is built again.
    (tmp_path / "train.py").write_text(textwrap.dedent(SCRIPTS["builder_args.py"]).replace("20", "21"))
    changed = json.loads(kast("lint", "--verify", "--output-format", "json", "train.py", cwd=tmp_path).stdout)
    assert changed["verification"]["cached"] == 0


def test_placeholders_are_scalars_to_numpy_and_finite_sequences() -> None:
    np = pytest.importorskip("numpy")

    from kast.verify.child import PLACEHOLDER_VALUE, Placeholder

    used: set[str] = set()
    x = Placeholder("X", used)
    assert np.asarray(x).shape == () and int(np.asarray(x)) == PLACEHOLDER_VALUE
    items = []
    index = 0
    while True:  # how TensorFlow walks a nested sequence: index until IndexError
        try:
            items.append(x[index])
        except IndexError:
            break
        index += 1
    assert len(items) == PLACEHOLDER_VALUE and used == {"X"}


def test_a_time_limit_wrapped_in_another_error_is_a_time_out() -> None:
    from kast.verify.child import TimeLimit, _is_time_limit

    try:
        try:
            raise TimeLimit()
        except BaseException as exc:
            raise ValueError("Exception encountered when calling layer 'dense': TimeLimit()") from exc
    except ValueError as wrapped:
        assert _is_time_limit(wrapped)
    assert not _is_time_limit(ValueError("Cannot convert '1024' to a shape."))


def test_a_static_error_is_confirmed_only_when_keras_names_its_argument() -> None:
    from kast.verify import _names_argument

    message = "Unrecognized keyword arguments passed to Dense: {'activaton': 'relu'}"
    assert _names_argument(message, 'activaton="relu"')
    assert not _names_argument(message, "units=10")

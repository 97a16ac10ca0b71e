"""Keras-shaped training scripts, generated: a hypothesis strategy and a seeded generator.

One builder writes both.  It asks a `Chooser` for every decision (import
style, model style, output layer, loss, preprocessing, post-processing,
syntax noise), so hypothesis drives it with `draw(sampled_from(...))` and
shrinks a failing script to its smallest decisions, while the corpus test
drives it with a seeded `random.Random` and gets the same few hundred scripts
on every run.

The scripts are what kast meets in the wild: every import style of Keras
(`import tensorflow as tf` + `tf.keras`, `import keras`, `from tensorflow
import keras`, `from tensorflow.keras import layers`, `from keras.layers import
Dense`, `tf_keras`, aliases), Sequential / functional / subclassed models,
compile calls with random losses, activations, units and `from_logits`,
train/test splits and scalers fitted in the right or wrong place, and
predictions post-processed with argmax, thresholds and accuracy_score.  With
`noise=True` some are damaged afterwards (a character dropped or inserted, a
line cut or repeated, the file truncated), as in an editor mid-keystroke.
"""

from __future__ import annotations

import os
import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

import libcst as cst
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from kast.diagnostics import FileResult
from kast.diagnostics import Span

T = TypeVar("T")
Chooser = Callable[[Sequence[T]], T]

# --- how long to fuzz -----------------------------------------------------------------
# `ci` (the default) bounds every test so that the fuzz file runs in under a minute on
# two cores, and draws the same programs on every run (derandomized: a CI result does not
# depend on luck); `HYPOTHESIS_PROFILE=long` tries thousands of new programs per test.  No
# deadline: a 2-core CI runner stalls now and then, and a slow example is not a failure here.
_COMMON = dict(deadline=None, print_blob=True,
               suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                      HealthCheck.filter_too_much, HealthCheck.large_base_example])
settings.register_profile("ci", max_examples=100, derandomize=True, database=None, **_COMMON)
settings.register_profile("long", max_examples=5000, **_COMMON)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
settings.load_profile(PROFILE)


def all_nodes(module: cst.Module) -> list[cst.CSTNode]:
    """Every node of `module`, the module first, in the order LibCST visits them."""
    nodes: list[cst.CSTNode] = []

    class Collect(cst.CSTVisitor):
        def on_visit(self, node: cst.CSTNode) -> bool:
            nodes.append(node)
            return True

    module.visit(Collect())
    return nodes


def budget(ci: int, long: int = 5000) -> int:
    """How many examples a test tries under the active profile."""
    return long if PROFILE == "long" else ci


# --- the property every result must have -----------------------------------------------

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def assert_spans_inside(result: FileResult, text: str, cells: dict[int, str] | None = None) -> None:
    """Every span of `result` (finding, related note, fix edit) lies inside `text` (or its notebook cell).

    Lines are Python's (CRLF, CR, LF); the empty line after a final line break
    counts, as editors show it.  A K000 marks one character and may mark the line
    break at the end of its line, so its end column may be one past the line.
    """
    for diagnostic in result.diagnostics:
        places = [(diagnostic.span, diagnostic.cell, diagnostic.code == "K000")]
        places += [(r.span, r.cell, False) for r in diagnostic.related if r.path == diagnostic.path]
        if diagnostic.fix is not None:
            places += [(e.span, e.cell, False) for e in diagnostic.fix.edits]
        for span, cell, past_end in places:
            source = text if cells is None else cells[cell if cell is not None else -1]
            problem = _outside(span, _LINE_BREAK.split(source), past_end)
            assert problem is None, f"{diagnostic.code} {span}: {problem}\n--- source ---\n{source}"


def _outside(span: Span, lines: list[str], past_end: bool) -> str | None:
    if not 1 <= span.line <= span.end_line <= len(lines):
        return f"lines outside 1..{len(lines)} or end before start"
    if (span.end_line, span.end_column) < (span.line, span.column):
        return "ends before it starts"
    if not 0 <= span.column <= len(lines[span.line - 1]):
        return f"column outside the line (length {len(lines[span.line - 1])})"
    if not 0 <= span.end_column <= len(lines[span.end_line - 1]) + past_end:
        return f"end column outside the line (length {len(lines[span.end_line - 1])})"
    return None


@dataclass(frozen=True)
class KerasNames:
    """How one import style spells the Keras API: module prefixes and the Dense callable."""

    imports: tuple[str, ...]
    keras: str  # the expression naming the keras module (`tf.keras`, `keras`, `K`...)
    layers: str  # the expression naming keras.layers
    dense: str  # the expression naming Dense
    losses: str
    sequential: str
    model: str  # keras.Model (for functional and subclassed models)


def _import_styles() -> list[KerasNames]:
    styles = []
    for module, imports in (
        ("tf.keras", ("import tensorflow as tf",)),
        ("keras", ("import keras",)),
        ("keras", ("from tensorflow import keras",)),
        ("tf_keras", ("import tf_keras",)),
        ("K", ("import tensorflow.keras as K",)),
        ("K", ("import keras as K",)),
        ("tfk", ("import tensorflow as tf", "tfk = tf.keras")),
    ):
        styles.append(KerasNames(imports, module, f"{module}.layers", f"{module}.layers.Dense", f"{module}.losses",
                                 f"{module}.Sequential", f"{module}.Model"))
    styles.append(KerasNames(
        ("from tensorflow import keras", "from tensorflow.keras import layers"),
        "keras", "layers", "layers.Dense", "keras.losses", "keras.Sequential", "keras.Model"))
    styles.append(KerasNames(
        ("from keras import layers, losses", "from keras.models import Sequential, Model"),
        "keras", "layers", "layers.Dense", "losses", "Sequential", "Model"))
    styles.append(KerasNames(
        ("import keras", "from keras.layers import Dense, Input, Dropout", "from keras.models import Sequential"),
        "keras", "keras.layers", "Dense", "keras.losses", "Sequential", "keras.Model"))
    styles.append(KerasNames(
        ("from tensorflow.keras.layers import Dense as D", "from tensorflow.keras import Sequential, Model",
         "from tensorflow.keras import losses as L", "import tensorflow.keras.layers as layers"),
        "tensorflow.keras", "layers", "D", "L", "Sequential", "Model"))
    styles.append(KerasNames(
        ("from tf_keras import layers as tl", "import tf_keras"),
        "tf_keras", "tl", "tl.Dense", "tf_keras.losses", "tf_keras.Sequential", "tf_keras.Model"))
    return styles


IMPORT_STYLES = _import_styles()
ACTIVATIONS = (None, "softmax", "sigmoid", "relu", "linear", "tanh", "'softmax'", "None")
UNITS = (1, 1, 2, 3, 4, 10, "n_classes", "num_classes", "y.shape[1]", "len(classes)")
LOSS_STRINGS = (
    "binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy", "mse",
    "mean_squared_error", "mae", "hinge", "bce", "kl_divergence", "categorical_hinge",
)
LOSS_CLASSES = (
    "BinaryCrossentropy", "CategoricalCrossentropy", "SparseCategoricalCrossentropy", "MeanSquaredError",
    "BinaryFocalCrossentropy", "Huber",
)
METRICS = (None, '["accuracy"]', '["acc"]', '["mae"]', '["AUC"]', '[keras_metric]', "['accuracy', 'mse']")
OPTIMIZERS = ('"adam"', '"sgd"', "{keras}.optimizers.Adam(lr=0.001)", "{keras}.optimizers.Adam(learning_rate=1e-3)",
              "{keras}.optimizers.RMSprop(0.01)", "opt")
SCALERS = ("StandardScaler", "MinMaxScaler", "RobustScaler")


def build_script(choose: Chooser, noise: bool = False) -> str:
    """One training script, every decision asked of `choose`."""
    names = choose(IMPORT_STYLES)
    lines = list(names.imports)
    extra_imports = choose([(), ("import numpy as np",), ("import numpy as np", "import pandas as pd")])
    lines.extend(extra_imports)
    split = choose([None, "sklearn", "sklearn", "manual"])
    scaler = choose([None, *SCALERS])
    if split == "sklearn":
        lines.append("from sklearn.model_selection import train_test_split")
    if scaler:
        lines.append(f"from sklearn.preprocessing import {scaler}")
    metrics_import = choose([False, True])
    if metrics_import:
        lines.append("from sklearn.metrics import accuracy_score")
    lines.append("")
    lines.extend(_data(choose, split, scaler))
    for index in range(choose([1, 1, 2, 3])):
        lines.append("")
        lines.extend(_model(choose, names, f"model{index}" if index else "model"))
    for _ in range(choose([0, 0, 1, 2, 3])):
        # Odd but valid Python where the analysis must follow (or give up on) the names.
        oddity = choose(ODDITIES).format(dense=names.dense, sequential=names.sequential, keras=names.keras,
                                         layers=names.layers, model=names.model)
        lines.insert(choose(range(len(names.imports), len(lines) + 1)), oddity)
    if choose([False, False, False, True]):
        lines = [_with_comment(choose, line) for line in lines]
    text = "\n".join(lines) + choose(["\n", "\n", "", "\n\n"])
    if noise and choose([False, False, True]):
        text = _damage(choose, text)
    return text


ODDITIES = (
    "stack = [{dense}(10) for _ in range(3)]\nmodel = {sequential}(stack + [{dense}(1, activation='softmax')])",
    "def build(units=1, act=None):\n    return {sequential}([{dense}(units, activation=act)])\nmodel = build(3)",
    "cfg = {{'units': 1, 'activation': 'softmax'}}\nhead = {dense}(**cfg)",
    "for units in (64, 32):\n    model.add({dense}(units))",
    "if USE_LOGITS:\n    loss = {keras}.losses.BinaryCrossentropy(from_logits=True)\nelse:\n    loss = 'bce'",
    "model.compile(*args, **kwargs)",
    "model = {keras}.models.load_model('m.h5')\nmodel.layers[-1].activation = {keras}.activations.linear",
    "with strategy.scope():\n    model = {sequential}([{dense}(1)])",
    "del model\nmodel = None",
    "def again(m):\n    return again(m)\nmodel = again(model)",
    "act = lambda x: x\nout = {dense}(units=1, activation=act)",
    "y_hat = {dense}(1)({dense}(1)({dense}(1)(x)))",
    "if (m := {sequential}()) is not None:\n    m.add(m)",
    "match mode:\n    case 'binary':\n        units = 1\n    case _:\n        units = 10",
    "async def train():\n    await model.fit(X, y)",
    "{sequential} = None\nkeras = 3",
    "model = model.compile\nmodel = model(loss='mse')",
    "a = b\nb = a\nmodel = a(b)",
    "model.add(model)\nmodel = {sequential}([model, model])",
    "x = x(x)\nlayer = layer(layer)",
    "class Net({model}):\n    pass\nclass Net2(Net):\n    def call(self, x):\n        return super().call(x)",
    "model: {model} = {sequential}(layers=[{dense}(1, 'softmax')], name=f'{{name}}_{{1+1}}')",
    "model = {sequential}.from_config(model.get_config())",
    "import tensorflow as tf\ntf = tf.compat.v1",
    "from keras import *\nfrom tensorflow.keras.layers import *",
    "@tf.function\ndef step(x):\n    return model(x, training=True)",
    "model.compile(loss=[{keras}.losses.BinaryCrossentropy(from_logits=True), 'mse'], loss_weights=[1, 2])",
    "model.compile(loss={{'out': 'binary_crossentropy'}}, optimizer=None)",
    "outputs = [{dense}(1, activation='sigmoid')(x), {dense}(3, activation='softmax')(x)]",
    "model = {model}(inputs=[a, b], outputs=outputs)",
    "try:\n    import keras\nexcept ImportError:\n    from tensorflow import keras",
    "global model\nnonlocal_units = 3",
    "model.fit(*[X_train, y_train], **{{'epochs': 3}})",
    "predictions = [m.predict(X_test) for m in (model, model)]\nbest = max(predictions, key=lambda p: p.mean())",
)


def _with_comment(choose: Chooser, line: str) -> str:
    """Now and then a `# noqa` (or another comment) after a line that may carry a finding."""
    comment = choose(["", "", "", "", "", "", "", "", "", "", "", "", "  # noqa", "  # noqa: K101", "  # noqa:K102,K203", "  # NOQA : E501",
                      "  # kast: noqa", "\n# kast: noqa: K1", "  # type: ignore", "  # ñ 日本 \u2028"])
    if not comment or line.endswith(("(", "[", ",", ":")) or line.rstrip().endswith('"""'):
        return line
    last, _, _ = line.rpartition("\n")
    return line + comment if "\n" not in line or not last.endswith(":") else line


def _data(choose: Chooser, split: str | None, scaler: str | None) -> list[str]:
    lines = [choose([
        "X = np.random.rand(1000, 20)",
        'df = pd.read_csv("data.csv")\nX = df.drop(columns=["label"]).values',
        "X = load_features()",
    ])]
    lines.append(choose([
        "y = np.random.randint(0, 2, size=1000)",
        "y = np.random.randint(0, 10, size=1000)",
        'y = df["label"].values',
        "y = keras.utils.to_categorical(labels, num_classes=10)",
        "y = load_labels()",
    ]))
    fit_before = scaler is not None and choose([False, True])
    if fit_before:
        lines.append(f"scaler = {scaler}()\nX = scaler.fit_transform(X)")
    if split == "sklearn":
        lines.append(choose([
            "X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2)",
            "X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=42, stratify=y)",
            "(X_train, X_test, y_train, y_test) = train_test_split(X, y)",
        ]))
    elif split == "manual":
        lines.append("X_train, X_test = X[:800], X[800:]\ny_train, y_test = y[:800], y[800:]")
    else:
        lines.append("X_train, y_train, X_test, y_test = X, y, X, y")
    if scaler is not None and not fit_before:
        lines.append(f"scaler = {scaler}()")
        lines.append(choose([
            "X_train = scaler.fit_transform(X_train)\nX_test = scaler.transform(X_test)",
            "X_train = scaler.fit_transform(X_train)\nX_test = scaler.fit_transform(X_test)",
            "scaler.fit(X_test)\nX_train = scaler.transform(X_train)",
            "X_train = scaler.fit_transform(X_train)",
        ]))
    return lines


def _dense(choose: Chooser, names: KerasNames, units: object, activation: str | None) -> str:
    if activation is None:
        return f"{names.dense}({units})"
    value = activation if activation in ("None",) or activation.startswith("'") else f'"{activation}"'
    if choose([False, False, True]):
        value = f"{names.keras}.activations.{activation.strip(chr(39))}" if activation != "None" else "None"
    keyword = choose(["activation=", "activation=", ""])
    return f"{names.dense}({units}, {keyword}{value})"


def _loss(choose: Chooser, names: KerasNames) -> str:
    kind = choose(["string", "string", "class", "function"])
    if kind == "string":
        return f'"{choose(LOSS_STRINGS)}"'
    if kind == "function":
        return f"{names.losses}.{choose(['binary_crossentropy', 'categorical_crossentropy', 'mse'])}"
    logits = choose(["", "from_logits=True", "from_logits=False", "from_logits=logits"])
    return f"{names.losses}.{choose(LOSS_CLASSES)}({logits})"


def _model(choose: Chooser, names: KerasNames, model: str) -> list[str]:
    hidden = [_dense(choose, names, choose([16, 32, 64, 128]), choose(["relu", "tanh", "sigmoid", None]))
              for _ in range(choose([0, 1, 2, 3]))]
    output = _dense(choose, names, choose(UNITS), choose(ACTIVATIONS))
    after = choose([[], [], [], [f"{names.layers}.Activation('softmax')"], [f"{names.layers}.Dropout(0.5)"]])
    style = choose(["sequential", "sequential", "sequential_add", "functional", "subclassed"])
    lines: list[str] = []
    if style == "sequential":
        inputs = choose([[f"{names.layers}.Input(shape=(20,))"], [f"{names.keras}.Input((20,))"], []])
        body = ",\n    ".join([*inputs, *hidden, output, *after])
        lines.append(f"{model} = {names.sequential}([\n    {body},\n])")
    elif style == "sequential_add":
        lines.append(f"{model} = {names.sequential}()")
        lines.extend(f"{model}.add({layer})" for layer in [*hidden, output, *after])
    elif style == "functional":
        lines.append(f"inputs = {names.keras}.Input(shape=(20,))")
        lines.append("x = inputs")
        lines.extend(f"x = {layer}(x)" for layer in hidden)
        lines.append(f"outputs = {output}(x)")
        lines.extend(f"outputs = {layer}(outputs)" for layer in after)
        lines.append(f"{model} = {names.model}(inputs=inputs, outputs=outputs)")
    else:
        cls = f"Net{model.title()}"
        body = [f"class {cls}({names.model}):", "    def __init__(self):", "        super().__init__()"]
        body.extend(f"        self.hidden{index} = {layer}" for index, layer in enumerate(hidden))
        body.extend([f"        self.out = {output}", "", "    def call(self, x):"])
        body.extend(f"        x = self.hidden{index}(x)" for index in range(len(hidden)))
        body.append("        return self.out(x)")
        lines.append("\n".join(body))  # one block: nothing is inserted into the class body
        lines.append("")
        lines.append(f"{model} = {cls}()")
    if choose([True, True, True, False]):
        arguments = [f"optimizer={choose(OPTIMIZERS).format(keras=names.keras)}", f"loss={_loss(choose, names)}"]
        metrics = choose(METRICS)
        if metrics:
            arguments.append(f"metrics={metrics}")
        arguments = choose([arguments, arguments[::-1]])
        lines.append(f"{model}.compile({', '.join(arguments)})")
    lines.append(choose([
        f"{model}.fit(X_train, y_train, epochs=10)",
        f"{model}.fit(X_train, y_train, epochs=10, validation_split=0.2)",
        f"history = {model}.fit(X_train, y_train, validation_data=(X_test, y_test), epochs=5, batch_size=32)",
        f"{model}.fit(X_test, y_test, epochs=3)",
        f"{model}.fit(scaler.transform(X), y)",
        "",
    ]))
    lines.extend(_predict(choose, model))
    return lines


def _predict(choose: Chooser, model: str) -> list[str]:
    post = choose([
        [],
        [f"probs = {model}.predict(X_test)", "pred = np.argmax(probs, axis=1)"],
        [f"pred = ({model}.predict(X_test) > 0.5).astype(int)"],
        [f"pred = {model}.predict(X_test).argmax(-1)", "print(accuracy_score(y_test, pred))"],
        [f"pred = {model}.predict_classes(X_test)"],
        [f"scores = {model}.predict(X_test)", "print(accuracy_score(y_test, scores))"],
        [f"pred = {model}.predict(X_new)", "labels = pred.round()"],
        [f"loss, acc = {model}.evaluate(X_test, y_test)"],
    ])
    return list(post)


_NOISE_TEXT = ("(", ")", "[", "]", ":", ",", "=", "\\", "'", '"', '"""', "\t", " ", "#", "\n", "lambda",
               "\r", "\r\n", "\x0c", "é", "\u2028", "async ", "await ", "yield", "@", "**", "\x00")


def _damage(choose: Chooser, text: str) -> str:
    """`text` with one random edit: a character dropped or inserted, a line cut or repeated, a cut."""
    if not text:
        return text
    positions = range(len(text)) if len(text) <= 50 else sorted({len(text) * k // 50 for k in range(50)})
    at = choose(list(positions))
    kind = choose(["drop", "insert", "truncate", "repeat_line", "indent"])
    if kind == "drop":
        return text[:at] + text[at + 1:]
    if kind == "insert":
        return text[:at] + choose(_NOISE_TEXT) + text[at:]
    if kind == "truncate":
        return text[:at]
    lines = text.split("\n")
    index = min(text.count("\n", 0, at), len(lines) - 1)
    if kind == "repeat_line":
        lines.insert(index, lines[index])
    else:
        lines[index] = choose(["    ", "\t", "  \t", " "]) + lines[index]
    return "\n".join(lines)


@st.composite
def keras_scripts(draw: st.DrawFn, noise: bool = True) -> str:
    """Hypothesis strategy: a Keras training script (damaged now and then when `noise`)."""
    return build_script(lambda options: draw(st.sampled_from(options)), noise)


def seeded_script(seed: int, noise: bool = False) -> str:
    """The same script for the same seed, on every run and machine."""
    rng = random.Random(seed)
    return build_script(rng.choice, noise)


@st.composite
def notebooks(draw: st.DrawFn) -> dict[str, object]:
    """Hypothesis strategy: a Keras script cut into notebook cells, with markdown and IPython magics between."""
    script = draw(keras_scripts(noise=False))
    lines = script.split("\n")
    cuts = sorted(draw(st.sets(st.integers(0, len(lines)), max_size=6)))
    cells: list[dict[str, object]] = []
    start = 0
    for cut in [*cuts, len(lines)]:
        chunk = lines[start:cut]
        start = cut
        if draw(st.booleans()):
            chunk.insert(0, draw(st.sampled_from(["%matplotlib inline", "!pip install keras", "%%time",
                                                  "x = !ls", "model?", "%load_ext autoreload"])))
        cells.append({"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
                      "source": "\n".join(chunk)})
        if draw(st.booleans()):
            cells.append({"cell_type": "markdown", "metadata": {}, "source": "## Training"})
    return {"nbformat": 4, "nbformat_minor": 5, "metadata": {"kernelspec": {"name": "python3", "language": "python"}},
            "cells": cells}

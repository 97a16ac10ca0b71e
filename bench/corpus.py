"""Generates the benchmark corpus: realistic Keras training scripts, deterministically.

    python bench/corpus.py OUT_FOLDER [--seed N] [--files 300]

Everything comes from one `random.Random(seed)`: the same seed writes the same
bytes (no set iteration, no hashing, no clock).  The folder it writes:

    scripts/script_000.py ...   N training scripts of 100-400 lines
    mixed/                      the project's fixtures (fixtures/*.py,
                                fixtures/notebooks/*.ipynb), a 300-cell
                                notebook, a 200-line script and a few files
                                that mention no ML library at all
    big/big_20000.py            one 20,000-line module (many scripts in a row)

Scripts mix every API style kast resolves (`tf.keras.*`, Keras 3 `keras`,
`from tensorflow.keras import layers`, `tf_keras`, aliases, names imported
one by one), Sequential (list and `.add`) / functional / subclassed models,
builder functions called with literals, compile with varied losses,
activations and units, sklearn splits and scalers, predict and
post-processing, matplotlib plots and an argparse `main()`.  About one script
in five carries a mistake kast reports (logits into a probability loss,
softmax on one unit, softmax with from_logits=True, a scaler fit on the test
set, `lr=`, ...); the rest are clean.
"""

from __future__ import annotations

import argparse
import random
import shutil
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SMALL_LINES = 200
BIG_LINES = 20_000
NOTEBOOK_CELLS = 300
PLAIN_FILES = 4


@dataclass(frozen=True)
class Style:
    """How one script spells Keras: its imports and the prefixes of each namespace."""

    name: str
    imports: tuple[str, ...]
    layers: str  # prefix for layer classes ("" when imported by name)
    models: str  # prefix for Sequential / Model / Input
    losses: str
    optimizers: str
    callbacks: str
    utils: str

    def layer(self, name: str) -> str:
        return f"{self.layers}.{name}" if self.layers else name

    def model(self, name: str) -> str:
        if name == "Input" and not self.models:
            return "Input"
        return f"{self.models}.{name}" if self.models else name


STYLES = (
    Style("tf.keras", ("import tensorflow as tf",), "tf.keras.layers", "tf.keras", "tf.keras.losses",
          "tf.keras.optimizers", "tf.keras.callbacks", "tf.keras.utils"),
    Style("keras3", ("import keras", "from keras import layers"), "layers", "keras", "keras.losses",
          "keras.optimizers", "keras.callbacks", "keras.utils"),
    Style("tensorflow.keras layers", ("import tensorflow as tf", "from tensorflow import keras",
                                      "from tensorflow.keras import layers"),
          "layers", "keras", "keras.losses", "keras.optimizers", "keras.callbacks", "keras.utils"),
    Style("tf_keras", ("import tf_keras as keras", "from tf_keras import layers"), "layers", "keras",
          "keras.losses", "keras.optimizers", "keras.callbacks", "keras.utils"),
    Style("aliases", ("import tensorflow.keras as K", "from tensorflow.keras import layers as L"), "L", "K",
          "K.losses", "K.optimizers", "K.callbacks", "K.utils"),
    Style("by name", ("from tensorflow.keras.models import Sequential, Model",
                      "from tensorflow.keras.layers import Dense, Dropout, Input, BatchNormalization, "
                      "Conv2D, MaxPooling2D, Flatten, LSTM, Embedding, GlobalAveragePooling1D",
                      "from tensorflow.keras import losses, optimizers, callbacks, utils"),
          "", "", "losses", "optimizers", "callbacks", "utils"),
)

TASKS = ("binary", "multiclass", "regression")
BUGS = ("logits_into_bce", "softmax_one_unit", "softmax_from_logits", "scaler_fit_on_test", "scaler_before_split",
        "sigmoid_categorical", "lr_argument", "accuracy_on_regression")
HIDDEN = ("relu", "relu", "relu", "elu", "selu", "gelu", "tanh", "swish")
DATASETS = ("churn", "fraud", "housing", "credit", "sensors", "reviews", "patients", "energy", "weather", "retail")


class Script:
    """One generated training script; `render()` gives its text."""

    def __init__(self, rng: random.Random, suffix: str = "", bug: str | None = None,
                 style: Style | None = None, target_lines: int = 200) -> None:
        self.rng = rng
        self.suffix = suffix
        self.style = style or rng.choice(STYLES)
        self.task = rng.choice(TASKS)
        self.bug = bug
        self.dataset = rng.choice(DATASETS)
        self.classes = rng.randint(3, 12)
        self.units = [rng.choice((16, 32, 64, 128, 256)) for _ in range(rng.randint(1, 4))]
        self.hidden = rng.choice(HIDDEN)
        self.kind = rng.choice(("sequential", "sequential_add", "functional", "subclassed"))
        self.builder = rng.random() < 0.5
        self.in_main = rng.random() < 0.5
        self.sparse = rng.random() < 0.5
        self.logits = rng.random() < 0.25
        self.target_lines = target_lines
        self._output: tuple[str, str, str] | None = None
        self._scaler = ("StandardScaler", "MinMaxScaler", "RobustScaler")[rng.randrange(3)]
        self.uses_plt = False
        if self.bug in ("logits_into_bce", "softmax_one_unit"):
            self.task = "binary"
        elif self.bug in ("softmax_from_logits", "sigmoid_categorical"):
            self.task = "multiclass"
        elif self.bug == "accuracy_on_regression":
            self.task = "regression"
        if self.bug == "sigmoid_categorical":
            self.sparse = False

    # -- pieces -------------------------------------------------------------------------------

    def imports(self) -> list[str]:
        lines = ["import argparse", "import json", "import os", "", "import numpy as np", "import pandas as pd"]
        if self.rng.random() < 0.7:
            lines.append("import matplotlib.pyplot as plt")
        lines += ["from sklearn.model_selection import train_test_split",
                  f"from sklearn.preprocessing import {self.scaler_name()}"]
        if self.task == "regression":
            lines.append("from sklearn.metrics import mean_absolute_error, mean_squared_error")
        else:
            lines.append("from sklearn.metrics import classification_report, confusion_matrix")
        lines += list(self.style.imports)
        return lines

    def scaler_name(self) -> str:
        return self._scaler

    def header(self) -> list[str]:
        what = {"binary": "a yes/no label", "multiclass": f"one of {self.classes} classes",
                "regression": "a continuous target"}[self.task]
        return [f'"""Train a model on the {self.dataset} data set to predict {what}.', "",
                f"Usage: python train_{self.dataset}.py --epochs 20 --batch-size 64", '"""', ""]

    def load_data(self, indent: str) -> list[str]:
        column = {"binary": "label", "multiclass": "category", "regression": "target"}[self.task]
        lines = [f'frame = pd.read_csv(os.path.join(data_dir, "{self.dataset}.csv"))',
                 f'frame = frame.dropna(subset=["{column}"])',
                 f'X = frame.drop(columns=["{column}"]).to_numpy("float32")',
                 f'y = frame["{column}"].to_numpy()']
        if self.task == "multiclass" and not self.sparse:
            lines.append(f"y_onehot = {self.style.utils}.to_categorical(y, num_classes={self.classes})")
        return [indent + line for line in lines]

    def split_and_scale(self, indent: str) -> list[str]:
        labels = "y_onehot" if self.task == "multiclass" and not self.sparse else "y"
        seed = self.rng.randint(0, 99)
        test = self.rng.choice(("0.2", "0.25", "0.1", "0.3"))
        lines = [f"scaler = {self._scaler}()"]
        if self.bug == "scaler_before_split":
            lines += ["X = scaler.fit_transform(X)",
                      f"X_train, X_test, y_train, y_test = train_test_split(X, {labels}, test_size={test}, "
                      f"random_state={seed})"]
        else:
            lines += [f"X_train, X_test, y_train, y_test = train_test_split(X, {labels}, test_size={test}, "
                      f"random_state={seed})",
                      "X_train = scaler.fit_transform(X_train)"]
            lines.append("X_test = scaler.fit_transform(X_test)" if self.bug == "scaler_fit_on_test"
                         else "X_test = scaler.transform(X_test)")
        return [indent + line for line in lines]

    def output(self) -> tuple[str, str, str]:
        """(output layer keywords, loss expression, metrics), chosen once per script."""
        if self._output is None:
            self._output = self._choose_output()
        return self._output

    def _choose_output(self) -> tuple[str, str, str]:
        s = self.style
        if self.task == "binary":
            if self.bug == "logits_into_bce":
                return "1", '"binary_crossentropy"', '["accuracy"]'
            if self.bug == "softmax_one_unit":
                return '1, activation="softmax"', '"binary_crossentropy"', '["accuracy"]'
            if self.logits:
                return "1", f"{s.losses}.BinaryCrossentropy(from_logits=True)", '["accuracy"]'
            loss = self.rng.choice(('"binary_crossentropy"', f"{s.losses}.BinaryCrossentropy()"))
            return '1, activation="sigmoid"', loss, self.rng.choice(('["accuracy"]', '["accuracy", "AUC"]'))
        if self.task == "multiclass":
            n = self.classes
            if self.bug == "softmax_from_logits":
                name = "SparseCategoricalCrossentropy" if self.sparse else "CategoricalCrossentropy"
                return f'{n}, activation="softmax"', f"{s.losses}.{name}(from_logits=True)", '["accuracy"]'
            if self.bug == "sigmoid_categorical":
                return f'{n}, activation="sigmoid"', '"categorical_crossentropy"', '["accuracy"]'
            if self.logits:
                name = "SparseCategoricalCrossentropy" if self.sparse else "CategoricalCrossentropy"
                return f"{n}", f"{s.losses}.{name}(from_logits=True)", '["accuracy"]'
            loss = '"sparse_categorical_crossentropy"' if self.sparse else '"categorical_crossentropy"'
            return f'{n}, activation="softmax"', loss, '["accuracy"]'
        metrics = '["accuracy"]' if self.bug == "accuracy_on_regression" else self.rng.choice(
            ('["mae"]', '["mae", "mse"]', "[]"))
        loss = self.rng.choice(('"mse"', '"mean_absolute_error"', f"{s.losses}.Huber()", '"mean_squared_error"'))
        return self.rng.choice(("1", '1, activation="linear"')), loss, metrics

    def optimizer(self) -> str:
        s = self.style
        rate = self.rng.choice(("1e-3", "3e-4", "0.001", "0.01", "learning_rate"))
        if rate == "learning_rate":
            rate = "1e-3"
        if self.bug == "lr_argument":
            return f"{s.optimizers}.Adam(lr={rate})"
        return self.rng.choice((f"{s.optimizers}.Adam(learning_rate={rate})", '"adam"', '"rmsprop"',
                                f"{s.optimizers}.SGD(learning_rate={rate}, momentum=0.9)"))

    def hidden_layers(self, indent: str, form: str) -> list[str]:
        """Hidden Dense layers as list items ("item"), .add calls ("add") or functional calls ("call")."""
        out = []
        for i, units in enumerate(self.units):
            dense = f'{self.style.layer("Dense")}({units}, activation="{self.hidden}")'
            extra = []
            if self.rng.random() < 0.3:
                extra.append(f"{self.style.layer('Dropout')}({self.rng.choice(('0.1', '0.2', '0.3', '0.5'))})")
            if self.rng.random() < 0.2:
                extra.append(f"{self.style.layer('BatchNormalization')}()")
            for layer in [dense, *extra]:
                if form == "item":
                    out.append(f"{indent}{layer},")
                elif form == "add":
                    out.append(f"{indent}model.add({layer})")
                else:
                    source = "inputs" if i == 0 and layer is dense else "x"
                    out.append(f"{indent}x = {layer}({source})")
        return out

    def model_lines(self, indent: str, n_features: str) -> list[str]:
        """Statements that leave the built (uncompiled) model in `model`."""
        s = self.style
        out_args, _, _ = self.output()
        output = f"{s.layer('Dense')}({out_args})"
        shape = f"({n_features},)"
        if self.kind == "sequential":
            return [f"{indent}model = {s.model('Sequential')}([",
                    f"{indent}    {s.model('Input')}(shape={shape}),",
                    *self.hidden_layers(indent + "    ", "item"),
                    f"{indent}    {output},", f"{indent}])"]
        if self.kind == "sequential_add":
            return [f"{indent}model = {s.model('Sequential')}()",
                    f"{indent}model.add({s.model('Input')}(shape={shape}))",
                    *self.hidden_layers(indent, "add"),
                    f"{indent}model.add({output})"]
        if self.kind == "functional":
            return [f"{indent}inputs = {s.model('Input')}(shape={shape})",
                    *self.hidden_layers(indent, "call"),
                    f"{indent}outputs = {output}(x)",
                    f'{indent}model = {s.model("Model")}(inputs=inputs, outputs=outputs, name="{self.dataset}_net")']
        return [f"{indent}model = {self.class_name()}()"]

    def class_name(self) -> str:
        return f"{self.dataset.capitalize()}Net{self.suffix}"

    def subclass(self) -> list[str]:
        s = self.style
        lines = [f"class {self.class_name()}({s.model('Model')}):",
                 f'    """The {self.dataset} network: {len(self.units)} hidden layers."""', "",
                 "    def __init__(self):", "        super().__init__()"]
        for i, units in enumerate(self.units):
            lines.append(f'        self.hidden_{i} = {s.layer("Dense")}({units}, activation="{self.hidden}")')
        out_args, _, _ = self.output()
        lines += [f"        self.out = {s.layer('Dense')}({out_args})", "",
                  "    def call(self, inputs, training=False):", "        x = inputs"]
        for i in range(len(self.units)):
            lines.append(f"        x = self.hidden_{i}(x)")
        lines += ["        return self.out(x)", "", ""]
        return lines

    def compile_fit(self, indent: str) -> list[str]:
        _, loss, metrics = self.output()
        epochs = self.rng.choice((5, 10, 20, 50, 100))
        batch = self.rng.choice((16, 32, 64, 128, 256))
        lines = ["model.compile(", f"    optimizer={self.optimizer()},", f"    loss={loss},",
                 f"    metrics={metrics},", ")"]
        cbs = []
        if self.rng.random() < 0.6:
            cbs.append(f'{self.style.callbacks}.EarlyStopping(monitor="val_loss", patience='
                       f'{self.rng.randint(2, 10)}, restore_best_weights=True)')
        if self.rng.random() < 0.3:
            cbs.append(f'{self.style.callbacks}.ModelCheckpoint("best_{self.dataset}.keras", save_best_only=True)')
        validation = self.rng.choice(("validation_split=0.1", "validation_split=0.2", "validation_split=0.15"))
        lines += ["history = model.fit(", "    X_train,", "    y_train,", f"    epochs={epochs},",
                  f"    batch_size={batch},", f"    {validation},"]
        if cbs:
            lines.append(f"    callbacks=[{', '.join(cbs)}],")
        lines += ["    verbose=2,", ")"]
        return [indent + line if line else line for line in lines]

    def evaluate(self, indent: str) -> list[str]:
        lines = ["scores = model.evaluate(X_test, y_test, verbose=0)", 'print("test scores:", scores)',
                 "probabilities = model.predict(X_test)"]
        if self.task == "binary":
            if self.logits:
                lines.append("probabilities = 1 / (1 + np.exp(-probabilities))")
            lines += ["predicted = (probabilities > 0.5).astype(int).ravel()",
                      "print(confusion_matrix(y_test, predicted))",
                      "print(classification_report(y_test, predicted, digits=3))"]
        elif self.task == "multiclass":
            lines.append("predicted = np.argmax(probabilities, axis=-1)")
            truth = "y_test" if self.sparse else "np.argmax(y_test, axis=-1)"
            lines += [f"truth = {truth}", "print(confusion_matrix(truth, predicted))",
                      "print(classification_report(truth, predicted, digits=3))"]
        else:
            lines += ["predicted = probabilities.ravel()",
                      'print("MAE", mean_absolute_error(y_test, predicted))',
                      'print("RMSE", np.sqrt(mean_squared_error(y_test, predicted)))']
        return [indent + line for line in lines]

    def plot(self, indent: str) -> list[str]:
        metric = "accuracy" if self.task != "regression" else "loss"
        lines = ["fig, axes = plt.subplots(1, 2, figsize=(10, 4))",
                 'axes[0].plot(history.history["loss"], label="train")',
                 'axes[0].plot(history.history["val_loss"], label="validation")',
                 'axes[0].set_title("loss")',
                 f'axes[1].plot(history.history["{metric}"], label="train")',
                 f'axes[1].plot(history.history["val_{metric}"], label="validation")',
                 "for axis in axes:", "    axis.legend()", '    axis.set_xlabel("epoch")',
                 f'fig.savefig(os.path.join(output_dir, "{self.dataset}_history.png"))', "plt.close(fig)"]
        return [indent + line for line in lines]

    def builder_function(self) -> list[str]:
        name = f"build_model{self.suffix}"
        body = self.model_lines("    ", "n_features")
        return [f"def {name}(n_features):", f'    """The {self.dataset} model, uncompiled."""', *body,
                "    return model", "", ""]

    def argparse_lines(self) -> list[str]:
        return [f"def parse_args{self.suffix}(argv=None):",
                '    parser = argparse.ArgumentParser(description=__doc__)',
                '    parser.add_argument("--data-dir", default="data")',
                '    parser.add_argument("--output-dir", default="outputs")',
                f'    parser.add_argument("--epochs", type=int, default={self.rng.choice((10, 20, 30))})',
                '    parser.add_argument("--batch-size", type=int, default=64)',
                '    parser.add_argument("--seed", type=int, default=0)',
                "    return parser.parse_args(argv)", "", ""]

    def training(self, indent: str) -> list[str]:
        """Load, split, build, compile, fit, evaluate, plot: the script's main body."""
        lines = [f"{indent}data_dir = args.data_dir" if self.in_main else f'{indent}data_dir = "data"',
                 f"{indent}output_dir = args.output_dir" if self.in_main else f'{indent}output_dir = "outputs"',
                 f"{indent}np.random.seed({self.rng.randint(0, 1000)})", ""]
        lines += self.load_data(indent) + [""] + self.split_and_scale(indent) + [""]
        if self.builder:
            lines.append(f"{indent}model = build_model{self.suffix}(X_train.shape[1])")
        else:
            lines += self.model_lines(indent, "X_train.shape[1]")
        lines += [""] + self.compile_fit(indent) + [""] + self.evaluate(indent)
        if self.uses_plt:
            lines += [""] + self.plot(indent)
        lines += [f'{indent}model.save(os.path.join(output_dir, "{self.dataset}.keras"))']
        return lines

    def render(self) -> str:
        rng = self.rng
        imports = self.imports()
        self.uses_plt = "import matplotlib.pyplot as plt" in imports
        top = self.header() + imports + ["", ""]
        top.append(f"SEED = {rng.randint(0, 9999)}")
        top.append(f'DATASET = "{self.dataset}"')
        top += ["", ""]
        defs: list[str] = []
        if self.kind == "subclassed":
            defs += self.subclass()
        if self.builder:
            defs += self.builder_function()
        body: list[str]
        if self.in_main:
            defs += self.argparse_lines()
            body = [f"def main{self.suffix}(argv=None):", f"    args = parse_args{self.suffix}(argv)",
                    *self.training("    "), "", "",
                    'if __name__ == "__main__":', f"    main{self.suffix}()"]
        else:
            body = self.training("")
        fixed = len(top) + len(defs) + len(body)
        fillers: list[str] = []
        attempts = 0
        while fixed + len(fillers) < self.target_lines - 6 and attempts < 50:
            piece = filler(rng, self.style, len(fillers), self.suffix)
            attempts += 1
            if fixed + len(fillers) + len(piece) <= self.target_lines:
                fillers += piece
        lines = top + fillers + defs + body
        return "\n".join(lines).rstrip("\n") + "\n"


def filler(rng: random.Random, style: Style | None, index: int, suffix: str = "") -> list[str]:
    """A helper function (or class) of the kind training scripts carry; plain Python unless `style`."""
    n = f"{index}{suffix}"
    choice = rng.randrange(8 if style else 6)
    if choice == 0:
        return [f"def moving_average_{n}(values, window={rng.randint(2, 9)}):",
                '    """Smooth a curve for plotting."""',
                "    if len(values) < window:", "        return list(values)",
                "    smoothed = []", "    total = sum(values[:window])", "    smoothed.append(total / window)",
                "    for i in range(window, len(values)):", "        total += values[i] - values[i - window]",
                "        smoothed.append(total / window)", "    return smoothed", "", ""]
    if choice == 1:
        keys = rng.sample(["epochs", "batch_size", "learning_rate", "dropout", "patience", "units", "seed",
                           "test_size", "val_size", "weight_decay"], rng.randint(3, 7))
        lines = [f"CONFIG_{n} = {{"]
        lines += [f'    "{k}": {rng.choice(("1", "0.5", "32", "1e-3", "0.2", "7"))},' for k in keys]
        lines += ["}", "", "", f"def describe_config_{n}(config=CONFIG_{n}):",
                  '    """Print the run configuration, one key a line."""',
                  "    width = max(len(key) for key in config)",
                  "    for key, value in sorted(config.items()):",
                  '        print(f"{key:<{width}} = {value}")', "", ""]
        return lines
    if choice == 2:
        return [f"def save_results_{n}(results, path):", '    """Write the metrics of a run as JSON."""',
                "    folder = os.path.dirname(path)", "    if folder:", "        os.makedirs(folder, exist_ok=True)",
                '    with open(path, "w", encoding="utf-8") as handle:',
                "        json.dump(results, handle, indent=2, sort_keys=True)", "    return path", "", ""]
    if choice == 3:
        return [f"def clip_outliers_{n}(frame, columns, low={rng.choice(('0.01', '0.05'))}, high=0.99):",
                '    """Clip each numeric column to its quantiles."""', "    frame = frame.copy()",
                "    for column in columns:", "        lower = frame[column].quantile(low)",
                "        upper = frame[column].quantile(high)",
                "        frame[column] = frame[column].clip(lower, upper)", "    return frame", "", ""]
    if choice == 4:
        return [f"def batches_{n}(items, size={rng.choice((8, 16, 32))}):", '    """Yield successive batches."""',
                "    batch = []", "    for item in items:", "        batch.append(item)",
                "        if len(batch) == size:", "            yield batch", "            batch = []",
                "    if batch:", "        yield batch", "", ""]
    if choice == 5:
        return [f"class RunLog{n}:", '    """Collects lines of a run and writes them at the end."""', "",
                "    def __init__(self, path):", "        self.path = path", "        self.lines = []", "",
                "    def add(self, message, *values):",
                '        self.lines.append(message.format(*values))', "",
                "    def write(self):", '        with open(self.path, "w", encoding="utf-8") as handle:',
                '            handle.write("\\n".join(self.lines))', "", ""]
    assert style is not None
    if choice == 6:
        return [f"class EpochPrinter{n}({style.callbacks}.Callback):", '    """Print one line per epoch."""', "",
                "    def on_epoch_end(self, epoch, logs=None):", "        logs = logs or {}",
                '        parts = [f"{key}={value:.4f}" for key, value in sorted(logs.items())]',
                '        print(f"epoch {epoch + 1}: " + ", ".join(parts))', "", ""]
    start = rng.choice(("1e-3", "3e-4", "0.01"))
    return [f"def schedule_{n}(epoch, lr={start}):", '    """Step decay: multiply the rate by `drop` every ten epochs."""',
            f"    drop = {rng.choice(('0.5', '0.3', '0.1'))}", "    return lr * (drop ** (epoch // 10))", "",
            f"SCHEDULER_{n} = {style.callbacks}.LearningRateScheduler(schedule_{n})", "", ""]


def script(rng: random.Random, target_lines: int, suffix: str = "") -> str:
    bug = rng.choice(BUGS) if rng.random() < 0.2 else None
    return Script(rng, suffix, bug, target_lines=target_lines).render()


def exact_lines(rng: random.Random, lines: int, pieces: int = 1) -> str:
    """A module of exactly `lines` lines: `pieces` scripts one after another, padded with plain statements."""
    per = max(100, lines // pieces)
    parts: list[str] = []
    used = 0
    for i in range(pieces):
        want = min(per, lines - used - 2)
        if want < 60:
            break
        text = script(rng, want, suffix=f"_{i}" if pieces > 1 else "")
        parts.append(text)
        used += text.count("\n") + 1  # one blank line between parts
    module = "\n".join(parts)
    have = module.count("\n")
    if have > lines:
        module = "\n".join(module.split("\n")[:lines]) + "\n"  # never happens with the budgets above
    pad = lines - module.count("\n")
    if pad > 0:
        if pad >= 3:
            extra = ["", "RUN_NOTES = ["] + [f'    "note {i}: checked",' for i in range(pad - 3)] + ["]"]
        else:
            extra = [f'RUN_NOTE_{i} = "checked"' for i in range(pad)]
        module += "\n".join(extra) + "\n"
    return module


def plain_module(rng: random.Random, index: int) -> str:
    """A file with no ML library in it (kast only checks its syntax)."""
    lines = [f'"""Utilities, part {index}: text, files and small numeric helpers."""', "", "import json", "import os",
             "", ""]
    for i in range(rng.randint(8, 16)):
        lines += filler(rng, None, i)
    return "\n".join(lines).rstrip("\n") + "\n"


def notebook(rng: random.Random, cells: int) -> str:
    """A long notebook: script sections as code cells, markdown between, a few IPython magics."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    out = [new_markdown_cell("# Experiments"), new_code_cell("%matplotlib inline\n!pip install -q scikit-learn")]
    part = 0
    while len(out) < cells:
        text = Script(rng, suffix=f"_{part}", target_lines=rng.randint(100, 200)).render()
        part += 1
        lines = text.split("\n")
        # The cells begin after the module docstring (a notebook has none).
        lines = lines[lines.index('"""') + 1:]
        chunk: list[str] = []
        for line in lines:
            if line and not line[0].isspace() and chunk and chunk[-1] == "" and not line.startswith(("else", "elif",
                                                                                                   "except", "finally",
                                                                                                   ")", "]", "}")):
                out.append(new_code_cell("\n".join(chunk).strip("\n")))
                if rng.random() < 0.3:
                    out.append(new_markdown_cell(f"## Step {len(out)}\n\nWhat the next cell does."))
                if rng.random() < 0.05:
                    out.append(new_code_cell("%%time\nprint('timing')"))
                chunk = []
            chunk.append(line)
        if chunk:
            out.append(new_code_cell("\n".join(chunk).strip("\n")))
    nb = new_notebook(cells=out[:cells], metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                                  "language": "python"}})
    # nbformat gives new cells random ids: make them deterministic.
    for number, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{number:04d}"
    return nbformat.writes(nb) + "\n"


def write(out: Path, seed: int = 0, files: int = 300, big_lines: int = BIG_LINES,
          notebook_cells: int = NOTEBOOK_CELLS) -> dict[str, Path]:
    """Write the corpus under `out`; returns its parts: scripts, mixed, big, small."""
    rng = random.Random(seed)
    scripts, mixed, big = out / "scripts", out / "mixed", out / "big"
    for folder in (scripts, mixed, big):
        folder.mkdir(parents=True, exist_ok=True)
    for i in range(files):
        (scripts / f"script_{i:03d}.py").write_text(script(rng, rng.randint(110, 400)), encoding="utf-8")
    for source in sorted((ROOT / "fixtures").glob("*.py")) + sorted((ROOT / "fixtures" / "notebooks").glob("*.ipynb")):
        shutil.copyfile(source, mixed / f"fixture_{source.name}")
    small = mixed / f"small_{SMALL_LINES}.py"
    small.write_text(exact_lines(random.Random(seed + 1), SMALL_LINES), encoding="utf-8")
    for i in range(PLAIN_FILES):
        (mixed / f"plain_{i}.py").write_text(plain_module(rng, i), encoding="utf-8")
    (mixed / f"notebook_{notebook_cells}_cells.ipynb").write_text(notebook(rng, notebook_cells), encoding="utf-8")
    big_file = big / f"big_{big_lines}.py"
    big_file.write_text(exact_lines(random.Random(seed + 2), big_lines, pieces=max(1, big_lines // 250)),
                        encoding="utf-8")
    return {"scripts": scripts, "mixed": mixed, "big": big_file, "small": small}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--files", type=int, default=300)
    args = parser.parse_args()
    parts = write(args.out, args.seed, args.files)
    for name, path in parts.items():
        print(f"{name:8} {path}")


if __name__ == "__main__":
    main()

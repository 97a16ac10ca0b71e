"""K403 unknown-keras-name: a loss, metric, optimizer or activation string Keras does not know.

## What it does
Checks the strings a script hands to Keras by name (`loss=`, `metrics=`,
`optimizer=`, `activation=`) against the names Keras and tf.keras accept, and
reports a string that is not one of them but is close to one
(`"sofmax"`, `"binary_crossentropyy"`, `"acuracy"`), with the name that was
probably meant.  A string that resembles no Keras name is left alone: it may
be a custom object registered with Keras.

## Why is this bad?
Keras looks the name up when it builds the layer or compiles the model and
raises `ValueError: Could not interpret ... identifier`: the script stops
before (or right at the start of) training, often after minutes of data
loading.

## Example
```python
layers.Dense(10, activation="sofmax")
model.compile(loss="sparse_categorical_crosentropy", metrics=["acuracy"])
```

Use instead:
```python
layers.Dense(10, activation="softmax")
model.compile(loss="sparse_categorical_crossentropy", metrics=["accuracy"])
```

## Fix safety
The fix replaces the string with the nearest name Keras knows. It is unsafe:
the nearest name is a guess.
"""

from __future__ import annotations

import functools
import json
import pkgutil
from typing import Iterator

from kast.analysis.picture import KerasString, Picture
from kast.diagnostics import Severity
from kast.rules import edits
from kast.rules.base import Finding, Fires, FixPlan

CODE = "K403"
NAME = "unknown-keras-name"
SEVERITY = Severity.ERROR

FIRES = (
    Fires("""
import keras
from keras import layers
model = keras.Sequential([keras.Input(shape=(32,)), layers.Dense(10, activation="sofmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
""", line=4, fixed='"softmax"'),
    Fires("""
from tensorflow.keras.layers import Dense, Input
from tensorflow.keras.models import Model
inp = Input(shape=(9,))
out = Dense(6, activation="softmax")(Dense(64, activation="relu")(inp))
model = Model(inp, out)
model.compile(optimizer="adam", loss="sparse_categorical_crosentropy", metrics=["acuracy"])
""", line=7, fixed='"sparse_categorical_crossentropy"'),
    Fires("""
from tensorflow import keras
model = keras.Sequential([keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="rmsprp", loss="binary_crossentropy")
""", line=4, fixed='"rmsprop"'),
)
SILENT = (
    """
from tensorflow import keras
model = keras.Sequential([keras.layers.Dense(3, activation="softmax")])
model.compile(optimizer="Adam", loss="categorical_crossentropy", metrics=["acc", "AUC", "categorical_crossentropy"])
""",
    """
import keras
model = keras.Sequential([keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="RMSprop", loss="bce", metrics=["ACCURACY", "precision", "recall"])
""",
    """
import keras
@keras.saving.register_keras_serializable()
def focal(y_true, y_pred):
    return y_pred
model = keras.Sequential([keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="focal")
""",
)

# Below this similarity a string is more likely a registered custom name than a typo.
_CUTOFF = 0.75
_KIND_WORDS = {"loss": "a loss", "metric": "a metric", "optimizer": "an optimizer", "activation": "an activation"}
# Abbreviations whose nearest spelling is not what they mean ('rmse' is closest to 'mse').
_ABBREVIATIONS = {"metric": {"rmse": "root_mean_squared_error", "RMSE": "root_mean_squared_error"}}
_WHEN = {
    "loss": "when the model is compiled or first trained",
    "metric": "when the model is first trained or evaluated",
    "optimizer": "when the model is compiled",
    "activation": "when the layer is built",
}


@functools.lru_cache(maxsize=1)
def _known_names() -> dict[str, tuple[frozenset[str], frozenset[str]]]:
    """Per kind: (names matched exactly, names matched in any case), from kast/data/keras_names.json."""
    # pkgutil reads package data through the package's loader (zip imports too) at a tenth of
    # importlib.resources' start-up cost, which every lint would pay.
    raw = pkgutil.get_data("kast", "data/keras_names.json")
    if raw is None:
        raise FileNotFoundError("kast/data/keras_names.json is missing from the installation")
    data = json.loads(raw)
    loose = data.get("compile_case_insensitive", {})
    losses = frozenset(data["losses"])
    optimizers = frozenset(name.lower() for name in data["optimizers"])
    loose_losses = frozenset(name.lower() for name in loose.get("losses", ()))
    loose_metrics = frozenset(name.lower() for name in loose.get("metrics", ())) | loose_losses
    return {
        "loss": (losses, loose_losses),
        # compile accepts every loss name as a metric
        "metric": (frozenset(data["metrics"]) | losses, loose_metrics),
        "optimizer": (frozenset(), optimizers if data.get("optimizers_case_insensitive", True) else frozenset()),
        "activation": (frozenset(data["activations"]), frozenset()),
    }


def suggestion(kind: str, text: str) -> str | None:
    """The known name `text` was probably meant as; None when it is known or resembles nothing."""
    names = _known_names().get(kind)
    if names is None:
        return None
    exact, any_case = names
    if text in exact or text.lower() in any_case:
        return None
    abbreviation = _ABBREVIATIONS.get(kind, {}).get(text)
    if abbreviation is not None:
        return abbreviation
    import difflib  # only for a name that is not known

    if kind == "optimizer":
        match = difflib.get_close_matches(text.lower(), sorted(any_case), n=1, cutoff=_CUTOFF)
    else:
        candidates = sorted(exact | any_case)
        match = difflib.get_close_matches(text, candidates, n=1, cutoff=_CUTOFF)
    return match[0] if match else None


def check(picture: Picture) -> Iterator[Finding]:
    seen: set[int] = set()
    for string in picture.keras_strings:
        if id(string.node) in seen:
            continue
        seen.add(id(string.node))
        meant = suggestion(string.kind, string.text)
        if meant is not None:
            yield _finding(string, meant)


def _finding(string: KerasString, meant: str) -> Finding:
    kind = _KIND_WORDS.get(string.kind, f"a {string.kind}")
    replacement = edits.string_replaced(string.node, meant)
    return Finding(
        fix=FixPlan(f"use '{meant}'", False, ((string.node, replacement),)) if replacement is not None else None,
        node=string.node,
        message=(
            f"'{string.text}' is not {kind} name Keras knows: Keras raises ValueError (could not interpret the "
            f"identifier) {_WHEN.get(string.kind, 'when it resolves it')}, so the script stops before training. "
            f"Did you mean '{meant}'?"
        ),
        hint=f"Use '{meant}'.",
    )

"""K401 exact-accuracy-on-probabilities: the exact-match `Accuracy` metric on a classifier's scores.

## What it does
Checks `keras.metrics.Accuracy()` (the class, which counts exact equality
between labels and predictions) in the metrics of a model whose output is a
sigmoid or softmax, or that is trained with a probability loss.

## Why is this bad?
`Accuracy` compares `y_pred == y_true` element by element.  A classifier
outputs probabilities (or logits) such as 0.93, never exactly 1.0, so the
metric stays near 0 however well the model classifies: training looks broken
and model selection on it picks at random.  `BinaryAccuracy` thresholds at
0.5, `CategoricalAccuracy` / `SparseCategoricalAccuracy` take the argmax; the
string `"accuracy"` makes Keras choose the right one from the loss.

## Example
```python
model.add(layers.Dense(1, activation="sigmoid"))
model.compile(loss="binary_crossentropy", metrics=[keras.metrics.Accuracy()])
```

Use instead:
```python
model.add(layers.Dense(1, activation="sigmoid"))
model.compile(loss="binary_crossentropy", metrics=[keras.metrics.BinaryAccuracy()])
```
"""

from __future__ import annotations

from typing import Iterator

from kast.analysis.models import CompileCall, Metric
from kast.analysis.picture import Picture
from kast.analysis.values import Known
from kast.diagnostics import Severity
from kast.libraries.keras import activations as keras_activations
from kast.libraries.keras import losses as keras_losses
from kast.rules.base import Finding, Fires
from kast.rules.compile_facts import classifier_evidence, losses

CODE = "K401"
NAME = "exact-accuracy-on-probabilities"
SEVERITY = Severity.ERROR

FIRES = (
    Fires("""
import tensorflow as tf
model = tf.keras.Sequential([
    tf.keras.layers.Input(shape=(10,)),
    tf.keras.layers.Dense(32, activation="relu"),
    tf.keras.layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=[tf.keras.metrics.Accuracy()])
""", line=8),
    Fires("""
from tensorflow import keras
model = keras.Sequential()
model.add(keras.layers.Dense(16, activation="relu"))
model.add(keras.layers.Dense(1, activation="sigmoid"))
model.compile(optimizer="adam", loss=keras.losses.MeanSquaredError(), metrics=[keras.metrics.Accuracy()])
""", line=6),
    Fires("""
import keras
from keras.metrics import Accuracy
def build(backbone):
    model = keras.Model(backbone.input, backbone.output)
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["auc", Accuracy()])
    return model
""", line=6),
    Fires("""
import keras
model = keras.Sequential([keras.layers.Dense(10, activation="softmax")])
probs = model.predict(x_test)
acc = keras.metrics.Accuracy()
acc.update_state(y_test_onehot, probs)
""", line=6),
)
SILENT = (
    """
import tensorflow as tf
model = tf.keras.Sequential([tf.keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=[tf.keras.metrics.BinaryAccuracy()])
""",
    """
import tensorflow as tf
model = tf.keras.Sequential([tf.keras.layers.Dense(10, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
""",
    """
import keras
model = keras.Sequential([keras.layers.Dense(64, activation="relu"), keras.layers.Dense(1)])
model.compile(optimizer="adam", loss="mse", metrics=[keras.metrics.Accuracy()])
""",
    """
import numpy as np
import keras
model = keras.Sequential([keras.layers.Dense(10, activation="softmax")])
labels = np.argmax(model.predict(x_test), axis=1)
exact = keras.metrics.Accuracy()
exact.update_state(y_test, labels)
""",
)


def check(picture: Picture) -> Iterator[Finding]:
    yield from _in_compile(picture)
    yield from _in_update_state(picture)


def _in_update_state(picture: Picture) -> Iterator[Finding]:
    """`Accuracy().update_state(y, model.predict(x))` with raw probabilities."""
    for use in picture.prediction_uses:
        metric = use.metric
        if use.kind != "update_state" or not isinstance(metric, Metric) or metric.name != "Accuracy":
            continue
        output = use.prediction.output
        if use.prediction.post != "raw" or output is None or not isinstance(output.activation, Known):
            continue
        if output.activation.value not in keras_activations.PROBABILITY:
            continue
        activation = output.activation.value
        wanted = "BinaryAccuracy" if activation == "sigmoid" else "CategoricalAccuracy (SparseCategoricalAccuracy for integer labels)"
        yield Finding(
            node=use.node,
            message=(
                f"keras.metrics.Accuracy() counts exact equality, but update_state() is given the raw {activation} "
                "probabilities, which are never exactly equal to the labels: the accuracy stays near 0."
            ),
            hint=f"Use keras.metrics.{wanted}, or pass labels (argmax / threshold) to update_state().",
            related=((metric.node, "exact-equality Accuracy() created here"), (use.prediction.node, "predictions made here")),
        )


def _in_compile(picture: Picture) -> Iterator[Finding]:
    seen: set[int] = set()
    for call in picture.compiles:
        metric = next((m for m in call.metrics if m.is_class and m.name == "Accuracy"), None)
        if metric is None or id(metric.node) in seen:
            continue
        evidence = classifier_evidence(call)
        if evidence is None:
            continue
        seen.add(id(metric.node))
        node, what, scores = evidence
        yield Finding(
            node=metric.node,
            message=(
                f"keras.metrics.Accuracy() counts exact equality between labels and predictions, but this "
                f"model outputs {scores} ({what}), which are never exactly 0 or 1: the reported accuracy stays "
                "near 0 however well the model classifies."
            ),
            hint=f"Use {_wanted(call)} (or the string \"accuracy\", which Keras matches to the loss).",
            related=((node, what),),
        )


def _wanted(call: CompileCall) -> str:
    """The accuracy class that matches the compile's loss and output."""
    names = {loss.name for loss in losses(call)}
    if names & {"sparse_categorical_crossentropy"}:
        return "keras.metrics.SparseCategoricalAccuracy()"
    if names & keras_losses.CATEGORICAL_LOSSES:
        return "keras.metrics.CategoricalAccuracy()"
    if names & keras_losses.BINARY_LOSSES:
        return "keras.metrics.BinaryAccuracy()"
    activations = {o.activation.value for o in call.outputs or () if isinstance(o.activation, Known)}
    units = {o.units.value for o in call.outputs or () if isinstance(o.units, Known)}
    if activations == {"sigmoid"}:
        return "keras.metrics.BinaryAccuracy()"
    if activations == {"softmax"} and units and min(units) > 1:
        return ("keras.metrics.CategoricalAccuracy() for one-hot labels or "
                "keras.metrics.SparseCategoricalAccuracy() for integer labels")
    return "keras.metrics.BinaryAccuracy() (sigmoid) or keras.metrics.CategoricalAccuracy() (softmax)"

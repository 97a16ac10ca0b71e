"""K402 accuracy-on-regression: 'accuracy' asked for a regression model.

## What it does
Checks models with a linear output that are trained with a regression loss
(mse, mae, mape, msle, huber, log_cosh) and compiled with `"accuracy"`,
`"acc"` or `keras.metrics.Accuracy()`.  Stays silent when the labels are class
labels: one-hot (`to_categorical`, `get_dummies`, a dense `OneHotEncoder`) or
integer class ids (`LabelEncoder`, `astype(int)` of a column, `.cat.codes`),
for that script is a classifier and 'accuracy' is meaningful on it.

## Why is this bad?
Accuracy counts exact matches between classes.  On continuous targets Keras
thresholds or compares the predicted values with the real-valued targets, so
the number it reports is close to 0 whatever the fit, and it says nothing
about how good the regression is: a model that is improving looks broken,
and one that is broken cannot be told apart.

## Example
```python
model.add(layers.Dense(1))
model.compile(optimizer="rmsprop", loss="mse", metrics=["accuracy"])
```

Use instead:
```python
model.add(layers.Dense(1))
model.compile(optimizer="rmsprop", loss="mse", metrics=["mae"])
```
"""

from __future__ import annotations

from typing import Iterator

from kast.analysis.dataflow import Data
from kast.analysis.models import CompileCall
from kast.analysis.picture import Picture, trained_outputs
from kast.diagnostics import Severity
from kast.libraries.keras import losses as keras_losses
from kast.rules.base import Finding, Fires, snippet
from kast.rules.compile_facts import is_accuracy

CODE = "K402"
NAME = "accuracy-on-regression"
SEVERITY = Severity.WARNING

FIRES = (
    Fires("""
from tensorflow.keras.models import Sequential
from tensorflow.keras.layers import Dense
model = Sequential()
model.add(Dense(64, activation="relu", input_shape=(13,)))
model.add(Dense(1))
model.compile(optimizer="rmsprop", loss="mse", metrics=["accuracy"])
""", line=7),
    Fires("""
import keras
from keras import layers
inputs = keras.Input(shape=(5,))
x = layers.Dense(32, activation="relu")(inputs)
outputs = layers.Dense(1, activation="linear")(x)
model = keras.Model(inputs, outputs)
model.compile(optimizer="adam", loss=keras.losses.MeanAbsoluteError(), metrics=["mae", keras.metrics.Accuracy()])
""", line=8),
)
SILENT = (
    """
from tensorflow import keras
model = keras.Sequential([keras.layers.Dense(64, activation="relu"), keras.layers.Dense(1)])
model.compile(optimizer="adam", loss="mse", metrics=["mae", keras.metrics.RootMeanSquaredError()])
""",
    """
from tensorflow import keras
model = keras.Sequential([keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
""",
    """
from tensorflow import keras
model = keras.Sequential([keras.layers.Dense(64, activation="relu"), keras.layers.Dense(1)])
model.compile(optimizer="adam", loss=keras.losses.BinaryCrossentropy(from_logits=True), metrics=["accuracy"])
""",
    """
import numpy as np
from tensorflow import keras
y = keras.utils.to_categorical(labels, 3)
model = keras.Sequential([keras.layers.Dense(64, activation="relu"), keras.layers.Dense(3)])
model.compile(optimizer="adam", loss="mse", metrics=["accuracy"])
model.fit(x, y, epochs=5)
""",
)


def check(picture: Picture) -> Iterator[Finding]:
    seen: set[int] = set()
    for trained in trained_outputs(picture):
        call = trained.compile
        if call.outputs is None or len(call.outputs) != 1:
            continue  # metrics of a multi-output model may be meant for another head
        if trained.activation != "linear" or trained.loss.name not in keras_losses.REGRESSION_LOSSES:
            continue
        if _trained_on_class_labels(call):
            continue
        metric = next((m for m in call.metrics if is_accuracy(m)), None)
        if metric is None or id(metric.node) in seen:
            continue
        seen.add(id(metric.node))
        yield Finding(
            node=metric.node,
            message=(
                f"Accuracy is asked for a regression model (linear output `{snippet(picture, trained.output.node)}`, "
                f"loss '{trained.loss.name}'): it counts exact class matches, so on continuous targets it stays "
                "near 0 whatever the fit and says nothing about how good the predictions are."
            ),
            hint="Monitor a regression metric instead: metrics=[\"mae\"] or keras.metrics.RootMeanSquaredError().",
            related=((trained.loss.node, f"regression loss '{trained.loss.name}'"),
                     (trained.output.node, "linear output layer")),
        )


def _trained_on_class_labels(call: CompileCall) -> bool:
    """The model is fit on labels kast knows are class ids or one-hot: accuracy is meaningful."""
    return any(isinstance(fit.y, Data) and fit.y.labels is not None for fit in call.model.fits)

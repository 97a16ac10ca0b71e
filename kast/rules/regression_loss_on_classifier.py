"""K108 regression-loss-on-classifier: a classifier trained with a regression loss.

## What it does
Checks models with a sigmoid or softmax output that are trained with mse, mae,
mape, msle, huber or log_cosh while a classification metric (`"accuracy"` or
an Accuracy class) is asked for.

## Why is this bad?
The model is clearly meant to classify, but a squared or absolute error on
probabilities gives tiny gradients once the sigmoid/softmax saturates
(a confidently wrong answer is barely penalised), so training is slow and
often stalls far from the best classifier.  Crossentropy is the loss that
matches a probability output.

## Example
```python
model.add(layers.Dense(1, activation="sigmoid"))
model.compile(loss="mse", metrics=["accuracy"])
```

Use instead:
```python
model.add(layers.Dense(1, activation="sigmoid"))
model.compile(loss="binary_crossentropy", metrics=["accuracy"])
```
"""

from __future__ import annotations

from typing import Iterator

from kast.analysis.picture import Picture, trained_outputs
from kast.diagnostics import Severity
from kast.libraries.keras import activations as keras_activations
from kast.libraries.keras import losses as keras_losses
from kast.rules.base import Finding, Fires, snippet
from kast.rules.compile_facts import is_any_accuracy

CODE = "K108"
NAME = "regression-loss-on-classifier"
SEVERITY = Severity.WARNING

FIRES = (
    Fires("""
from tensorflow import keras
model = keras.Sequential([keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="mse", metrics=["accuracy"])
""", line=4),
    Fires("""
from tensorflow import keras
model = keras.Sequential([keras.layers.Dense(3, activation="softmax")])
model.compile(loss=keras.losses.MeanAbsoluteError(), metrics=[keras.metrics.CategoricalAccuracy()])
""", line=4),
)
SILENT = (
    """
from tensorflow import keras
model = keras.Sequential([keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="mse")
""",
    """
from tensorflow import keras
model = keras.Sequential([keras.layers.Dense(1)])
model.compile(optimizer="adam", loss="mse", metrics=["mae"])
""",
)


def check(picture: Picture) -> Iterator[Finding]:
    for trained in trained_outputs(picture):
        if trained.activation not in keras_activations.PROBABILITY:
            continue
        if trained.loss.name not in keras_losses.REGRESSION_LOSSES:
            continue
        metric = next((m for m in trained.compile.metrics if is_any_accuracy(m)), None)
        if metric is None:
            continue
        wanted = "binary_crossentropy" if trained.activation == "sigmoid" or trained.units == 1 else "categorical_crossentropy"
        yield Finding(
            node=trained.loss.node,
            message=(
                f"The {trained.activation} classifier `{snippet(picture, trained.output.node)}` is trained with "
                f"the regression loss '{trained.loss.name}': saturated outputs get almost no gradient, so a "
                "confidently wrong prediction is barely corrected and accuracy stalls."
            ),
            hint=f"Use loss=\"{wanted}\" (\"sparse_categorical_crossentropy\" for integer labels).",
            related=((trained.output.node, f"{trained.activation} output layer"), (metric.node, "classification metric")),
        )

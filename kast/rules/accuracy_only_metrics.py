"""K505 accuracy-only-metrics: a classifier monitored with accuracy alone.

## What it does
Checks classifiers (a sigmoid or softmax output, or a probability loss) that
are compiled with accuracy as their only metric: `metrics=["accuracy"]`,
`["acc"]` or a single accuracy class.

## Why is this bad?
On imbalanced data accuracy hides a useless model: with 5% positives, a model
that always predicts "negative" scores 95%.  Training curves, early stopping
and model selection that watch accuracy alone cannot tell it apart from a
model that finds the rare class.

## Example
```python
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
```

Use instead:
```python
model.compile(optimizer="adam", loss="binary_crossentropy",
              metrics=["accuracy", keras.metrics.Precision(), keras.metrics.Recall(), keras.metrics.AUC()])
```
"""

from __future__ import annotations

from typing import Iterator

from kast.analysis.models import CompileCall, Metric
from kast.analysis.picture import Picture
from kast.analysis.values import Known
from kast.diagnostics import Severity
from kast.libraries.keras import losses as keras_losses
from kast.rules.base import Finding, Fires
from kast.rules.compile_facts import classifier_evidence, is_any_accuracy, losses

CODE = "K505"
NAME = "accuracy-only-metrics"
SEVERITY = Severity.INFO

FIRES = (
    Fires("""
from tensorflow import keras
model = keras.Sequential([keras.layers.Dense(16, activation="relu"), keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
""", line=4),
    Fires("""
import keras
model = keras.Sequential([keras.layers.Dense(64, activation="relu"), keras.layers.Dense(5, activation="softmax")])
model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=[keras.metrics.CategoricalAccuracy()])
""", line=4),
)
SILENT = (
    """
from tensorflow import keras
model = keras.Sequential([keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy",
              metrics=["accuracy", keras.metrics.Precision(), keras.metrics.Recall()])
""",
    """
from tensorflow import keras
def f1(y_true, y_pred):
    return y_pred
model = keras.Sequential([keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy", f1])
""",
    """
from tensorflow import keras
model = keras.Sequential([keras.layers.Dense(1)])
model.compile(optimizer="adam", loss="mse", metrics=["mae"])
""",
)


def check(picture: Picture) -> Iterator[Finding]:
    seen: set[int] = set()
    for call in picture.compiles:
        metric = _only_metric(call)
        if metric is None or not is_any_accuracy(metric) or id(metric.node) in seen:
            continue
        if metric.is_class and metric.name == "Accuracy":
            continue  # exact-match Accuracy is wrong outright: K401 reports it
        evidence = classifier_evidence(call)
        if evidence is None:
            continue
        seen.add(id(metric.node))
        node, what, _ = evidence
        binary = _binary(call)
        extra = ("keras.metrics.Precision(), keras.metrics.Recall() and keras.metrics.AUC()" if binary else
                 "keras.metrics.F1Score(average=\"macro\") or per-class precision and recall")
        yield Finding(
            node=metric.node,
            message=(
                "This classifier is monitored with accuracy alone: on imbalanced classes a model that always "
                "predicts the majority class still scores high, and training curves, early stopping and model "
                "selection cannot tell it from one that finds the rare class."
            ),
            hint=f"Add {extra} to metrics.",
            related=((node, what),),
        )


def _binary(call: CompileCall) -> bool:
    if any(loss.name in keras_losses.BINARY_LOSSES for loss in losses(call)):
        return True
    return any(output.activation == Known("sigmoid") for output in call.outputs or ())


def _only_metric(call: CompileCall) -> Metric | None:
    """The single metric of the compile, when kast resolved every metric passed."""
    if len(call.metrics) != 1 or not call.metrics_complete:
        return None
    return call.metrics[0]

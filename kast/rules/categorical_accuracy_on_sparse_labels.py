"""K405 categorical-accuracy-on-sparse-labels: `categorical_accuracy` with integer labels.

## What it does
Checks compile calls that ask for `'categorical_accuracy'` or
`CategoricalAccuracy()` while the labels are integer class ids: the loss is
`sparse_categorical_crossentropy`, or the labels the model is fit on are known
integers (`LabelEncoder`, `astype(int)` of a class column, a loader's
`label_mode="int"`).

## Why is this bad?
`categorical_accuracy` compares the argmax of the prediction with the argmax
of a one-hot label.  On an integer label (a single column), that argmax is
always 0: the metric reports how often the model predicts class 0, not how
often it is right (0.41 where the truth is 0.56), in Keras 3 and tf.keras
alike, and early stopping or checkpoints may select on it.

## Example
```python
model.compile(loss="sparse_categorical_crossentropy", metrics=["categorical_accuracy"])
```

Use instead:
```python
model.compile(loss="sparse_categorical_crossentropy", metrics=["sparse_categorical_accuracy"])
```

## Fix safety
The fix names the sparse metric (`'sparse_categorical_accuracy'`,
`SparseCategoricalAccuracy()`). It is safe: it is the metric meant for
integer labels.
"""

from __future__ import annotations

from typing import Iterator

import libcst as cst

from kast.analysis.dataflow import Data
from kast.analysis.models import CompileCall, Metric
from kast.analysis.picture import Picture
from kast.diagnostics import Severity
from kast.libraries.keras import metrics as keras_metrics
from kast.rules import edits
from kast.rules.base import Finding, Fires, FixPlan
from kast.rules.compile_facts import losses

CODE = "K405"
NAME = "categorical-accuracy-on-sparse-labels"
SEVERITY = Severity.ERROR

FIRES = (
    Fires("""
import tensorflow as tf
model = tf.keras.Sequential([tf.keras.layers.Dense(10, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["categorical_accuracy"])
""", line=4, fixed='"sparse_categorical_accuracy"'),
    Fires("""
import keras
from sklearn.preprocessing import LabelEncoder
y = LabelEncoder().fit_transform(labels)
model = keras.Sequential([keras.layers.Dense(4, activation="softmax")])
model.compile(loss=keras.losses.CategoricalFocalCrossentropy(), metrics=[keras.metrics.CategoricalAccuracy()])
model.fit(X, y)
""", line=6, fixed='SparseCategoricalAccuracy'),
)
SILENT = (
    """
import tensorflow as tf
model = tf.keras.Sequential([tf.keras.layers.Dense(10, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["sparse_categorical_accuracy"])
""",
    """
import keras
y = keras.utils.to_categorical(labels, 4)
model = keras.Sequential([keras.layers.Dense(4, activation="softmax")])
model.compile(loss="categorical_crossentropy", metrics=["categorical_accuracy"])
model.fit(X, y)
""",
)


def check(picture: Picture) -> Iterator[Finding]:
    for call in picture.compiles:
        why = _integer_labels(call)
        if why is None:
            continue
        for metric in call.metrics:
            row = keras_metrics.row(metric)
            if row is None or row.kind != keras_metrics.CATEGORICAL_ACCURACY:
                continue
            yield Finding(
                node=metric.node,
                message=(
                    f"`categorical_accuracy` compares the argmax of the prediction with the argmax of a one-hot "
                    f"label, but {why[1]}: the argmax of an integer label is always 0, so the metric reports "
                    "how often class 0 is predicted, not the accuracy."
                ),
                hint="Use the sparse metric: metrics=[\"sparse_categorical_accuracy\"] (or just \"accuracy\").",
                related=((why[0], "integer labels here"),),
                fix=_sparse(metric),
            )


def _integer_labels(call: CompileCall) -> tuple[cst.CSTNode, str] | None:
    for loss in losses(call):
        if loss.name == "sparse_categorical_crossentropy":
            return loss.node, "the loss is sparse_categorical_crossentropy, so the labels are integer class ids"
    for fit in call.model.fits:
        if isinstance(fit.y, Data) and fit.y.labels is not None and fit.y.labels.encoding == "integer":
            return fit.y.labels.node, "the labels are integer class ids"
        parts = fit.x.parts if isinstance(fit.x, Data) else ()
        if len(parts) == 2 and isinstance(parts[1], Data) and parts[1].labels is not None \
                and parts[1].labels.encoding == "integer":
            return parts[1].labels.node, "the loader's labels are integer class ids"
    return None


def _sparse(metric: Metric) -> FixPlan | None:
    node = metric.node
    if not metric.is_class:
        replaced = edits.string_replaced(node, "sparse_categorical_accuracy")
        return FixPlan('use "sparse_categorical_accuracy"', True, ((node, replaced),)) if replaced else None
    # keras.metrics.CategoricalAccuracy() -> keras.metrics.SparseCategoricalAccuracy(); a bare imported name
    # would need its import changed too.
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) \
            and node.func.attr.value == "CategoricalAccuracy":
        return FixPlan("use SparseCategoricalAccuracy()", True,
                       ((node.func.attr, node.func.attr.with_changes(value="SparseCategoricalAccuracy")),))
    return None

"""K404 threshold-metric-on-logits: a metric thresholds logits at 0.5, or reads them as probabilities.

## What it does
Checks models whose output is linear (logits) and whose loss has
`from_logits=True`, compiled with a metric that thresholds at 0.5 or assumes
values in [0, 1]: `'accuracy'` on a 1-unit output (Keras makes it
`BinaryAccuracy` at 0.5), `BinaryAccuracy()` without `threshold=0`, `AUC()`
without `from_logits=True`, `Precision()`, `Recall()`, `TruePositives()` and
the like without `thresholds=0`.  Silent on multi-unit logits with
`'accuracy'` (an argmax, which is right on logits).

## Why is this bad?
A logit of 0 is a probability of 0.5.  Thresholded at 0.5, logits between 0
and 0.5 count as negative though the model says positive: the reported
accuracy, precision and recall are wrong, and AUC computed on thresholds in
[0, 1] sees only a slice of the logits' range.  Keras reports these numbers
without a warning, and early stopping or checkpoints may select on them.

## Example
```python
model.add(layers.Dense(1))
model.compile(loss=keras.losses.BinaryCrossentropy(from_logits=True), metrics=["accuracy", keras.metrics.AUC()])
```

Use instead:
```python
model.add(layers.Dense(1))
model.compile(loss=keras.losses.BinaryCrossentropy(from_logits=True),
              metrics=[keras.metrics.BinaryAccuracy(threshold=0.0), keras.metrics.AUC(from_logits=True)])
```

## Fix safety
The fix adds `threshold=0.0`, `thresholds=0.0` or `from_logits=True` to a metric
object built in the compile call.  It is safe: that is what the metric needs on
logits, and nothing else uses the object.  `'accuracy'` as a string gets no fix.
"""

from __future__ import annotations

from typing import Iterator

import libcst as cst

from kast.analysis.calls import const
from kast.analysis.models import Metric
from kast.analysis.picture import Picture, trained_outputs
from kast.analysis.values import Const, Sequence, Value
from kast.diagnostics import Severity
from kast.libraries.keras import metrics as keras_metrics
from kast.rules import edits
from kast.rules.base import Finding, Fires, FixPlan, snippet

CODE = "K404"
NAME = "threshold-metric-on-logits"
SEVERITY = Severity.WARNING

FIRES = (
    Fires("""
import tensorflow as tf
model = tf.keras.Sequential([tf.keras.layers.Dense(16, activation="relu"), tf.keras.layers.Dense(1)])
model.compile(optimizer="adam", loss=tf.keras.losses.BinaryCrossentropy(from_logits=True), metrics=["accuracy"])
""", line=4),
    Fires("""
import keras
model = keras.Sequential([keras.layers.Dense(1)])
model.compile(loss=keras.losses.BinaryCrossentropy(from_logits=True),
              metrics=[keras.metrics.BinaryAccuracy(threshold=0.0), keras.metrics.AUC(curve="PR")])
""", line=5, fixed='keras.metrics.AUC(curve="PR", from_logits=True)'),
    Fires("""
import keras
model = keras.Sequential([keras.layers.Dense(1)])
model.compile(loss=keras.losses.BinaryCrossentropy(from_logits=True), metrics=[keras.metrics.Precision()])
""", line=4, fixed='keras.metrics.Precision(thresholds=0.0)'),
)
SILENT = (
    """
import keras
model = keras.Sequential([keras.layers.Dense(1)])
model.compile(loss=keras.losses.BinaryCrossentropy(from_logits=True),
              metrics=[keras.metrics.BinaryAccuracy(threshold=0.0), keras.metrics.AUC(from_logits=True),
                       keras.metrics.Precision(thresholds=0.0), keras.metrics.Recall(thresholds=0)])
""",
    """
import keras
model = keras.Sequential([keras.layers.Dense(10)])
model.compile(loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
""",
    """
import keras
model = keras.Sequential([keras.layers.Dense(1, activation="sigmoid")])
model.compile(loss="binary_crossentropy", metrics=["accuracy", keras.metrics.AUC()])
""",
)


def check(picture: Picture) -> Iterator[Finding]:
    seen: set[int] = set()
    for trained in trained_outputs(picture):
        call = trained.compile
        if call.outputs is None or len(call.outputs) != 1 or call.in_loop:
            continue
        if trained.activation != "linear" or trained.from_logits is not True:
            continue
        for metric in call.metrics:
            why = _thresholds_logits(metric, trained.units)
            if why is None or id(metric.node) in seen:
                continue
            seen.add(id(metric.node))
            yield Finding(
                node=metric.node,
                message=(
                    f"The model outputs logits (linear `{snippet(picture, trained.output.node)}`, loss with "
                    f"from_logits=True), but the metric `{snippet(picture, metric.node)}` {why}: a logit of 0 "
                    "is a probability of 0.5, so the metric misreads the outputs and reports a wrong number."
                ),
                hint=_hint(metric),
                related=((trained.output.node, "linear output layer"), (trained.loss.node, "from_logits=True")),
                fix=_fix(metric),
            )


def _thresholds_logits(metric: Metric, units: int | None) -> str | None:
    """What the metric assumes of its input that logits do not satisfy; None when it is right on logits."""
    row = keras_metrics.row(metric)
    if row is None:
        return None
    if not metric.is_class:
        if row.kind == keras_metrics.ACCURACY:
            return "is BinaryAccuracy at a 0.5 threshold on a 1-unit output" if units == 1 else None
        return "thresholds at 0.5" if row.kind == keras_metrics.BINARY_ACCURACY else None
    if row.logits_keyword is None:
        return None
    given = metric.keyword(row.logits_keyword)
    if given is not None:
        if _is(given[0], row.logits_value):
            return None
        if not isinstance(given[0], (Const, Sequence)):
            return None  # a value kast cannot read
    if row.kind == keras_metrics.AUC:
        return "puts its thresholds in [0, 1] (no from_logits=True)"
    return f"thresholds at 0.5 (no {row.logits_keyword}=0)"


def _is(value: Value, wanted: object) -> bool:
    """`value` is the literal `wanted` (`thresholds=[0.0]` counts as 0)."""
    if isinstance(value, Sequence):
        return len(value.items) == 1 and _is(value.items[0], wanted)
    if isinstance(wanted, bool):
        return isinstance(value, Const) and value.value is wanted
    return const(value, (int, float)) == wanted


def _hint(metric: Metric) -> str:
    row = keras_metrics.row(metric)
    if not metric.is_class:
        return "Use keras.metrics.BinaryAccuracy(threshold=0.0) instead of the string."
    assert row is not None and row.logits_keyword is not None
    value = "True" if row.logits_value is True else "0.0"
    return f"Pass {row.logits_keyword}={value}: {metric.name}({row.logits_keyword}={value})."


def _fix(metric: Metric) -> FixPlan | None:
    row = keras_metrics.row(metric)
    if not metric.is_class or not metric.built_here or row is None or row.logits_keyword is None \
            or not isinstance(metric.node, cst.Call):
        return None
    value = "True" if row.logits_value is True else "0.0"
    replacements = edits.keyword_set(metric.node, row.logits_keyword, value)
    return FixPlan(f"pass {row.logits_keyword}={value}", True, replacements) if replacements else None

"""Keras metrics: what each one compares, and how compile() receives it.

A metric reaches compile as a string (`"accuracy"`), a function
(`keras.metrics.binary_accuracy`) or an instance (`keras.metrics.AUC()`); the
rows are by name, strings and classes side by side.
"""

from __future__ import annotations

from dataclasses import replace
from typing import NamedTuple

import libcst as cst

from kast.analysis.calls import Args, Callee, Context
from kast.analysis.dataflow import Data, PredictionUse
from kast.analysis.models import Metric
from kast.analysis.picture import KerasString
from kast.analysis.values import Const, Method, Ref, Value
from kast.libraries.keras.names import keras_member

# What a metric compares.
ACCURACY = "accuracy"  # 'accuracy': Keras picks binary / categorical / sparse accuracy from the loss
BINARY_ACCURACY = "binary_accuracy"  # thresholds the output (0.5 by default)
CATEGORICAL_ACCURACY = "categorical_accuracy"  # argmax of the output vs argmax of one-hot labels
SPARSE_ACCURACY = "sparse_categorical_accuracy"  # argmax of the output vs integer labels
EXACT = "exact"  # `Accuracy`: exact equality of output and label
THRESHOLD = "threshold"  # counts at thresholds (Precision, Recall, TruePositives ...): 0.5 by default
AUC = "auc"  # AUC over thresholds in [0, 1] unless from_logits=True
OTHER = "other"


class MetricRow(NamedTuple):
    kind: str
    classification: bool  # a classification metric (accuracy of some kind)
    logits_keyword: str | None = None  # the keyword that makes it right on logits (`threshold=0`, `from_logits=True`)
    logits_value: object = None  # ... and the value it needs


_ACCURACY = MetricRow(ACCURACY, True)

METRICS: dict[str, MetricRow] = {
    # strings and functions
    "accuracy": _ACCURACY,
    "acc": _ACCURACY,
    "binary_accuracy": MetricRow(BINARY_ACCURACY, True),
    "categorical_accuracy": MetricRow(CATEGORICAL_ACCURACY, True),
    "sparse_categorical_accuracy": MetricRow(SPARSE_ACCURACY, True),
    # classes
    "Accuracy": MetricRow(EXACT, True),
    "BinaryAccuracy": MetricRow(BINARY_ACCURACY, True, "threshold", 0),
    "CategoricalAccuracy": MetricRow(CATEGORICAL_ACCURACY, True),
    "SparseCategoricalAccuracy": MetricRow(SPARSE_ACCURACY, True),
    "AUC": MetricRow(AUC, False, "from_logits", True),
    **{name: MetricRow(THRESHOLD, False, "thresholds", 0)
       for name in ("Precision", "Recall", "TruePositives", "TrueNegatives", "FalsePositives", "FalseNegatives")},
}

CLASSIFICATION_STRINGS = frozenset(name for name, r in METRICS.items() if r.classification and name[:1].islower())
CLASSIFICATION_CLASSES = frozenset(name for name, r in METRICS.items() if r.classification and name[:1].isupper())


def row(metric: Metric) -> MetricRow | None:
    return METRICS.get(metric.name)


def as_metric(context: Context, value: Value, node: cst.CSTNode) -> Metric | None:
    """The Metric a compile `metrics=` item stands for; None when kast cannot tell."""
    if isinstance(value, Const) and isinstance(value.value, str):
        context.picture.keras_strings.append(KerasString("metric", value.value, node))
        return Metric(value.value, False, node)
    if isinstance(value, Metric):
        return replace(value, built_here=True) if node is value.node else value
    if isinstance(value, Ref):
        name = keras_member(value.qualname, "metrics") or keras_member(value.qualname, "losses")
        return Metric(name, False, node) if name else None
    return None


def make_metric(context: Context, name: str, args: Args, node: cst.Call) -> Value:
    """`keras.metrics.AUC()`: a metric object."""
    return Metric(name, True, node, tuple((key, value, arg) for key, (value, arg) in args.keywords.items()))


def resolve(qualname: str) -> Callee | None:
    """Metric classes under `keras.metrics`."""
    name = keras_member(qualname, "metrics")
    if name is not None and name[:1].isupper():
        return Callee(make_metric, name)
    return None


def update_state(context: Context, method: Method, args: Args, node: cst.Call) -> Value:
    """`metric.update_state(y_true, y_pred)`: the metric reads predictions."""
    predicted = args.get("y_pred", 1)
    if predicted is not None and isinstance(predicted[0], Data) and predicted[0].prediction is not None:
        context.picture.prediction_uses.append(PredictionUse(
            "update_state", predicted[0].prediction, predicted[1].value, metric=method.receiver))
    return Const(None)


METHODS = {Metric: {"update_state": update_state}}

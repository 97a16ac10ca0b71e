"""Small judgements over a compile call that several K4/K5 rules share.

These read the picture only (the compile's outputs, loss and metrics); they
derive nothing from syntax the picture has not already resolved.
"""

from __future__ import annotations

import libcst as cst

from kast.analysis.models import CompileCall, Loss, Metric
from kast.analysis.values import Known, Mapping, Sequence
from kast.libraries.keras import activations as keras_activations
from kast.libraries.keras import metrics as keras_metrics


def is_accuracy(metric: Metric) -> bool:
    """'accuracy' / 'acc' (Keras picks binary/categorical/sparse accuracy from the loss) or the
    exact-equality `Accuracy` class."""
    row = keras_metrics.row(metric)
    if row is None:
        return False
    return row.kind == (keras_metrics.EXACT if metric.is_class else keras_metrics.ACCURACY)


def is_any_accuracy(metric: Metric) -> bool:
    """Any accuracy flavour: 'accuracy', 'binary_accuracy', `CategoricalAccuracy()` ..."""
    if metric.is_class:
        return metric.name in keras_metrics.CLASSIFICATION_CLASSES
    return metric.name in keras_metrics.CLASSIFICATION_STRINGS


def losses(call: CompileCall) -> list[Loss]:
    """Every loss the compile states, whatever the outputs are."""
    loss = call.loss
    if isinstance(loss, Loss):
        return [loss]
    if isinstance(loss, Sequence):
        return [item for item in loss.items if isinstance(item, Loss)]
    if isinstance(loss, Mapping):
        return [item for _, item in loss.items if isinstance(item, Loss)]
    return []


def classifier_evidence(call: CompileCall) -> tuple[cst.CSTNode, str, str] | None:
    """Why this compile trains a classifier: (node, what it says, output kind).

    The output kind is "probabilities" for a sigmoid/softmax output or a
    probability loss with from_logits False, "logits" for from_logits True.
    None when nothing known says the model classifies.
    """
    for output in call.outputs or ():
        if isinstance(output.activation, Known) and output.activation.value in keras_activations.PROBABILITY:
            node = output.activation.node or output.node
            return node, f"{output.activation.value} output layer", "probabilities"
    for loss in losses(call):
        if loss.is_probability:
            if loss.from_logits == Known(True):
                return loss.node, f"'{loss.name}' loss with from_logits=True", "logits"
            if loss.from_logits == Known(False):
                return loss.node, f"'{loss.name}' loss", "probabilities"
    return None

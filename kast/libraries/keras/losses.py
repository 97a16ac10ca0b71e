"""Keras losses: one row per loss, with the strings, functions and classes that name it.

"Probability losses" (rules.md) expect probabilities unless built with
from_logits=True: binary/categorical/sparse crossentropy, the focal losses and
KL divergence.
"""

from __future__ import annotations

from typing import NamedTuple

import libcst as cst

from kast.analysis.calls import Args, Callee, Context
from kast.analysis.dataflow import Data
from kast.analysis.models import CompileCall, Loss, Tensor
from kast.analysis.picture import KerasString
from kast.analysis.values import UNKNOWN, UNKNOWN_VALUE, Const, Fact, Known, Mapping, Ref, Sequence, Value
from kast.libraries.keras.names import keras_member

BINARY = "binary"
CATEGORICAL = "categorical"
SPARSE = "sparse"
REGRESSION = "regression"
OTHER = "other"


class LossRow(NamedTuple):
    cls: str | None  # its class in keras.losses
    family: str  # BINARY, CATEGORICAL, SPARSE, REGRESSION or OTHER
    probability: bool  # expects probabilities unless from_logits=True
    from_logits: bool  # the class takes from_logits
    from_logits_first: bool = False  # ... as its first positional parameter
    names: tuple[str, ...] = ()  # other strings and function names compile() accepts for it


LOSSES: dict[str, LossRow] = {
    "binary_crossentropy": LossRow("BinaryCrossentropy", BINARY, True, True, True, ("bce", "BCE")),
    "categorical_crossentropy": LossRow("CategoricalCrossentropy", CATEGORICAL, True, True, True),
    "sparse_categorical_crossentropy": LossRow("SparseCategoricalCrossentropy", SPARSE, True, True, True),
    "binary_focal_crossentropy": LossRow("BinaryFocalCrossentropy", BINARY, True, True),
    "categorical_focal_crossentropy": LossRow("CategoricalFocalCrossentropy", CATEGORICAL, True, True),
    "kl_divergence": LossRow("KLDivergence", OTHER, True, False, False,
                             ("kld", "KLD", "kullback_leibler_divergence")),
    "mean_squared_error": LossRow("MeanSquaredError", REGRESSION, False, False, False, ("mse", "MSE")),
    "mean_absolute_error": LossRow("MeanAbsoluteError", REGRESSION, False, False, False, ("mae", "MAE")),
    "mean_absolute_percentage_error": LossRow("MeanAbsolutePercentageError", REGRESSION, False, False, False,
                                              ("mape", "MAPE")),
    "mean_squared_logarithmic_error": LossRow("MeanSquaredLogarithmicError", REGRESSION, False, False, False,
                                              ("msle", "MSLE")),
    "huber": LossRow("Huber", REGRESSION, False, False, False, ("huber_loss",)),
    "log_cosh": LossRow("LogCosh", REGRESSION, False, False, False, ("logcosh",)),
    "hinge": LossRow("Hinge", OTHER, False, False),
    "squared_hinge": LossRow("SquaredHinge", OTHER, False, False),
    "categorical_hinge": LossRow("CategoricalHinge", OTHER, False, False),
    "poisson": LossRow("Poisson", OTHER, False, False),
    "cosine_similarity": LossRow("CosineSimilarity", OTHER, False, False),
}

PROBABILITY = frozenset(name for name, r in LOSSES.items() if r.probability)
# The probability losses whose class takes from_logits=True (KLDivergence does not).
LOGITS = frozenset(name for name, r in LOSSES.items() if r.probability and r.from_logits)
BINARY_LOSSES = frozenset(name for name, r in LOSSES.items() if r.family == BINARY)
CATEGORICAL_LOSSES = frozenset(name for name, r in LOSSES.items() if r.family == CATEGORICAL)
SPARSE_LOSSES = frozenset(name for name, r in LOSSES.items() if r.family == SPARSE)
REGRESSION_LOSSES = frozenset(name for name, r in LOSSES.items() if r.family == REGRESSION)

_BY_STRING = {alias: name for name, r in LOSSES.items() for alias in (name, *r.names)}
_BY_CLASS = {r.cls: name for name, r in LOSSES.items() if r.cls}


def class_name(name: str) -> str | None:
    """The keras.losses class of a canonical loss (`binary_crossentropy` -> `BinaryCrossentropy`)."""
    spec = LOSSES.get(name)
    return spec.cls if spec is not None else None


def from_string(text: str) -> str | None:
    """The canonical loss a string names (compile accepts function and class names)."""
    return _BY_STRING.get(text) or _BY_CLASS.get(text)


def from_function(qualname: str) -> str | None:
    """Canonical loss of a function reference such as `keras.losses.binary_crossentropy`."""
    name = keras_member(qualname, "losses") or keras_member(qualname, "metrics")
    return _BY_STRING.get(name) if name else None


def made(name: str, from_logits: Fact[bool], node: cst.CSTNode) -> Loss:
    return Loss(name, from_logits, node, name in PROBABILITY)


def make_loss(context: Context, name: str, args: Args, node: cst.Call) -> Value:
    """`BinaryCrossentropy(from_logits=True)`: a loss object."""
    position = 0 if LOSSES[name].from_logits_first else None
    return made(name, read_from_logits(args, position, node), node)


def read_from_logits(args: Args, position: int | None, node: cst.Call) -> Fact[bool]:
    """What a call's `from_logits=` says: False when left out, unknown when not a literal."""
    item = args.get("from_logits", position)
    if item is None:
        return UNKNOWN if args.starred else Known(False, node)
    if isinstance(item[0], Const) and isinstance(item[0].value, bool):
        return Known(item[0].value, item[1])
    return UNKNOWN


def as_loss(context: Context, value: Value, node: cst.CSTNode) -> Value:
    """The Loss a compile `loss=` value stands for (per output for a list or dict)."""
    if isinstance(value, Loss):
        return value
    if isinstance(value, Const) and isinstance(value.value, str):
        context.picture.keras_strings.append(KerasString("loss", value.value, value.node or node))
        name = from_string(value.value)
        return made(name, Known(False, node), value.node or node) if name else UNKNOWN_VALUE
    if isinstance(value, Ref):
        name = from_function(value.qualname)
        return made(name, Known(False, node), node) if name else UNKNOWN_VALUE
    if isinstance(value, Sequence):
        return Sequence(tuple(as_loss(context, v, v.node if isinstance(v, (Const, Loss)) and v.node else node)
                              for v in value.items), value.node)
    if isinstance(value, Mapping):
        return Mapping(tuple((k, as_loss(context, v, v.node if isinstance(v, (Const, Loss)) and v.node else node))
                             for k, v in value.items), value.node)
    return UNKNOWN_VALUE


def trains(context: Context, loss: Loss, predicted: Value, node: cst.Call) -> None:
    """`loss(y, model(x))` in a training loop: the loss pairs with the model that made the output."""
    model = predicted.prediction.model if isinstance(predicted, Data) and predicted.prediction is not None \
        else predicted.model if isinstance(predicted, Tensor) else None
    if model is None or any(call.loss is loss for call in model.compiles):
        return
    call = CompileCall(node=node, model=model, outputs=model.output_layers(), loss=loss, loss_node=loss.node,
                       metrics=(), metrics_node=None, metrics_complete=False, optimizer=UNKNOWN_VALUE,
                       in_loop=True)
    model.compiles.append(call)
    context.picture.compiles.append(call)


def call_loss(context: Context, loss: Loss, args: Args, node: cst.Call) -> Value:
    """`loss_fn(y_true, y_pred)`."""
    predicted = args.value("y_pred", 1)
    if predicted is not None:
        trains(context, loss, predicted, node)
    return UNKNOWN_VALUE


def call_loss_function(context: Context, name: str, args: Args, node: cst.Call) -> Value:
    """`keras.losses.binary_crossentropy(y_true, y_pred, from_logits=...)`."""
    predicted = args.value("y_pred", 1)
    if predicted is None:
        return UNKNOWN_VALUE
    trains(context, made(name, read_from_logits(args, 2, node), node), predicted, node)
    return UNKNOWN_VALUE


def resolve(qualname: str) -> Callee | None:
    """Loss classes under `keras.losses`, and its loss functions called on a model's output."""
    name = keras_member(qualname, "losses")
    if name is None:
        return None
    loss = _BY_CLASS.get(name)
    if loss is not None:
        return Callee(make_loss, loss)
    function = _BY_STRING.get(name) if name[:1].islower() else None
    return Callee(call_loss_function, function) if function is not None and LOSSES[function].from_logits else None


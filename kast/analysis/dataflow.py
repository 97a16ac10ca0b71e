"""Data values and their lineage: splits, fitted preprocessing, labels, predictions.

A `Data` value is an array-like the script computes (features, labels,
predictions).  It carries what kast knows of where it came from; every field is
optional, and an operation kast does not understand yields UNKNOWN_VALUE.  The
interpreter records the events rules judge (`FitEvent`, `Split`, `Inference`,
`PredictionUse`) on the picture, in statement order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, NamedTuple

import libcst as cst

from kast.analysis.models import PREPROCESSING, Layer
from kast.analysis.values import UNKNOWN, Fact, Value

if TYPE_CHECKING:
    from kast.analysis.models import Model, OutputLayer


class Labels(NamedTuple):
    """Class labels in a known encoding.

    `encoding` is "onehot" (one column per class) or "integer" (one class id per
    row); `classes` is the number of classes where the script states it.
    """

    encoding: str
    node: cst.CSTNode
    classes: Fact[int] = UNKNOWN


class Transform(NamedTuple):
    """A fitted preprocessing object applied to the data (`scaler.transform(X)`)."""

    estimator: Value  # Estimator, or a Keras preprocessing Layer
    node: cst.CSTNode


class Prediction(NamedTuple):
    """What model.predict() returned, and what the script did with it since.

    `post` is "raw" (probabilities or logits as the model outputs them),
    "thresholded", "argmax", "rounded" or "cast"; `flattened` once the output
    axis is gone (ravel, flatten, squeeze, reshape(-1)).
    """

    model: "Model"
    outputs: "tuple[OutputLayer, ...] | None"
    from_logits: bool | None
    node: cst.CSTNode
    post: str = "raw"
    flattened: bool = False

    @property
    def output(self) -> "OutputLayer | None":
        return self.outputs[0] if self.outputs is not None and len(self.outputs) == 1 else None


@dataclass(frozen=True, slots=True, eq=False)
class Data(Value):
    """An array-like value with what kast knows of its lineage."""

    node: cst.CSTNode | None
    labels: Labels | None = None
    role: str | None = None  # "train" | "validation" | "test"
    role_node: cst.CSTNode | None = None  # the split or the name that gave the role
    origin: cst.CSTNode | None = None  # where the lineage starts (a load, a split input)
    transforms: tuple[Transform, ...] = ()
    prediction: Prediction | None = None
    resampled: cst.CSTNode | None = None  # over-sampled here while still whole
    contains_test: cst.CSTNode | None = None  # test rows concatenated in here

    def derived(self, node: cst.CSTNode, **changes: object) -> "Data":
        """The same lineage, produced at `node` (a copy, slice, reshape ...)."""
        return replace(self, node=node, **changes)  # type: ignore[arg-type]

    @property
    def lineage(self) -> tuple[object, ...]:
        """Values with the same lineage hold the same rows, preprocessed the same way."""
        return (id(self.origin), self.role, tuple(id(t.estimator) for t in self.transforms))


@dataclass(eq=False)
class Estimator(Value):
    """An object with fit/transform: a scikit-learn preprocessor, encoder, resampler or Tokenizer.

    Its facts come from the library row of its class (`kast.libraries`).
    """

    qualname: str
    node: cst.CSTNode
    kind: str | None  # "scaler", "encoder", "imputer", "vectorizer", "tokenizer", "resampler", "pipeline" ...
    fitted_on: list[Value] = field(default_factory=list)
    learns: str | None = None  # what fit() learns from the data: "statistics", "vocabulary", "nothing"
    labels: str | None = None  # the label encoding its transform() output is ("integer", "onehot")
    sampling: str | None = None  # resamplers: "over" or "under"


class FitEvent(NamedTuple):
    """`obj.fit(X)`, `fit_transform(X)`, `fit_on_texts(X)` or `layer.adapt(X)`."""

    estimator: Value
    data: Value
    node: cst.Call
    data_node: cst.CSTNode
    order: int


class Split(NamedTuple):
    """A train/test split and the values it split."""

    node: cst.Call
    inputs: tuple[Value, ...]
    order: int


class Inference(NamedTuple):
    """`model.predict(x)`, `model.evaluate(x, y)` or `model(x)`."""

    model: "Model"
    method: str
    x: Value
    x_node: cst.CSTNode | None
    node: cst.Call


class PredictionUse(NamedTuple):
    """Something done to a prediction: threshold, round, argmax, a label metric, `==`."""

    kind: str  # "threshold" | "round" | "argmax" | "label_metric" | "equality" | "update_state"
    prediction: Prediction
    node: cst.CSTNode
    threshold: float | None = None
    axis: int | None = None
    detail: str = ""
    metric: Value | None = None


# ------------------------------------------------------------ what things are

# Feature preprocessors whose statistics leak when fit before the split (K202).
FEATURE_PREPROCESSORS = frozenset({"scaler", "imputer", "decomposition", "selector", "vectorizer", "tokenizer",
                                   "pipeline", "keras_preprocessing"})

_ROLE_PATTERNS = (
    ("test", re.compile(r"(?:^|_)(?:test|testing|tst|te|holdout|hold_out|heldout)(?:_|$|\d)", re.IGNORECASE)),
    ("validation", re.compile(r"(?:^|_)(?:val|valid|validation|dev)(?:_|$|\d)", re.IGNORECASE)),
    ("train", re.compile(r"(?:^|_)(?:train|training|tr|trn)(?:_|$|\d)", re.IGNORECASE)),
)


def role_from_name(name: str) -> str | None:
    """The data role a variable name states: X_test, test_df, x_val, valid_ds, holdout, X_train ..."""
    roles = [role for role, pattern in _ROLE_PATTERNS if pattern.search(name)]
    # X_train_val and the like name a union of parts: no single role.
    return roles[0] if len(roles) == 1 else None


def fitted_kind(value: Value) -> str | None:
    """The preprocessing kind of a fitted object: an Estimator's, or a Keras preprocessing layer's."""
    if isinstance(value, Estimator):
        return value.kind
    if isinstance(value, Layer) and value.role == PREPROCESSING:
        return "keras_preprocessing"
    return None


def describe_role(data: Data) -> str:
    return {"test": "test data", "validation": "validation data", "train": "training data"}.get(data.role or "", "data")

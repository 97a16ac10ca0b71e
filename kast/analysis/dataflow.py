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
    part_of: "Data | None" = None  # the whole these rows were sliced from (`X[:n]`), before any split
    column: str | None = None  # the one named column these values are (`df["label"]`)
    columns: tuple[tuple[str, Value], ...] = ()  # columns written into a frame (`df["x"] = ...`)
    parts: tuple[Value, ...] = ()  # each element is a tuple of these (a dataset of (x, y) pairs)
    sample: bool = False  # one element of a data set (a row, an image) taken in a loop over it

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
    transformed: list[Value] = field(default_factory=list)  # what its transform() was applied to
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


@dataclass(frozen=True, slots=True, eq=False)
class RowIndex(Value):
    """Row positions of one part of a split (`train_idx` of `KFold.split`)."""

    role: str
    node: cst.CSTNode


@dataclass(frozen=True, slots=True, eq=False)
class Folds(Value):
    """What a cross-validation splitter's `split()` returns: (train rows, held-out rows) per fold."""

    node: cst.CSTNode


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

# Words that name a part of the data, as whole words of a variable name.
_ROLE_WORDS = {
    "test": "test", "testing": "test", "tst": "test", "te": "test", "holdout": "test", "heldout": "test",
    "val": "validation", "valid": "validation", "validation": "validation", "dev": "validation",
    "train": "train", "training": "train", "tr": "train", "trn": "train",
}
# ... and glued to an x/y (`Xtest`, `testX`, `ytr`): the long words, and the short ones after x/y.
_GLUED = re.compile(r"^(?:[xy](test|testing|train|training|val|valid|validation|te|tr|tst|trn)"
                    r"|(test|testing|train|training|val|valid|validation)[xy])$")
_WORDS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")


def _name_words(name: str) -> list[str]:
    """`X_test` -> [x, test]; `testX` -> [test, x]; `XTrain` -> [x, train]; `Xtest` -> [xtest]."""
    words: list[str] = []
    for chunk in re.split(r"[_\d]+", name):
        words.extend(word.lower() for word in _WORDS.findall(chunk))
    return words


def role_from_name(name: str) -> str | None:
    """The data role a variable name states: X_test, test_df, x_val, valid_ds, holdout, Xtest, trainX ..."""
    words = _name_words(name)
    roles = set()
    for index, word in enumerate(words):
        role = _ROLE_WORDS.get(word)
        if role is None:
            glued = _GLUED.match(word)
            role = _ROLE_WORDS[glued.group(1) or glued.group(2)] if glued else None
        if role is None and word == "hold" and words[index + 1:index + 2] == ["out"]:
            role = "test"
        if role is not None:
            roles.add(role)
    # X_train_val and the like name a union of parts: no single role.
    return roles.pop() if len(roles) == 1 else None


def fitted_kind(value: Value) -> str | None:
    """The preprocessing kind of a fitted object: an Estimator's, or a Keras preprocessing layer's."""
    if isinstance(value, Estimator):
        return value.kind
    if isinstance(value, Layer) and value.role == PREPROCESSING:
        return "keras_preprocessing"
    return None


def same_class(a: Value, b: Value) -> bool:
    """Two fitted objects of one class (two StandardScalers, two Normalization layers)."""
    if isinstance(a, Estimator) and isinstance(b, Estimator):
        return a.qualname == b.qualname
    if isinstance(a, Layer) and isinstance(b, Layer):
        return a.kind == b.kind
    return False


def learns_from_data(value: Value) -> bool:
    """False for a preprocessor whose fit() learns nothing from the data (`PolynomialFeatures`, `Normalizer`)."""
    if isinstance(value, Estimator):
        return value.learns != "nothing"
    return fitted_kind(value) is not None


def describe_role(data: Data) -> str:
    return {"test": "test data", "validation": "validation data", "train": "training data"}.get(data.role or "", "data")

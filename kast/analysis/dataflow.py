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
from functools import lru_cache
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
    source: "Value | None" = None  # what was predicted on (a data set, a pipeline, a batch)

    @property
    def output(self) -> "OutputLayer | None":
        return self.outputs[0] if self.outputs is not None and len(self.outputs) == 1 else None


class Fixed(NamedTuple):
    """A fact set at one place in the script: a fixed scaling, a channel order, a row order."""

    value: str
    node: cst.CSTNode
    key: str | None = None  # a row order: the column sorted by


# Fixed scalings of pixel values (`Data.scale`).
RAW = "raw"  # pixel values as loaded, 0-255
UNIT = "unit"  # divided by 255: [0, 1]
CENTERED = "centered"  # [-1, 1] (/127.5 - 1, Rescaling(1/127.5, offset=-1), preprocess_input "tf")
L2 = "l2"  # keras.utils.normalize: rows of unit norm
# ... and the keras.applications preprocessing modes: "caffe", "tf", "torch"; "none" for the identity.


@dataclass(frozen=True, slots=True, eq=False)
class Pipeline(Value):
    """An input pipeline's row order and augmentation: a generator's flow, a directory loader, tf.data.

    Batching and prefetching keep it; `.shuffle()`, `.cache()` and `.map()` make a new one.
    """

    root: cst.CSTNode  # where the rows come from (the loader call, `from_tensor_slices`)
    shuffle: cst.CSTNode | None = None  # the step that shuffles the rows (None: file or array order)
    reshuffles: bool = False  # a new order on every pass (no `.cache()` after the shuffle)
    shuffle_known: bool = True  # False when `shuffle=` is not a literal
    augment: cst.CSTNode | None = None  # random augmentation applied to the rows
    subset: str | None = None  # "training" / "validation" subset of a loader


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
    scale: Fixed | None = None  # a fixed scaling of its values (RAW pixels, UNIT, ...), where it was set
    channels: Fixed | None = None  # the channel order of images: "rgb", "bgr" or "gray"
    pipeline: Pipeline | None = None  # an input pipeline it is (a generator's flow, a dataset)
    pass_of: Pipeline | None = None  # taken in a pass over this pipeline (`for x, y in ds`)
    listing: Pipeline | None = None  # labels listed in this pipeline's file order (`generator.classes`)
    order: Fixed | None = None  # "grouped" (class blocks, sorted) or "shuffled" row order
    windows: Fixed | None = None  # overlapping windows over one series (value "overlapping")
    augmented: cst.CSTNode | None = None  # randomly augmented here (a random layer with training=True)

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
    shuffles: bool | None = None  # splitters: they draw rows at random (None: not a literal)
    groups: bool = False  # splitters that keep groups or time order together


class FitEvent(NamedTuple):
    """`obj.fit(X)`, `fit_transform(X)`, `fit_on_texts(X)` or `layer.adapt(X)`."""

    estimator: Value
    data: Value
    node: cst.Call
    data_node: cst.CSTNode
    order: int


@dataclass(frozen=True, slots=True, eq=False)
class RowIndex(Value):
    """Row positions: one part of a split (`train_idx` of `KFold.split`), or a permutation (role None)."""

    role: str | None
    node: cst.CSTNode
    order: str | None = None  # a permutation: "shuffled" (`np.random.permutation`) or "grouped" (`argsort`)


@dataclass(frozen=True, slots=True, eq=False)
class Collection(Value):
    """A list the script fills with `append`/`extend` in a loop: what it holds, and in which order.

    `element` is the value appended (a row, an image); `order` is "grouped"
    when the appended values come in blocks (the class of an outer loop over
    class folders, a constant per loop).
    """

    element: Value
    node: cst.CSTNode
    order: "Fixed | None" = None


@dataclass(frozen=True, slots=True, eq=False)
class Keys(Value):
    """Values that become the keys of a dict (`dict(zip(keys, weights))`): what kind of keys they are.

    `kind` is "str" (class names: `generator.class_indices.keys()`, a list of
    strings) or "int" (class indices: `range(n)`, `enumerate(...)`,
    `np.unique` of integer labels).
    """

    kind: str
    node: cst.CSTNode | None


@dataclass(frozen=True, slots=True, eq=False)
class KeyedDict(Value):
    """A dict built from keys of a known kind (`dict(zip(class_names, weights))`, `dict(enumerate(w))`)."""

    kind: str  # "str" or "int", as Keys
    node: cst.CSTNode


@dataclass(frozen=True, slots=True, eq=False)
class Generator(Value):
    """A Keras `ImageDataGenerator`: the scaling and augmentation its flows apply."""

    node: cst.CSTNode
    scale: "Fixed | None"  # rescale= or preprocessing_function=, or RAW when neither is given
    augment: cst.CSTNode | None  # a random augmentation argument (rotation_range=, horizontal_flip=True ...)
    scale_known: bool = True  # False when rescale= or preprocessing_function= is something kast cannot read


@dataclass(frozen=True, slots=True, eq=False)
class Folds(Value):
    """What a cross-validation splitter's `split()` returns: (train rows, held-out rows) per fold."""

    node: cst.CSTNode


class Split(NamedTuple):
    """A train/test split and the values it split."""

    node: cst.Call
    inputs: tuple[Value, ...]
    order: int
    shuffles: bool | None = None  # it draws rows at random (None: kast cannot tell)
    groups: bool = False  # it keeps groups together (GroupKFold, TimeSeriesSplit keeps time order)


class Inference(NamedTuple):
    """`model.predict(x)`, `model.evaluate(x, y)` or `model(x)`."""

    model: "Model"
    method: str
    x: Value
    x_node: cst.CSTNode | None
    node: cst.Call
    repeated: bool = False  # inside a loop, a branch or a comprehension: it may run many times


class PredictionUse(NamedTuple):
    """Something done to a prediction: threshold, round, argmax, a label metric, `==`."""

    kind: str  # "threshold" | "round" | "argmax" | "label_metric" | "equality" | "update_state"
    prediction: Prediction
    node: cst.CSTNode
    threshold: float | None = None
    axis: int | None = None
    detail: str = ""
    metric: Value | None = None
    other: Value | None = None  # what the prediction is compared with (the labels of a metric, `==`)


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


@lru_cache(maxsize=4096)
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

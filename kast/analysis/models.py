"""Keras models as the script builds them, and the facts about their output layer.

`Model` is mutable while the script is walked (`model.add(...)` appends); rules
read `Model.output_layers()` and the snapshots taken at each `compile` call.

Every layer carries its role, read from the library tables
(`kast.libraries.keras.layers`) when it is made; the output layer is found by
walking the model's last layers by role.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

import libcst as cst

from kast.analysis.values import UNKNOWN, Fact, Known, Value

# What a layer does to the values that flow through it.
WIDTH = "width"  # sets the output width (Dense, convolutions, recurrent layers); may apply an activation
ACTIVATION = "activation"  # applies an activation and nothing else (Activation, Softmax, ReLU)
IDENTITY = "identity"  # leaves the values as they are at inference (Dropout, noise, Identity)
RESHAPE = "reshape"  # the same values in another shape (Flatten, Reshape, Permute)
POOL = "pool"  # pools over positions, keeping the channels (GlobalAveragePooling2D, MaxPooling2D)
NORMALIZATION = "normalization"  # an affine map per unit learnt in training (BatchNormalization)
INPUT = "input"  # marks the input of a Sequential model
WRAPPER = "wrapper"  # applies the layer it wraps (TimeDistributed)
PREPROCESSING = "preprocessing"  # learns from data with adapt() (Normalization, TextVectorization)
FIXED = "fixed"  # a fixed transform of the input (Rescaling, Resizing)
AUGMENTATION = "augmentation"  # random augmentation while training (RandomFlip, RandomRotation)
OTHER = "other"  # anything else: the values change in ways kast does not follow

@dataclass(frozen=True, slots=True, eq=False)
class Layer(Value):
    """A Keras layer object: `Dense(1, activation="sigmoid")`."""

    kind: str  # canonical class name (`Dense`, `Activation`, `Softmax`, ...)
    node: cst.Call
    units: Fact[int] = UNKNOWN
    activation: Fact[str] = UNKNOWN  # canonical activation name; "linear" when absent
    name: Fact[str] = UNKNOWN
    inner: "Layer | None" = None  # the wrapped layer of TimeDistributed
    role: str = OTHER
    scale: str | None = None  # FIXED layers that scale the values: the scaling ("unit" for Rescaling(1/255), "unknown")
    augments: bool = False  # AUGMENTATION layers called with training=True; preprocessing models of them
    needs_adapt: bool = False  # a preprocessing layer built without its statistics (Normalization() with no mean=)

    @property
    def effective(self) -> "Layer":
        """The layer that acts: the wrapped one for TimeDistributed."""
        return self.inner if self.role == WRAPPER and self.inner is not None else self


@dataclass(frozen=True, slots=True, eq=False)
class Tensor(Value):
    """A symbolic tensor of the functional API.

    `layer` is the layer that produced it; None for a model input or the output
    of something kast does not model (then `opaque` is True).
    """

    node: cst.CSTNode
    layer: Layer | None = None
    source: Value | None = None  # the tensor the layer was applied to (single input)
    opaque: bool = False
    model: "Model | None" = None  # the model whose call made it (`model(x)` in a training loop)
    sources: tuple[Value, ...] = ()  # all the tensors a merge layer was applied to (Concatenate, Add)


class OutputLayer(NamedTuple):
    """What a model's output looks like: width and final activation.

    `node` is the layer call that sets the width (the `Dense(...)`), used as the
    primary location of findings; `activation.node` points at where the activation
    is stated (the keyword, the `Activation(...)` layer, or the layer call itself
    when the default applies).
    """

    node: cst.CSTNode
    units: Fact[int]
    activation: Fact[str]
    name: Fact[str]
    # Layers that follow the activated layer (Dropout after softmax, ...).
    trailing: tuple[Layer, ...] = ()


class SequentialEntry(NamedTuple):
    layer: Value
    node: cst.CSTNode
    conditional: bool  # added inside a branch or a loop


@dataclass(eq=False)
class Model(Value):
    """A Keras model object: Sequential, functional, subclassed or loaded."""

    kind: str  # "sequential" | "functional" | "subclassed" | "loaded" | "application"
    node: cst.CSTNode
    entries: list[SequentialEntry] = field(default_factory=list)
    outputs: tuple[Value, ...] | None = None  # functional / subclassed: output tensors
    complete: bool = True  # False when the layers are not all visible
    fixed_output: tuple[OutputLayer, ...] | None = None  # e.g. a keras.applications top
    compiles: list["CompileCall"] = field(default_factory=list)
    fits: list["FitCall"] = field(default_factory=list)
    overrides: frozenset[str] = frozenset()  # methods a user-defined subclass defines itself (`predict`)
    instance: Value | None = None  # a subclass: the script's own object, with its attributes and methods
    pretrained: "Pretrained | None" = None  # a keras.applications model
    inputs: tuple[Value, ...] | None = None  # functional: the input tensors it was built from
    feed: Value | None = None  # keras.applications: the tensor passed as input_tensor= or called on

    def all_layers(self) -> list[Layer]:
        """Every layer kast sees in the model: its Sequential entries, or those its outputs are made of."""
        found: list[Layer] = []
        seen: set[int] = set()
        stack: list[Value] = [entry.layer for entry in self.entries] + list(self.outputs or ())
        while stack and len(seen) < 10_000:
            value = stack.pop()
            if id(value) in seen:
                continue
            seen.add(id(value))
            if isinstance(value, Layer):
                found.append(value)
                if value.inner is not None:
                    stack.append(value.inner)
            elif isinstance(value, Tensor):
                stack.extend(v for v in (value.layer, value.source, value.model, *value.sources) if v is not None)
            elif isinstance(value, Model) and value is not self:
                stack.extend([entry.layer for entry in value.entries] + list(value.outputs or ()))
        return found

    def output_layers(self) -> tuple[OutputLayer, ...] | None:
        """The output layers, one per model output; None when kast cannot see them."""
        if self.fixed_output is not None:
            return self.fixed_output
        if not self.complete:
            return None
        if self.kind == "sequential":
            return _sequential_output(self.entries)
        if self.outputs is not None:
            result = []
            for out in self.outputs:
                layer = _tensor_output(out)
                if layer is None:
                    return None
                result.append(layer)
            return tuple(result)
        return None


def _output_from_chain(chain: list[Layer]) -> OutputLayer | None:
    """Output facts from layers listed last first, e.g. [Dropout, Softmax, Dense, ...].

    Layers that keep the values (Dropout, an identity Activation, a dtype cast),
    reshape them (Flatten, Reshape) or pool over positions keep the activation
    of the layer before them; a normalisation between the width-setting layer
    and its Activation layer keeps the width.  None when no width-setting layer
    is reached through layers kast understands.
    """
    activation: Fact[str] | None = None
    trailing: list[Layer] = []
    reshaped = False  # a reshape after the width-setting layer: its width is no longer the output's
    width: Fact[int] = UNKNOWN
    for listed in chain:
        layer = listed.effective
        role = layer.role
        if role == ACTIVATION and isinstance(layer.activation, Known) and layer.activation.value == "linear":
            role = IDENTITY  # Activation("linear"), the mixed-precision float32 cast
        if role == IDENTITY:
            if activation is None:
                trailing.append(layer)
            continue
        if role == ACTIVATION:
            if activation is None:
                activation = layer.activation if isinstance(layer.activation, Known) else UNKNOWN
            continue
        if role == RESHAPE:
            if not reshaped:
                width = layer.units  # Reshape((n,)) states its width
            reshaped = True
            continue
        if role == POOL:
            continue  # pooling keeps the channels and the range of the values
        if role == NORMALIZATION and activation is not None:
            continue  # Dense -> BatchNormalization -> Activation
        if role == WIDTH:
            if activation is None:
                activation = layer.activation
            return OutputLayer(
                node=layer.node,
                units=width if reshaped else layer.units,
                activation=activation,
                name=chain[0].name,
                trailing=tuple(trailing),
            )
        # A layer kast does not model sits between the output and the width.
        return None
    return None


def _sequential_output(entries: list[SequentialEntry]) -> tuple[OutputLayer, ...] | None:
    chain: list[Layer] = []
    for entry in reversed(entries):
        if entry.conditional or not isinstance(entry.layer, Layer):
            return None
        if entry.layer.role == INPUT:
            break
        chain.append(entry.layer)
        if entry.layer.effective.role == WIDTH:
            break
    out = _output_from_chain(chain)
    return (out,) if out is not None else None


def _tensor_output(value: Value) -> OutputLayer | None:
    chain: list[Layer] = []
    current: Value | None = value
    for _ in range(1000):
        if not isinstance(current, Tensor) or current.layer is None:
            break
        chain.append(current.layer)
        if current.layer.effective.role == WIDTH:
            break
        current = current.source
    return _output_from_chain(chain)


# --------------------------------------------------------------------- losses


@dataclass(frozen=True, slots=True, eq=False)
class Loss(Value):
    """A Keras loss: `"bce"`, `keras.losses.binary_crossentropy` or `BinaryCrossentropy(...)`."""

    name: str  # canonical loss name (kast.libraries.keras.losses)
    from_logits: Fact[bool]
    node: cst.CSTNode
    probability: bool = False  # a probability loss (crossentropy, focal, KL divergence)

    @property
    def is_probability(self) -> bool:
        return self.probability


def keyword_of(keywords: tuple[tuple[str, Value, cst.Arg], ...], name: str) -> tuple[Value, cst.Arg] | None:
    """(value, argument) of keyword `name` among a call's evaluated `keywords`, or None."""
    for keyword, value, arg in keywords:
        if keyword == name:
            return value, arg
    return None


@dataclass(frozen=True, slots=True, eq=False)
class Metric(Value):
    """A metric as compile receives it: a string, a function or a class instance."""

    name: str  # the string, or the class / function name
    is_class: bool
    node: cst.CSTNode
    keywords: tuple[tuple[str, Value, cst.Arg], ...] = ()  # an instance: its keyword arguments, evaluated
    built_here: bool = False  # an instance built in the compile call itself (`metrics=[AUC()]`)

    def keyword(self, name: str) -> tuple[Value, cst.Arg] | None:
        return keyword_of(self.keywords, name)


@dataclass(frozen=True, slots=True, eq=False)
class Optimizer(Value):
    """A Keras optimizer object: `Adam(learning_rate=...)`."""

    name: str  # canonical qualified name
    node: cst.Call
    keywords: tuple[tuple[str, Value, cst.Arg], ...] = ()  # the keyword arguments, evaluated

    def keyword(self, name: str) -> tuple[Value, cst.Arg] | None:
        return keyword_of(self.keywords, name)


class Pretrained(NamedTuple):
    """A keras.applications model with pretrained weights, and the input its family expects."""

    name: str  # the constructor, `EfficientNetB0`
    module: str  # its module, `efficientnet`
    mode: str  # what its module's preprocess_input does: "caffe", "tf", "torch" or "none" (the identity)
    internal: bool  # it rescales inside the network and expects 0-255 pixels
    node: cst.CSTNode


@dataclass(frozen=True, slots=True, eq=False)
class ApplicationInput(Value):
    """`base.input`: the input of a keras.applications model, used as another model's input."""

    model: "Model"


@dataclass(frozen=True, slots=True, eq=False)
class Callback(Value):
    """A Keras training callback: `EarlyStopping(...)`, `ModelCheckpoint(...)`."""

    name: str  # its class name
    node: cst.Call
    selects_on_validation: bool  # it keeps or restores the weights that scored best on the validation data
    stops_on_validation: bool  # it stops training when the validation score stops improving


class CompileCall(NamedTuple):
    """One `model.compile(...)` with the model's output as it was at that point."""

    node: cst.Call
    model: Model
    outputs: tuple[OutputLayer, ...] | None
    loss: Value  # Loss, Sequence (per output), Mapping (by output name) or unknown
    loss_node: cst.CSTNode | None
    metrics: tuple[Metric, ...]
    metrics_node: cst.CSTNode | None
    metrics_complete: bool  # every metric passed was resolved (none unknown, no starred items)
    optimizer: Value
    in_loop: bool = False  # not compile(): a loss called on the model's output in a training loop

    def loss_per_output(self) -> list[tuple[OutputLayer, Loss]]:
        """(output, loss) pairs where both are known; an unresolved mapping gives none."""
        if self.outputs is None:
            return []
        from kast.analysis.values import Mapping, Sequence

        loss = self.loss
        if isinstance(loss, Loss):
            return [(out, loss) for out in self.outputs]
        if isinstance(loss, Sequence):
            if len(loss.items) != len(self.outputs):
                return []
            return [(out, item) for out, item in zip(self.outputs, loss.items) if isinstance(item, Loss)]
        if isinstance(loss, Mapping):
            if len(self.outputs) == 1 and len(loss.items) == 1:
                item = loss.items[0][1]
                return [(self.outputs[0], item)] if isinstance(item, Loss) else []
            pairs = []
            for out in self.outputs:
                if not isinstance(out.name, Known):
                    continue
                item = loss.get(out.name.value)
                if isinstance(item, Loss):
                    pairs.append((out, item))
            return pairs
        return []


class FitCall(NamedTuple):
    """One `model.fit(...)`: what it trains on."""

    node: cst.Call
    model: Model
    x: Value
    y: Value
    validation_data: Value | None
    compile: CompileCall | None  # the compile in force when fit() runs
    callbacks: tuple[Value, ...] | None = None  # the callbacks passed (None when kast cannot list them)
    validation_split: Value | None = None  # the validation_split= argument
    class_weight: Value | None = None  # the class_weight= argument

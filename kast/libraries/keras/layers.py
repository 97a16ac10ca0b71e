"""Keras layers: one row per layer class, by its canonical name under `keras.layers`.

A row says the layer's role (`kast.analysis.models`: sets the width, applies an
activation, leaves the values as they are, ...), where its width and its
activation are stated, and for preprocessing layers what they learn from the
data in `adapt()`.  Teaching kast a layer is one row here.
"""

from __future__ import annotations

from typing import NamedTuple

import libcst as cst

from kast.analysis import lineage
from kast.analysis.calls import Args, Callee, Context, bool_of, const, int_fact
from kast.analysis.dataflow import CENTERED, UNIT, Data, FitEvent
from kast.analysis.models import (
    ACTIVATION,
    AUGMENTATION,
    FIXED,
    IDENTITY,
    INPUT,
    NORMALIZATION,
    OTHER,
    POOL,
    PREPROCESSING,
    RESHAPE,
    WIDTH,
    WRAPPER,
    Layer,
    Tensor,
)
from kast.analysis.values import UNKNOWN, Const, Fact, Known, Method, Sequence, Value
from kast.libraries.keras import activations
from kast.libraries.keras.names import keras_member


class LayerRow(NamedTuple):
    role: str
    width: str | None = None  # keyword of the width argument, which is also the first positional one
    default_activation: str | None = None  # WIDTH layers: the activation when none is passed
    activation_position: int | None = None  # WIDTH layers: position of `activation` among positional arguments
    activation: str | None = None  # ACTIVATION layers other than Activation: what they apply
    learns: str | None = None  # PREPROCESSING layers: "statistics" or "vocabulary"
    noise: bool = False  # IDENTITY layers that change the values while training (dropout, noise)
    recurrent: bool = False  # a recurrent layer: its tanh and gates are by design


_DENSE = LayerRow(WIDTH, "units", "linear", 1)
_CONV = LayerRow(WIDTH, "filters", "linear")
_RECURRENT = LayerRow(WIDTH, "units", "tanh", recurrent=True)
_NOISE = LayerRow(IDENTITY, noise=True)

LAYERS: dict[str, LayerRow] = {
    "Dense": _DENSE,
    "EinsumDense": LayerRow(WIDTH, None, "linear"),
    "Conv1D": _CONV, "Conv2D": _CONV, "Conv3D": _CONV,
    "Convolution1D": _CONV, "Convolution2D": _CONV, "Convolution3D": _CONV,
    "Conv1DTranspose": _CONV, "Conv2DTranspose": _CONV, "Conv3DTranspose": _CONV,
    "SeparableConv1D": _CONV, "SeparableConv2D": _CONV,
    "SimpleRNN": _RECURRENT, "LSTM": _RECURRENT, "GRU": _RECURRENT,
    # Layers that are an activation and nothing else.
    "Activation": LayerRow(ACTIVATION),
    "Softmax": LayerRow(ACTIVATION, activation="softmax"),
    "ReLU": LayerRow(ACTIVATION, activation="relu"),
    "LeakyReLU": LayerRow(ACTIVATION, activation="leaky_relu"),
    "ELU": LayerRow(ACTIVATION, activation="elu"),
    "PReLU": LayerRow(ACTIVATION, activation="prelu"),
    "ThresholdedReLU": LayerRow(ACTIVATION, activation="relu"),
    # Layers that leave the values as they are at inference time.
    "Dropout": _NOISE, "SpatialDropout1D": _NOISE, "SpatialDropout2D": _NOISE, "SpatialDropout3D": _NOISE,
    "GaussianDropout": _NOISE, "AlphaDropout": _NOISE, "GaussianNoise": _NOISE,
    "ActivityRegularization": LayerRow(IDENTITY), "Identity": LayerRow(IDENTITY),
    # The same values in another shape.
    "Flatten": LayerRow(RESHAPE), "Reshape": LayerRow(RESHAPE), "Permute": LayerRow(RESHAPE),
    "RepeatVector": LayerRow(RESHAPE),
    **{f"Cropping{dims}D": LayerRow(RESHAPE) for dims in (1, 2, 3)},
    "Masking": LayerRow(IDENTITY),
    # Pooling keeps the channels.
    **{f"{kind}{dims}D": LayerRow(POOL)
       for kind in ("GlobalAveragePooling", "GlobalMaxPooling", "MaxPooling", "AveragePooling", "GlobalAvgPool",
                    "GlobalMaxPool", "MaxPool", "AvgPool")
       for dims in (1, 2, 3)},
    "BatchNormalization": LayerRow(NORMALIZATION), "LayerNormalization": LayerRow(NORMALIZATION),
    "GroupNormalization": LayerRow(NORMALIZATION), "UnitNormalization": LayerRow(NORMALIZATION),
    "SyncBatchNormalization": LayerRow(NORMALIZATION),
    "Input": LayerRow(INPUT), "InputLayer": LayerRow(INPUT),
    "TimeDistributed": LayerRow(WRAPPER),
    # Preprocessing layers that learn from the data they are adapted to.
    "Normalization": LayerRow(PREPROCESSING, learns="statistics"),
    "Discretization": LayerRow(PREPROCESSING, learns="statistics"),
    "TextVectorization": LayerRow(PREPROCESSING, learns="vocabulary"),
    "StringLookup": LayerRow(PREPROCESSING, learns="vocabulary"),
    "IntegerLookup": LayerRow(PREPROCESSING, learns="vocabulary"),
    # Fixed transforms of the input.
    "Rescaling": LayerRow(FIXED), "Resizing": LayerRow(FIXED), "CenterCrop": LayerRow(FIXED),
    # Random augmentation, active in training only.
    **{name: LayerRow(AUGMENTATION)
       for name in ("RandomFlip", "RandomRotation", "RandomZoom", "RandomTranslation", "RandomContrast",
                    "RandomBrightness", "RandomCrop", "RandomHeight", "RandomWidth")},
}


# Layers that are an activation and nothing else: class name -> the activation they apply.
ACTIVATION_LAYERS = {name: r.activation for name, r in LAYERS.items() if r.role == ACTIVATION and r.activation}


def row(kind: str) -> LayerRow:
    """The row of a layer class; an unknown layer changes its input in ways kast does not follow."""
    return LAYERS.get(kind) or LayerRow(OTHER)


def learns(value: Value) -> str | None:
    """What a Keras preprocessing layer learns in adapt(): "statistics", "vocabulary" or None."""
    return row(value.kind).learns if isinstance(value, Layer) else None


def make_layer(context: Context, kind: str, args: Args, node: cst.Call) -> Value:
    """`Dense(1, activation="sigmoid")`: a Layer with its width and activation."""
    spec = row(kind)
    units: Fact[int] = UNKNOWN
    activation: Fact[str] = UNKNOWN
    role = spec.role
    if role == WIDTH:
        if spec.width:
            item = args.get(spec.width, 0)
            if item is not None:
                units = int_fact(item[0], item[1].value)
        activation = activations.argument(context, args.get("activation", spec.activation_position),
                                          spec.default_activation or "linear",
                                          args.absent("activation", spec.activation_position), node)
    elif role == ACTIVATION:
        if spec.activation is not None:
            activation = Known(spec.activation, node)
        else:
            activation = activations.argument(context, args.get("activation", 0), None, False, node)
    elif role == RESHAPE and kind == "Reshape":
        units = _last_dimension(args.value("target_shape", 0), node)
    # A Rescaling layer's scaling; "unknown" when its factor is not a literal kast can read.
    scale = (_rescaling(args) or "unknown") if kind == "Rescaling" else None
    # Normalization() learns its statistics in adapt() unless they are given.
    needs_adapt = kind == "Normalization" and args.absent("mean") and args.absent("variance")
    name_arg = args.get("name")
    name: Fact[str] = UNKNOWN
    if name_arg is not None and isinstance(name_arg[0], Const) and isinstance(name_arg[0].value, str):
        name = Known(name_arg[0].value, name_arg[1].value)
    inner = None
    if role == WRAPPER:
        wrapped = args.get("layer", 0)
        inner = wrapped[0] if wrapped is not None and isinstance(wrapped[0], Layer) else None
    layer = Layer(kind, node, units, activation, name, inner, role, scale, needs_adapt=needs_adapt)
    context.picture.layers.append(layer)
    return layer


def _last_dimension(shape: Value | None, node: cst.Call) -> Fact[int]:
    """The last entry of a literal shape (`Reshape((10,))` -> 10)."""
    if isinstance(shape, Sequence) and shape.items:
        return int_fact(shape.items[-1], node)
    return UNKNOWN


def make_input(context: Context, row: object, args: Args, node: cst.Call) -> Value:
    """`keras.Input(shape=...)`: the input tensor of a functional model."""
    return Tensor(node, None)


def _rescaling(args: Args) -> str | None:
    """The fixed scaling of `Rescaling(scale, offset=0.0)`."""
    scale = const(args.value("scale", 0), (int, float))
    offset = const(args.value("offset", 1), (int, float)) if args.get("offset", 1) is not None else 0
    if scale is None or offset is None:
        return None
    if lineage.scales_to_unit(scale) and offset == 0:
        return UNIT
    if lineage.scales_to_half(scale) and offset == -1:
        return CENTERED
    return None


def on_data(context: Context, layer: Layer, data: Data, args: Args, node: cst.Call) -> Value:
    """`layer(x)` on data (eagerly, or in a tf.data map): what it does to the data's facts."""
    if layer.role == FIXED:
        if layer.scale is None:
            return lineage.apply(lineage.KEEP, data, node)  # Resizing, CenterCrop: the pixels keep their scale
        return lineage.scaled(data, node, layer.scale if layer.scale != "unknown" else None)
    if layer.role == AUGMENTATION:
        training = bool_of(args.get("training"), False)
        return data.derived(node, augmented=node) if training else lineage.apply(lineage.KEEP, data, node)
    return lineage.transformed(data, node, layer)


def apply_layer(context: Context, layer: Layer, args: Args, node: cst.Call) -> Value:
    """`layer(x)`: a symbolic tensor for the functional API, or transformed data when called on data."""
    first = args.get("inputs", 0)
    if first is not None and isinstance(first[0], Data):
        return on_data(context, layer, first[0], args, node)
    source = args.positional[0][0] if len(args.positional) == 1 and not args.keywords.get("inputs") else None
    if source is None and "inputs" in args.keywords:
        source = args.keywords["inputs"][0]
    if isinstance(source, Sequence) and source.items and all(isinstance(t, Tensor) for t in source.items):
        return Tensor(node, layer, None, sources=source.items)  # a merge layer: Concatenate()([a, b])
    return Tensor(node, layer, source)


def merge(context: Context, kind: str, args: Args, node: cst.Call) -> Value:
    """`keras.layers.concatenate([a, b])` and the other merge functions."""
    tensors = args.value("inputs", 0)
    layer = Layer(kind, node, role=OTHER)
    if isinstance(tensors, Sequence) and all(isinstance(t, Tensor) for t in tensors.items):
        return Tensor(node, layer, None, sources=tensors.items)
    return Tensor(node, layer, None, opaque=True)


def adapt(context: Context, method: Method, args: Args, node: cst.Call) -> Value:
    """`layer.adapt(data)`: a preprocessing layer learns from `data`."""
    item = args.get("data", 0)
    if item is not None:
        context.picture.fit_events.append(FitEvent(method.receiver, item[0], node, item[1].value,
                                                   context.picture.tick()))
    return Const(None)


METHODS = {Layer: {"adapt": adapt}}


# The function forms of the merge layers.
MERGE_FUNCTIONS = frozenset({"concatenate", "add", "subtract", "multiply", "average", "maximum", "minimum", "dot"})


def resolve(qualname: str) -> Callee | None:
    """Every class under `keras.layers` is a layer; `keras.Input` makes an input tensor."""
    if qualname in ("keras.Input", "keras.layers.Input"):
        return Callee(make_input)
    kind = keras_member(qualname, "layers")
    if kind is not None and kind[:1].isupper():
        return Callee(make_layer, kind)
    if kind in MERGE_FUNCTIONS:
        return Callee(merge, kind)
    return None

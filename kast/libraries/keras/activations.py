"""Keras activations: the names Keras accepts, and what kast needs to know of each."""

from __future__ import annotations

import libcst as cst

from kast.analysis.calls import Context
from kast.analysis.models import ACTIVATION, Layer
from kast.analysis.picture import KerasString
from kast.analysis.values import UNKNOWN, Const, Fact, Known, Ref, Value
from kast.libraries.keras.names import keras_member

# Activations whose output is a probability (sigmoid) or a distribution (softmax).
PROBABILITY = frozenset({"sigmoid", "softmax"})
# Activations whose output is not confined to [0, 1].
UNBOUNDED = frozenset({"relu", "tanh", "elu", "selu", "softplus", "leaky_relu", "swish", "silu", "gelu", "exponential"})
IDENTITY = frozenset({"linear"})
# Activations that leave values in [0, 1] as they are (after a sigmoid or softmax they change nothing).
IDENTITY_ON_UNIT_INTERVAL = frozenset({"linear", "relu", "relu6", "elu", "leaky_relu", "prelu"})

# The strings (and function names) Keras resolves, by the canonical activation they mean.
ALIASES = {
    "linear": "linear",
    "sigmoid": "sigmoid",
    "softmax": "softmax",
    "relu": "relu",
    "tanh": "tanh",
    "elu": "elu",
    "selu": "selu",
    "softplus": "softplus",
    "softsign": "softsign",
    "leaky_relu": "leaky_relu",
    "leakyrelu": "leaky_relu",
    "swish": "swish",
    "silu": "silu",
    "gelu": "gelu",
    "exponential": "exponential",
    "exp": "exponential",
    "hard_sigmoid": "hard_sigmoid",
    "hard_silu": "hard_silu",
    "hard_swish": "hard_swish",
    "relu6": "relu6",
    "mish": "mish",
    "log_softmax": "log_softmax",
    "log_sigmoid": "log_sigmoid",
    "celu": "celu",
    "glu": "glu",
    "sparse_plus": "sparse_plus",
    "sparsemax": "sparsemax",
    "squareplus": "squareplus",
    "soft_shrink": "soft_shrink",
    "hard_shrink": "hard_shrink",
    "tanh_shrink": "tanh_shrink",
    "threshold": "threshold",
    "hard_tanh": "hard_tanh",
}

# Modules whose functions of these names are the activations (`tf.nn.sigmoid`, `keras.ops.softmax`).
FUNCTION_MODULES = ("tensorflow.nn.", "tensorflow.math.", "tensorflow.", "keras.ops.", "keras.ops.nn.", "jax.nn.",
                    "torch.")


def from_string(text: str) -> str | None:
    """Canonical activation for a string Keras accepts; None for an unknown name."""
    return ALIASES.get(text.lower()) if text.lower() == text else None


def from_qualname(qualname: str) -> str | None:
    """Canonical activation of a function reference (`tf.nn.sigmoid`, `keras.activations.softmax`)."""
    name = keras_member(qualname, "activations")
    if name is None:
        for module in FUNCTION_MODULES:
            if qualname.startswith(module) and qualname.count(".") == module.count("."):
                name = qualname[len(module):]
                break
    if name is None:
        return None
    return ALIASES.get(name)


def argument(context: Context, item: tuple[Value, cst.Arg] | None, default: str | None, absent: bool,
             call: cst.Call) -> Fact[str]:
    """The activation an `activation=` argument states (`default` when certainly absent)."""
    if item is None:
        return Known(default, call) if absent and default is not None else UNKNOWN
    value, arg = item
    where = arg.value
    if isinstance(value, Const):
        if value.value is None:
            return Known("linear", where)
        if isinstance(value.value, str):
            context.picture.keras_strings.append(KerasString("activation", value.value, where))
            name = from_string(value.value)
            return Known(name, where) if name else UNKNOWN
        return UNKNOWN
    if isinstance(value, Ref):
        name = from_qualname(value.qualname)
        return Known(name, where) if name else UNKNOWN
    if isinstance(value, Layer) and value.role == ACTIVATION and value.kind != "Activation" \
            and isinstance(value.activation, Known):
        return Known(value.activation.value, where)  # activation=layers.LeakyReLU()
    return UNKNOWN

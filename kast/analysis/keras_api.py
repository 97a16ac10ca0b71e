"""What kast knows about the Keras API: qualified names, activations, losses, metrics.

Every imported name is turned into a canonical dotted path first
(`tensorflow.keras.layers.Dense`, `tf_keras.layers.Dense` and
`keras.layers.core.Dense` all become `keras.layers.Dense`), so that the rest of
the analysis speaks one dialect whatever the import style.
"""

from __future__ import annotations

# Prefixes under which the Keras API lives, longest first.
_KERAS_PREFIXES = (
    "tensorflow.compat.v1.keras",
    "tensorflow.compat.v2.keras",
    "tensorflow.python.keras",
    "tensorflow.keras",
    "keras.api._v2.keras",
    "keras.api.keras",
    "keras.src",
    "keras.api",
    "tf_keras.src",
    "tf_keras",
)

# Keras 2 kept classes in sub-modules (keras.layers.core.Dense); fold them away.
_SUBMODULE_GROUPS = ("layers", "losses", "metrics", "optimizers", "activations", "models", "utils", "applications")


# TensorFlow 2 re-exports some Keras modules under its own name (tf.optimizers, tf.losses).
_TF_ALIASES = ("optimizers", "losses", "metrics")


def canonical(qualname: str) -> str:
    """The canonical dotted name of an imported object."""
    for group in _TF_ALIASES:
        prefix = f"tensorflow.{group}"
        if qualname == prefix or qualname.startswith(prefix + "."):
            return "keras." + qualname[len("tensorflow."):]
    for prefix in _KERAS_PREFIXES:
        if qualname == prefix or qualname.startswith(prefix + "."):
            qualname = "keras" + qualname[len(prefix):]
            break
    if qualname.startswith("keras."):
        parts = qualname.split(".")
        if len(parts) > 3 and parts[1] in _SUBMODULE_GROUPS and parts[1] not in ("applications", "optimizers"):
            # keras.layers.core.dense.Dense -> keras.layers.Dense
            qualname = f"keras.{parts[1]}.{parts[-1]}"
        elif len(parts) > 3 and parts[1] == "engine":
            qualname = f"keras.models.{parts[-1]}"
    return qualname


def keras_member(qualname: str, group: str) -> str | None:
    """`Dense` for `keras.layers.Dense` and group "layers"; None when not in the group."""
    prefix = f"keras.{group}."
    if qualname.startswith(prefix):
        return qualname.rsplit(".", 1)[1]
    return None


def is_keras(qualname: str) -> bool:
    return qualname == "keras" or qualname.startswith("keras.")


SEQUENTIAL = frozenset({"keras.Sequential", "keras.models.Sequential"})
FUNCTIONAL_MODEL = frozenset({"keras.Model", "keras.models.Model"})
INPUT = frozenset({"keras.Input", "keras.layers.Input", "keras.layers.InputLayer"})
LOAD_MODEL = frozenset({"keras.models.load_model", "keras.saving.load_model"})

# ---------------------------------------------------------------- activations

# The activations kast reasons about, by canonical name.
PROBABILITY_ACTIVATIONS = frozenset({"sigmoid", "softmax"})
UNBOUNDED_ACTIVATIONS = frozenset(
    {"relu", "tanh", "elu", "selu", "softplus", "leaky_relu", "swish", "silu", "gelu", "exponential"}
)

_ACTIVATION_ALIASES = {
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


def activation_from_string(text: str) -> str | None:
    """Canonical activation for a string Keras accepts; None for an unknown name."""
    return _ACTIVATION_ALIASES.get(text.lower()) if text.lower() == text else None


def activation_from_qualname(qualname: str) -> str | None:
    """Canonical activation of a function reference (`tf.nn.sigmoid`, `keras.activations.softmax`)."""
    name = keras_member(qualname, "activations")
    if name is None:
        for module in ("tensorflow.nn.", "tensorflow.math.", "tensorflow.", "keras.ops.", "keras.ops.nn.", "jax.nn.", "torch."):
            if qualname.startswith(module) and qualname.count(".") == module.count("."):
                name = qualname[len(module):]
                break
    if name is None:
        return None
    return _ACTIVATION_ALIASES.get(name)


# Layers that are nothing but an activation: canonical class -> activation.
ACTIVATION_LAYERS = {
    "Softmax": "softmax",
    "ReLU": "relu",
    "LeakyReLU": "leaky_relu",
    "ELU": "elu",
    "PReLU": "prelu",
    "ThresholdedReLU": "relu",
}

# Layers that leave the values of the layer before them as they are at inference
# time (the output activation shows through them).
PASS_THROUGH_LAYERS = frozenset(
    {"Dropout", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D", "GaussianDropout",
     "AlphaDropout", "GaussianNoise", "ActivityRegularization", "Identity"}
)

# Layers whose output width is their first argument, and whose activation is a keyword.
UNIT_ARGUMENT = {
    "Dense": "units",
    "EinsumDense": None,
    "Conv1D": "filters",
    "Conv2D": "filters",
    "Conv3D": "filters",
    "Conv1DTranspose": "filters",
    "Conv2DTranspose": "filters",
    "Conv3DTranspose": "filters",
    "SeparableConv1D": "filters",
    "SeparableConv2D": "filters",
    "SimpleRNN": "units",
    "LSTM": "units",
    "GRU": "units",
}
# Default activation when the keyword is absent (Dense and convolutions: linear).
DEFAULT_ACTIVATION = {"SimpleRNN": "tanh", "LSTM": "tanh", "GRU": "tanh"}
# Position of the activation among positional arguments, where it is a common spelling.
ACTIVATION_POSITION = {"Dense": 1}

# Layers that merely mark the input of a Sequential model.
INPUT_LAYERS = frozenset({"Input", "InputLayer"})

# ---------------------------------------------------------------------- losses

PROBABILITY_LOSSES = frozenset(
    {"binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy",
     "binary_focal_crossentropy", "categorical_focal_crossentropy", "kl_divergence"}
)
# The probability losses whose class takes from_logits=True (KLDivergence does not).
LOGITS_LOSSES = PROBABILITY_LOSSES - {"kl_divergence"}
BINARY_LOSSES = frozenset({"binary_crossentropy", "binary_focal_crossentropy"})
CATEGORICAL_LOSSES = frozenset({"categorical_crossentropy", "categorical_focal_crossentropy"})
REGRESSION_LOSSES = frozenset(
    {"mean_squared_error", "mean_absolute_error", "mean_absolute_percentage_error",
     "mean_squared_logarithmic_error", "huber", "log_cosh"}
)

# Strings `compile(loss=...)` accepts (case-sensitive), and function names in keras.losses.
_LOSS_NAMES = {
    "binary_crossentropy": "binary_crossentropy",
    "bce": "binary_crossentropy",
    "BCE": "binary_crossentropy",
    "categorical_crossentropy": "categorical_crossentropy",
    "sparse_categorical_crossentropy": "sparse_categorical_crossentropy",
    "binary_focal_crossentropy": "binary_focal_crossentropy",
    "categorical_focal_crossentropy": "categorical_focal_crossentropy",
    "kl_divergence": "kl_divergence",
    "kld": "kl_divergence",
    "KLD": "kl_divergence",
    "kullback_leibler_divergence": "kl_divergence",
    "mean_squared_error": "mean_squared_error",
    "mse": "mean_squared_error",
    "MSE": "mean_squared_error",
    "mean_absolute_error": "mean_absolute_error",
    "mae": "mean_absolute_error",
    "MAE": "mean_absolute_error",
    "mean_absolute_percentage_error": "mean_absolute_percentage_error",
    "mape": "mean_absolute_percentage_error",
    "MAPE": "mean_absolute_percentage_error",
    "mean_squared_logarithmic_error": "mean_squared_logarithmic_error",
    "msle": "mean_squared_logarithmic_error",
    "MSLE": "mean_squared_logarithmic_error",
    "huber": "huber",
    "huber_loss": "huber",
    "log_cosh": "log_cosh",
    "logcosh": "log_cosh",
    "hinge": "hinge",
    "squared_hinge": "squared_hinge",
    "categorical_hinge": "categorical_hinge",
    "poisson": "poisson",
    "cosine_similarity": "cosine_similarity",
}
# Loss classes -> canonical loss.
_LOSS_CLASSES = {
    "BinaryCrossentropy": "binary_crossentropy",
    "CategoricalCrossentropy": "categorical_crossentropy",
    "SparseCategoricalCrossentropy": "sparse_categorical_crossentropy",
    "BinaryFocalCrossentropy": "binary_focal_crossentropy",
    "CategoricalFocalCrossentropy": "categorical_focal_crossentropy",
    "KLDivergence": "kl_divergence",
    "MeanSquaredError": "mean_squared_error",
    "MeanAbsoluteError": "mean_absolute_error",
    "MeanAbsolutePercentageError": "mean_absolute_percentage_error",
    "MeanSquaredLogarithmicError": "mean_squared_logarithmic_error",
    "Huber": "huber",
    "LogCosh": "log_cosh",
    "Hinge": "hinge",
    "SquaredHinge": "squared_hinge",
    "CategoricalHinge": "categorical_hinge",
    "Poisson": "poisson",
    "CosineSimilarity": "cosine_similarity",
}
# Loss classes whose first positional parameter is from_logits.
FROM_LOGITS_FIRST = frozenset({"BinaryCrossentropy", "CategoricalCrossentropy", "SparseCategoricalCrossentropy"})


_CLASS_OF_LOSS = {canonical: name for name, canonical in _LOSS_CLASSES.items()}


def loss_class_name(canonical: str) -> str | None:
    """The keras.losses class of a canonical loss (`binary_crossentropy` -> `BinaryCrossentropy`)."""
    return _CLASS_OF_LOSS.get(canonical)


def loss_from_string(text: str) -> str | None:
    return _LOSS_NAMES.get(text) or _LOSS_CLASSES.get(text)


def loss_function(qualname: str) -> str | None:
    """Canonical loss of a function reference such as `keras.losses.binary_crossentropy`."""
    name = keras_member(qualname, "losses") or keras_member(qualname, "metrics")
    return _LOSS_NAMES.get(name) if name else None


def loss_class(qualname: str) -> str | None:
    """Canonical loss of a loss class such as `keras.losses.BinaryCrossentropy`."""
    name = keras_member(qualname, "losses")
    return _LOSS_CLASSES.get(name) if name else None


# --------------------------------------------------------------------- metrics

CLASSIFICATION_METRIC_STRINGS = frozenset(
    {"accuracy", "acc", "binary_accuracy", "categorical_accuracy", "sparse_categorical_accuracy"}
)
CLASSIFICATION_METRIC_CLASSES = frozenset(
    {"Accuracy", "BinaryAccuracy", "CategoricalAccuracy", "SparseCategoricalAccuracy"}
)

"""K101 logits-into-probability-loss: an output layer without activation feeds a probability loss.

## What it does
Checks models whose output layer has no activation (or `activation="linear"`
/ `None`) and that are compiled with a probability loss
(`binary_crossentropy`, `categorical_crossentropy`,
`sparse_categorical_crossentropy`, the focal variants or `kl_divergence`)
while `from_logits` is False.

## Why is this bad?
Those losses expect probabilities in [0, 1].  Keras clips the raw scores of a
linear layer into that range, so every negative score counts as 0 and every
score above 1 as 1: gradients vanish, training stalls or goes the wrong way,
and `predict()` returns unbounded scores that are not probabilities, so a
`> 0.5` threshold or `argmax` on them means something else than intended.

## Example
```python
model = keras.Sequential([layers.Input((20,)), layers.Dense(1)])
model.compile(loss="binary_crossentropy", optimizer="adam")
```

Use instead:
```python
model = keras.Sequential([layers.Input((20,)), layers.Dense(1, activation="sigmoid")])
model.compile(loss="binary_crossentropy", optimizer="adam")
```
or keep the logits and say so:
`loss=keras.losses.BinaryCrossentropy(from_logits=True)`.

## Fix safety
The fix adds `activation="sigmoid"` (binary losses) or `"softmax"` to the
output layer. It is unsafe: keeping the logits and passing `from_logits=True`
to the loss is just as right, and the model's outputs (and any threshold
applied to them) change meaning.
"""

from __future__ import annotations

from typing import Iterator

import libcst as cst

from kast.analysis.picture import Picture, trained_outputs
from kast.diagnostics import Severity
from kast.libraries.keras import losses as keras_losses
from kast.rules import edits
from kast.rules.base import Finding, Fires, FixPlan, snippet

CODE = "K101"
NAME = "logits-into-probability-loss"
SEVERITY = Severity.ERROR

FIRES = (
    Fires("""
import keras
from keras import layers
model = keras.Sequential([layers.Input((8,)), layers.Dense(16, activation="relu"), layers.Dense(1)])
model.compile(optimizer="adam", loss="binary_crossentropy")
""", line=4, fixed='layers.Dense(1, activation="sigmoid")'),
    Fires("""
import tensorflow as tf
inputs = tf.keras.Input(shape=(4,))
outputs = tf.keras.layers.Dense(3, activation=None)(inputs)
model = tf.keras.Model(inputs, outputs)
model.compile(optimizer="adam", loss=tf.keras.losses.CategoricalCrossentropy())
""", line=4, fixed='"softmax"'),
    Fires("""
from tensorflow.keras.models import Sequential
from tensorflow.keras.layers import Dense
model = Sequential()
model.add(Dense(32, activation="relu", input_shape=(10,)))
model.add(Dense(5, activation="softmax"))
model.add(Dense(5))
model.compile(loss="sparse_categorical_crossentropy", optimizer="adam")
""", line=7, fixed='Dense(5, activation="softmax")'),
)
SILENT = (
    """
import keras
from keras import layers
model = keras.Sequential([layers.Input((8,)), layers.Dense(1)])
model.compile(optimizer="adam", loss=keras.losses.BinaryCrossentropy(from_logits=True))
""",
    """
import keras
from keras import layers
model = keras.Sequential([layers.Input((8,)), layers.Dense(1)])
model.compile(optimizer="adam", loss="mse")
""",
    """
import keras
from keras import layers
model = keras.Sequential([layers.Input((8,)), layers.Dense(1), layers.Activation("sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy")
""",
    """
import keras
def build(act):
    return keras.Sequential([keras.layers.Dense(1, activation=act)])
model = build(get_activation())
model.compile(optimizer="adam", loss="binary_crossentropy")
""",
)


def check(picture: Picture) -> Iterator[Finding]:
    for trained in trained_outputs(picture):
        if trained.activation != "linear" or not trained.loss.is_probability or trained.from_logits is not False:
            continue
        binary = trained.loss.name in keras_losses.BINARY_LOSSES
        wanted = "sigmoid" if binary else "softmax"
        loss_class = keras_losses.class_name(trained.loss.name) \
            if trained.loss.name in keras_losses.LOGITS else None
        logits_fix = (f", or keep the logits and use keras.losses.{loss_class}(from_logits=True)"
                      f" (then apply {wanted} to predict() output)") if loss_class else ""
        yield Finding(
            fix=_add_activation(trained.output.node, trained.activation_node, wanted),
            node=trained.output.node,
            message=(
                f"The output layer `{snippet(picture, trained.output.node)}` has no activation, so the model "
                f"outputs raw logits, but '{trained.loss.name}' expects probabilities (from_logits=False): "
                "Keras clips the logits into [0, 1], training optimises the wrong objective and predict() "
                "returns scores, not probabilities."
            ),
            hint=f"Add activation=\"{wanted}\" to the output layer{logits_fix}.",
            related=((trained.loss.node, f"'{trained.loss.name}' set here, from_logits=False"),),
        )


def _add_activation(layer: cst.CSTNode, activation: cst.CSTNode, wanted: str) -> FixPlan | None:
    """Give the output layer the activation the loss expects (unsafe: from_logits=True is the other way)."""
    if activation is layer:
        replacement = edits.with_keyword(layer, "activation", f'"{wanted}"') if isinstance(layer, cst.Call) else None
        target: cst.CSTNode = layer
    else:
        replacement = edits.activation_replaced(activation, wanted)
        target = activation
    if replacement is None:
        return None
    return FixPlan(f'add activation="{wanted}" to the output layer', False, ((target, replacement),))

"""K107 unbounded-output-for-probability-loss: relu, tanh or another unbounded activation feeds a probability loss.

## What it does
Checks models whose output activation is relu, tanh, elu, selu, softplus,
leaky relu, swish/silu, gelu or exponential while the loss is a probability
loss with `from_logits` False.

## Why is this bad?
The loss expects probabilities in [0, 1].  A relu output is 0 for half its
inputs (clipped to log(1e-7), with zero gradient), tanh goes negative, the
others exceed 1: Keras clips them silently, training gets stuck or diverges,
and `predict()` returns values that are not probabilities.

## Example
```python
model.add(layers.Dense(1, activation="relu"))
model.compile(loss="binary_crossentropy")
```

Use instead:
```python
model.add(layers.Dense(1, activation="sigmoid"))
model.compile(loss="binary_crossentropy")
```

## Fix safety
The fix replaces the output activation with sigmoid (binary losses) or
softmax. It is unsafe: the user may prefer linear logits with
`from_logits=True`.
"""

from __future__ import annotations

from typing import Iterator

from kast.analysis.picture import Picture, trained_outputs
from kast.diagnostics import Severity
from kast.libraries.keras import activations as keras_activations
from kast.libraries.keras import losses as keras_losses
from kast.rules import edits
from kast.rules.base import Finding, Fires, FixPlan, snippet

CODE = "K107"
NAME = "unbounded-output-for-probability-loss"
SEVERITY = Severity.ERROR

FIRES = (
    Fires("""
from tensorflow.keras.layers import Dense
from tensorflow.keras.models import Sequential
model = Sequential()
model.add(Dense(8, activation="relu", input_shape=(4,)))
model.add(Dense(1, activation="relu"))
model.compile(optimizer="adam", loss="binary_crossentropy")
""", line=6, fixed='"sigmoid"'),
    Fires("""
import tensorflow as tf
inputs = tf.keras.Input((4,))
outputs = tf.keras.layers.Dense(5, activation="tanh")(inputs)
model = tf.keras.Model(inputs, outputs)
model.compile(loss=tf.keras.losses.SparseCategoricalCrossentropy())
""", line=4, fixed='"softmax"'),
)
SILENT = (
    """
from tensorflow.keras.layers import Dense
from tensorflow.keras.models import Sequential
model = Sequential([Dense(1, activation="relu")])
model.compile(optimizer="adam", loss="mse")
""",
    """
from tensorflow.keras.layers import Dense
from tensorflow.keras.models import Sequential
model = Sequential([Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy")
""",
)


def check(picture: Picture) -> Iterator[Finding]:
    for trained in trained_outputs(picture):
        activation = trained.activation
        if activation not in keras_activations.UNBOUNDED:
            continue
        if not trained.loss.is_probability or trained.from_logits is not False:
            continue
        wanted = "sigmoid" if trained.loss.name in keras_losses.BINARY_LOSSES else "softmax"
        replacement = edits.activation_replaced(trained.activation_node, wanted) \
            if trained.activation_node is not trained.output.node else None
        yield Finding(
            fix=FixPlan(f'use activation "{wanted}"', False, ((trained.activation_node, replacement),))
            if replacement is not None else None,
            node=trained.activation_node,
            message=(
                f"The output `{snippet(picture, trained.output.node)}` uses {activation}, which is not bounded "
                f"to [0, 1], but '{trained.loss.name}' expects probabilities: Keras clips the outputs, "
                "gradients vanish or explode and predict() does not return probabilities."
            ),
            hint=f"Use activation=\"{wanted}\" on the output layer (or no activation with from_logits=True).",
            related=((trained.loss.node, f"'{trained.loss.name}' set here"),),
        )

"""K103 single-unit-categorical-loss: categorical crossentropy on a one-unit output.

## What it does
Checks models with a one-unit output trained with `categorical_crossentropy`
(or the categorical focal variant), not the sparse one.

## Why is this bad?
Categorical crossentropy sums `-y * log(p)` over the classes of the last
axis.  With one unit, after Keras normalises the prediction to sum to 1, the
loss is constant (0 for every sample): no gradient flows and the model learns
nothing, while training looks calm.  A single unit means a binary problem.

## Example
```python
model.add(layers.Dense(1, activation="sigmoid"))
model.compile(loss="categorical_crossentropy", optimizer="adam")
```

Use instead:
```python
model.add(layers.Dense(1, activation="sigmoid"))
model.compile(loss="binary_crossentropy", optimizer="adam")
```

## Fix safety
The fix replaces the categorical loss with its binary counterpart
(`binary_crossentropy`, `BinaryCrossentropy(...)` with the same arguments). It
is safe: a categorical loss over one unit is constant, so the model learnt
nothing the change could lose.
"""

from __future__ import annotations

from typing import Iterator

from kast.analysis.picture import Picture, trained_outputs
from kast.diagnostics import Severity
from kast.libraries.keras import losses as keras_losses
from kast.rules import edits
from kast.rules.base import Finding, Fires, FixPlan, snippet

CODE = "K103"
NAME = "single-unit-categorical-loss"
SEVERITY = Severity.ERROR

FIRES = (
    Fires("""
from tensorflow import keras
model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="categorical_crossentropy")
""", line=4, fixed='"binary_crossentropy"'),
    Fires("""
import tensorflow as tf
N = 2
model = tf.keras.Sequential([tf.keras.layers.Dense(N - 1, activation="sigmoid")])
model.compile(optimizer="adam", loss=tf.keras.losses.CategoricalCrossentropy())
""", line=5, fixed='tf.keras.losses.BinaryCrossentropy()'),
)
SILENT = (
    """
from tensorflow import keras
model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy")
""",
    """
from tensorflow import keras
model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(3, activation="softmax")])
model.compile(optimizer="adam", loss="categorical_crossentropy")
""",
)


def check(picture: Picture) -> Iterator[Finding]:
    for trained in trained_outputs(picture):
        if trained.units != 1 or trained.loss.name not in keras_losses.CATEGORICAL_LOSSES:
            continue
        binary = trained.loss.name.replace("categorical", "binary")
        replacement = edits.loss_replaced(trained.loss.node, binary)
        yield Finding(
            fix=FixPlan(f"use the {binary} loss", True, ((trained.loss.node, replacement),))
            if replacement is not None else None,
            node=trained.loss.node,
            message=(
                f"'{trained.loss.name}' on the one-unit output `{snippet(picture, trained.output.node)}` is "
                "constant: the single class always sums to 1, so no gradient flows and the model learns nothing."
            ),
            hint="For a binary target use loss=\"binary_crossentropy\" with a sigmoid output; for N classes "
                 "use N output units with softmax.",
            related=((trained.output.node, "one-unit output layer"),),
        )
